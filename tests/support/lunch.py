"""A school's lunch need for monthly sponsorships (issue 17), made as the school and the
office make it: posted, submitted and verified."""

from datetime import date

from needs.models import Need
from needs.services import need_save, need_transition

FIRST = date(2027, 9, 1)


def make_lunch_need(area, *, first=FIRST, pupils=45, months=9, cost=300_000) -> Need:
    """School A's 45 pupils × 9 months × 300.000 ₫ from 09/2027, verified by district A."""
    need = Need(
        school=area.school_a,
        category="meals",
        title=f"Bữa trưa bán trú {months} tháng từ {first:%m/%Y}",
        description="Học sinh bán trú cần bữa trưa đủ chất cả năm học.",
        pupils_benefiting=pupils,
        lunch_pupils=pupils,
        lunch_months=months,
        lunch_first_month=first,
        lunch_cost=cost,
    )
    need_save(need=need, items=[], actor=area.staff_a)
    need_transition(need=need, action="submit", actor=area.staff_a)
    need_transition(need=need, action="verify", actor=area.officer_a)
    need.refresh_from_db()
    return need
