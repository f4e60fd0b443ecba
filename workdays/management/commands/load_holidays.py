from django.core.management.base import BaseCommand
from django.utils import timezone

from workdays.services import load_official_calendar


class Command(BaseCommand):
    help = (
        "Fill the working calendar with Vietnam's public holidays and weekend days worked for these years "
        "(this year and the next by default); days already kept are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="years, e.g. 2026 2027")

    def handle(self, *args, years, **options):
        this_year = timezone.localdate().year
        years = years or [this_year, this_year + 1]
        added = load_official_calendar(years)
        self.stdout.write(
            f"Working calendar {', '.join(map(str, years))}: {added['holidays']} holidays and days off, "
            f"{added['working']} weekend days worked added."
        )
