from django.core.management.base import BaseCommand

from ops.pgsettings import GB, production_settings, render


class Command(BaseCommand):
    help = (
        "The postgresql.conf lines a production database of the portal should run with (ops/pgsettings.py), "
        "sized for this machine or for the one given. Put them in a file included from postgresql.conf."
    )

    def add_arguments(self, parser):
        parser.add_argument("--memory-gb", type=int, help="the database server's memory (default: this machine's)")
        parser.add_argument("--cores", type=int, help="its cores (default: this machine's)")
        parser.add_argument(
            "--shared-machine",
            action="store_true",
            help="the database shares the machine with the web and worker processes",
        )

    def handle(self, memory_gb, cores, shared_machine, **options):
        settings = production_settings(
            memory=memory_gb * GB if memory_gb else None, cores=cores, shared_machine=shared_machine
        )
        self.stdout.write(render(settings), ending="")
