"""Cached figures: kept until their namespace changes, computed anyway when the cache is down."""

import pytest
from django.test import override_settings
from django.urls import reverse

from core.cache import bump, cached, versions
from needs.models import Need
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory

DOWN = {
    "default": {
        # Nothing listens on port 1: every cache call fails at once.
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_a_value_is_kept_until_its_namespace_is_bumped(db, django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("figure", ("area:1",), compute, timeout=60) == 1
    assert cached("figure", ("area:1",), compute, timeout=60) == 1
    with django_capture_on_commit_callbacks(execute=True):
        bump("area:2")
    assert cached("figure", ("area:1",), compute, timeout=60) == 1
    with django_capture_on_commit_callbacks(execute=True):
        bump("area:1")
    assert cached("figure", ("area:1",), compute, timeout=60) == 2


def test_a_bump_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    before = versions("area:9")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bump("area:9")
    assert versions("area:9") == before  # a reader before the commit keeps the old value
    for callback in callbacks:
        callback()
    assert versions("area:9") != before


def test_with_the_cache_down_values_are_computed():
    with override_settings(CACHES=DOWN):
        assert cached("figure", ("area:1",), lambda: 42, timeout=60) == 42
        assert versions("area:1") == "x"


@pytest.mark.parametrize("name", ["needs:list", "schools:list", "home"])
def test_public_pages_render_with_the_cache_down(client, area, name):
    NeedFactory(school=area.school_a, title="Bể nước cho điểm trường")
    with override_settings(CACHES=DOWN):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_the_dashboard_renders_with_the_cache_down(client, area):
    NeedFactory(school=area.school_a)
    client.force_login(area.officer_province)
    with override_settings(CACHES=DOWN):
        response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert response.context["headline"]["schools"] == 2


# --- the page cache ---------------------------------------------------------------


def test_a_need_page_is_served_from_the_cache_until_the_need_changes(
    client, area, django_assert_num_queries, django_capture_on_commit_callbacks
):
    need = NeedFactory(school=area.school_a, title="Bể nước cho điểm trường")
    url = need.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "Bể nước cho điểm trường" in response.content.decode()
    # A pledge changes the money on the page: the next visitor sees it.
    with django_capture_on_commit_callbacks(execute=True):
        PledgeFactory(need=need, amount=700_000)
        Need.objects.filter(pk=need.pk).update(amount_pledged=700_000)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "700.000" in response.content.decode()


def test_a_school_page_follows_its_profile_and_its_needs(client, area, django_capture_on_commit_callbacks):
    url = area.school_a.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        area.school_a.pupils = 4321
        area.school_a.save()
    assert "4.321" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        NeedFactory(school=area.school_a, title="Tủ sách mới")
    assert "Tủ sách mới" in client.get(url).content.decode()


def test_signed_in_visitors_never_get_a_kept_page(client, area):
    need = NeedFactory(school=area.school_a)
    client.get(need.get_absolute_url())  # kept for visitors
    client.force_login(area.staff_a)
    response = client.get(need.get_absolute_url())
    assert "X-Page-Cache" not in response
    # The school's own view shows what visitors do not: the actions on the need.
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_a_page_with_messages_or_a_csrf_token_is_not_kept(client, area):
    client.cookies["messages"] = "x"
    assert "X-Page-Cache" not in client.get(reverse("needs:list"))
    del client.cookies["messages"]
    # The give page carries a form with a CSRF token: personal, never kept.
    need = NeedFactory(school=area.school_a)
    response = client.get(reverse("donations:give", args=[need.pk]))
    assert response.status_code == 200
    assert response.get("X-Page-Cache") in (None,)


def test_after_a_failure_a_hung_redis_is_skipped_for_a_while_then_tried_again(settings):
    from unittest import mock

    import redis
    from django.core.cache.backends.redis import RedisCache

    from core.cache_backend import ResilientRedisCache

    settings.CACHE_OPEN_SECONDS = 5
    backend = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 0.2}})
    hung = mock.patch.object(
        RedisCache, "get", side_effect=redis.exceptions.TimeoutError("Timeout reading from socket")
    )
    with hung as calls:
        assert backend.get("page", "miss") == "miss"
        assert [backend.get("page", "miss") for _ in range(20)] == ["miss"] * 20
        assert backend.add("lock", 1) is True
    assert calls.call_count == 1  # one wait on the hung server, not twenty-one

    later = mock.patch("core.cache_backend.time.monotonic", return_value=ResilientRedisCache._skip_until + 0.1)
    with later, mock.patch.object(RedisCache, "get", return_value="kept") as calls:
        assert backend.get("page", "miss") == "kept"  # tried again once the pause is over
    assert calls.call_count == 1
