from django.core.management.base import BaseCommand

from needs.services import photo_fill_hashes
from trust.services import benchmarks_refresh, photo_matches_rebuild


class Command(BaseCommand):
    help = (
        "Hash the need photos stored before hashing (each is then matched), refresh the cost "
        "benchmarks, and with --rematch rebuild every photo match. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rematch", action="store_true", help="match every photo again (after a rule change)")

    def handle(self, *args, rematch=False, **options):
        self.stdout.write(f"Photos hashed: {photo_fill_hashes()}")
        if rematch:
            self.stdout.write(f"Photo pairs found: {photo_matches_rebuild()}")
        self.stdout.write(f"Cost benchmarks changed: {benchmarks_refresh()}")
