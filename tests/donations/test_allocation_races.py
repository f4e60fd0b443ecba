"""The races of issue 17, with real concurrent transactions: threads, each with its own
database connection, released together by a barrier (PostgreSQL; SQLite has no row
locks to race on)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from donations.allocations import PlanRefused, line_add, plan_approve, plan_draft
from donations.models import AllocationPlan, Fund, Pledge
from donations.services import DonorDetails, PledgeRefused, pledge_create
from needs.models import Need
from tests.donations.allocation_support import allocation_world, need_of
from tests.schools.factories import MembershipFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)"),
]


@pytest.fixture
def w(area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return allocation_world(area)


def race(*calls):
    """Run each call in its own thread and connection, all released at once; returns
    each call's outcome ("ok" or the refusal) in the order given."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            with translation.override("en"):
                barrier.wait()
                call()
            outcomes[index] = "ok"
        except (PlanRefused, PledgeRefused) as refused:
            outcomes[index] = refused.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def drafted(w, title, lines):
    plan = plan_draft(fund=w.fund, actor=w.drafter, title=title)
    for need, amount in lines:
        line_add(plan=plan, need=need, amount=amount, actor=w.drafter)
    return plan


def test_two_approvals_that_together_exceed_the_balance_one_wins(w):
    """Fund 10.000.000 ₫; plan A asks 6.000.000 ₫, plan B 5.000.000 ₫: each fits alone."""
    extra = need_of(w.area.school_a, 3_000_000, "Tủ sách thư viện")
    plan_a = drafted(w, "Đợt A", [(w.need_1, 3_000_000), (w.need_3, 3_000_000)])
    plan_b = drafted(w, "Đợt B", [(w.need_2, 2_000_000), (extra, 3_000_000)])
    second_approver = MembershipFactory(role="officer", office=w.area.office_a, approves_allocations=True).user

    outcomes = race(
        lambda: plan_approve(plan=plan_a, actor=w.approver, signer=w.signer),
        lambda: plan_approve(plan=plan_b, actor=second_approver, signer=w.signer),
    )

    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert next(o for o in outcomes if o != "ok").startswith("The fund holds only")
    fund = Fund.objects.get(pk=w.fund.pk)
    won = AllocationPlan.objects.get(status=AllocationPlan.Status.APPROVED)
    total = sum(won.lines.values_list("amount", flat=True))
    assert fund.amount_allocated == total <= fund.amount_received
    assert Pledge.objects.filter(source_fund=fund).count() == won.lines.count()
    assert AllocationPlan.objects.filter(status=AllocationPlan.Status.DRAFT).count() == 1
    assert won.document.number == 1  # the loser took no number


def test_a_donor_and_an_approval_racing_for_the_last_part_of_a_need_never_overfund_it(w):
    """Need 1 lacks 3.000.000 ₫; the plan places 2.000.000 ₫ and a donor pledges 2.000.000 ₫."""
    plan = drafted(w, "Đợt 1", [(w.need_1, 2_000_000)])
    donor = DonorDetails(name="Lê Minh", email="minh@example.vn")

    approval, gift = race(
        lambda: plan_approve(plan=plan, actor=w.approver, signer=w.signer),
        lambda: pledge_create(need=w.need_1, donor=donor, amount=2_000_000),
    )

    assert sorted([approval == "ok", gift == "ok"]) == [False, True], (approval, gift)
    refusal = approval if approval != "ok" else gift
    assert "lacks only 1.000.000" in refusal
    need = Need.objects.get(pk=w.need_1.pk)
    assert need.amount_pledged == 2_000_000 <= need.amount_requested
    assert Pledge.objects.filter(need=need, status=Pledge.Status.PLEDGED).count() == 1
    fund = Fund.objects.get(pk=w.fund.pk)
    assert fund.amount_allocated == (2_000_000 if approval == "ok" else 0)
    assert AllocationPlan.objects.get(pk=plan.pk).is_approved == (approval == "ok")


def test_two_tabs_approving_one_plan_apply_it_once(w):
    plan = drafted(w, "Đợt 1", [(w.need_1, 1_000_000)])
    second_approver = MembershipFactory(role="officer", office=w.area.office_a, approves_allocations=True).user

    outcomes = race(
        lambda: plan_approve(plan=plan, actor=w.approver, signer=w.signer),
        lambda: plan_approve(plan=AllocationPlan.objects.get(pk=plan.pk), actor=second_approver, signer=w.signer),
    )

    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert "no longer a draft" in next(o for o in outcomes if o != "ok")
    assert Fund.objects.get(pk=w.fund.pk).amount_allocated == 1_000_000
    assert Pledge.objects.filter(source_fund=w.fund).count() == 1


def test_a_reversal_and_the_schools_receipt_racing_for_one_line_one_wins(w):
    """The money cannot both arrive at the school and go back to the fund."""
    from django.utils import timezone

    from donations.allocations import reversal_draft
    from donations.services import pledge_receive

    plan = drafted(w, "Đợt 1", [(w.need_1, 1_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    line = plan.lines.get()
    reversal = reversal_draft(plan=plan, lines=[line], actor=w.drafter, reason="Nhầm trường")

    approval, receipt = race(
        lambda: plan_approve(plan=reversal, actor=w.approver, signer=w.signer),
        lambda: pledge_receive(
            pledge=line.pledge, actor=w.area.staff_a, amount=1_000_000, received_on=timezone.localdate()
        ),
    )

    assert sorted([approval == "ok", receipt == "ok"]) == [False, True], (approval, receipt)
    pledge = Pledge.objects.get(pk=line.pledge_id)
    fund = Fund.objects.get(pk=w.fund.pk)
    need = Need.objects.get(pk=w.need_1.pk)
    if approval == "ok":
        assert pledge.status == Pledge.Status.CANCELLED
        assert (fund.amount_allocated, need.amount_pledged, need.amount_received) == (0, 0, 0)
    else:
        assert "received by the school" in approval
        assert pledge.status == Pledge.Status.RECEIVED
        assert (fund.amount_allocated, need.amount_received) == (1_000_000, 1_000_000)
        assert AllocationPlan.objects.get(pk=reversal.pk).is_draft
