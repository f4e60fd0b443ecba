"""Allocation plans of a programme fund (donations.allocations): drafting with every bad
input refused by its field, approval by a second person in one transaction with its
decision, approving twice, reversal, and the school's receipt of an allocation."""

import pytest
from django.utils import timezone, translation

from core.formatting import format_vnd as vnd
from donations import allocations
from donations.allocations import PlanRefused, line_add, plan_approve, plan_draft, reversal_draft
from donations.models import AllocationPlan, Fund, Pledge
from donations.selectors import pledges_awaiting_receipt
from donations.services import DonorDetails, PledgeRefused, pledge_create, pledge_receive
from donations.tasks import remind_and_expire_pledges
from needs.models import Need
from tests.donations.allocation_support import allocation_world, need_of
from tests.needs.factories import NeedFactory
from tests.schools.factories import MembershipFactory
from tests.support.documents import pdf_text


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are asserted in their English source; the decision prints in Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def w(area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return allocation_world(area)


def drafted(w, lines, title="Phân bổ đợt 1"):
    plan = plan_draft(fund=w.fund, actor=w.drafter, title=title, reason="Căn cứ đề xuất của các trường")
    for need, amount in lines:
        line_add(plan=plan, need=need, amount=amount, actor=w.drafter)
    return plan


def refused(call, **kwargs):
    with pytest.raises(PlanRefused) as info:
        call(**kwargs)
    return info.value


# --- drafting: every bad input by its field, nothing saved --------------------------------


@pytest.mark.parametrize("amount", [0, -500_000])
def test_an_amount_of_zero_or_less_is_refused_by_the_amount(w, amount):
    plan = drafted(w, [])
    error = refused(line_add, plan=plan, need=w.need_1, amount=amount, actor=w.drafter)
    assert error.field == "amount"
    assert "more than 0" in error.message
    assert not plan.lines.exists()


def test_an_amount_beyond_what_the_need_lacks_is_refused(w):
    plan = drafted(w, [])
    error = refused(line_add, plan=plan, need=w.need_1, amount=3_000_001, actor=w.drafter)
    assert (error.field, error.message) == ("amount", f"This need lacks only {vnd(3_000_000)} now.")
    assert not plan.lines.exists()


def test_a_plan_beyond_the_fund_is_refused_by_the_line_that_passes_it(w):
    plan = drafted(w, [(w.need_1, 3_000_000), (w.need_3, 4_000_000)])
    other = need_of(w.area.school_a, 5_000_000, "Sách giáo khoa")
    error = refused(line_add, plan=plan, need=other, amount=3_000_001, actor=w.drafter)
    assert error.field == "amount"
    assert vnd(3_000_000) in error.message and vnd(7_000_000) in error.message
    assert plan.lines.count() == 2
    line_add(plan=plan, need=other, amount=3_000_000, actor=w.drafter)  # to the đồng is fine


def test_a_need_outside_the_office_area_is_refused(w):
    outside = need_of(w.area.school_b, 1_000_000)
    error = refused(line_add, plan=drafted(w, []), need=outside, amount=500_000, actor=w.drafter)
    assert error.field == "need"
    assert "outside the area" in error.message


@pytest.mark.parametrize("status", ["draft", "submitted", "funded", "delivered"])
def test_a_need_not_verified_and_open_is_refused(w, status):
    need = NeedFactory(school=w.area.school_a, status=status, items=[("Chăn", 10, "cái", 100_000)])
    error = refused(line_add, plan=drafted(w, []), need=need, amount=500_000, actor=w.drafter)
    assert error.field == "need"


def test_a_lunch_need_is_refused_with_the_reason(w):
    lunch = need_of(w.area.school_a, 1_000_000)
    Need.objects.filter(pk=lunch.pk).update(
        lunch_pupils=10, lunch_months=9, lunch_first_month=timezone.localdate().replace(day=1), lunch_cost=300_000
    )
    lunch.refresh_from_db()
    error = refused(line_add, plan=drafted(w, []), need=lunch, amount=500_000, actor=w.drafter)
    assert error.field == "need"
    assert "sponsored" in error.message


def test_a_need_appears_once_in_a_plan(w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    assert refused(line_add, plan=plan, need=w.need_1, amount=1_000_000, actor=w.drafter).field == "need"


def test_lines_change_while_draft_and_the_drafter_may_withdraw(w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    line = plan.lines.get()
    allocations.line_update(line=line, amount=2_500_000, actor=w.drafter)
    assert plan.lines.get().amount == 2_500_000
    assert refused(allocations.line_update, line=line, amount=3_500_000, actor=w.drafter).field == "amount"
    assert refused(allocations.plan_withdraw, plan=plan, actor=w.approver)
    allocations.plan_withdraw(plan=plan, actor=w.drafter)
    plan.refresh_from_db()
    assert plan.status == AllocationPlan.Status.WITHDRAWN
    assert refused(line_add, plan=plan, need=w.need_2, amount=1, actor=w.drafter)


# --- approval ---------------------------------------------------------------------------


def test_approval_makes_a_pledge_per_line_moves_the_fund_and_issues_the_decision(w):
    plan = drafted(w, [(w.need_1, 3_000_000), (w.need_2, 1_250_000), (w.need_3, 2_000_000)])

    plan_approve(plan=plan, actor=w.approver, signer=w.signer)

    plan.refresh_from_db()
    assert plan.is_approved and plan.approved_by == w.approver and plan.approved_at
    w.fund.refresh_from_db()
    assert (w.fund.amount_allocated, w.fund.balance) == (6_250_000, 3_750_000)
    for need, amount, status in (
        (w.need_1, 3_000_000, Need.Status.FUNDED),  # fully pledged: funded, as by a donor
        (w.need_2, 1_250_000, Need.Status.VERIFIED),
        (w.need_3, 2_000_000, Need.Status.VERIFIED),
    ):
        need.refresh_from_db()
        pledge = plan.lines.get(need=need).pledge
        assert (pledge.source_fund, pledge.amount, pledge.status) == (w.fund, amount, Pledge.Status.PLEDGED)
        assert pledge.donor_name == w.area.office_a.name and pledge.need == need
        assert (need.amount_pledged, need.status) == (amount, status)
        assert pledge.history.first().history_user == w.approver
    document = plan.document
    assert document.kind == "QĐ" and document.number_text.endswith("/QĐ-PGDĐT")
    assert document.signer == w.signer
    text = pdf_text(document.pdf.read())
    for expected in (
        "QUYẾT ĐỊNH",
        "Về việc phân bổ kinh phí Quỹ Điều ước cho em – Tuần Giáo 2026",
        f"Số: {document.number_text}",
        "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN TUẦN GIÁO",
        "Căn cứ",
        "Điều 1",
        "Chăn ấm mùa đông",
        "Bàn ghế lớp 1",
        "Bếp ăn bán trú",
        "Trường PTDTBT THCS Pú Xi",
        "1.250.000 ₫",
        "6.250.000 ₫",
        "Điều 2",
        "Điều 3",
        "Nơi nhận",
        "Lò Văn Thắng",
    ):
        assert expected in text, expected


def test_the_drafter_never_approves(w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    # The drafter is an approver too, and still may not approve their own plan.
    w.area.officer_a.memberships.update(approves_allocations=True)
    error = refused(plan_approve, plan=plan, actor=w.drafter, signer=w.signer)
    assert "second person" in error.message
    plan.refresh_from_db()
    assert plan.is_draft and not Pledge.objects.filter(source_fund=w.fund).exists()


def test_an_officer_who_is_not_an_approver_may_not_approve(w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    colleague = MembershipFactory(role="officer", office=w.area.office_a).user
    refused(plan_approve, plan=plan, actor=colleague, signer=w.signer)
    assert AllocationPlan.objects.get(pk=plan.pk).is_draft


def test_without_a_second_approver_the_department_above_approves(w):
    from donations.permissions import may_approve_plan

    w.approver.memberships.update(approves_allocations=False)
    plan = drafted(w, [(w.need_1, 1_000_000)])
    assert may_approve_plan(w.area.officer_province, plan)
    assert not may_approve_plan(w.area.officer_b, plan)
    w.approver.memberships.update(approves_allocations=True)
    w.approver._portal_roles = None
    assert not may_approve_plan(w.area.officer_province, plan)  # the office has its own second person


def test_approving_twice_is_refused_and_applies_once(w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    stale = AllocationPlan.objects.get(pk=plan.pk)  # the second tab
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    error = refused(plan_approve, plan=stale, actor=w.approver, signer=w.signer)
    assert "no longer a draft" in error.message
    w.fund.refresh_from_db()
    assert w.fund.amount_allocated == 1_000_000
    assert Pledge.objects.filter(source_fund=w.fund).count() == 1


def test_a_line_that_no_longer_fits_at_approval_refuses_the_whole_plan(w):
    plan = drafted(w, [(w.need_1, 2_000_000), (w.need_2, 2_000_000)])
    pledge_create(need=w.need_2, donor=DonorDetails(name="An", email="an@example.vn"), amount=1_000_000)
    error = refused(plan_approve, plan=plan, actor=w.approver, signer=w.signer)
    assert "Bàn ghế lớp 1" in error.message and vnd(1_000_000) in error.message
    w.fund.refresh_from_db()
    assert w.fund.amount_allocated == 0
    assert not Pledge.objects.filter(source_fund=w.fund).exists()
    assert AllocationPlan.objects.get(pk=plan.pk).is_draft and not plan.document_id


def test_a_plan_beyond_the_balance_at_approval_is_refused(w):
    first = drafted(w, [(w.need_1, 3_000_000), (w.need_3, 4_000_000)], "Đợt 1")
    second = drafted(w, [(w.need_2, 2_000_000)], "Đợt 2")
    Fund.objects.filter(pk=w.fund.pk).update(amount_received=8_000_000)
    plan_approve(plan=first, actor=w.approver, signer=w.signer)
    error = refused(plan_approve, plan=second, actor=w.approver, signer=w.signer)
    assert vnd(1_000_000) in error.message
    w.fund.refresh_from_db()
    assert w.fund.amount_allocated == 7_000_000


def test_the_school_confirms_an_allocation_like_any_pledge(w):
    plan = drafted(w, [(w.need_2, 2_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    pledge = plan.lines.get().pledge
    assert pledge in pledges_awaiting_receipt([w.area.school_a])
    pledge_receive(pledge=pledge, actor=w.area.staff_a, amount=2_000_000, received_on=timezone.localdate())
    w.need_2.refresh_from_db()
    w.fund.refresh_from_db()
    assert w.need_2.amount_received == 2_000_000
    assert (w.fund.amount_received, w.fund.amount_allocated) == (10_000_000, 2_000_000)  # counted once, in the fund


def test_the_nightly_job_neither_reminds_nor_expires_an_allocation(w):
    plan = drafted(w, [(w.need_2, 2_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    long_ago = timezone.now() - timezone.timedelta(days=400)
    Pledge.objects.filter(source_fund=w.fund).update(
        created_at=long_ago, expires_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    assert remind_and_expire_pledges() == {"reminded": {"done": 0, "failed": 0}, "expired": {"done": 0, "failed": 0}}
    assert Pledge.objects.get(source_fund=w.fund).status == Pledge.Status.PLEDGED


# --- reversal ---------------------------------------------------------------------------


def test_a_reversal_takes_back_lines_not_received_and_issues_its_own_decision(w):
    plan = drafted(w, [(w.need_1, 3_000_000), (w.need_2, 1_000_000), (w.need_3, 2_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    line_1, line_2, line_3 = plan.lines.order_by("pk")
    pledge_receive(pledge=line_3.pledge, actor=w.area.staff_a, amount=2_000_000, received_on=timezone.localdate())

    error = refused(reversal_draft, plan=plan, lines=[line_3], actor=w.drafter, reason="Trường đã nhận đủ")
    assert error.field == "lines" and "received by the school" in error.message
    assert refused(reversal_draft, plan=plan, lines=[line_1], actor=w.drafter, reason="").field == "reason"

    reversal = reversal_draft(plan=plan, lines=[line_1, line_2], actor=w.drafter, reason="Nhu cầu đã được tài trợ")
    assert reversal.is_reversal and reversal.reverses == plan and reversal.lines.count() == 2
    refused(plan_approve, plan=reversal, actor=w.drafter, signer=w.signer)
    plan_approve(plan=reversal, actor=w.approver, signer=w.signer)

    w.fund.refresh_from_db()
    assert (w.fund.amount_allocated, w.fund.balance) == (2_000_000, 8_000_000)
    for line, need in ((line_1, w.need_1), (line_2, w.need_2)):
        line.pledge.refresh_from_db()
        need.refresh_from_db()
        assert line.pledge.status == Pledge.Status.CANCELLED
        assert (need.amount_pledged, need.status) == (0, Need.Status.VERIFIED)  # need 1 reopened
    reversal.refresh_from_db()
    assert reversal.document.number_text != plan.document.number_text
    text = pdf_text(reversal.document.pdf.read())
    assert "Về việc thu hồi kinh phí đã phân bổ từ Quỹ Điều ước cho em – Tuần Giáo 2026" in text
    assert plan.document.number_text in text and "4.000.000 ₫" in text
    # The original is never edited, and a line is taken back once.
    plan.refresh_from_db()
    assert plan.is_approved and plan.lines.count() == 3
    assert list(plan.reversals.all()) == [reversal]
    assert refused(reversal_draft, plan=plan, lines=[line_1], actor=w.drafter, reason="lần nữa").field == "lines"


def test_a_withdrawn_reversal_lets_go_of_its_lines(w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    line = plan.lines.get()
    first = reversal_draft(plan=plan, lines=[line], actor=w.drafter, reason="Nhầm trường")
    allocations.plan_withdraw(plan=first, actor=w.drafter)
    again = reversal_draft(plan=plan, lines=[line], actor=w.drafter, reason="Nhầm trường")
    assert again.lines.get().reverses == line


def test_a_donor_is_refused_the_part_an_allocation_took(w):
    plan = drafted(w, [(w.need_1, 2_500_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    with pytest.raises(PledgeRefused, match=vnd(500_000)):
        pledge_create(need=w.need_1, donor=DonorDetails(name="An", email="an@example.vn"), amount=1_000_000)
