"""A fund with money in it, its officers and its approver, for the allocation tests."""

from types import SimpleNamespace

from donations.models import Fund
from tests.documents.factories import SignerFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import MembershipFactory, SchoolFactory


def fund_with(area, amount: int, *, slug="dieu-uoc-tuan-giao") -> Fund:
    """A fund of district A's office holding `amount` received and not yet allocated (its
    counters set as the fund gifts' receipts leave them)."""
    fund = Fund.objects.create(office=area.office_a, name="Quỹ Điều ước cho em – Tuần Giáo 2026", slug=slug)
    Fund.objects.filter(pk=fund.pk).update(amount_pledged=amount, amount_received=amount)
    fund.refresh_from_db()
    return fund


def need_of(school, amount: int, title: str = "Chăn ấm cho học sinh bán trú"):
    """A verified need lacking `amount` (items of 100.000 ₫)."""
    return NeedFactory(school=school, title=title, items=[("Chăn ấm", amount // 100_000, "cái", 100_000)])


def allocation_world(area, *, fund_amount: int = 10_000_000) -> SimpleNamespace:
    w = SimpleNamespace(area=area)
    w.fund = fund_with(area, fund_amount)
    w.drafter = area.officer_a
    w.approver = MembershipFactory(role="officer", office=area.office_a, approves_allocations=True).user
    w.signer = SignerFactory(office=area.office_a, full_name="Lò Văn Thắng")
    w.school_a2 = SchoolFactory(commune=area.commune_a, name="Trường PTDTBT THCS Pú Xi")
    w.need_1 = need_of(area.school_a, 3_000_000, "Chăn ấm mùa đông")
    w.need_2 = need_of(area.school_a, 2_000_000, "Bàn ghế lớp 1")
    w.need_3 = need_of(w.school_a2, 4_000_000, "Bếp ăn bán trú")
    return w
