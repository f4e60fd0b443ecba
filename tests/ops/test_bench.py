"""The load benchmark's own parts that need no server: the locustfile's tasks cover every
page kind of the specification, and the report turns statistics into the budget table."""

import importlib
import re

import pytest

from ops.bench import pages, report

FIXTURE = {
    "public_needs": [11, 12],
    "open_needs": [11],
    "schools": [3, 4],
    "search_terms": ["nha ve sinh", "pu xi"],
    "categories": ["water", "toilets"],
    "places": [{"province": 1, "districts": [2]}],
    "browse_pages": 5,
    "district": {"unit": 2, "schools": 10, "officers": [{"email": "district@example.vn"}]},
    "province": {"unit": 1, "schools": 40, "officers": [{"email": "province@example.vn"}]},
    "staff": [{"email": "school@example.vn", "school": 3}],
}
FORM = '<input type="hidden" name="csrfmiddlewaretoken" value="t0k3n"><input name="upload_token" value="u-1">'
REDIRECTS = {"/accounts/login/": "/", "/needs/new/3/": "/needs/99/", "/donations/give/11/": "/donations/pledges/R1/"}


class FakeResponse:
    def __init__(self, method, path):
        self.status_code = 302 if method == "POST" else 200
        self.headers = {"location": REDIRECTS.get(path, "")}
        self.text = FORM
        self.outcome = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def success(self):
        self.outcome = "ok"

    def failure(self, problem):
        self.outcome = problem


class FakeClient:
    """Answers like the portal would, and records what was asked under which name."""

    def __init__(self):
        self.requests = []

    def request(self, method, path, name=None, data=None, catch_response=False, allow_redirects=True):
        response = FakeResponse(method, path)
        self.requests.append({"method": method, "path": path, "name": name, "data": data, "response": response})
        return response


class FakeUser:
    def __init__(self, account=None):
        self.client = FakeClient()
        self.fixture = FIXTURE
        self.account = account


@pytest.fixture(scope="module")
def locustfile():
    # Imported unpatched: locust would otherwise patch the standard library with gevent.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCUST_SKIP_MONKEY_PATCH", "1")
        return importlib.import_module("ops.bench.locustfile")


def _tasks(user_class):
    tasks = user_class.tasks
    return list(tasks) if isinstance(tasks, dict) else tasks


def test_the_load_requests_every_page_kind_of_the_specification(locustfile):
    requested = []
    for class_name in (*pages.FLOOR_USERS, *pages.MIX_USERS):
        user_class = getattr(locustfile, class_name)
        assert _tasks(user_class), class_name
        user = FakeUser(account=FIXTURE["staff"][0])
        for task in _tasks(user_class):
            for _ in range(30):  # some pages choose between paths at random
                task(user)
        requested += user.client.requests
    names = {r["name"] for r in requested}
    assert set(pages.SPEC_KINDS) <= names
    assert all(r["response"].outcome == "ok" for r in requested), [
        (r["name"], r["response"].outcome) for r in requested if r["response"].outcome != "ok"
    ]
    paths = {r["name"]: r["path"] for r in requested}
    assert paths[pages.TRIVIAL] == "/livez/"
    assert paths[pages.DISTRICT_DASHBOARD] == "/dashboard/?unit=2"
    assert paths[pages.PROVINCIAL_DASHBOARD] == "/dashboard/?unit=1"
    assert re.fullmatch(r"/needs/\?q=(nha\+ve\+sinh|pu\+xi)(&sort=\w+)?", paths[pages.SEARCH])


def test_filters_pick_districts_on_the_old_map_and_communes_on_the_current_one():
    user = FakeUser()
    user.fixture = {
        **FIXTURE,
        "places": [{"province": 1, "districts": [2]}, {"province": 5, "districts": [], "communes": [6, 7]}],
    }
    for _ in range(200):
        pages.browse_filters(user)
    queries = [r["path"] for r in user.client.requests]
    assert any("province=1&district=2" in q for q in queries)
    assert any(re.search(r"province=5&commune=[67]\b", q) for q in queries)
    assert not any("province=1&commune" in q or "province=5&district" in q for q in queries)


def test_forms_are_posted_with_their_csrf_token_and_fields():
    user = FakeUser(account=FIXTURE["staff"][0])
    pages.login(user, "school@example.vn", "secret")
    pages.post_need(user)
    anonymous = FakeUser()
    pages.pledge(anonymous)
    posts = {r["name"]: r["data"] for r in user.client.requests + anonymous.client.requests if r["method"] == "POST"}
    assert posts[pages.LOGIN] == {"csrfmiddlewaretoken": "t0k3n", "login": "school@example.vn", "password": "secret"}
    need = posts[pages.NEED_POST]
    assert need["csrfmiddlewaretoken"] == "t0k3n" and need["upload_token"] == "u-1"
    assert need["items-TOTAL_FORMS"] == "2" and need["items-0-description"]
    assert "submit" in need or "draft" in need
    pledge = posts[pages.PLEDGE_POST]
    assert pledge["kind"] == "money" and int(pledge["amount"]) >= 1000 and pledge["submission_token"]
    assert [r["name"] for r in anonymous.client.requests] == [pages.PLEDGE_FORM, pages.PLEDGE_POST, pages.PLEDGE_DONE]


def test_officers_and_staff_sign_in_and_each_anonymous_page_can_run_alone(locustfile):
    for class_name in ("DistrictOfficer", "ProvincialOfficer", "SchoolStaff"):
        assert "on_start" in vars(getattr(locustfile, class_name))
    assert set(pages.SOLO) <= set(pages.SPEC_KINDS)
    for kind, page in pages.SOLO.items():
        user = FakeUser()
        page(user)
        assert [r["name"] for r in user.client.requests] == [kind]


def test_a_server_error_is_a_failure_and_stops_the_visit():
    user = FakeUser()
    original = user.client.request

    def failing(method, path, **kwargs):
        response = original(method, path, **kwargs)
        response.status_code = 500
        return response

    user.client.request = failing
    with pytest.raises(pages.PageError, match="server error 500"):
        pages.pledge(user)
    assert [(r["name"], r["response"].outcome) for r in user.client.requests] == [
        (pages.PLEDGE_FORM, "server error 500")
    ]


def _entry(name, method="GET", requests=100, errors=0, rps=10.0, median=40, p95=90, p99=120):
    return {
        "name": name,
        "method": method,
        "requests": requests,
        "errors": errors,
        "rps": rps,
        "median_ms": median,
        "p95_ms": p95,
        "p99_ms": p99,
        "max_ms": p99,
    }


def test_locust_statistics_by_page_split_a_name_used_by_two_methods():
    summary = {
        "entries": [_entry("browse"), _entry("login", "GET"), _entry("login", "POST", p95=900)],
        "total": _entry("Aggregated", requests=300),
        "failures": [{"method": "GET", "name": "browse", "error": "server error 500", "occurrences": 2}],
    }
    stats = report.stats_by_page(summary)
    assert set(stats) == {"browse", "login (GET)", "login (POST)", "all"}
    assert stats["login (POST)"]["p95_ms"] == 900
    assert stats["all"]["requests"] == 300
    assert report.failure_lines(summary) == ["2 × GET browse: server error 500"]


def _sample_report(**changes):
    stats = {
        pages.BROWSE: _entry(pages.BROWSE, rps=40, p95=120),
        pages.SEARCH: _entry(pages.SEARCH, rps=20, p95=200),
        pages.NEED_PAGE: _entry(pages.NEED_PAGE, rps=60, p95=80),
        pages.PROVINCIAL_DASHBOARD: _entry(pages.PROVINCIAL_DASHBOARD, rps=3, p95=350),
    }
    stats = {name: {k: v for k, v in row.items() if k not in ("name", "method")} for name, row in stats.items()}
    result = {
        "date": "2025-01-06T09:00:00+07:00",
        "git_commit": "abc1234",
        "data": {"schools": 12000, "needs": 60000},
        "server": {"database": "PostgreSQL 15", "cache": "Redis", "gunicorn": "gthread", "cpus": 2},
        "load": {"users": 32, "duration_s": 60, "floor_duration_s": 15, "solo_duration_s": 10, "ci": False},
        "floor": {"rps": 1000.0, "median_ms": 2, "p95_ms": 9, "errors": 0},
        "pages": report.page_rows(stats, 1000.0, {pages.BROWSE: 3, pages.SEARCH: 3}),
        "total": {"requests": 400, "errors": 0, "rps": 123.0, "median_ms": 50, "p95_ms": 200, "p99_ms": 300},
        "solo": [{"page": pages.BROWSE, **stats[pages.BROWSE], "rps": 400.0, "ratio_to_trivial": 0.4}],
        "digests": {"day": "2025-01-06", "offices": 700, "seconds": 95.5, "sent": 690, "skipped": 10},
        "export": {"path": "/dashboard/export/schools.xlsx?unit=1", "seconds": [1.2, 1.1, 1.3], "median_s": 1.2},
        "errors": 0,
        "problems": [],
        "sample": {
            "district": {"unit": 2, "name": "Huyện Tuần Giáo", "schools": 60},
            "province": {"unit": 1, "name": "Tỉnh Điện Biên", "schools": 1500},
        },
    }
    result.update(changes)
    result["export"]["bytes"] = 123456
    result["budgets"] = report.evaluate_budgets(result)
    return result


def test_page_rows_keep_the_report_order_with_queries_and_ratio_to_the_trivial_view():
    rows = _sample_report()["pages"]
    assert [r["page"] for r in rows] == [pages.BROWSE, pages.SEARCH, pages.NEED_PAGE, pages.PROVINCIAL_DASHBOARD]
    assert rows[0]["queries"] == 3 and rows[2]["queries"] is None
    assert rows[0]["ratio_to_trivial"] == 0.04


def test_the_budgets_say_what_is_met():
    budgets = {b["budget"]: b for b in _sample_report()["budgets"]}
    assert budgets["p95 browse"]["met"] is True
    assert budgets["p95 search"]["met"] is False
    assert budgets["p95 browse: filters"]["met"] is None  # not requested in this sample
    assert budgets["p95 provincial dashboard"]["met"] is True
    assert budgets["errors"]["met"] is True
    assert budgets["browse throughput ÷ trivial view's"]["met"] is True
    assert budgets["weekly digests, every office, one worker"]["met"] is True
    assert budgets["concurrent clients"]["met"] is True

    small = {b["budget"]: b for b in _sample_report(errors=3, load={**_sample_report()["load"], "users": 4})["budgets"]}
    assert small["errors"]["met"] is False
    assert small["concurrent clients"]["met"] is None


def test_the_markdown_report_has_the_budget_table_pages_and_jobs():
    markdown = report.render_markdown(_sample_report())
    assert "## Budgets" in markdown
    assert "| p95 browse | < 150 ms | 120 ms | met |" in markdown
    assert "| p95 search | < 150 ms | 200 ms | **not met** |" in markdown
    assert "| p95 provincial dashboard | < 400 ms | 350 ms | met |" in markdown
    assert "| browse throughput ÷ trivial view's | ≥ 1/3 | 400 ÷ 1000 req/s = 0.40 | met |" in markdown
    assert "| weekly digests, every office, one worker | < 5 min | 95.5 s (700 offices) | met |" in markdown
    assert "| browse | 100 | 40.0 | 40 | 120 | 120 | 0 | 3 | 0.040 |" in markdown
    assert "Data: 12.000 schools, 60.000 needs." in markdown
    assert "Dashboards of Huyện Tuần Giáo (60 schools) and Tỉnh Điện Biên (1.500 schools)" in markdown
    assert "median 1.20 s of 3 runs" in markdown and "123.456 bytes" in markdown
    assert markdown.rstrip().endswith("None.")
