"""Deadlines in working days count on Vietnam's calendar as its administrator keeps it:
the official holidays (Tết by its lunar dates), days off in lieu and weekend days worked,
loaded from the kept `holidays` library and changed by hand where the government decides
otherwise."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from tests.accounts.factories import UserFactory
from workdays.calendar import is_working_day, nth_working_day_after, working_days_between
from workdays.models import CalendarDay
from workdays.services import calendar_day_save, load_official_calendar

pytestmark = pytest.mark.django_db


def test_the_official_calendar_has_tet_by_its_lunar_dates_and_the_days_worked_in_lieu():
    added = load_official_calendar([2026])
    days = dict(CalendarDay.objects.values_list("date", "kind"))
    # Tết Bính Ngọ: 17/02/2026 is the first day of the lunar year; New Year's Eve to the 4th.
    assert all(days[date(2026, 2, day)] == CalendarDay.Kind.HOLIDAY for day in range(16, 21))
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "Tết Nguyên Đán"
    # Monday 31/08 bridges to National Day; Saturday 22/08 is worked instead.
    assert days[date(2026, 8, 31)] == CalendarDay.Kind.DAY_OFF
    assert days[date(2026, 8, 22)] == CalendarDay.Kind.WORKING
    assert added == {"holidays": 14, "working": 1}
    # Loaded again, nothing changes.
    assert load_official_calendar([2026]) == {"holidays": 0, "working": 0}


def test_fifteen_working_days_skip_tet_and_weekends():
    load_official_calendar([2026])
    # Published on Friday 13/02/2026: the weekend, Tết (16–20/02), and three weeks of work.
    assert nth_working_day_after(date(2026, 2, 13), 15) == date(2026, 3, 13)
    # The same count a month later has no holiday in it: three weeks exactly.
    assert nth_working_day_after(date(2026, 3, 13), 15) == date(2026, 4, 3)
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 13)) == 15


def test_a_saturday_worked_counts_and_the_bridge_does_not():
    load_official_calendar([2026])
    assert is_working_day(date(2026, 8, 22)) and not is_working_day(date(2026, 8, 29))
    assert nth_working_day_after(date(2026, 8, 21), 1) == date(2026, 8, 22)
    # Friday 28/08: the weekend, the bridge day 31/08 and National Day (1–2/09) are off.
    assert nth_working_day_after(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_the_administrator_changes_a_day_and_the_count_follows_with_its_history():
    load_official_calendar([2026])
    officer = UserFactory()
    before = nth_working_day_after(date(2026, 3, 13), 15)
    row, changed = calendar_day_save(
        day=date(2026, 3, 20), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bão", actor=officer
    )
    assert changed and nth_working_day_after(date(2026, 3, 13), 15) == date(2026, 4, 6) != before
    assert row.history.get().history_user == officer
    assert calendar_day_save(day=date(2026, 3, 20), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bão") == (row, False)
    # A day the administrator keeps is never overwritten by the official calendar.
    calendar_day_save(day=date(2026, 4, 30), kind=CalendarDay.Kind.WORKING, name="Trực cơ quan", actor=officer)
    load_official_calendar([2026])
    assert CalendarDay.objects.get(date=date(2026, 4, 30)).kind == CalendarDay.Kind.WORKING


def test_a_count_reads_the_calendar_once(django_assert_num_queries):
    load_official_calendar([2026, 2027])
    with django_assert_num_queries(1):
        assert nth_working_day_after(date(2027, 2, 1), 15) == date(2027, 3, 1)


def test_the_command_fills_the_years_it_is_given():
    out = StringIO()
    call_command("load_holidays", "2027", stdout=out)
    assert "2027" in out.getvalue() and CalendarDay.objects.filter(date__year=2027).count() == 15
    assert not CalendarDay.objects.filter(date__year=2026).exists()
