from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.bench.runner import Options, run

# --ci: a few seconds per phase, so CI runs the same benchmark cheaply and it cannot rot.
CI_DEFAULTS = {"users": 4, "duration": 5, "floor_duration": 3, "solo_duration": 2, "warmup": 2}


class Command(BaseCommand):
    help = (
        "Load benchmark: the portal under gunicorn (production profile, PostgreSQL, Redis) driven by locust "
        "on loopback; writes report.md and report.json. Exits non-zero if any request failed."
    )

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
        parser.add_argument("--ci", action="store_true", help="CI size: 4 users, a few seconds per phase")

    def handle(self, *args, **options):
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
            )
        )
        if status:
            raise CommandError("Some requests failed: see the errors in the report.", returncode=status)
