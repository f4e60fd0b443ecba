import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from core.middleware import QueryCountHeaderMiddleware

MIDDLEWARE = "core.middleware.QueryCountHeaderMiddleware"


@pytest.fixture
def counting(settings):
    settings.QUERY_COUNT_HEADER = True
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]


@pytest.mark.django_db
def test_no_header_unless_asked_for(client):
    assert MIDDLEWARE not in settings.MIDDLEWARE
    assert "X-Query-Count" not in client.get("/healthz/").headers


def test_the_middleware_drops_out_when_the_setting_is_off(settings):
    settings.QUERY_COUNT_HEADER = False
    with pytest.raises(MiddlewareNotUsed):
        QueryCountHeaderMiddleware(lambda request: HttpResponse())


@pytest.mark.django_db
def test_the_header_counts_every_query_of_the_request(client, counting, area):
    # Signed in, so the session and user lookups of the other middleware count too.
    client.force_login(area.staff_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/needs/my-school/")
    assert response.status_code == 200
    assert int(response["X-Query-Count"]) == len(queries) > 2


def test_the_header_says_zero_for_a_page_without_queries(client, counting):
    assert client.get("/livez/")["X-Query-Count"] == "0"


def test_the_setting_lists_the_middleware_first():
    script = "import django; django.setup(); from django.conf import settings as s; print(s.MIDDLEWARE[0])"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "QUERY_COUNT_HEADER": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == MIDDLEWARE
