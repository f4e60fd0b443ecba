"""The load of `manage.py bench`, run by locust in its own process (`locust -f` this file).

The runner picks the user classes of each phase on locust's command line: `TrivialUser`
alone (the floor), the realistic mix (`pages.MIX_USERS`), then `SoloVisitor` with
`BENCH_SOLO=<page kind>` for each page of `pages.SOLO`. These users do not wait between
tasks (a closed loop): 32 users means 32 requests in flight, so the floor is the
server's saturated throughput.

The open-loop phases use `pages.OPEN_USERS` (the capacity search) and `PledgeDonor` (the
pledge phase): each class's number of users and pacing come from `BENCH_OPEN` (planned
by ops/bench/openloop.py), and each user starts a visit every `pacing` seconds whether
or not the server kept up (`constant_pacing`). Officers there arrive signed in (the
runner signs each account in once and passes its session cookie), as officers who open
their dashboard in the day are.

Each user keeps its connection alive and its cookies, like a browser. The summary the
runner reads holds, per page, locust's figures, its response-time histogram (to merge
page classes) and the count of each status code.
"""

import contextlib
import functools
import json
import os
import time
from collections import Counter, defaultdict
from http.cookiejar import Cookie

import gevent
from locust import FastHttpUser, constant, constant_pacing, events

from ops.bench import pages


def _task(page):
    """A page function as a locust task. A failed page is already counted by `fetch`;
    the visit it belonged to just stops, without a traceback in the log."""

    @functools.wraps(page)
    def run(user):
        with contextlib.suppress(pages.PageError):
            page(user)

    return run


# {page name: Counter(status code)}, every request of the run (after a stats reset too).
STATUSES: dict[str, Counter] = defaultdict(Counter)
OPEN_PLAN = json.loads(os.environ.get(pages.OPEN_ENV) or "{}")


@events.request.add_listener
def count_status(name, response=None, **_kwargs):
    STATUSES[name][getattr(response, "status_code", 0) or 0] += 1


@events.reset_stats.add_listener
def forget_statuses(**_kwargs):
    STATUSES.clear()


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
            "response_times": {str(ms): count for ms, count in e.response_times.items()},
        }

    summary = {
        "entries": [entry(e) for e in stats.entries.values() if e.num_requests or e.num_failures],
        "total": entry(stats.total),
        "failures": [
            {"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
        "statuses": {name: {str(code): n for code, n in counts.items()} for name, counts in STATUSES.items()},
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

    tasks = {_task(page): weight for page, weight in pages.VISITOR_TASKS.items()}


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


# --- the open loop ------------------------------------------------------------------


def _open(name: str):
    """This class's place in the open-loop plan: its users (locust's fixed_count), the
    pacing of its visits, and locust's wait for that pacing. The runner names only planned
    classes on locust's command line."""
    planned = OPEN_PLAN.get(name) or {"users": 0, "pacing": 1.0}
    return planned["users"], planned["pacing"], constant_pacing(planned["pacing"])


class OpenUser(BenchUser):
    abstract = True
    pacing = 1.0

    def on_start(self):
        super().on_start()
        # Users are all spawned at once; each starts at a random point of its pacing, so
        # visits arrive evenly from the first second.
        gevent.sleep(pages.chance.uniform(0, self.pacing))
        # constant_pacing counts from here, not from the user's creation: the offset is not
        # part of the first visit, or the second would follow it too soon.
        self._cp_last_run, self._cp_last_wait_time = time.perf_counter(), 0

    def signed_in(self, account: dict):
        """The session the runner opened for `account`, as this browser's cookie."""
        self.account = account
        session = self.fixture["sessions"][account["email"]]
        self.client.cookiejar.set_cookie(
            Cookie(
                0, session["name"], session["value"], None, False, "127.0.0.1", False, False,
                "/", True, False, None, False, None, None, {},
            )
        )  # fmt: skip


class OpenVisitor(OpenUser):
    tasks = Visitor.tasks
    fixed_count, pacing, wait_time = _open("OpenVisitor")


class OpenDistrictOfficer(OpenUser):
    tasks = [_task(pages.district_dashboard)]
    fixed_count, pacing, wait_time = _open("OpenDistrictOfficer")

    def on_start(self):
        super().on_start()
        self.signed_in(pages.chance.choice(self.fixture["district"]["officers"]))


class OpenProvincialOfficer(OpenUser):
    tasks = [_task(pages.provincial_dashboard)]
    fixed_count, pacing, wait_time = _open("OpenProvincialOfficer")

    def on_start(self):
        super().on_start()
        self.signed_in(pages.chance.choice(self.fixture["province"]["officers"]))


class OpenSchoolStaff(OpenUser):
    tasks = [_task(pages.post_need)]
    fixed_count, pacing, wait_time = _open("OpenSchoolStaff")

    def on_start(self):
        super().on_start()
        self.signed_in(pages.chance.choice(self.fixture["open_staff"]))


class PledgeDonor(OpenUser):
    """The pledge phase: guests giving to a few needs until they are full."""

    tasks = [_task(pages.pledge_rush)]
    fixed_count, pacing, wait_time = _open("PledgeDonor")
