"""The load benchmark's own parts that need no server: the locustfile's tasks cover every
page kind of the specification, the open loop plans its rates and judges its steps, the
pledge phase's counts find a lost pledge, and the report turns statistics into the
budget, capacity, cold-page and pledge tables."""

import importlib
import re
import time
from types import SimpleNamespace

import pytest
from django.db.models import F

from donations.services import DonorDetails, pledge_create
from needs.models import Need
from ops.bench import openloop, pages, report, runner
from tests.needs.factories import NeedFactory

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
    "pledge_targets": [{"need": 11, "amount": 25000}],
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


def _summary(entries, total_rps, errors=0):
    """A locust summary as the locustfile writes it: entries with response-time histograms."""

    def entry(name, times):
        histogram = {}
        for ms in times:
            histogram[str(ms)] = histogram.get(str(ms), 0) + 1
        return {**_entry(name, requests=len(times)), "response_times": histogram}

    rows = [entry(name, times) for name, times in entries.items()]
    total = _entry("Aggregated", requests=sum(r["requests"] for r in rows), errors=errors, rps=total_rps)
    return {"entries": rows, "total": total, "failures": []}


def _step(number, target, achieved=None, p95_public=100, p95_dashboards=300, errors=0, cpu_bound=False):
    summary = _summary(
        {
            pages.BROWSE: [10] * 90 + [p95_public] * 10,
            pages.NEED_PAGE: [20] * 95 + [p95_public] * 5,
            pages.PROVINCIAL_DASHBOARD: [p95_dashboards] * 4,
            pages.NEED_POST: [5000],  # a school's form: reported, not budgeted
        },
        target if achieved is None else achieved,
        errors,
    )
    return {
        "step": number,
        "users": 10 * number,
        **openloop.step_result(target, summary, generator_cpu_bound=cpu_bound),
    }


STEPS = [_step(1, 20), _step(2, 40), _step(3, 80, achieved=60, p95_public=900)]
PLEDGES = {
    "target_per_s": 50,
    "duration_s": 30,
    "needs": 10,
    "users": 750,
    "posts": 1500,
    "posts_per_s": 49.6,
    "p95_post_ms": 120,
    "p95_public_ms": 110,
    "errors": 0,
    "answered_made": 1180,
    "answered_refused": 320,
    "created": 1180,
    "lost": 0,
    "over_funded": [],
    "unbalanced": [],
    "kept": True,
}


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
        "load": {
            "users": 32,
            "duration_s": 60,
            "floor_duration_s": 15,
            "solo_duration_s": 10,
            "ci": False,
            "capacity_steps": 10,
            "capacity_start": 0.01,
            "capacity_factor": 1.4,
            "step_duration_s": 30,
            "headroom_s": 5.0,
            "shares": openloop.SHARES,
        },
        "floor": {"rps": 1000.0, "median_ms": 2, "p95_ms": 9, "errors": 0},
        "pages": report.page_rows(stats, 1000.0, {pages.BROWSE: 3, pages.SEARCH: 3}),
        "total": {"requests": 400, "errors": 0, "rps": 123.0, "median_ms": 50, "p95_ms": 200, "p99_ms": 300},
        "solo": [{"page": pages.BROWSE, **stats[pages.BROWSE], "rps": 400.0, "ratio_to_trivial": 0.4}],
        "capacity": {"steps": STEPS, **openloop.capacity(STEPS, 1000.0)},
        "cold": report.cold_rows(
            [
                {"page": pages.TRIVIAL, "cold": [2, 2, 3], "warm": [2, 2, 2]},
                {"page": pages.NEED_PAGE, "cold": [40, 20, 30], "warm": [5, 6, 4]},
            ],
            2,
        ),
        "pledges": PLEDGES,
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
    assert budgets["capacity of the realistic mix"]["met"] is True
    assert budgets["capacity of the realistic mix"]["measured"] == "40.0 req/s = 0.040 × trivial view's"
    assert budgets["pledge POSTs, open loop"]["met"] is True
    assert budgets["errors"]["met"] is True
    assert budgets["browse throughput ÷ trivial view's"]["met"] is True
    assert budgets["weekly digests, every office, one worker"]["met"] is True
    # The closed loop's per-page p95 with 32 users measured queueing: no longer a budget.
    assert not any(name.startswith("p95 ") or name == "concurrent clients" for name in budgets)

    small = {b["budget"]: b for b in _sample_report(errors=3)["budgets"]}
    assert small["errors"]["met"] is False


def test_the_capacity_budget_when_no_step_met_it_or_none_ran():
    steps = [_step(1, 10, p95_public=400)]
    none_met = {"steps": steps, **openloop.capacity(steps, 1000.0)}
    budget = {b["budget"]: b for b in _sample_report(capacity=none_met)["budgets"]}["capacity of the realistic mix"]
    assert budget["met"] is False and budget["measured"] == "not met even at the lowest step (10 req/s)"
    skipped = {b["budget"]: b for b in _sample_report(capacity={"steps": []})["budgets"]}
    assert skipped["capacity of the realistic mix"]["met"] is None


def test_the_markdown_report_has_the_budget_table_pages_and_jobs():
    markdown = report.render_markdown(_sample_report())
    assert "## Budgets" in markdown
    assert (
        "| capacity of the realistic mix | highest rate, open loop, with p95 ≤ 150 ms public, ≤ 400 ms dashboards, "
        "0 errors | 40.0 req/s = 0.040 × trivial view's | met |"
    ) in markdown
    assert "| browse throughput ÷ trivial view's | ≥ 1/3 | 400 ÷ 1000 req/s = 0.40 | met |" in markdown
    assert "| weekly digests, every office, one worker | < 5 min | 95.5 s (700 offices) | met |" in markdown
    assert "| browse | 100 | 40.0 | 40 | 120 | 120 | 0 | 3 | 0.040 |" in markdown
    assert "Data: 12.000 schools, 60.000 needs." in markdown
    assert "Dashboards of Huyện Tuần Giáo (60 schools) and Tỉnh Điện Biên (1.500 schools)" in markdown
    assert "median 1.20 s of 3 runs" in markdown and "123.456 bytes" in markdown
    assert markdown.rstrip().endswith("None.")


def test_the_open_loop_plans_users_that_keep_the_rate_whatever_the_answers_take():
    for rate in (3, 40, 250):
        planned = openloop.plan(rate)
        assert set(planned) == set(pages.OPEN_USERS)
        offered = {name: p["users"] / p["pacing"] * openloop.REQUESTS_PER_VISIT[name] for name, p in planned.items()}
        assert sum(offered.values()) == pytest.approx(rate)
        for name, share in openloop.SHARES.items():
            assert offered[name] == pytest.approx(rate * share)
            # Each user's visits are at least the headroom apart: only an answer later than
            # that (far past any budget) holds its next arrival back.
            assert planned[name]["pacing"] >= openloop.HEADROOM_S
    # Many more users than requests in flight: at 250 req/s, about 5 s worth of visits.
    assert sum(p["users"] for p in openloop.plan(250).values()) >= 250 * openloop.HEADROOM_S / 1.2
    # A visitor's pledge is three requests (give page, POST, payment page).
    assert openloop.REQUESTS_PER_VISIT["OpenVisitor"] == pytest.approx(23 / 21)
    pledges = openloop.plan_pledges(50)["PledgeDonor"]
    assert pledges["users"] / pledges["pacing"] == pytest.approx(50)
    assert openloop.rates(10, 1.5, 4) == [10, 15, 22.5, 33.75]


def test_percentiles_merge_the_pages_of_a_class_as_locust_computes_them():
    assert openloop.percentile({"10": 96, "200": 4}, 0.95) == 10
    assert openloop.percentile({"10": 95, "200": 5}, 0.95) == 200
    assert openloop.percentile({}, 0.95) is None
    summary = _summary({pages.BROWSE: [10] * 50, pages.SEARCH: [300] * 50, pages.NEED_POST: [9000] * 50}, 10)
    merged = openloop.class_histogram(summary, pages.PUBLIC_PAGES)
    assert merged == {10.0: 50, 300.0: 50}  # the school's POST is not a public page


def test_a_step_is_met_within_both_budgets_with_no_error_and_says_what_limited_its_rate():
    ok = _step(1, 20)
    assert ok["met"] and ok["kept"] and ok["limited_by"] is None
    assert ok["p95_public_ms"] == 100 and ok["p95_dashboards_ms"] == 300
    assert not _step(1, 20, p95_public=151)["met"]
    assert _step(1, 20, p95_public=150)["met"]
    assert not _step(1, 20, p95_dashboards=401)["met"]
    assert not _step(1, 20, errors=1)["met"]
    # Answers late and fewer arrivals: the server held the users back.
    slow = _step(1, 100, achieved=60, p95_public=2000)
    assert (slow["met"], slow["kept"], slow["limited_by"]) == (False, False, "server")
    # Answers within budget and still fewer arrivals, or locust's CPU saturated: the generator.
    assert _step(1, 100, achieved=60)["limited_by"] == "generator"
    assert _step(1, 100, cpu_bound=True)["limited_by"] == "generator"
    # A step in which no dashboard was asked for is not known to be within budget.
    summary = _summary({pages.BROWSE: [10] * 20}, 5)
    assert openloop.step_result(5, summary)["met"] is False


def test_capacity_is_the_highest_step_within_budget_as_a_share_of_the_trivial_view():
    capacity = openloop.capacity(STEPS, 1000.0)
    assert capacity == {
        "rps": 40,
        "target_rps": 40,
        "ratio_to_trivial": 0.04,
        "bounded": True,
        "generator_limited": False,
    }
    # Every step met: the search stopped first, the capacity is a lower bound.
    assert openloop.capacity(STEPS[:2], 1000.0)["bounded"] is False
    assert openloop.capacity([], 1000.0)["rps"] is None


def test_the_report_has_the_capacity_table_and_says_open_loop():
    markdown = report.render_markdown(_sample_report())
    assert "## Capacity of the realistic mix (open loop)" in markdown
    assert "Capacity and pledges: **open loop**." in markdown and "(constant pacing)" in markdown
    assert "Steps ×1.4 from 0.01 × the trivial view's throughput, 30 s each" in markdown
    assert "Closed loop (the floor and the pages' own throughput): 32 users without think time" in markdown
    assert (
        "| step | target req/s | achieved req/s | users | p95 public ms | p95 dashboards ms | errors | met | rate kept |"
        in markdown
    )
    assert "| 1 | 20 | 20.0 | 10 | 100 | 300 | 0 | met | yes |" in markdown
    assert "| 3 | 80 | 60.0 | 30 | 900 | 300 | 0 | **not met** | no (server limited) |" in markdown
    assert "Capacity: **40.0 req/s**, 0.040 × the trivial view's saturated throughput (1000 req/s)." in markdown
    lower = report.render_markdown(_sample_report(capacity={"steps": STEPS[:2], **openloop.capacity(STEPS[:2], 1e3)}))
    assert "a lower bound: the search stopped before a step missed the budget" in lower
    limited = [_step(1, 20), _step(2, 40, achieved=30)]
    warned = report.render_markdown(_sample_report(capacity={"steps": limited, **openloop.capacity(limited, 1e3)}))
    assert "| 2 | 40 | 30.0 | 20 | 100 | 300 | 0 | met | no (generator limited) |" in warned
    assert "limited by the generator (locust), not the server" in warned


def test_the_report_has_cold_pages_against_the_trivial_view():
    rows = {row["page"]: row for row in _sample_report()["cold"]}
    assert rows[pages.NEED_PAGE] == {
        "page": pages.NEED_PAGE,
        "urls": 3,
        "cold_median_ms": 30,
        "cold_p95_ms": 40,
        "warm_median_ms": 5,
        "ratio_to_trivial": round(2 / 30, 4),
    }
    markdown = report.render_markdown(_sample_report())
    assert "## Cold pages (cache flushed, each URL asked once, one at a time)" in markdown
    assert "| need page | 3 | 30 | 40 | 5 | 0.067 |" in markdown


def test_the_pledge_budget_needs_the_rate_and_no_lost_or_over_funded_pledge():
    budget = {b["budget"]: b for b in _sample_report()["budgets"]}["pledge POSTs, open loop"]
    assert budget["met"] is True
    assert budget["measured"] == "49.6/s (target 50), p95 120 ms, 0 lost, 0 over-funded, 0 errors"

    def met(**changes):
        budgets = _sample_report(pledges={**PLEDGES, **changes})["budgets"]
        return {b["budget"]: b for b in budgets}["pledge POSTs, open loop"]["met"]

    assert met(lost=1) is False
    assert met(over_funded=[11]) is False
    assert met(p95_post_ms=151) is False
    assert met(kept=False, posts_per_s=30) is False
    # Below the budget's rate (CI), only the counts decide.
    assert met(target_per_s=5, posts_per_s=5) is None
    assert met(target_per_s=5, posts_per_s=5, lost=2) is False
    late = report.render_markdown(_sample_report(pledges={**PLEDGES, "kept": False, "posts_per_s": 20}))
    assert "The phase did not keep its rate: answers later than the pacing held the donors back" in late
    markdown = report.render_markdown(_sample_report())
    assert "## Pledge POSTs (open loop)" in markdown
    assert "| 1500 | 49.6 | 120 | 110 | 1180 | 320 | 1180 | 0 | 0 | 0 |" in markdown


def test_the_pledge_phase_sizes_gifts_to_fill_its_needs_before_it_ends():
    targets = openloop.pledge_targets([{"need": 1, "room": 3_000_000}, {"need": 2, "room": 500}], posts=100)
    # 100 gifts over 2 needs, full after 80 % of them: 40 gifts each.
    assert targets == [{"need": 1, "amount": 75_000}, {"need": 2, "amount": 1000}]
    user = FakeUser()
    pages.pledge_rush(user)
    post = next(r for r in user.client.requests if r["method"] == "POST")
    assert post["path"] == "/donations/give/11/" and post["data"]["amount"] == "25000"


def test_pledges_of_the_phase_are_counted_and_a_lost_or_stray_one_is_a_problem(db, monkeypatch):
    monkeypatch.setenv(pages.RUN_TAG_ENV, "t1")
    need = NeedFactory(items=[("Chăn", 40, "cái", 250_000)])
    other = NeedFactory(items=[("Bàn", 10, "bộ", 1_000_000)])
    before = {need.pk: need.amount_pledged, other.pk: other.amount_pledged}
    for amount in (100_000, 200_000):
        pledge_create(need=need, donor=DonorDetails(name="Khách", email=pages.pledge_email()), amount=amount)
    # Another run's pledge is not this phase's.
    pledge_create(need=other, donor=DonorDetails(name="Khách", email="bench-t2-x@bench.invalid"), amount=1000)

    counted, problems = runner.count_pledges("t1", before, answered_made=2)
    assert counted == {"created": 2, "lost": 0, "over_funded": [], "unbalanced": [other.pk]}
    assert problems == [f"pledge phase: needs whose pledged sum moved by other than their new pledges: [{other.pk}]"]

    counted, problems = runner.count_pledges("t1", {need.pk: need.amount_pledged}, answered_made=3)
    assert counted["lost"] == 1
    assert problems == ["pledge phase: 3 pledges answered as made, 2 in the database (lost)"]

    Need.objects.filter(pk=need.pk).update(amount_pledged=F("amount_pledged") - 1000)
    counted, _ = runner.count_pledges("t1", {need.pk: need.amount_pledged}, answered_made=2)
    assert counted["unbalanced"] == [need.pk]


def test_cold_pages_ask_distinct_urls_of_each_page_as_the_load_picks_them():
    fixture = {**FIXTURE, "public_needs": list(range(100, 130)), "schools": list(range(5, 40))}
    urls = runner.cold_urls(fixture, per_kind=4)
    by_kind = {}
    for kind, who, path in urls:
        by_kind.setdefault(kind, []).append((who, path))
    assert len(by_kind[pages.NEED_PAGE]) == 4 and len(set(by_kind[pages.NEED_PAGE])) == 4
    assert all(re.fullmatch(r"/needs/1[0-2]\d/", path) for _, path in by_kind[pages.NEED_PAGE])
    assert by_kind[pages.TRIVIAL] == [("anonymous", "/livez/")] * 4
    assert by_kind[pages.PROVINCIAL_DASHBOARD] == [("province", "/dashboard/?unit=1")]
    assert by_kind[pages.DISTRICT_DASHBOARD] == [("district", "/dashboard/?unit=2")]
    assert runner.cold_urls(fixture, per_kind=4) == urls  # the same URLs run after run


def test_open_loop_users_take_their_count_and_pacing_from_the_plan(locustfile, monkeypatch):
    monkeypatch.setattr(locustfile, "OPEN_PLAN", {"OpenVisitor": {"users": 7, "pacing": 5.5}})
    users, pacing, wait = locustfile._open("OpenVisitor")
    assert (users, pacing) == (7, 5.5)
    # constant pacing: a visit that took 2 s is followed by a wait of the rest, 3.5 s.
    user = SimpleNamespace(_cp_last_run=time.perf_counter() - 2, _cp_last_wait_time=0)
    assert wait(user) == pytest.approx(3.5, abs=0.2)
    assert locustfile._open("OpenDistrictOfficer")[0] == 0
    for name in (*pages.OPEN_USERS, *pages.PLEDGE_USERS):
        assert issubclass(getattr(locustfile, name), locustfile.OpenUser)


def test_the_memory_budget_reads_the_largest_worker():
    within = {b["budget"]: b for b in _sample_report(memory={"workers_rss_mb": [210.5, 180.0]})["budgets"]}
    budget = within["a web worker's memory after the run"]
    assert budget["met"] is True and budget["measured"] == "largest 210 MB (2 workers: 210, 180 MB)"
    over = {b["budget"]: b for b in _sample_report(memory={"workers_rss_mb": [320.0, 150.0]})["budgets"]}
    assert over["a web worker's memory after the run"]["met"] is False
    unread = {b["budget"]: b for b in _sample_report()["budgets"]}
    assert unread["a web worker's memory after the run"]["met"] is None


def test_workers_memory_is_read_from_the_children_of_the_server_process():
    import os
    import signal
    import subprocess
    import sys

    # A parent holding two children, one of them with about 60 MB of its own.
    code = (
        "import subprocess, sys, time; "
        "a = subprocess.Popen([sys.executable, '-c', 'b = bytearray(60_000_000); import time; time.sleep(30)']); "
        "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); time.sleep(30)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 10
        while len(runner.child_pids(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        server = SimpleNamespace(process=parent)
        rss = runner.Server.workers_rss_mb(server)
        assert len(rss) == 2
        assert rss[0] > 55 > rss[1] > 1
    finally:
        for child in runner.child_pids(parent.pid):
            os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait()
