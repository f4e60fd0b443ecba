import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@pytest.mark.django_db
def test_the_configured_database_is_the_one_in_use():
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_the_cache_round_trips_on_the_configured_backend():
    expected = "RedisCache" if os.environ.get("REDIS_URL") else "LocMemCache"
    assert settings.CACHES["default"]["BACKEND"].endswith(expected)
    cache.set("stack-check", "Tuần Giáo", 30)
    assert cache.get("stack-check") == "Tuần Giáo"


def test_ci_exercises_the_production_stack():
    """CI must run on PostgreSQL and Redis; a missing variable in .ci/run fails here."""
    if not os.environ.get("CI"):
        return
    assert os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert os.environ.get("REDIS_URL", "").startswith("redis")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_BROKER_URL.startswith("redis")
