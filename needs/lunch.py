"""School-lunch needs (Need.is_lunch): so many pupils fed for so many months of one school
year at a cost per pupil per month. The need's one item and its months (LunchMonth) follow
from those four figures (needs.services.need_save); donations.sponsorships fills them.
Pupils are counted, never named."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from .models import LunchMonth, Need

# The need's one line, in the portal's language: what a school's accounts call it.
LUNCH_ITEM_DESCRIPTION = "Bữa ăn bán trú"
LUNCH_ITEM_UNIT = "suất-tháng"
MAX_MONTHS = 12  # one school year


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, months: int) -> date:
    """The first day of the month `months` after `first`'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, months: int) -> list[date]:
    """`months` first days of months from `first`'s month: 09/2026 … 05/2027."""
    return [add_months(month_start(first), offset) for offset in range(months)]


def lunch_item(need: Need) -> dict:
    """The need's one item: pupils × months meal-months at the cost per pupil per month."""
    return {
        "description": LUNCH_ITEM_DESCRIPTION,
        "quantity": need.lunch_pupils * need.lunch_months,
        "unit": LUNCH_ITEM_UNIT,
        "unit_cost": need.lunch_cost,
    }


def lunch_months(need: Need) -> list[date]:
    return month_range(need.lunch_first_month, need.lunch_months) if need.is_lunch else []


def last_month(need: Need) -> date | None:
    return add_months(need.lunch_first_month, need.lunch_months - 1) if need.is_lunch else None


def year_has_ended(need: Need, today: date) -> bool:
    """True once the need's last month is over."""
    return need.is_lunch and add_months(last_month(need), 1) <= today


@dataclass(frozen=True)
class MonthCell:
    """One month of the calendar on a lunch need's page."""

    month: date
    pupils: int
    pledged: int  # sponsored by instalments still active, paid or not
    paid: int  # arrived (received): these pupils are fed that month
    is_past: bool

    @property
    def waiting(self) -> int:
        """Sponsored, not yet paid."""
        return self.pledged - self.paid

    @property
    def open(self) -> int:
        return self.pupils - self.pledged

    @property
    def is_covered(self) -> bool:
        """Every pupil of the month paid for."""
        return self.paid >= self.pupils

    @property
    def is_sponsored(self) -> bool:
        """Every pupil of the month has a sponsor (paid or not yet)."""
        return self.pledged >= self.pupils

    @property
    def paid_percent(self) -> int:
        return round(self.paid * 100 / self.pupils) if self.pupils else 0

    @property
    def waiting_percent(self) -> int:
        return round(self.waiting * 100 / self.pupils) if self.pupils else 0


@dataclass(frozen=True)
class LunchCalendar:
    months: list[MonthCell]
    pupils: int
    cost: int

    @property
    def pupil_months(self) -> int:
        return sum(cell.pupils for cell in self.months)

    @property
    def pupil_months_paid(self) -> int:
        return sum(cell.paid for cell in self.months)

    @property
    def pupil_months_pledged(self) -> int:
        return sum(cell.pledged for cell in self.months)

    @property
    def months_open(self) -> int:
        """Months not yet over where some pupils still have no sponsor."""
        return sum(1 for cell in self.months if cell.open and not cell.is_past)

    @property
    def months_covered(self) -> int:
        return sum(1 for cell in self.months if cell.is_covered)

    @property
    def first(self) -> date:
        return self.months[0].month

    @property
    def last(self) -> date:
        return self.months[-1].month


def lunch_calendar(need: Need, *, today: date) -> LunchCalendar | None:
    """The year of a lunch need as months, in one query; None for any other need."""
    if not need.is_lunch:
        return None
    current = month_start(today)
    cells = [
        MonthCell(
            month=row.month,
            pupils=row.pupils,
            pledged=row.pupils_pledged,
            paid=row.pupils_received,
            is_past=row.month < current,
        )
        for row in LunchMonth.objects.filter(need=need).order_by("month")
    ]
    return LunchCalendar(months=cells, pupils=need.lunch_pupils, cost=need.lunch_cost)


def pupil_months_paid(need: Need) -> int:
    return LunchMonth.objects.filter(need=need).aggregate(n=Sum("pupils_received"))["n"] or 0


def save_months(need: Need) -> None:
    """Make the need's LunchMonth rows its months, each feeding its pupils; none for an
    ordinary need. Called by need_save while the need is a draft or returned (nothing is
    sponsored yet), within its transaction."""
    months = lunch_months(need)
    LunchMonth.objects.filter(need=need).exclude(month__in=months).delete()
    for month in months:
        LunchMonth.objects.update_or_create(need=need, month=month, defaults={"pupils": need.lunch_pupils})
