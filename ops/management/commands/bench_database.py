from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.pgcluster import PostgresCluster
from ops.pgsettings import production_settings

# Not under /tmp, which the test suite sweeps of its own clusters (portal-pg-*); a folder
# only this command uses, kept between runs as the benchmark's data is.
DEFAULT_FOLDER = Path("/var/tmp/portal-bench-pg")  # noqa: S108
DEFAULT_PORT = 5440


class Command(BaseCommand):
    help = (
        "The benchmark's own PostgreSQL: a durable cluster in a folder of its own, configured with the "
        "production settings of ops/pgsettings.py (sized for this machine, shared with the web processes). "
        "`start` creates it the first time and prints its DATABASE_URL; `stop` stops it; `destroy` removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "destroy", "url"])
        parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER, help=f"(default {DEFAULT_FOLDER})")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"(default {DEFAULT_PORT})")

    def handle(self, action, folder, port, **options):
        cluster = PostgresCluster(
            durable=True, folder=folder, port=port, settings=production_settings(shared_machine=True)
        )
        if action == "start":
            if not cluster.created:
                cluster.create()
                cluster.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                self.stderr.write(f"Created a cluster in {folder} with the production settings (portal.conf).")
            elif not cluster.running:
                cluster.start()
            self.stdout.write(cluster.url)
        elif action == "url":
            self.stdout.write(cluster.url)
        elif action == "stop":
            if not cluster.running:
                raise CommandError(f"No cluster is running in {folder}.")
            cluster.stop()
        else:
            cluster.destroy()
