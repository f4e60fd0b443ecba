import cProfile
import pstats
import random
import statistics
import time
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ops.bench import pages
from ops.bench.runner import cold_urls, flush_cache, pick_sample

# Where a function's own time is spent, by the file it is in (first match wins).
AREAS = (
    ("django/template/", "Django templates"),
    ("django/templatetags/", "Django templates"),
    ("jinja2/", "Jinja2 templates"),
    ("psycopg", "database (driver, waiting for PostgreSQL)"),
    ("django/db/", "ORM"),
    ("django/forms/", "forms"),
    ("django_filters/", "forms"),
    ("django/utils/translation", "translation"),
    ("gettext", "translation"),
    ("django/urls/", "URLs"),
    ("redis/", "cache (Redis)"),
    ("django_redis/", "cache (Redis)"),
    ("django/core/cache/", "cache (Redis)"),
    ("/site-packages/django/", "Django, the rest"),
    ("/site-packages/", "other libraries"),
    ("/usr/lib/python3", "Python's standard library"),
    ("{built-in", "built-ins"),
    ("~", "built-ins"),
)


def _area(filename: str, name: str) -> str:
    if "psycopg" in name:  # the driver's C methods: sending a query and waiting for it
        return "database (driver, waiting for PostgreSQL)"
    for marker, area in AREAS:
        if marker in filename:
            return area
    return "the portal's code"


class Command(BaseCommand):
    help = (
        "Where the time of a cold page goes: the benchmark's cold URLs (ops/bench/runner.py cold_urls, the "
        "same pages the load asks for), each asked once after the portal's cache is flushed, in this process "
        "under cProfile. Prints, per page kind, the median time, the queries and the self time by area "
        "(templates, database, ORM, forms…) with the functions that cost most. Run it on the benchmark's data "
        "in the production profile (DJANGO_DEBUG=0)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kinds", nargs="*", help="page kinds as named in the report (default: every cold kind)")
        parser.add_argument("--per-kind", type=int, default=10, help="URLs of each kind (default 10)")
        parser.add_argument("--top", type=int, default=12, help="functions listed per kind (default 12)")
        parser.add_argument("--warm", action="store_true", help="ask each URL once first, profile the second")
        parser.add_argument("--password", default="bench12345")

    def handle(self, kinds, per_kind, top, warm, password, **options):
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: templates and queries cost more than in production (DJANGO_DEBUG=0).")
        fixture = pick_sample(random.Random(42), password)  # noqa: S311 (a sample, not a secret)
        urls = [u for u in cold_urls(fixture, per_kind) if u[0] != pages.TRIVIAL and (not kinds or u[0] in kinds)]
        if not urls:
            raise CommandError("No URL of those kinds.")
        clients = {"anonymous": Client()}
        for who in ("district", "province"):
            clients[who] = Client()
            clients[who].force_login(get_user_model().objects.get(email=fixture[who]["officers"][0]["email"]))
        host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
        # A process's first requests fill its caches (URL patterns, compiled templates,
        # translations), as a server's first visitors do: once per kind, not profiled.
        for kind in dict.fromkeys(u[0] for u in urls):
            _kind, who, path = next(u for u in urls if u[0] == kind)
            clients[who].get(path, HTTP_HOST=host, secure=True)
        by_kind: dict[str, dict] = defaultdict(lambda: {"ms": [], "queries": [], "profile": None})
        for kind, who, path in urls:
            client = clients[who]
            flush_cache()
            if warm:
                client.get(path, HTTP_HOST=host, secure=True)
            profiler = cProfile.Profile()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                profiler.enable()
                response = client.get(path, HTTP_HOST=host, secure=True)
                profiler.disable()
                took = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"{path}: status {response.status_code}")
            entry = by_kind[kind]
            entry["ms"].append(took)
            entry["queries"].append(len(queries))
            if entry["profile"] is None:
                entry["profile"] = pstats.Stats(profiler)
            else:
                entry["profile"].add(profiler)
        for kind, entry in by_kind.items():
            self._report(kind, entry, top)

    def _report(self, kind: str, entry: dict, top: int):
        stats = entry["profile"].stats
        runs = len(entry["ms"])
        areas: dict[str, float] = defaultdict(float)
        for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.items():
            areas[_area(filename, _name)] += own
        total = sum(areas.values()) or 1
        self.stdout.write(
            f"\n### {kind}: {runs} URLs, median {statistics.median(entry['ms']):.1f} ms, "
            f"queries {min(entry['queries'])}–{max(entry['queries'])} "
            f"(profiled: {total * 1000 / runs:.1f} ms a page)\n"
        )
        self.stdout.write("| area | ms a page | share |\n|---|---:|---:|")
        for area, seconds in sorted(areas.items(), key=lambda item: -item[1]):
            self.stdout.write(f"| {area} | {seconds * 1000 / runs:.1f} | {seconds / total:.0%} |")
        self.stdout.write("\n| function (own time) | ms a page | calls a page |\n|---|---:|---:|")
        ranked = sorted(stats.items(), key=lambda item: -item[1][2])[:top]
        for (filename, line, name), (_cc, calls, own, _cum, _callers) in ranked:
            where = filename.split("site-packages/")[-1].removeprefix(f"{settings.BASE_DIR}/")
            self.stdout.write(f"| `{name}` ({where}:{line}) | {own * 1000 / runs:.2f} | {calls / runs:.0f} |")
        self.stdout.write("\n| function (with what it calls) | ms a page |\n|---|---:|")
        portal = [
            item
            for item in stats.items()
            if "/site-packages/" not in item[0][0]
            and not item[0][0].startswith(("~", "{", "/usr/lib"))
            # the middleware and the page cache wrap every view: they say nothing
            and item[0][2] not in ("__call__", "wrapped")
        ]
        base = f"{settings.BASE_DIR}/"
        for (filename, line, name), (_cc, _calls, _own, cum, _callers) in sorted(portal, key=lambda i: -i[1][3])[:top]:
            self.stdout.write(f"| `{name}` ({filename.removeprefix(base)}:{line}) | {cum * 1000 / runs:.1f} |")
