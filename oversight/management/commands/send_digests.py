from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oversight import digests
from oversight.models import Frequency


class Command(BaseCommand):
    help = "Send the office digests now, with the same code the scheduled job runs (each once per period)."

    def add_arguments(self, parser):
        parser.add_argument("--office", help="only this office (its code)")
        parser.add_argument("--period", choices=[Frequency.WEEKLY, Frequency.DAILY], default=Frequency.WEEKLY)
        parser.add_argument("--date", help="run as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="show what would be sent; send and record nothing")

    def handle(self, *args, office=None, period="weekly", date=None, dry_run=False, **options):
        day = _parse(date) if date else timezone.localdate()
        offices = digests.digest_offices()
        if office:
            offices = offices.filter(code=office)
            if not offices.exists():
                raise CommandError(f"No education office has the code {office!r}.")
        start, end = digests.period_bounds(period, day)
        self.stdout.write(
            f"{period} digests for {start:%d/%m/%Y}–{end:%d/%m/%Y}; mail goes to {settings.EMAIL_BACKEND}"
        )
        for item in offices:
            to = digests.recipients(item, period)
            if dry_run:
                digest = digests.build_digest(item, period, start, end)
                state = (
                    "nothing new" if digest.is_empty else f"{digest.content['awaiting_count']} awaiting verification"
                )
                self.stdout.write(f"  {item.code}: would send to {', '.join(to) or 'nobody'} ({state})")
                continue
            outcome = digests.send_digest(item, period, day, claimant="")
            self.stdout.write(f"  {item.code}: {outcome} → {', '.join(to) or 'nobody'}")


def _parse(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError("--date takes YYYY-MM-DD") from None
