"""The pages of allocation plans: drafting with amounts typed the Vietnamese way, bad input
by its field with nothing saved, approval with a signer by the second person only, the
decision as issued, a reversal, and the query count of the pages."""

import pytest
from django.urls import reverse

from donations.allocations import line_add, plan_approve, plan_draft
from donations.models import AllocationPlan, Fund, Pledge
from tests.donations.allocation_support import allocation_world, need_of
from tests.support.confirm import asks_to_confirm
from tests.support.documents import pdf_text


@pytest.fixture
def w(area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return allocation_world(area)


def drafted(w, lines):
    plan = plan_draft(fund=w.fund, actor=w.drafter, title="Phân bổ đợt 1", reason="Căn cứ đề xuất của các trường")
    for need, amount in lines:
        line_add(plan=plan, need=need, amount=amount, actor=w.drafter)
    return plan


def test_an_officer_drafts_a_plan_and_adds_a_line_typed_with_dots(client, w):
    client.force_login(w.drafter)
    response = client.post(
        reverse("donations:fund_plans", args=[w.fund.slug]), {"title": "Phân bổ đợt 1", "reason": "Căn cứ …"}
    )
    plan = AllocationPlan.objects.get()
    assert response.url == reverse("donations:plan", args=[plan.pk])

    page = client.get(response.url).content.decode()
    assert "Chăn ấm mùa đông" in page and "Bếp ăn bán trú" in page  # the needs on offer
    response = client.post(response.url, {"action": "add_line", "line-need": w.need_1.pk, "line-amount": "1.500.000"})
    assert response.status_code == 302
    assert list(plan.lines.values_list("need", "amount")) == [(w.need_1.pk, 1_500_000)]
    page = client.get(reverse("donations:plan", args=[plan.pk])).content.decode()
    assert "1.500.000" in page and "8.500.000" in page  # the balance after the plan


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ("0", "line-amount", "Số tiền phải lớn hơn 0"),
        ("-500.000", "line-amount", "Số tiền phải lớn hơn 0"),
        ("một triệu", "line-amount", "nhập số tiền nguyên theo đồng"),
        ("3.000.001", "line-amount", "3.000.000"),
    ],
)
def test_a_bad_amount_is_answered_by_its_field_and_nothing_is_saved(client, w, typed, field, message):
    plan = drafted(w, [])
    client.force_login(w.drafter)
    response = client.post(
        reverse("donations:plan", args=[plan.pk]),
        {"action": "add_line", "line-need": w.need_1.pk, "line-amount": typed},
    )
    assert response.status_code == 200
    form = response.context["line_form"]
    assert message in " ".join(form.errors["amount"]).replace("\xa0", " ")
    assert f'id="id_{field}_error"' in response.content.decode()
    assert typed in response.content.decode()  # what was typed is kept
    assert not plan.lines.exists()


def test_a_need_outside_the_area_is_answered_by_the_need_field(client, w):
    plan = drafted(w, [])
    outside = need_of(w.area.school_b, 1_000_000)
    client.force_login(w.drafter)
    response = client.post(
        reverse("donations:plan", args=[plan.pk]), {"action": "add_line", "line-need": outside.pk, "line-amount": "1"}
    )
    assert response.status_code == 200
    assert "ngoài địa bàn" in " ".join(response.context["line_form"].errors["need"])
    assert not plan.lines.exists()


def test_a_line_beyond_the_fund_is_refused_by_the_amount(client, w):
    Fund.objects.filter(pk=w.fund.pk).update(amount_received=2_000_000)
    plan = drafted(w, [])
    client.force_login(w.drafter)
    response = client.post(
        reverse("donations:plan", args=[plan.pk]),
        {"action": "add_line", "line-need": w.need_1.pk, "line-amount": "2.500.000"},
    )
    assert response.status_code == 200
    assert "2.000.000" in " ".join(response.context["line_form"].errors["amount"])
    assert not plan.lines.exists()


def test_only_an_approver_sees_the_button_and_may_approve(client, w):
    plan = drafted(w, [(w.need_1, 1_000_000), (w.need_2, 2_000_000)])
    url = reverse("donations:plan", args=[plan.pk])
    approve = reverse("donations:plan_approve", args=[plan.pk])

    client.force_login(w.drafter)
    assert approve not in client.get(url).content.decode()
    assert client.post(approve, {"signer": w.signer.pk}).status_code == 403

    client.force_login(w.approver)
    page = client.get(url).content.decode()
    assert approve in page and "Lò Văn Thắng" in page
    asks_to_confirm(client, approve, {"signer": w.signer.pk})
    plan.refresh_from_db()
    assert plan.is_draft and plan.document is None  # asked, not approved
    response = client.post(approve, {"signer": w.signer.pk, "confirmed": "yes"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_approved and plan.document.signer == w.signer

    # The second tab's click: a clear message, nothing applied twice.
    response = client.post(approve, {"signer": w.signer.pk, "confirmed": "yes"}, follow=True)
    assert "không còn là dự thảo" in response.content.decode()
    assert Pledge.objects.filter(source_fund=w.fund).count() == 2

    decision = client.get(reverse("donations:plan_decision", args=[plan.pk]))
    assert decision.status_code == 200 and decision["Content-Type"] == "application/pdf"
    content = b"".join(decision.streaming_content)
    assert content == plan.document.pdf.open("rb").read()  # the stored PDF, never rendered again
    assert plan.document.number_text in pdf_text(content)


def test_a_reversal_is_drafted_from_the_plan_page_and_both_pages_list_each_other(client, w):
    plan = drafted(w, [(w.need_1, 1_000_000), (w.need_2, 2_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    line = plan.lines.get(need=w.need_2)
    client.force_login(w.drafter)
    reverse_url = reverse("donations:plan_reverse", args=[plan.pk])
    response = client.post(reverse_url, {"lines": [line.pk], "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(reverse_url, {"lines": [line.pk], "reason": "Trường đã được doanh nghiệp tài trợ"})
    reversal = AllocationPlan.objects.get(kind=AllocationPlan.Kind.REVERSAL)
    assert response.url == reverse("donations:plan", args=[reversal.pk])
    assert reverse("donations:plan", args=[plan.pk]) in client.get(response.url).content.decode()
    assert (
        reverse("donations:plan", args=[reversal.pk])
        in client.get(reverse("donations:plan", args=[plan.pk])).content.decode()
    )


def test_the_drafter_withdraws_a_draft(client, w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    client.force_login(w.approver)
    assert client.post(reverse("donations:plan_withdraw", args=[plan.pk])).status_code == 403
    client.force_login(w.drafter)
    asks_to_confirm(client, reverse("donations:plan_withdraw", args=[plan.pk]))
    assert AllocationPlan.objects.get(pk=plan.pk).is_draft
    client.post(reverse("donations:plan_withdraw", args=[plan.pk]), {"confirmed": "yes"})
    assert AllocationPlan.objects.get(pk=plan.pk).status == AllocationPlan.Status.WITHDRAWN


def test_who_sees_the_plans(client, w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    plans, page = reverse("donations:fund_plans", args=[w.fund.slug]), reverse("donations:plan", args=[plan.pk])
    for user, status_list, status_page in (
        (w.drafter, 200, 200),
        (w.area.officer_province, 200, 200),  # the department above may have to approve
        (w.area.officer_b, 403, 403),
        (w.area.staff_a, 403, 404),
        (w.area.outsider, 403, 404),
    ):
        client.force_login(user)
        assert (client.get(plans).status_code, client.get(page).status_code) == (status_list, status_page), user


def test_the_pages_query_count_does_not_grow_with_plans_and_lines(client, w, django_assert_max_num_queries):
    for index in range(4):
        plan = plan_draft(fund=w.fund, actor=w.drafter, title=f"Đợt {index}")
        for need in (need_of(w.area.school_a, 500_000, f"Nhu cầu {index}-{n}") for n in range(3)):
            line_add(plan=plan, need=need, amount=100_000, actor=w.drafter)
    client.force_login(w.approver)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("donations:fund_plans", args=[w.fund.slug])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("donations:plan", args=[plan.pk])).status_code == 200


def test_a_bad_amount_on_a_line_is_answered_by_that_line(client, w):
    plan = drafted(w, [(w.need_1, 1_000_000), (w.need_2, 1_000_000)])
    line = plan.lines.get(need=w.need_2)
    client.force_login(w.drafter)
    response = client.post(
        reverse("donations:plan", args=[plan.pk]),
        {"action": "amount", "line": line.pk, f"line-{line.pk}-amount": "2.000.001"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_line-{line.pk}-amount_error"' in html and "2.000.001" in html
    assert plan.lines.get(pk=line.pk).amount == 1_000_000


def test_the_school_sees_the_allocation_awaiting_receipt_and_confirms_it(client, w):
    from django.utils import timezone
    from django.utils.html import escape

    from donations.models import PledgeNotice

    plan = drafted(w, [(w.need_2, 2_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    pledge = plan.lines.get().pledge
    client.force_login(w.area.staff_a)
    page = client.get(reverse("needs:my_school")).content.decode()
    assert pledge.reference in page and escape(w.area.office_a.name) in page
    assert client.get(reverse("donations:detail", args=[pledge.reference])).status_code == 200
    response = client.post(
        reverse("donations:receive", args=[pledge.reference]),
        {"amount": "2000000", "received_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.is_received and pledge.received_by == w.area.staff_a
    assert pledge.reference not in client.get(reverse("needs:my_school")).content.decode()
    # The office is not mailed thanks for its own transfer.
    assert not PledgeNotice.objects.filter(pledge=pledge).exists()


def test_a_stale_tab_adding_a_line_to_an_approved_plan_is_told_and_changes_nothing(client, w):
    plan = drafted(w, [(w.need_1, 1_000_000)])
    plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    client.force_login(w.drafter)
    response = client.post(
        reverse("donations:plan", args=[plan.pk]),
        {"action": "add_line", "line-need": w.need_2.pk, "line-amount": "500.000"},
        follow=True,
    )
    assert "không còn là dự thảo" in response.content.decode()
    assert plan.lines.count() == 1
