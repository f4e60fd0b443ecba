"""Counting working days on Vietnam's calendar as the administrator keeps it (CalendarDay):
Monday to Friday, less public holidays and days off in lieu, plus weekend days declared
working days. One query per count, whatever its length."""

from datetime import date, timedelta

from .models import CalendarDay

# A count of working days never spans more than this many calendar days (Tết and its
# bridges take at most two weeks off a month): the exceptions are read for this window.
SPAN_FACTOR = 3


def _exceptions(start: date, end: date) -> dict[date, bool]:
    """The days between start and end (inclusive) that the calendar overrides: True for a
    weekend day worked, False for a holiday or day off."""
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    return {day: kind == CalendarDay.Kind.WORKING for day, kind in rows}


def _is_working(day: date, exceptions: dict[date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _is_working(day, _exceptions(day, day))


def nth_working_day_after(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself not counted): published on a
    Friday, the 1st working day after is the next Monday unless the calendar says
    otherwise."""
    if n < 1:
        raise ValueError("n counts working days after the start: 1 or more")
    window = max(n * SPAN_FACTOR, 30)
    exceptions = _exceptions(start + timedelta(days=1), start + timedelta(days=window))
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day > start + timedelta(days=window):  # an implausibly long break: read further
            return nth_working_day_after(day - timedelta(days=1), n - counted)
        if _is_working(day, exceptions):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    exceptions = _exceptions(start + timedelta(days=1), end)
    return sum(_is_working(start + timedelta(days=offset), exceptions) for offset in range(1, (end - start).days + 1))
