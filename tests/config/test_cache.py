"""Cached figures: kept until their namespace changes, computed anyway when the cache is down."""

import pytest
from django.test import override_settings
from django.urls import reverse

from config.cache import bump, cached, versions
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
