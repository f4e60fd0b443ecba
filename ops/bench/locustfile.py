"""The load of `manage.py bench`, run by locust in its own process (`locust -f` this file).

The runner picks the user classes of each phase on locust's command line: `TrivialUser`
alone (the floor), the realistic mix (`pages.MIX_USERS`), then `SoloVisitor` with
`BENCH_SOLO=<page kind>` for each page of `pages.SOLO`. Users do not wait between tasks:
32 users means 32 requests in flight, so the figures are the server's capacity. Each
user keeps its connection alive and its cookies, like a browser.
"""

import contextlib
import functools
import json
import os

from locust import FastHttpUser, constant, events

from ops.bench import pages


def _task(page):
    """A page function as a locust task. A failed page is already counted by `fetch`;
    the visit it belonged to just stops, without a traceback in the log."""

    @functools.wraps(page)
    def run(user):
        with contextlib.suppress(pages.PageError):
            page(user)

    return run


@events.test_stop.add_listener
def write_summary(environment, **_kwargs):
    """The run's statistics as JSON, for the runner: complete at the end of the run,
    where locust's own CSV lags up to a second behind."""
    path = os.environ.get(pages.SUMMARY_ENV)
    if not path:
        return
    stats = environment.stats

    def entry(e):
        return {
            "name": e.name,
            "method": e.method,
            "requests": e.num_requests,
            "errors": e.num_failures,
            "rps": e.total_rps,
            "median_ms": e.get_response_time_percentile(0.5) if e.num_requests else None,
            "p95_ms": e.get_response_time_percentile(0.95) if e.num_requests else None,
            "p99_ms": e.get_response_time_percentile(0.99) if e.num_requests else None,
            "max_ms": e.max_response_time if e.num_requests else None,
        }

    summary = {
        "entries": [entry(e) for e in stats.entries.values() if e.num_requests or e.num_failures],
        "total": entry(stats.total),
        "failures": [
            {"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    account = None

    def on_start(self):
        self.fixture = pages.load_fixture()

    def sign_in(self, account: dict):
        self.account = account
        # A failed login is counted; every page after it then fails visibly too.
        with contextlib.suppress(pages.PageError):
            pages.login(self, account["email"])


class TrivialUser(BenchUser):
    """Phase 1: the trivial view alone, the floor every page is compared with."""

    tasks = [_task(pages.trivial)]


class Visitor(BenchUser):
    """Anonymous donors: land, browse and filter, search, read needs and schools, give."""

    tasks = {
        _task(pages.home): 1,
        _task(pages.browse): 4,
        _task(pages.browse_filters): 4,
        _task(pages.search): 3,
        _task(pages.need_page): 6,
        _task(pages.school_page): 2,
        _task(pages.pledge): 1,
    }


class DistrictOfficer(BenchUser):
    """The local office's officer: a district's on the old map, a commune's on the current one."""

    fixed_count = 1
    tasks = [_task(pages.district_dashboard)]

    def on_start(self):
        super().on_start()
        self.sign_in(pages.chance.choice(self.fixture["district"]["officers"]))


class ProvincialOfficer(BenchUser):
    fixed_count = 1
    tasks = [_task(pages.provincial_dashboard)]

    def on_start(self):
        super().on_start()
        self.sign_in(pages.chance.choice(self.fixture["province"]["officers"]))


class SchoolStaff(BenchUser):
    """A school posting needs (each user signs in as staff of one sampled school)."""

    fixed_count = 1
    tasks = [_task(pages.post_need)]

    def on_start(self):
        super().on_start()
        self.sign_in(pages.chance.choice(self.fixture["staff"]))


class SoloVisitor(BenchUser):
    """One anonymous page kind alone (`BENCH_SOLO`), for its throughput next to the floor."""

    def on_start(self):
        super().on_start()
        self.page = _task(pages.SOLO[os.environ[pages.SOLO_ENV]])

    def solo(self):
        self.page(self)

    tasks = [solo]
