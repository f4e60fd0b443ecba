"""`manage.py bench`: the portal under gunicorn on PostgreSQL and Redis as in production,
driven by locust from a separate process on loopback; writes report.md and report.json.

Order: pick sample ids from the database → collectstatic → start gunicorn → check every
page once (fails fast, with the reason) → cold pages (cache flushed, each URL asked once,
then once more warm) → warm up → the trivial view alone, closed loop (the floor: its
saturated throughput) → the realistic mix, closed loop → each anonymous page alone →
the capacity search, open loop (ops/bench/openloop.py) → the pledge phase, open loop,
then its pledges counted → query count of every page → dashboard export timed through
the server → gunicorn stopped → weekly digests of every office timed in this process →
report. gunicorn is always stopped, and everything the server queued for Celery is
dropped. With `--replica` the management command runs all this on a copy of the
database with a streaming standby of it (ops/pgcluster.py).
"""

import contextlib
import importlib.metadata
import json
import logging
import os
import platform
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from math import ceil
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.core import mail
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Exists, F, OuterRef
from django.test.utils import override_settings
from django.utils import timezone

from core.text import fold
from ops import processes
from ops.bench import openloop, pages, report

BASE_DIR = Path(settings.BASE_DIR)
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SAMPLE_SIZE = 2000


@dataclass
class Options:
    users: int = 32
    duration: int = 60
    spawn_rate: float | None = None  # default: every user in the first second
    floor_duration: int = 15
    solo_duration: int = 10
    warmup: int = 5
    out: Path = Path("bench-results")
    # Sync workers, 2 × CPUs + 1 (gunicorn's rule, and what production runs): on 2 CPUs
    # with 32 clients on the demo data, sync 3 to 5 served the mix at 86–96 req/s with p95
    # about 450 ms, gthread (2×2, 2×8, 3×4, 4×4) at 45–80 req/s with p95 0.8–2 s: threads
    # contend for the GIL on CPU-bound pages. Sync 8 only added switching (50 req/s).
    worker_class: str = "sync"
    workers: int = field(default_factory=lambda: 2 * (os.cpu_count() or 1) + 1)
    threads: int = 4  # gthread only
    password: str = "bench12345"  # noqa: S105 (what generated users get; not a secret)
    seed: int = 1
    digest_date: date | None = None
    ci: bool = False
    # The capacity search, open loop: geometric steps from `capacity_start` × the trivial
    # view's saturated throughput, each `step_duration` seconds once every user is running,
    # until a step misses the budget or `capacity_steps` were run.
    capacity_steps: int = 10
    capacity_start: float = 0.01
    capacity_factor: float = 1.4
    step_duration: int = 30
    # Cold pages: up to this many distinct URLs of each page kind, each asked once.
    cold_urls: int = 20
    # The pledge phase, open loop: POSTs a second, for this long, to this many needs.
    pledge_rate: float = 50.0
    pledge_duration: int = 30
    pledge_needs: int = 10
    # Set by the management command's --replica: what the replica is (for the report).
    replica: str = ""


# --- what the load works on -----------------------------------------------------------


def _verified_email():
    from allauth.account.models import EmailAddress

    return Exists(EmailAddress.objects.filter(user=OuterRef("user"), verified=True))


def _officer_unit(levels: tuple[str, ...], password: str) -> dict:
    """The unit with the most schools among those whose education office has officers
    (preferring verified addresses, which mandatory verification lets in), of the first of
    `levels` that has any: ("district", "commune") is the local office, a district's on the
    old map, a commune's on the current one."""
    from schools.models import AdministrativeUnit, Membership, Office, School

    for level in levels:
        memberships = (
            Membership.objects.filter(
                role=Membership.Role.OFFICER,
                office__kind__in=Office.EDUCATION_KINDS,
                office__unit__level=level,
                office__unit__abolished_on__isnull=True,
                user__is_active=True,
            )
            .annotate(verified=_verified_email())
            .order_by("-verified", "user__email")
        )
        officers: dict[int, list[str]] = {}
        for unit_id, email, verified in memberships.values_list("office__unit_id", "user__email", "verified"):
            if verified or not any(officers.values()):
                officers.setdefault(unit_id, []).append(email)
        if officers:
            break
    else:
        raise CommandError(
            f"No {' or '.join(levels)} education office with an officer in this database: nothing to log in as."
        )
    column = f"{level}_id"
    sizes = dict(
        School.objects.filter(**{f"{column}__in": officers})
        .values_list(column)
        .annotate(n=Count("pk"))
        .values_list(column, "n")
    )
    unit_id = max(officers, key=lambda pk: (sizes.get(pk, 0), -pk))
    emails = officers[unit_id][:5]
    _check_password(emails[0], password)
    return {
        "unit": unit_id,
        "name": AdministrativeUnit.objects.get(pk=unit_id).name,
        "schools": sizes.get(unit_id, 0),
        "officers": [{"email": e} for e in emails],
    }


def _check_password(email: str, password: str) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email=email)
    if not user.check_password(password):
        raise CommandError(
            f"The password given by --password does not open {email}. Generated data uses bench12345; "
            "the demo (seed_demo) uses demo12345."
        )


def _search_terms(rng: random.Random, titles: list[str], school_names: list[str]) -> list[str]:
    """Unaccented words as visitors type them: two or three words of a need's title
    ("nha ve sinh"), or the place in a school's name ("pu xi")."""
    terms = set()
    for title in titles:
        words = [w for w in fold(title).split() if w.isalpha()]
        if len(words) >= 2:
            size = min(rng.choice((2, 3)), len(words))
            start = rng.randrange(len(words) - size + 1)
            terms.add(" ".join(words[start : start + size]))
    for name in school_names:
        words = [w for w in fold(name).split() if w.isalpha()]
        if len(words) >= 2:
            terms.add(" ".join(words[-2:]))
    return sorted(terms)[:400] or ["truong"]


def pick_sample(rng: random.Random, password: str, pledge_needs: int = 10) -> dict:
    """Sample ids and accounts from whatever the database holds, for the locust users."""
    from needs.models import Category, Need
    from schools.models import Membership, School

    public = list(Need.objects.public().order_by("pk").values_list("pk", flat=True))
    if not public:
        raise CommandError("The database holds no public need: load data first (seed_demo or generate_scale_data).")
    # Room for many small pledges, so the pledge path mostly creates pledges.
    with_room = list(
        Need.objects.filter(status=Need.Status.VERIFIED, amount_requested__gte=F("amount_pledged") + 200_000)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    # The pledge phase's needs, kept apart from the mix's.
    rush = sorted(rng.sample(with_room, min(len(with_room) // 2, pledge_needs)))
    with_room = [pk for pk in with_room if pk not in set(rush)]
    rooms = dict(
        Need.objects.filter(pk__in=rush)
        .annotate(room=F("amount_requested") - F("amount_pledged"))
        .values_list("pk", "room")
    )
    schools = list(School.objects.values_list("pk", flat=True).order_by("pk"))
    title_ids = rng.sample(public, min(len(public), 300))
    titles = list(Need.objects.filter(pk__in=title_ids).values_list("title", flat=True))
    school_names = list(
        School.objects.filter(pk__in=rng.sample(schools, min(len(schools), 100))).values_list("name", flat=True)
    )
    places: dict[int, set[int]] = {}
    communes: dict[int, list[int]] = {}
    for province, district in School.objects.order_by().values_list("province", "district").distinct():
        if province:
            places.setdefault(province, set())
            if district:
                places[province].add(district)
    # On the current map communes hang under the province: the filter form offers them
    # there (a sample of each province's communes with schools, as visitors pick one).
    two_tier = [p for p, districts in places.items() if not districts]
    for province, commune in (
        School.objects.filter(province__in=two_tier).order_by("commune").values_list("province", "commune").distinct()
    ):
        communes.setdefault(province, []).append(commune)
    staff = (
        Membership.objects.filter(role=Membership.Role.SCHOOL_STAFF, user__is_active=True)
        .annotate(verified=_verified_email())
        .order_by("-verified", "pk")
        .values_list("user__email", "school_id", "verified")
    )
    staff = list(staff[:SAMPLE_SIZE])
    if not staff:
        raise CommandError("No school staff in this database: nobody to post a need.")
    verified_staff = [row for row in staff if row[2]] or staff
    staff_sample = rng.sample(verified_staff, min(len(verified_staff), 50))
    _check_password(staff_sample[0][0], password)
    return {
        "public_needs": sorted(rng.sample(public, min(len(public), SAMPLE_SIZE))),
        "open_needs": sorted(rng.sample(with_room, min(len(with_room), 500))) or sorted(public[:500]),
        "schools": sorted(rng.sample(schools, min(len(schools), SAMPLE_SIZE))),
        "search_terms": _search_terms(rng, titles, school_names),
        "categories": list(Category.values),
        "places": [
            {"province": p, "districts": sorted(d), "communes": sorted(rng.sample(c, min(len(c), 20)))}
            for p, d in sorted(places.items())
            for c in [communes.get(p, [])]
        ],
        # Visitors page through the first screens only.
        "browse_pages": max(1, min(ceil(len(public) / 12), 20)),
        # The local office: a district's (old map) or a commune's (current map).
        "district": _officer_unit(("district", "commune"), password),
        "province": _officer_unit(("province",), password),
        "staff": [{"email": email, "school": school} for email, school, _verified in staff_sample],
        "pledge_needs": [{"need": pk, "room": rooms[pk]} for pk in rush],
    }


def data_size() -> dict:
    from donations.models import Pledge
    from letters_contest.models import Entry
    from needs.models import Need
    from schools.models import Office, School, SchoolSite

    return {
        "schools": School.objects.count(),
        "sites": SchoolSite.objects.count(),
        "needs": Need.objects.count(),
        "public needs": Need.objects.public().count(),
        "pledges": Pledge.objects.count(),
        "contest entries": Entry.objects.count(),
        "offices": Office.objects.count(),
    }


# --- the server -------------------------------------------------------------------


class Server:
    """gunicorn on 127.0.0.1:<free port>, stopped on exit whatever happened."""

    def __init__(self, options: Options, out: Path):
        self.options = options
        self.out = out
        self.port = processes.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        # Mail tasks the pages queue go to a queue of their own, never run and dropped after.
        self.queue = f"bench-{os.getpid()}-{secrets.token_hex(4)}"
        self.env = processes.server_env(self.port, self.queue)
        self.process = None

    @property
    def description(self) -> str:
        o = self.options
        if o.worker_class == "gthread":
            return f"gthread, {o.workers} workers × {o.threads} threads"
        return f"{o.worker_class}, {o.workers} workers"

    def __enter__(self):
        started = time.monotonic()
        log = self.out / "collectstatic.log"
        if processes.manage("collectstatic", "--noinput", "-v0", env=self.env, log=log, timeout=600):
            raise CommandError(f"collectstatic failed, see {log}")
        print(f"collectstatic: {time.monotonic() - started:.1f} s", flush=True)
        o = self.options
        command = processes.gunicorn(
            self.port,
            workers=o.workers,
            worker_class=o.worker_class,
            threads=o.threads if o.worker_class == "gthread" else 1,
            timeout=120,
        )
        log = self.out / "gunicorn.log"
        self.process = processes.start(command, env=self.env, log=log)
        try:
            try:
                processes.wait_until_live(self.process, self.port)
            except (processes.ProcessExited, TimeoutError) as error:
                raise CommandError(f"gunicorn {error}; see {log}") from None
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        processes.stop(self.process)
        _drop_queue(self.queue)
        return False

    def workers_rss_mb(self) -> list[float]:
        """Each gunicorn worker's resident memory now, in MB (Linux: /proc), largest first."""
        return sorted((rss_mb(pid) for pid in child_pids(self.process.pid)), reverse=True)


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    """A process's resident memory (VmRSS) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _drop_queue(queue: str) -> None:
    """Delete what the server queued for Celery (pledge mails): nobody must send them."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith(("redis://", "rediss://")):
        return
    import redis

    client = redis.Redis.from_url(broker)
    try:
        # The queue's lists and kombu's binding sets; its name is unique to this run.
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def run_locust(
    base_url: str,
    out: Path,
    phase: str,
    classes: list[str],
    *,
    users: int,
    spawn_rate: float,
    seconds: int,
    env: dict,
    reset_stats: bool = False,
) -> tuple[dict, list[str], bool]:
    """One headless locust run in its own process; its statistics by page name, its failures,
    and whether locust found its own CPU saturated (then throughput is a lower bound)."""
    summary, cpu_bound = locust_summary(
        base_url,
        out,
        phase,
        classes,
        users=users,
        spawn_rate=spawn_rate,
        seconds=seconds,
        env=env,
        reset_stats=reset_stats,
    )
    return report.stats_by_page(summary), report.failure_lines(summary), cpu_bound


def locust_summary(
    base_url: str,
    out: Path,
    phase: str,
    classes: list[str],
    *,
    users: int,
    spawn_rate: float,
    seconds: int,
    env: dict,
    reset_stats: bool = False,
    stop_timeout: int = 0,
) -> tuple[dict, bool]:
    """One headless locust run: the summary the locustfile wrote (per page, with response
    time histograms and status counts) and whether locust found its own CPU saturated.
    `reset_stats`: counted only once every user is running."""
    folder = out / "locust"
    folder.mkdir(parents=True, exist_ok=True)
    summary_file, log = folder / f"{phase}.json", folder / f"{phase}.log"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{seconds}s",
        "--only-summary",
        "--loglevel",
        "WARNING",
        *(["--reset-stats"] if reset_stats else []),
        *(["--stop-timeout", str(stop_timeout)] if stop_timeout else []),
        *classes,
    ]
    processes.run(
        command, env={**env, pages.SUMMARY_ENV: str(summary_file)}, log=log, timeout=seconds + stop_timeout + 120
    )
    if not summary_file.exists():
        raise CommandError(f"locust wrote no statistics for {phase}; see {log}")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    text = log.read_text(encoding="utf-8", errors="replace")
    cpu_bound = "CPU usage above" in text or "CPU usage was too high" in text
    return summary, cpu_bound


# --- the same pages, one at a time ---------------------------------------------------


class _SyncResponse:
    """Enough of locust's response context manager for `pages.fetch`, over requests."""

    def __init__(self, response, error, name: str, results: list):
        self._response, self.error, self.name, self.results = response, error, name, results
        self.status_code = response.status_code if response is not None else 0
        self.text = response.text if response is not None else None
        self.headers = response.headers if response is not None else {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _record(self, problem):
        queries = self.headers.get("X-Query-Count")
        self.results.append(
            {
                "name": self.name,
                "status": self.status_code,
                "queries": int(queries) if queries else None,
                "problem": problem,
            }
        )

    def success(self):
        self._record(None)

    def failure(self, problem):
        self._record(str(problem))


class SyncClient:
    def __init__(self, base_url: str):
        import requests

        self.base_url = base_url
        self.session = requests.Session()
        self.results: list[dict] = []

    def request(self, method, path, name, data=None, catch_response=True, allow_redirects=True):
        import requests

        try:
            response = self.session.request(
                method, urljoin(self.base_url, path), data=data, allow_redirects=allow_redirects, timeout=300
            )
            return _SyncResponse(response, None, name, self.results)
        except requests.RequestException as error:
            return _SyncResponse(None, error, name, self.results)


class SyncUser:
    def __init__(self, base_url: str, fixture: dict, account: dict | None = None):
        self.client = SyncClient(base_url)
        self.fixture = fixture
        self.account = account


def visit_every_page(base_url: str, fixture: dict, password: str) -> list[dict]:
    """Each page kind once, as the user who sees it; the result of every request."""
    visits = [
        (None, [pages.trivial, pages.home, pages.browse, pages.browse_filters, pages.search, pages.need_page]),
        (None, [pages.school_page, pages.pledge]),
        (fixture["district"]["officers"][0], [pages.district_dashboard]),
        (fixture["province"]["officers"][0], [pages.provincial_dashboard]),
        (fixture["staff"][0], [pages.post_need]),
    ]
    results = []
    for account, functions in visits:
        user = SyncUser(base_url, fixture, account)
        try:
            if account:
                pages.login(user, account["email"], password)
            for function in functions:
                # Recorded in the results; the other pages are still worth visiting.
                with contextlib.suppress(pages.PageError):
                    function(user)
        except pages.PageError:
            pass  # the login failed (recorded): this user's pages are not visited
        results.extend(user.client.results)
    return results


def time_export(base_url: str, fixture: dict, password: str, runs: int = 3) -> tuple[dict, list[str]]:
    """The provincial school-by-school workbook, fetched as a provincial officer."""
    path = f"/dashboard/export/schools.xlsx?unit={fixture['province']['unit']}"
    user = SyncUser(base_url, fixture)
    try:
        pages.login(user, fixture["province"]["officers"][0]["email"], password)
    except pages.PageError as error:
        return {}, [f"export: {error}"]
    seconds, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = user.client.session.get(urljoin(base_url, path), timeout=600)
        seconds.append(round(time.perf_counter() - started, 3))
        if response.status_code != 200 or "spreadsheetml" not in response.headers.get("Content-Type", ""):
            return {}, [f"export {path}: status {response.status_code}, {response.headers.get('Content-Type')}"]
        size = len(response.content)
    return {"path": path, "seconds": seconds, "median_s": statistics.median(seconds), "bytes": size}, []


def time_digests(day: date) -> dict:
    """Every education office's weekly digest, one after the other as a single worker
    runs them, in this process. In a transaction rolled back at the end (with any run
    already recorded for that week deleted inside it), so each benchmark does the same
    work and no digest is marked sent; mail goes to memory."""
    from oversight import digests
    from oversight.models import DigestRun, Frequency
    from oversight.tasks import send_office_digest

    period = Frequency.WEEKLY
    start, _end = digests.period_bounds(period, day)
    outcomes: Counter = Counter()
    slowest = ("", 0.0)
    # Celery logs every task it runs; 700 lines of it would bury the report.
    trace_log = logging.getLogger("celery.app.trace")
    level = trace_log.level
    trace_log.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND=processes.LOCMEM_EMAIL, DEBUG=False), transaction.atomic():
            DigestRun.objects.filter(period=period, period_start=start).delete()
            offices = list(digests.digest_offices().order_by("pk"))
            started = time.perf_counter()
            for office in offices:
                office_started = time.perf_counter()
                outcome = send_office_digest.apply(args=(office.pk, period, day.isoformat()), throw=True).get()
                outcomes[outcome] += 1
                took = time.perf_counter() - office_started
                if took > slowest[1]:
                    slowest = (str(office), took)
                mail.outbox = []
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
    finally:
        trace_log.setLevel(level)
    return {
        "period": period,
        "day": day.isoformat(),
        "offices": len(offices),
        "seconds": round(seconds, 3),
        "sent": outcomes["sent"],
        "skipped": outcomes["skipped"],
        "slowest": {"office": slowest[0], "seconds": round(slowest[1], 3)},
    }


# --- cold pages ----------------------------------------------------------------------


class _PathRecorder:
    """A client that answers nothing and records the paths a page function asks for, so
    the cold pass asks the very URLs the load asks for (same functions, same choices)."""

    class Answer:
        status_code = 200
        text = ""
        headers: dict = {}

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def success(self):
            pass

        def failure(self, problem):
            pass

    def __init__(self):
        self.paths: list[str] = []

    def request(self, method, path, name, data=None, catch_response=True, allow_redirects=True):
        self.paths.append(path)
        return self.Answer()


def cold_urls(fixture: dict, per_kind: int, seed: int = 1) -> list[tuple[str, str, str]]:
    """(page kind, who asks, path): up to `per_kind` distinct URLs of each page read by
    GET, as the load would pick them. Who asks: "anonymous", "district" or "province"."""
    state = pages.chance.getstate()
    pages.chance.seed(seed)
    try:
        urls = []
        kinds = [(pages.TRIVIAL, pages.trivial, "anonymous"), (pages.HOME, pages.home, "anonymous")]
        kinds += [(kind, page, "anonymous") for kind, page in pages.SOLO.items()]
        kinds += [
            (pages.DISTRICT_DASHBOARD, pages.district_dashboard, "district"),
            (pages.PROVINCIAL_DASHBOARD, pages.provincial_dashboard, "province"),
        ]
        for kind, page, who in kinds:
            recorder = SyncUser("", fixture)
            recorder.client = _PathRecorder()
            seen: list[str] = []
            # The trivial view has one URL: asked as often as the others, for its median.
            for _ in range(per_kind * 5):
                page(recorder)
                path = recorder.client.paths[-1]
                if kind == pages.TRIVIAL or path not in seen:
                    seen.append(path)
                if len(seen) >= per_kind:
                    break
            urls += [(kind, who, path) for path in seen]
        return urls
    finally:
        pages.chance.setstate(state)


def flush_cache() -> int:
    """Delete every key of the portal's cache (its KEY_PREFIX) in Redis, nothing else there."""
    import redis

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return len(keys)
    finally:
        client.close()


def time_cold_pages(base_url: str, fixture: dict, password: str, per_kind: int) -> tuple[list[dict], list[str]]:
    """The cache flushed, each URL asked once, one at a time (cold); then the same URLs once
    more (warm). Each request's wall time in ms, by page kind: [{"page", "cold": [...],
    "warm": [...]}] and the problems met."""
    import requests

    urls = cold_urls(fixture, per_kind)
    sessions = {"anonymous": requests.Session()}
    problems = []
    for who in ("district", "province"):
        user = SyncUser(base_url, fixture)
        try:
            pages.login(user, fixture[who]["officers"][0]["email"], password)
        except pages.PageError as error:
            problems.append(f"cold pages, signing in as the {who} officer: {error}")
        sessions[who] = user.client.session
    flush_cache()
    times: dict[str, dict[str, list[float]]] = {}
    for run in ("cold", "warm"):
        for kind, who, path in urls:
            started = time.perf_counter()
            response = sessions[who].get(urljoin(base_url, path), timeout=300)
            took = round((time.perf_counter() - started) * 1000, 1)
            if response.status_code != 200 or (who != "anonymous" and "/accounts/login/" in response.url):
                problems.append(f"cold pages, {run} {path}: status {response.status_code} at {response.url}")
            times.setdefault(kind, {"cold": [], "warm": []})[run].append(took)
    return [{"page": kind, **runs} for kind, runs in times.items()], problems


# --- the open loop -------------------------------------------------------------------


def open_sessions(base_url: str, fixture: dict, password: str, staff: int = 5) -> dict:
    """Sign each officer of the sample and a few school staff in once; their session
    cookies, by e-mail, for the open-loop users (who arrive signed in)."""
    accounts = [*fixture["district"]["officers"], *fixture["province"]["officers"], *fixture["staff"][:staff]]
    sessions = {}
    for account in accounts:
        if account["email"] in sessions:
            continue
        user = SyncUser(base_url, fixture)
        pages.login(user, account["email"], password)
        name = settings.SESSION_COOKIE_NAME
        sessions[account["email"]] = {"name": name, "value": user.client.session.cookies[name]}
    return sessions


def _open_phase(
    server, out: Path, name: str, planned: dict, seconds: int, env: dict, *, reset_stats: bool
) -> tuple[dict, bool]:
    """One open-loop locust run of the classes in `planned`: every user spawned within
    a second or two (each then waits a random part of its pacing before its first visit,
    so visits arrive evenly from the start), then `seconds` measured. At the end, a visit
    under way is finished (--stop-timeout), so no answer is lost to the stop."""
    users = sum(p["users"] for p in planned.values())
    spawn_seconds = 2
    return locust_summary(
        server.base_url,
        out,
        name,
        list(planned),
        users=users,
        spawn_rate=max(users / spawn_seconds, 1),
        seconds=seconds + (spawn_seconds + 1 if reset_stats else 0),
        env={**env, pages.OPEN_ENV: json.dumps(planned)},
        reset_stats=reset_stats,
        stop_timeout=120,
    )


def capacity_search(server, out: Path, options: Options, floor_rps: float, env: dict) -> tuple[list[dict], list[str]]:
    """The realistic mix, open loop, at geometric steps of rate until a step misses the
    budget: each step's result (openloop.step_result) and locust's failure lines."""
    steps, failures = [], []
    start = max(options.capacity_start * floor_rps, 1.0)
    for number, rate in enumerate(openloop.rates(start, options.capacity_factor, options.capacity_steps), 1):
        planned = openloop.plan(rate)
        _say(
            f"capacity, step {number}: {rate:g} req/s, {sum(p['users'] for p in planned.values())} users "
            f"pacing {max(p['pacing'] for p in planned.values()):.1f} s, {options.step_duration} s"
        )
        summary, cpu_bound = _open_phase(
            server, out, f"capacity-{number}", planned, options.step_duration, env, reset_stats=True
        )
        step = {"step": number, "users": sum(p["users"] for p in planned.values())}
        step.update(openloop.step_result(rate, summary, generator_cpu_bound=cpu_bound))
        steps.append(step)
        failures += [f"capacity step {number}: {line}" for line in report.failure_lines(summary)]
        _say(
            f"  achieved {step['achieved_rps']:g} req/s, p95 public {step['p95_public_ms']} ms, "
            f"dashboards {step['p95_dashboards_ms']} ms, {step['errors']} errors: "
            + ("met" if step["met"] else "not met")
        )
        if not step["met"] or step["limited_by"] == "generator":
            break
    return steps, failures


def pledge_phase(server, out: Path, options: Options, fixture: dict, env: dict) -> tuple[dict, list[str], list[str]]:
    """Guests give to a few needs at `pledge_rate` POSTs a second until they are full; then
    every pledge answered as made (302) must be in the database, once, and no need may hold
    more than it asked for, nor a sum other than what was given to it. The phase's result,
    locust's failure lines, and the problems found in the database."""
    from needs.models import Need

    posts = options.pledge_rate * options.pledge_duration
    targets = openloop.pledge_targets(fixture["pledge_needs"], posts)
    if not targets:
        return {}, [], ["pledge phase: no verified need with room in this database"]
    fixture_path = Path(env[pages.FIXTURE_ENV]).with_name("fixture-pledges.json")
    fixture_path.write_text(json.dumps({**fixture, "pledge_targets": targets}), encoding="utf-8")
    need_ids = [t["need"] for t in targets]
    before = dict(Need.objects.filter(pk__in=need_ids).values_list("pk", "amount_pledged"))
    tag = f"p{os.getpid()}{secrets.token_hex(3)}"
    planned = openloop.plan_pledges(options.pledge_rate)
    _say(
        f"pledge phase: {options.pledge_rate:g} POSTs a second for {options.pledge_duration} s "
        f"to {len(targets)} needs, {planned['PledgeDonor']['users']} donors"
    )
    summary, cpu_bound = _open_phase(
        server,
        out,
        "pledges",
        planned,
        options.pledge_duration,
        {**env, pages.FIXTURE_ENV: str(fixture_path), pages.RUN_TAG_ENV: tag},
        reset_stats=False,
    )
    stats = report.stats_by_page(summary)
    post = stats.get(pages.PLEDGE_POST) or {}
    statuses = summary.get("statuses", {}).get(pages.PLEDGE_POST, {})
    answered_made = int(statuses.get("302", 0))
    counted, problems = count_pledges(tag, before, answered_made)
    result = {
        "target_per_s": options.pledge_rate,
        "duration_s": options.pledge_duration,
        "needs": len(targets),
        "users": planned["PledgeDonor"]["users"],
        "posts": post.get("requests", 0),
        "posts_per_s": round(post.get("rps", 0.0), 2),
        "p95_post_ms": post.get("p95_ms"),
        "p95_public_ms": openloop.percentile(openloop.class_histogram(summary, pages.PUBLIC_PAGES), 0.95),
        "errors": stats.get("all", {}).get("errors", 0),
        "answered_made": answered_made,
        "answered_refused": int(statuses.get("200", 0)),
        **counted,
        "generator_cpu_bound": cpu_bound,
    }
    result["kept"] = result["posts_per_s"] >= openloop.KEPT_SHARE * options.pledge_rate
    _say(
        f"  {result['posts_per_s']:g} POSTs a second, p95 {result['p95_post_ms']} ms; {answered_made} made, "
        f"{result['answered_refused']} refused, {counted['created']} in the database, "
        f"{len(counted['over_funded'])} over-funded"
    )
    return result, [f"pledge phase: {line}" for line in report.failure_lines(summary)], problems


def count_pledges(tag: str, before: dict[int, int], answered_made: int) -> tuple[dict, list[str]]:
    """After the pledge phase: the pledges it made (their addresses carry `tag`) against
    the POSTs answered as made, and the needs it gave to (`before`: their pledged sums
    before) over-funded, or moved by other than their new pledges."""
    from donations.models import Pledge
    from needs.models import Need

    made = Pledge.objects.filter(donor_email__startswith=f"bench-{tag}-")
    created = made.count()
    given = dict(made.order_by().values_list("need").annotate(total=models.Sum("amount")).values_list("need", "total"))
    over, unbalanced = [], []
    for need in Need.objects.filter(pk__in=before).order_by("pk"):
        if need.amount_pledged > need.amount_requested:
            over.append(need.pk)
        if need.amount_pledged - before[need.pk] != given.get(need.pk, 0):
            unbalanced.append(need.pk)
    problems = []
    if created != answered_made:
        problems.append(
            f"pledge phase: {answered_made} pledges answered as made, {created} in the database"
            + (" (lost)" if created < answered_made else " (made without being answered)")
        )
    if over:
        problems.append(f"pledge phase: needs over-funded: {over}")
    if unbalanced:
        problems.append(f"pledge phase: needs whose pledged sum moved by other than their new pledges: {unbalanced}")
    counted = {"created": created, "lost": answered_made - created, "over_funded": over, "unbalanced": unbalanced}
    return counted, problems


# --- the whole run -----------------------------------------------------------------


def _git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} + local changes" if dirty else commit


def _server_facts(server_description: str) -> dict:
    import django

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {
        "database": f"PostgreSQL {version}",
        "cache": "Redis" if "Redis" in settings.CACHES["default"]["BACKEND"] else settings.CACHES["default"]["BACKEND"],
        "gunicorn": server_description,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "locust": importlib.metadata.version("locust"),
    }


def _say(message: str) -> None:
    print(f"== {message}", flush=True)


def run(options: Options) -> int:
    """The benchmark; returns the exit status (1 if any request failed)."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise CommandError("The benchmark runs as in production: set DATABASE_URL (PostgreSQL) and REDIS_URL.")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("The database has unapplied migrations: run `manage.py migrate` first.")
    if shutil.which("git") is None:
        _say("git not found: the report will not name the commit")
    out = (BASE_DIR / options.out).resolve() if not options.out.is_absolute() else options.out
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "locust", ignore_errors=True)
    rng = random.Random(options.seed)  # noqa: S311 (a repeatable sample, not a secret)
    spawn_rate = options.spawn_rate or options.users

    _say("picking sample ids from the database")
    fixture = pick_sample(rng, options.password, options.pledge_needs)
    fixture["open_staff"] = fixture["staff"][:5]
    fixture_path = out / "fixture.json"
    fixture_path.write_text(json.dumps(fixture, indent=1), encoding="utf-8")
    size = data_size()
    # Failed requests under load (locust counts them) and anything else that went wrong.
    failures: list[str] = []
    problems: list[str] = []
    load = {
        "users": options.users,
        "spawn_rate": spawn_rate,
        "duration_s": options.duration,
        "floor_duration_s": options.floor_duration,
        "solo_duration_s": options.solo_duration,
        "warmup_s": options.warmup,
        "ci": options.ci,
        "generator_cpu_bound": False,
        "capacity_steps": options.capacity_steps,
        "capacity_start": options.capacity_start,
        "capacity_factor": options.capacity_factor,
        "step_duration_s": options.step_duration,
        "headroom_s": openloop.HEADROOM_S,
        "shares": openloop.SHARES,
        "cold_urls": options.cold_urls,
        "replica": options.replica,
    }
    capacity_steps: list[dict] = []
    cold: list[dict] = []
    pledges: dict = {}

    with Server(options, out) as server:
        locust_env = {
            **os.environ,
            pages.FIXTURE_ENV: str(fixture_path),
            pages.PASSWORD_ENV: options.password,
            "PYTHONPATH": str(BASE_DIR),
        }

        def phase(name, classes, seconds, **extra):
            _say(f"{name}: {options.users} users, {seconds} s")
            stats, phase_failures, cpu_bound = run_locust(
                server.base_url,
                out,
                name,
                classes,
                users=options.users,
                spawn_rate=spawn_rate,
                seconds=seconds,
                env={**locust_env, **extra},
            )
            failures.extend(f"{name}: {line}" for line in phase_failures)
            load["generator_cpu_bound"] |= cpu_bound
            return stats

        _say(f"gunicorn ({server.description}) at {server.base_url}; every page once")
        checks = visit_every_page(server.base_url, fixture, options.password)
        bad = [f"first visit, {c['name']}: {c['problem']}" for c in checks if c["problem"]]
        if bad:
            raise CommandError("The server does not serve every page; nothing measured.\n" + "\n".join(bad))
        if options.cold_urls:
            _say(f"cold pages: cache flushed, up to {options.cold_urls} URLs of each page asked once, then warm")
            cold, cold_problems = time_cold_pages(server.base_url, fixture, options.password, options.cold_urls)
            problems.extend(cold_problems)
        if options.warmup:
            phase("warm-up", pages.MIX_USERS, options.warmup)
            failures.clear()  # a cold server's hiccups are not the benchmark's errors
        floor_stats = phase("floor", pages.FLOOR_USERS, options.floor_duration)
        mix_stats = phase("mix", pages.MIX_USERS, options.duration)
        solo_stats = {}
        if options.solo_duration:
            for kind in pages.SOLO:
                slug = kind.replace(":", "").replace(" ", "-")
                solo_stats[kind] = phase(
                    f"alone-{slug}", pages.SOLO_USERS, options.solo_duration, **{pages.SOLO_ENV: kind}
                )

        floor_rps = (floor_stats.get(pages.TRIVIAL) or {}).get("rps")
        if options.capacity_steps or options.pledge_duration:
            fixture["sessions"] = open_sessions(server.base_url, fixture, options.password)
            fixture_path.write_text(json.dumps(fixture, indent=1), encoding="utf-8")
        if options.capacity_steps and floor_rps:
            capacity_steps, capacity_failures = capacity_search(server, out, options, floor_rps, locust_env)
            load["generator_cpu_bound"] |= any(step["limited_by"] == "generator" for step in capacity_steps)
            # Errors past the budget are how a search ends; at its lowest rate, far below
            # the floor, they are failures.
            if capacity_steps and capacity_steps[0]["errors"]:
                failures.extend(line for line in capacity_failures if line.startswith("capacity step 1:"))
        if options.pledge_duration:
            pledges, pledge_failures, pledge_problems = pledge_phase(server, out, options, fixture, locust_env)
            failures.extend(pledge_failures)
            problems.extend(pledge_problems)

        _say("query count of every page")
        queries = {}
        for check in visit_every_page(server.base_url, fixture, options.password):
            if check["problem"]:
                problems.append(f"query count, {check['name']}: {check['problem']}")
            if check["queries"] is not None:
                queries[check["name"]] = check["queries"]

        _say("dashboard export, provincial, school by school")
        export, export_problems = time_export(server.base_url, fixture, options.password)
        problems.extend(export_problems)
        server_description = server.description
        # After every phase, before gunicorn stops: what a worker holds after serving the run.
        workers_rss = server.workers_rss_mb()

    _say("weekly digests of every office, one worker")
    try:
        digests = time_digests(options.digest_date or timezone.localdate())
    except Exception as error:  # reported with the rest, the report is still written
        digests = {}
        problems.append(f"weekly digests: {error!r}")

    floor = floor_stats.get(pages.TRIVIAL) or {}
    trivial_ms = statistics.median(next((c["cold"] for c in cold if c["page"] == pages.TRIVIAL), [0]) or [0])
    result = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "data": size,
        "server": _server_facts(server_description),
        "load": load,
        "floor": floor,
        "pages": report.page_rows({k: v for k, v in mix_stats.items() if k != "all"}, floor_rps, queries),
        "total": mix_stats.get("all"),
        "solo": [
            {
                "page": kind,
                **stats[kind],
                "ratio_to_trivial": round(stats[kind]["rps"] / floor_rps, 4) if floor_rps else None,
            }
            for kind, stats in solo_stats.items()
            if kind in stats
        ],
        "capacity": {"steps": capacity_steps, **openloop.capacity(capacity_steps, floor_rps)},
        "cold": report.cold_rows(cold, trivial_ms),
        "pledges": pledges,
        "queries": queries,
        "digests": digests,
        "export": export,
        "memory": {"workers_rss_mb": workers_rss},
        "sample": {
            "district": {k: fixture["district"][k] for k in ("unit", "name", "schools")},
            "province": {k: fixture["province"][k] for k in ("unit", "name", "schools")},
        },
    }
    failed = sum(stats.get("all", {}).get("errors", 0) for stats in [floor_stats, mix_stats, *solo_stats.values()])
    failed += capacity_steps[0]["errors"] if capacity_steps else 0
    failed += pledges.get("errors", 0)
    result["errors"] = failed + len(problems)
    result["problems"] = failures + problems
    result["budgets"] = report.evaluate_budgets(result)
    result["ok"] = result["errors"] == 0
    markdown = report.render_markdown(result)
    (out / "report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown, flush=True)
    _say(f"written {out / 'report.md'} and {out / 'report.json'}")
    return 0 if result["ok"] else 1
