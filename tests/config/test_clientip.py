"""The visitor's address behind the load balancer (core/clientip.py, issue 19 finding 9):
X-Forwarded-For is believed only from a trusted proxy, and every limit counts the
address it finds."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.clientip import client_ip
from tests.accounts.factories import PASSWORD, UserFactory
from tests.needs.factories import NeedFactory

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8:ffff::/48"]


def address(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("198.51.100.20", "1.2.3.4") == "198.51.100.20"
    assert address("10.0.0.5", "1.2.3.4") == "10.0.0.5"


def test_it_takes_the_right_most_address_that_is_not_a_trusted_proxy(behind_proxy):
    assert address(PROXY, "198.51.100.20") == "198.51.100.20"
    # A client that writes the header itself: its lie is left of what the proxy appended.
    assert address(PROXY, "1.2.3.4, 198.51.100.20") == "198.51.100.20"
    # Two proxies of ours in a row.
    assert address(PROXY, "1.2.3.4, 198.51.100.20, 10.0.0.9") == "198.51.100.20"
    assert address("2001:db8:ffff::1", "[2001:db8::7]:443") == "2001:db8::7"
    assert address(PROXY, "198.51.100.20:5678") == "198.51.100.20"
    assert address(PROXY, "::ffff:198.51.100.20") == "198.51.100.20"


def test_it_stops_at_anything_unreadable_or_missing(behind_proxy):
    assert address(PROXY, "198.51.100.20, <script>") == PROXY
    assert address(PROXY, "") == PROXY
    assert address(PROXY) == PROXY
    assert address(PROXY, "10.0.0.7, 10.0.0.8") == "10.0.0.7"  # only our proxies: the farthest


def test_a_spoofed_header_from_an_untrusted_client_is_ignored(behind_proxy):
    assert address("198.51.100.20", "10.0.0.1") == "198.51.100.20"
    assert address("198.51.100.20", "203.0.113.1") == "198.51.100.20"


def test_a_client_cannot_escape_the_pledge_limit_by_writing_the_header(client, area, behind_proxy):
    url = reverse("donations:give", args=[NeedFactory(school=area.school_a).pk])
    statuses = [
        client.post(url, {}, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(11)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_two_clients_behind_the_trusted_proxy_are_limited_separately(client, area, behind_proxy):
    url = reverse("donations:give", args=[NeedFactory(school=area.school_a).pk])
    flood = [client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code for _ in range(11)]
    assert flood[10] == 429
    # Another visitor through the same load balancer is not held back by the first.
    assert client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 200


def test_the_login_lockout_counts_the_visitor_behind_the_proxy(client, behind_proxy, db):
    user = UserFactory(email="co.lan@truong.edu.vn")
    url = reverse("account_login")

    def login(visitor, password):
        data = {"login": user.email, "password": password}
        return client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor)

    for _ in range(5):
        assert login("203.0.113.7", "sai-mat-khau").status_code == 200
    assert login("203.0.113.7", PASSWORD).status_code == 429
    assert login("198.51.100.20", PASSWORD).status_code == 302


def test_the_open_data_limit_counts_the_visitor_behind_the_proxy(client, settings, behind_proxy, db):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "open_data": "3/m/ip"}
    url = reverse("opendata:needs")
    statuses = [client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 200
