"""`manage.py bench`: the portal under gunicorn on PostgreSQL and Redis as in production,
driven by locust from a separate process on loopback; writes report.md and report.json.

Order: pick sample ids from the database → collectstatic → start gunicorn → check every
page once (fails fast, with the reason) → warm up → phase 1, the trivial view alone (the
floor) → phase 2, the realistic mix → each anonymous page alone → query count of every
page → dashboard export timed through the server → gunicorn stopped → weekly digests of
every office timed in this process → report. gunicorn is always stopped, and everything
the server queued for Celery is dropped.
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
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Exists, F, OuterRef
from django.test.utils import override_settings
from django.utils import timezone

from core.text import fold
from ops import processes
from ops.bench import pages, report

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


def pick_sample(rng: random.Random, password: str) -> dict:
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
    base_url: str, out: Path, phase: str, classes: list[str], *, users: int, spawn_rate: float, seconds: int, env: dict
) -> tuple[dict, list[str], bool]:
    """One headless locust run in its own process; its statistics by page name, its failures,
    and whether locust found its own CPU saturated (then throughput is a lower bound)."""
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
        *classes,
    ]
    processes.run(command, env={**env, pages.SUMMARY_ENV: str(summary_file)}, log=log, timeout=seconds + 120)
    if not summary_file.exists():
        raise CommandError(f"locust wrote no statistics for {phase}; see {log}")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    text = log.read_text(encoding="utf-8", errors="replace")
    cpu_bound = "CPU usage above" in text or "CPU usage was too high" in text
    return report.stats_by_page(summary), report.failure_lines(summary), cpu_bound


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
    fixture = pick_sample(rng, options.password)
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
    }

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

    _say("weekly digests of every office, one worker")
    try:
        digests = time_digests(options.digest_date or timezone.localdate())
    except Exception as error:  # reported with the rest, the report is still written
        digests = {}
        problems.append(f"weekly digests: {error!r}")

    floor = floor_stats.get(pages.TRIVIAL) or {}
    floor_rps = floor.get("rps")
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
        "queries": queries,
        "digests": digests,
        "export": export,
        "sample": {
            "district": {k: fixture["district"][k] for k in ("unit", "name", "schools")},
            "province": {k: fixture["province"][k] for k in ("unit", "name", "schools")},
        },
    }
    failed = sum(stats.get("all", {}).get("errors", 0) for stats in [floor_stats, mix_stats, *solo_stats.values()])
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
