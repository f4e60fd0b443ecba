"""The settlement report of a delivered need (báo cáo quyết toán): received computed,
lines that add up, a difference with what happens to it; published from the school's
register, shown on the need's page and the school's transparency page; drafts are not."""

import pytest
from django.urls import reverse
from django.utils import timezone

from donations.models import Fund
from donations.services import pledge_receive
from needs.models import Need
from receiving import settlements
from receiving.models import SettlementLine, SettlementReport
from receiving.settlements import Line
from tests.accounts.factories import UserFactory
from tests.donations.factories import PledgeFactory
from tests.receiving.conftest import deliver, give
from tests.support.documents import pdf_text

pytestmark = pytest.mark.django_db
R = SettlementReport.Remainder

BLANKETS = Line("Chăn ấm 1,8 m", 41, "cái", 50_000, 2_050_000, "Cửa hàng Hòa Bình, HĐ 0001234")


@pytest.fixture
def delivered(area, need_a, received_gift):
    return deliver(need_a)


def save(need, area, lines=(BLANKETS,), spent_total=None, remainder=R.NONE, note=""):
    lines = list(lines)
    total = sum(line.amount for line in lines) if spent_total is None else spent_total
    return settlements.settlement_save(
        need=need, actor=area.staff_a, lines=lines, spent_total=total, remainder=remainder, remainder_note=note
    )


def test_received_is_computed_from_the_gifts_that_arrived_allocations_included(area, business):
    from tests.needs.factories import NeedFactory

    need = NeedFactory(school=area.school_a, items=[("Chăn ấm", 100, "cái", 50_000)])
    gift = give(need, business, 2_050_000)
    pledge_receive(pledge=gift, actor=area.staff_a, amount=2_050_000, received_on=timezone.localdate())
    fund = Fund.objects.create(office=area.office_a, name="Quỹ", slug="quy")
    allocation = PledgeFactory(need=need, source_fund=fund, donor=None, amount=300_000)
    pledge_receive(pledge=allocation, actor=area.staff_a, amount=300_000, received_on=timezone.localdate())
    give(need, UserFactory(), 999_000)  # pledged, never arrived: not counted
    deliver(need)
    report = save(need, area, [Line("Chăn ấm", 47, "cái", 50_000, 2_350_000)])
    assert report.received_total == 2_350_000 and report.difference == 0
    assert report.status == SettlementReport.Status.DRAFT


def test_a_line_that_does_not_add_up_is_refused_by_field(area, delivered):
    with pytest.raises(settlements.SettlementRefused) as refused:
        save(delivered, area, [BLANKETS, Line("Vận chuyển", 1, "chuyến", 200_000, 250_000)], spent_total=2_300_000)
    assert (refused.value.field, refused.value.line) == ("amount", 1)
    assert "200.000" in refused.value.message and "250.000" in refused.value.message
    assert not SettlementReport.objects.exists()


def test_a_total_that_is_not_the_sum_of_the_lines_is_refused(area, delivered):
    with pytest.raises(settlements.SettlementRefused) as refused:
        save(delivered, area, spent_total=2_000_000)
    assert refused.value.field == "spent_total"


def test_a_difference_needs_a_fitting_choice_and_a_note(area, delivered):
    cheaper = [Line("Chăn ấm", 40, "cái", 50_000, 2_000_000)]
    with pytest.raises(settlements.SettlementRefused) as none:
        save(delivered, area, cheaper, remainder=R.NONE)
    assert none.value.field == "remainder" and "50.000" in none.value.message
    with pytest.raises(settlements.SettlementRefused) as wrong_sign:
        save(delivered, area, cheaper, remainder=R.SHORTFALL, note="x")
    assert wrong_sign.value.field == "remainder"
    with pytest.raises(settlements.SettlementRefused) as no_note:
        save(delivered, area, cheaper, remainder=R.SCHOOL_FUND)
    assert no_note.value.field == "remainder_note"
    report = save(delivered, area, cheaper, remainder=R.SCHOOL_FUND, note="50.000 ₫ giữ lại, quyết toán đợt sau.")
    assert report.difference == 50_000 and report.remainder == R.SCHOOL_FUND
    more = [Line("Chăn ấm", 42, "cái", 50_000, 2_100_000)]
    report = save(delivered, area, more, remainder=R.SHORTFALL, note="Nhà trường bù 50.000 ₫ từ quỹ.")
    assert report.difference == -50_000 and report.lines.count() == 1


def test_a_need_not_delivered_has_no_report_yet(area, need_a, received_gift):
    with pytest.raises(settlements.SettlementRefused, match="sau khi nhu cầu đã bàn giao"):
        save(need_a, area)


def test_publishing_issues_the_report_and_freezes_it(area, delivered, signer_a):
    report = save(delivered, area)
    published = settlements.settlement_publish(report=report, actor=area.staff_a, signer=signer_a)
    assert published.is_published and published.published_by == area.staff_a
    text = pdf_text(published.document.pdf.read())
    assert f"Số: {published.document.number_text}" in text and "/BC-" in published.document.number_text
    assert "BÁO CÁO" in text and "Chăn ấm 1,8 m" in text and "Cửa hàng Hòa Bình" in text
    assert "Hai triệu không trăm năm mươi nghìn đồng" in text
    with pytest.raises(settlements.SettlementRefused, match="đã công khai"):
        save(delivered, area)
    with pytest.raises(settlements.SettlementRefused):
        settlements.settlement_publish(report=report, actor=area.staff_a, signer=signer_a)
    # History: the draft, its line, the publication; who did it.
    assert [h.status for h in published.history.order_by("history_id")] == ["draft", "published"]
    assert published.history.latest().history_user == area.staff_a
    assert SettlementLine.history.filter(report_id=report.pk).count() == 1


def test_the_form_refuses_a_line_that_does_not_add_up_next_to_it(client, area, delivered):
    client.force_login(area.staff_a)
    url = reverse("receiving:settlement_edit", args=[delivered.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["received"] == 2_050_000
    data = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-description": "Chăn ấm",
        "lines-0-quantity": "41",
        "lines-0-unit": "cái",
        "lines-0-unit_cost": "50.000",
        "lines-0-amount": "2.500.000",
        "lines-0-supplier": "HĐ 0001234",
        "spent_total": "2.050.000",
        "remainder": "none",
        "remainder_note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert "2.050.000" in errors["amount"][0]
    assert 'value="HĐ 0001234"' in response.content.decode()
    assert not SettlementReport.objects.exists()
    response = client.post(url, {**data, "lines-0-amount": "2.050.000"})
    assert response.status_code == 302
    assert SettlementReport.objects.get().spent_total == 2_050_000


def test_the_form_refuses_a_difference_without_a_choice(client, area, delivered):
    client.force_login(area.staff_a)
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-description": "Chăn ấm",
        "lines-0-quantity": "40",
        "lines-0-unit": "cái",
        "lines-0-unit_cost": "50.000",
        "lines-0-amount": "2.000.000",
        "spent_total": "2.000.000",
        "remainder": "none",
    }
    response = client.post(reverse("receiving:settlement_edit", args=[delivered.pk]), data)
    assert response.status_code == 200
    assert "remainder" in response.context["form"].errors


def test_only_the_schools_staff_drafts_it(client, area, delivered):
    url = reverse("receiving:settlement_edit", args=[delivered.pk])
    client.force_login(area.staff_b)
    assert client.get(url).status_code == 404
    client.force_login(area.officer_a)
    assert client.get(url).status_code == 403
    client.force_login(area.staff_a)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_the_published_report_is_public_and_a_draft_is_not(
    client, area, delivered, signer_a, django_capture_on_commit_callbacks
):
    report = save(delivered, area)
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert "Chăn ấm 1,8 m" not in page and 'id="settlement"' not in page
    assert client.get(reverse("receiving:settlement_pdf", args=[report.pk])).status_code == 404
    transparency = reverse("donations:transparency_school", args=[area.school_a.pk])
    assert 'id="settlements"' not in client.get(transparency).content.decode()

    # Publishing renews the need's page kept for visitors, once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        settlements.settlement_publish(report=report, actor=area.staff_a, signer=signer_a)
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert "Chăn ấm 1,8 m" in page and "Báo cáo quyết toán (PDF)" in page
    assert client.get(reverse("receiving:settlement_pdf", args=[report.pk])).status_code == 200
    listed = client.get(transparency).content.decode()
    assert 'id="settlements"' in listed and delivered.title in listed


def test_the_school_is_asked_for_the_report_on_the_delivered_needs_page(client, area, delivered):
    client.force_login(area.staff_a)
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert reverse("receiving:settlement_edit", args=[delivered.pk]) in page


@pytest.mark.parametrize("lines", [1, 12])
def test_the_need_page_adds_two_queries_for_a_published_report(
    client, area, delivered, signer_a, django_assert_num_queries, lines
):
    report = save(
        delivered,
        area,
        [Line(f"Chăn {n}", 1, "cái", 2_050_000 // lines, 2_050_000 // lines) for n in range(lines)],
        spent_total=(2_050_000 // lines) * lines,
        remainder=R.NONE if lines == 1 else R.SCHOOL_FUND,
        note="" if lines == 1 else "Giữ lại phần lẻ.",
    )
    settlements.settlement_publish(report=report, actor=area.staff_a, signer=signer_a)
    # the need's own five (tests/needs/test_pages.py), then the report and its lines
    with django_assert_num_queries(7):
        assert client.get(delivered.get_absolute_url()).status_code == 200


def test_a_need_not_delivered_adds_no_query(client, area, need_a, django_assert_num_queries):
    with django_assert_num_queries(5):
        assert client.get(need_a.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("reports", [1, 3])
def test_the_transparency_page_lists_reports_in_one_query(client, area, signer_a, django_assert_num_queries, reports):
    from tests.needs.factories import NeedFactory

    for n in range(reports):
        need = NeedFactory(school=area.school_a, items=[("Bàn ghế", 2, "bộ", 500_000)])
        pledge = give(need, UserFactory(), 1_000_000)
        pledge_receive(pledge=pledge, actor=area.staff_a, amount=1_000_000, received_on=timezone.localdate())
        deliver(need)
        report = save(need, area, [Line(f"Bàn ghế {n}", 2, "bộ", 500_000, 1_000_000)])
        settlements.settlement_publish(report=report, actor=area.staff_a, signer=signer_a)
    url = reverse("donations:transparency_school", args=[area.school_a.pk])
    client.get(url)  # the kept figures are computed once, then read from the cache
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(response.context["settlements"]) == reports
    assert Need.objects.filter(settlement__status="published").count() == reports
