"""Demo: Vietnam's working calendar for this year and the next, from the official
holidays (workdays.services.load_official_calendar). Idempotent: days kept are left."""

from django.utils import timezone

from .services import load_official_calendar


def load(out) -> None:
    year = timezone.localdate().year
    added = load_official_calendar([year, year + 1])
    if added["holidays"] or added["working"]:
        out(
            f"  working calendar {year}–{year + 1}: {added['holidays']} days off, {added['working']} weekend days worked"
        )
