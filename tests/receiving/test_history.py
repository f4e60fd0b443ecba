"""Every view of receiving that changes data goes through a function that keeps the
history of the change with the user who made it (issue 14): the team, the usage plan and
its comments (receiving.teams, receiving.plans), receipt records and settlement reports
(receiving.records, receiving.settlements). Each test posts one valid change as the user
allowed to make it, then checks the rows and their history."""

import pytest
from django.urls import reverse

from receiving.models import (
    PlanComment,
    ReceiptRecord,
    ReceivingTeam,
    SettlementLine,
    SettlementReport,
    TeamMember,
    UsagePlan,
    UsagePlanLine,
)
from tests.needs.factories import NeedFactory
from tests.receiving.conftest import deliver
from tests.receiving.factories import PlanCommentFactory, UsagePlanFactory

pytestmark = pytest.mark.django_db

WRITING_VIEWS = {
    "receiving:team",
    "receiving:plan",
    "receiving:comment",
    "receiving:comment_moderate",
    "receiving:record_issue",
    "receiving:settlement_edit",
    "receiving:settlement_publish",
}
READING_VIEWS = {"receiving:moderation", "receiving:record_pdf", "receiving:settlement_pdf"}


def rows(model, pk):
    return [(h.history_type, h.history_user) for h in model.history.filter(id=pk).order_by("history_id")]


def test_the_team_page_writes_the_team_and_its_members_with_history(client, area):
    client.force_login(area.staff_a)
    client.post(
        reverse("receiving:team", args=[area.school_a.pk]),
        {
            "decision_reference": "12/QĐ-TH",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-full_name": "Lò Văn Thành",
            "members-0-job_title": "Hiệu trưởng",
            "members-0-role": "head",
        },
    )
    team = ReceivingTeam.objects.get()
    assert rows(ReceivingTeam, team.pk) == [("+", area.staff_a)]
    assert rows(TeamMember, team.members.get().pk) == [("+", area.staff_a)]


def test_the_plan_page_writes_the_plan_and_its_lines_with_history(client, area):
    need = NeedFactory(school=area.school_a)
    client.force_login(area.officer_a)
    client.post(
        reverse("receiving:plan", args=[need.pk]),
        {
            "purpose": "Xây nhà vệ sinh.",
            "beneficiaries": "Học sinh",
            "pupils_benefiting": "45",
            "method": "Thuê thợ địa phương.",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Nhà vệ sinh",
            "lines-0-quantity": "1",
            "lines-0-unit": "công trình",
            "lines-0-unit_cost": "45.000.000",
            "publish": "1",
            "confirmed": "yes",
        },
    )
    plan = UsagePlan.objects.get()
    assert rows(UsagePlan, plan.pk) == [("+", area.officer_a), ("~", area.officer_a)]  # drafted, published
    assert [h.status for h in plan.history.order_by("history_id")] == ["draft", "published"]
    assert rows(UsagePlanLine, plan.lines.get().pk) == [("+", area.officer_a)]


def test_the_comment_page_writes_the_comment_with_history(client, area):
    plan = UsagePlanFactory(need=NeedFactory(school=area.school_a), published=True)
    client.force_login(area.outsider)
    client.post(reverse("receiving:comment", args=[plan.need_id]), {"body": "Nên làm thêm mái che."})
    assert rows(PlanComment, PlanComment.objects.get().pk) == [("+", area.outsider)]


def test_moderating_writes_the_decision_with_history(client, area):
    comment = PlanCommentFactory(plan=UsagePlanFactory(need=NeedFactory(school=area.school_a), published=True))
    client.force_login(area.staff_a)
    client.post(reverse("receiving:comment_moderate", args=[comment.pk]), {"action": "reject", "reason": "Quảng cáo"})
    assert rows(PlanComment, comment.pk)[1:] == [("~", area.staff_a)]
    assert comment.history.latest("history_id").moderation_note == "Quảng cáo"


LINES = {
    "lines-TOTAL_FORMS": "1",
    "lines-INITIAL_FORMS": "0",
    "lines-MIN_NUM_FORMS": "1",
    "lines-MAX_NUM_FORMS": "200",
    "lines-0-description": "Chăn ấm",
    "lines-0-quantity": "41",
    "lines-0-unit": "cái",
    "lines-0-unit_cost": "50.000",
    "lines-0-amount": "2.050.000",
    "spent_total": "2.050.000",
    "remainder": "none",
}


def test_issuing_a_record_keeps_its_history(client, area, received_gift, signer_a):
    client.force_login(area.staff_a)
    client.post(
        reverse("receiving:record_issue", args=[received_gift.reference]),
        {"amount": "2.050.000", "signer": signer_a.pk, "confirmed": "yes"},
    )
    record = ReceiptRecord.objects.get()
    assert record.history.get().history_user == area.staff_a
    assert record.document.history.latest().history_user == area.staff_a


def test_drafting_and_publishing_a_settlement_keep_their_history(client, area, need_a, received_gift, signer_a):
    deliver(need_a)
    client.force_login(area.staff_a)
    client.post(reverse("receiving:settlement_edit", args=[need_a.pk]), LINES)
    report = SettlementReport.objects.get()
    assert report.history.get().history_user == area.staff_a
    assert SettlementLine.history.get().history_user == area.staff_a
    client.post(reverse("receiving:settlement_publish", args=[need_a.pk]), {"signer": signer_a.pk, "confirmed": "yes"})
    report.refresh_from_db()
    assert report.is_published
    latest = report.history.latest()
    assert (latest.status, latest.history_user) == ("published", area.staff_a)
