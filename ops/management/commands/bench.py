import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.bench.runner import Options, run

# --ci: a few seconds per phase, so CI runs the same benchmark cheaply and it cannot rot:
# one step of the open-loop capacity search, a short pledge phase below the budget's rate.
CI_DEFAULTS = {
    "users": 4,
    "duration": 5,
    "floor_duration": 3,
    "solo_duration": 2,
    "warmup": 2,
    "capacity_steps": 1,
    "capacity_start": 0.05,
    "step_duration": 8,
    "cold_urls": 3,
    "pledge_rate": 5.0,
    "pledge_duration": 6,
    "pledge_needs": 3,
}
# Set in the run that --replica starts on the copy: what the replica is, for the report.
REPLICA_ENV = "BENCH_REPLICA"


class Command(BaseCommand):
    help = (
        "Load benchmark: the portal under gunicorn (production profile, PostgreSQL, Redis) driven by locust "
        "on loopback; writes report.md and report.json. Exits non-zero if any request failed."
    )

    argv: list[str] = []

    def run_from_argv(self, argv):
        self.argv = argv  # for --replica, which runs the same command again on the copy
        super().run_from_argv(argv)

    def add_arguments(self, parser):
        defaults = Options()
        parser.add_argument("--users", type=int, help=f"concurrent users (default {defaults.users})")
        parser.add_argument("--duration", type=int, help=f"seconds of the realistic mix (default {defaults.duration})")
        parser.add_argument("--spawn-rate", type=float, help="users started per second (default: all at once)")
        parser.add_argument(
            "--floor-duration", type=int, help=f"seconds of the trivial view alone (default {defaults.floor_duration})"
        )
        parser.add_argument(
            "--solo-duration",
            type=int,
            help=f"seconds of each anonymous page alone, 0 to skip (default {defaults.solo_duration})",
        )
        parser.add_argument("--warmup", type=int, help=f"seconds of unmeasured mix first (default {defaults.warmup})")
        parser.add_argument("--out", default=str(defaults.out), help="folder for the report (default bench-results)")
        parser.add_argument(
            "--worker-class",
            choices=["gthread", "sync"],
            default=defaults.worker_class,
            help=f"gunicorn worker class (default {defaults.worker_class})",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=defaults.workers,
            help=f"gunicorn workers (default 2 × CPUs + 1 = {defaults.workers})",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=defaults.threads,
            help=f"threads per gthread worker (default {defaults.threads})",
        )
        parser.add_argument(
            "--password",
            default=defaults.password,
            help="password of the sampled users (generated data: bench12345; the demo: demo12345)",
        )
        parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed of the sample")
        parser.add_argument("--digest-date", help="time the weekly digests as if run on this date (YYYY-MM-DD)")
        parser.add_argument(
            "--capacity-steps",
            type=int,
            help=f"steps of the open-loop capacity search at most, 0 to skip (default {defaults.capacity_steps})",
        )
        parser.add_argument(
            "--capacity-start",
            type=float,
            help=f"first step's rate, × the trivial view's throughput (default {defaults.capacity_start})",
        )
        parser.add_argument(
            "--capacity-factor",
            type=float,
            default=defaults.capacity_factor,
            help=f"each step's rate × this (default {defaults.capacity_factor})",
        )
        parser.add_argument(
            "--step-duration", type=int, help=f"measured seconds of each step (default {defaults.step_duration})"
        )
        parser.add_argument(
            "--cold-urls",
            type=int,
            help=f"URLs of each page asked once with the cache flushed, 0 to skip (default {defaults.cold_urls})",
        )
        parser.add_argument(
            "--pledge-rate", type=float, help=f"pledge POSTs a second, open loop (default {defaults.pledge_rate:g})"
        )
        parser.add_argument(
            "--pledge-duration",
            type=int,
            help=f"seconds of the pledge phase, 0 to skip (default {defaults.pledge_duration})",
        )
        parser.add_argument(
            "--pledge-needs", type=int, help=f"needs the pledge phase fills (default {defaults.pledge_needs})"
        )
        parser.add_argument(
            "--replica",
            action="store_true",
            help="copy the database into a PostgreSQL of its own with a streaming standby (pg_basebackup) "
            "and measure the portal with DATABASE_REPLICA_URL set; both are removed after",
        )
        parser.add_argument("--ci", action="store_true", help="CI size: 4 users, a few seconds per phase")

    def handle(self, *args, **options):
        if options["replica"]:
            return self.with_replica()
        sizes = {}
        for name, default in CI_DEFAULTS.items():
            given = options[name]
            sizes[name] = given if given is not None else (default if options["ci"] else getattr(Options, name))
        try:
            digest_date = date.fromisoformat(options["digest_date"]) if options["digest_date"] else None
        except ValueError:
            raise CommandError("--digest-date takes YYYY-MM-DD.") from None
        status = run(
            Options(
                **sizes,
                spawn_rate=options["spawn_rate"],
                out=Path(options["out"]),
                worker_class=options["worker_class"],
                workers=options["workers"],
                threads=options["threads"],
                password=options["password"],
                seed=options["seed"],
                digest_date=digest_date,
                ci=options["ci"],
                capacity_factor=options["capacity_factor"],
                replica=os.environ.get(REPLICA_ENV, ""),
            )
        )
        if status:
            raise CommandError("Some requests failed: see the errors in the report.", returncode=status)

    def with_replica(self):
        """The same benchmark, in a process of its own, on a copy of the database in a
        PostgreSQL of our own (fsync on) with a streaming standby of it as
        DATABASE_REPLICA_URL. A copy, because a standby copies a whole cluster and needs a
        replication right the shared server may not grant; its own primary keeps the
        comparison fair only with a run on the same copy (see docs/performance.md)."""
        from ops import pgcluster

        if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            raise CommandError("--replica copies a PostgreSQL database: set DATABASE_URL.")
        source = os.environ.get("DATABASE_URL", "")
        self.stdout.write("== replica: copying the database into a PostgreSQL of its own, then pg_basebackup")
        with pgcluster.replicated_copy(source) as (primary, standby):
            described = (
                f"a copy of the database in a PostgreSQL of its own (port {primary.port}) with a streaming "
                f"standby (pg_basebackup, port {standby.port}) as DATABASE_REPLICA_URL; dashboards and the "
                "open-data API read it"
            )
            self.stdout.write(f"== replica: {described}")
            if not self.argv:
                raise CommandError("--replica runs from the command line (manage.py bench --replica).")
            argv = [str(Path(settings.BASE_DIR) / "manage.py"), *[a for a in self.argv[1:] if a != "--replica"]]
            env = {**os.environ, "DATABASE_URL": primary.url, "DATABASE_REPLICA_URL": standby.url}
            env[REPLICA_ENV] = described
            served = "SELECT sum(xact_commit) FROM pg_stat_database"
            before = int(standby.query(served) or 0)
            status = subprocess.run([sys.executable, *argv], env=env, check=False).returncode  # noqa: S603
            self.stdout.write(
                f"== replica: {int(standby.query(served) or 0) - before} transactions served by the standby; "
                f"{standby.lag_bytes()} bytes of WAL behind the primary at the end"
            )
        if status:
            raise CommandError("The benchmark on the replicated copy failed: see its report.", returncode=status)
