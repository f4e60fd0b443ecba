"""Every write of the working calendar, with its history."""

from datetime import date

from django.db import transaction

from .models import CalendarDay


def calendar_day_save(*, day: date, kind: str, name: str, actor=None) -> tuple[CalendarDay, bool]:
    """Set what a day is; returns (row, changed). The same day set again changes nothing."""
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first() or CalendarDay(date=day)
        if row.pk and (row.kind, row.name) == (kind, name):
            return row, False
        row.kind, row.name = kind, name[:120]
        row.full_clean()
        row._history_user = actor
        row.save()
    return row, True


def load_official_calendar(years, *, actor=None) -> dict:
    """Vietnam's public holidays and its weekend days worked for these years, from the
    kept `holidays` library (Tết and the Hùng Kings by their lunar dates, the government's
    bridged days off). A day the administrator already keeps is left as they set it.
    Returns how many days were added."""
    import holidays

    official = holidays.country_holidays("VN", years=years, language="vi")
    added = {"holidays": 0, "working": 0}
    kept = set(CalendarDay.objects.filter(date__year__in=years).values_list("date", flat=True))
    for day, name in sorted(official.items()):
        if day in kept:
            continue
        # "nghỉ bù" (a holiday that fell on a weekend) and "thay cho" (a bridge day, worked
        # on a Saturday instead) are days off in lieu; the rest are the holidays themselves.
        in_lieu = "nghỉ bù" in name or "thay cho" in name
        kind = CalendarDay.Kind.DAY_OFF if in_lieu else CalendarDay.Kind.HOLIDAY
        calendar_day_save(day=day, kind=kind, name=name, actor=actor)
        added["holidays"] += 1
    for day in sorted(official.weekend_workdays):
        if day.year in years and day not in kept:
            calendar_day_save(day=day, kind=CalendarDay.Kind.WORKING, name="Ngày làm việc bù", actor=actor)
            added["working"] += 1
    return added
