"""The receipt record of a gift (biên bản tiếp nhận tài trợ): issued by the school from
its register, read back from the PDF; refused for a gift not received, twice, or for
another amount than arrived; downloaded by the donor, the school and its officers only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentKind
from donations.models import Fund, Pledge
from donations.services import pledge_receive
from receiving import records
from receiving.models import ReceiptRecord, ReceivingTeam, TeamMember
from tests.accounts.factories import UserFactory
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory
from tests.receiving.conftest import give
from tests.support.documents import pdf_text

pytestmark = pytest.mark.django_db


def issue(pledge, area, signer, **fields):
    defaults = {
        "giver_representative": "Nguyễn Minh Phát",
        "giver_position": "Giám đốc",
        "giver_address": "Số 12 đường Võ Nguyên Giáp, phường Mường Thanh, tỉnh Điện Biên",
    }
    return records.record_issue(pledge=pledge, actor=area.staff_a, signer=signer, **{**defaults, **fields})


def test_it_issues_the_record_numbered_from_the_schools_register(area, received_gift, signer_a):
    team = ReceivingTeam.objects.create(school=area.school_a)
    TeamMember.objects.create(team=team, full_name="Quàng Thị Dung", job_title="Phó hiệu trưởng", role="head")
    record = issue(received_gift, area, signer_a)

    document = record.document
    assert document.kind == DocumentKind.RECORD
    assert document.register.school == area.school_a
    assert document.number == 1 and document.number_text.startswith("01/BB-")
    text = pdf_text(document.pdf.read())
    assert f"Số: {document.number_text}" in text
    assert "BIÊN BẢN" in text and "Tiếp nhận tài trợ" in text
    # Both parties: the business (its profile's name and tax code), the school.
    assert "Công ty TNHH Thương mại Minh Phát" in text
    assert "5600123456" in text and "Nguyễn Minh Phát" in text and "Giám đốc" in text
    assert "Trường PTDTBT Tiểu học Pú Xi" in text and "Lò Văn Thành" in text
    assert "Quàng Thị Dung" in text
    # The gift in figures and in words, the date it arrived, the need.
    assert "2.050.000" in text
    assert "Hai triệu không trăm năm mươi nghìn đồng" in text
    assert "02/11/2026" in text
    assert "Chăn ấm cho học sinh bán trú" in text
    # A signature block for each side.
    assert "ĐẠI DIỆN BÊN TÀI TRỢ" in text and "ĐẠI DIỆN BÊN NHẬN TÀI TRỢ" in text and "HIỆU TRƯỞNG" in text
    assert record.giver_tax_code == "5600123456" and record.amount == 2_050_000
    assert record.history.count() == 1 and record.history.first().history_user == area.staff_a


def test_the_next_record_takes_the_next_number(area, received_gift, signer_a):
    other = give(NeedFactory(school=area.school_a), UserFactory(), 500_000)
    pledge_receive(pledge=other, actor=area.staff_a, amount=500_000, received_on=timezone.localdate())
    first = issue(received_gift, area, signer_a)
    second = issue(other, area, signer_a)
    assert (first.document.number, second.document.number) == (1, 2)


def test_a_person_is_the_giver_by_the_name_they_gave(area, need_a, signer_a):
    donor = UserFactory(full_name="Trần Thu Hà")
    pledge = pledge_receive(
        pledge=give(need_a, donor, 300_000), actor=area.staff_a, amount=300_000, received_on=timezone.localdate()
    )
    record = issue(pledge, area, signer_a, giver_representative="")
    assert record.giver_name == "Trần Thu Hà" and record.giver_tax_code == ""
    assert "Ba trăm nghìn đồng" in pdf_text(record.document.pdf.read())


def test_a_gift_not_received_is_refused(area, need_a, business, signer_a):
    pledge = give(need_a, business, 2_050_000)
    with pytest.raises(records.RecordRefused, match="chưa được xác nhận đã nhận"):
        issue(pledge, area, signer_a)
    assert not ReceiptRecord.objects.exists()


def test_a_second_record_for_the_same_gift_is_refused(area, received_gift, signer_a):
    issue(received_gift, area, signer_a)
    with pytest.raises(records.RecordRefused, match="đã có biên bản tiếp nhận"):
        issue(received_gift, area, signer_a)
    assert ReceiptRecord.objects.count() == 1
    assert received_gift.need.school.registers.get().last_number == 1


def test_a_record_for_more_than_arrived_is_refused_next_to_the_amount(area, received_gift, signer_a):
    with pytest.raises(records.RecordRefused) as refused:
        issue(received_gift, area, signer_a, amount=2_500_000)
    assert refused.value.field == "amount"
    assert refused.value.message == (
        "Biên bản tiếp nhận không thể ghi nhiều hơn số thực nhận: đã nhận 2.050.000\u00a0₫ ngày 02/11/2026."
    )
    with pytest.raises(records.RecordRefused) as less:
        issue(received_gift, area, signer_a, amount=2_000_000)
    assert less.value.field == "amount"
    assert not ReceiptRecord.objects.exists()


def test_an_allocation_is_recorded_with_the_funds_office_as_giver(area, need_a, signer_a):
    fund = Fund.objects.create(office=area.office_a, name="Quỹ Điều ước cho em", slug="quy-a")
    allocation = PledgeFactory(
        need=need_a, source_fund=fund, donor=None, donor_name=area.office_a.name, amount=1_000_000
    )
    pledge_receive(pledge=allocation, actor=area.staff_a, amount=1_000_000, received_on=timezone.localdate())
    record = issue(allocation, area, signer_a, giver_representative="")
    assert record.giver_name == area.office_a.name and record.giver_tax_code == ""
    assert area.office_a.name in pdf_text(record.document.pdf.read())


def test_a_gift_to_a_fund_gets_no_school_record(area, signer_a):
    fund = Fund.objects.create(office=area.office_a, name="Quỹ Điều ước cho em", slug="quy-a")
    gift = PledgeFactory(need=None, fund=fund, amount=1_000_000)
    with pytest.raises(records.RecordRefused, match="quỹ chương trình"):
        issue(gift, area, signer_a)


# --- pages ---------------------------------------------------------------------------


def test_the_school_issues_it_from_the_gifts_page(client, area, received_gift, signer_a):
    client.force_login(area.staff_a)
    detail = client.get(reverse("donations:detail", args=[received_gift.reference])).content.decode()
    url = reverse("receiving:record_issue", args=[received_gift.reference])
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["amount"].value() == "2.050.000"
    response = client.post(
        url,
        {
            "amount": "2.050.000",
            "giver_representative": "Nguyễn Minh Phát",
            "giver_position": "Giám đốc",
            "giver_address": "Điện Biên",
            "signer": signer_a.pk,
            "confirmed": "yes",
        },
    )
    record = ReceiptRecord.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("donations:detail", args=[received_gift.reference])).content.decode()
    assert reverse("receiving:record_pdf", args=[record.pk]) in detail


def test_more_than_arrived_is_refused_on_the_form_with_nothing_lost(client, area, received_gift, signer_a):
    client.force_login(area.staff_a)
    url = reverse("receiving:record_issue", args=[received_gift.reference])
    response = client.post(
        url,
        {
            "amount": "3.000.000",
            "giver_representative": "Nguyễn Minh Phát",
            "giver_position": "Giám đốc",
            "giver_address": "Điện Biên",
            "signer": signer_a.pk,
            "confirmed": "yes",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "amount" in form.errors
    assert "2.050.000" in form.errors["amount"][0]
    html = response.content.decode()
    assert 'value="Nguyễn Minh Phát"' in html and 'value="3.000.000"' in html
    assert not ReceiptRecord.objects.exists()


def test_a_form_for_a_gift_not_received_says_why(client, area, need_a, business, signer_a):
    pledge = give(need_a, business, 1_000_000)
    client.force_login(area.staff_a)
    url = reverse("receiving:record_issue", args=[pledge.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "hãy xác nhận số đã nhận trước" in page.context["problem"]
    assert client.post(url, {"amount": "1.000.000", "signer": signer_a.pk, "confirmed": "yes"}).status_code == 200
    assert not ReceiptRecord.objects.exists()


def test_only_the_school_issues_it(client, area, received_gift, business):
    url = reverse("receiving:record_issue", args=[received_gift.reference])
    client.force_login(area.staff_b)
    assert client.get(url).status_code == 404
    client.force_login(business)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_donor_downloads_it_from_my_pledges(client, area, received_gift, business, signer_a):
    record = issue(received_gift, area, signer_a)
    client.force_login(business)
    mine = client.get(reverse("donations:mine")).content.decode()
    pdf_url = reverse("receiving:record_pdf", args=[record.pk])
    assert pdf_url in mine and "Biên bản tiếp nhận (PDF)" in mine
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert record.document.number_text in pdf_text(content)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("donor", 200),
        ("other_donor", 404),
        ("staff_a", 200),
        ("officer_a", 200),
        ("staff_b", 404),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
def test_who_may_download_it(client, area, received_gift, business, signer_a, who, status):
    record = issue(received_gift, area, signer_a)
    users = {"donor": business, "other_donor": UserFactory(), "outsider": area.outsider}
    user = users.get(who) or getattr(area, who, None)
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("receiving:record_pdf", args=[record.pk])).status_code == status


@pytest.mark.parametrize("gifts", [1, 4])
def test_my_pledges_reads_a_fixed_number_of_queries(
    client, area, need_a, business, signer_a, django_assert_num_queries, gifts
):
    for _n in range(gifts):
        pledge = give(need_a, business, 100_000)
        pledge_receive(pledge=pledge, actor=area.staff_a, amount=100_000, received_on=timezone.localdate())
        issue(pledge, area, signer_a)
    give(need_a, business, 50_000)
    client.force_login(business)
    # session, user, memberships (the menu); the pledges; their records; the sponsorships:
    # the same for one gift with a record as for four
    with django_assert_num_queries(6):
        response = client.get(reverse("donations:mine"))
    assert response.status_code == 200
    assert response.content.decode().count("receipt-record-link") == gifts
    assert Pledge.objects.filter(donor=business).count() == gifts + 1
