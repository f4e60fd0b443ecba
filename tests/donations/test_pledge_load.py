"""Load without loss: many donors pledge on one need at the same moment, over HTTP.

Twenty-four donors, each in a thread with its own connection, session and CSRF cookie,
pledge 1.000.000 ₫ to a need that still lacks 10.000.000 ₫, through the real give page on
a live server. Exactly ten pledges must go in, the need must be fully funded and never
over, every other donor must get the form back with what is still missing (not a 500),
and a donor who submits the same form twice must make one pledge."""

import http.client
import re
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.db import connection

from donations.models import Pledge
from needs.models import Need
from tests.needs.factories import NeedFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]

DONORS = 24


def _open(opener, request, attempts=5):
    """Open, pressing again when the connection itself failed (the test server's listen
    queue is short). Pressing again is safe: the form's submission token makes the same
    pledge, which is what a donor whose page did not load would do."""
    for attempt in range(attempts):
        try:
            return opener.open(request, timeout=60)
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def _donor(base: str, need_id: int, index: int, results: list, barrier: threading.Barrier):
    try:
        _give(base, need_id, index, results, barrier)
    except Exception as error:  # recorded, so a lost donor fails the test with the reason
        results.append((index, "error", repr(error)))


def _give(base: str, need_id: int, index: int, results: list, barrier: threading.Barrier):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    url = f"{base}/donations/give/{need_id}/"
    form = _open(opener, url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    submission = re.search(r'name="submission_token" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "submission_token": submission,
            "kind": "money",
            "amount": "1000000",
            "name": f"Nhà hảo tâm {index}",
            "email": f"donor{index}@example.vn",
            "phone": "",
            "message": "",
            "goods_description": "",
        }
    ).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310 (http on loopback)
    barrier.wait()
    repeats = 2 if index == 0 else 1  # the first donor double-clicks
    for _ in range(repeats):
        try:
            response = _open(opener, request)
            results.append((index, response.status, response.geturl()))
        except urllib.error.HTTPError as error:
            results.append((index, error.code, url))


def test_many_donors_on_one_need_neither_over_fund_nor_lose_a_pledge(live_server, settings):
    settings.ACCOUNT_RATE_LIMITS = False  # every donor here comes from 127.0.0.1
    need = NeedFactory(status="verified", items=[("Bàn ghế", 10, "bộ", 1_000_000)])
    results, barrier = [], threading.Barrier(DONORS, timeout=60)
    threads = [
        threading.Thread(target=_donor, args=(live_server.url, need.pk, i, results, barrier)) for i in range(DONORS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    statuses = [status for _i, status, _url in results]
    assert "error" not in statuses, [r for r in results if r[1] == "error"]
    assert 500 not in statuses and len(results) == DONORS + 1
    need.refresh_from_db()
    pledges = Pledge.objects.filter(need=need, status=Pledge.Status.PLEDGED)
    assert pledges.count() == 10
    assert need.amount_pledged == 10_000_000 == need.amount_requested
    assert need.status == Need.Status.FUNDED
    # Those who got in landed on their pledge's page; the rest got the form again.
    landed = [url for _i, _status, url in results if "/donations/pledges/" in url]
    assert len({url for url in landed}) == 10
    assert len([1 for index, *_ in results if index == 0]) == 2
    assert Pledge.objects.filter(need=need, donor_email="donor0@example.vn").count() <= 1
