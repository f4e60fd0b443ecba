"""Browser journey (issue 18, item 1): a business's gift arrives and the school confirms
it; the school issues the receipt record; the business signs in and downloads the PDF
from "My pledges" (its first page rendered and looked at); after delivery the school
publishes the settlement report and it shows on the need's page."""

import subprocess
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from donations.models import DonorProfile, Pledge
from donations.services import DonorDetails, pledge_create
from needs.services import need_transition
from receiving.models import ReceiptRecord, SettlementReport
from tests.accounts.factories import PASSWORD, UserFactory
from tests.documents.factories import SignerFactory
from tests.donations.factories import DonorProfileFactory
from tests.needs.factories import NeedFactory
from tests.support.area import build_area
from tests.support.browser import PHONE, SCREENSHOTS, new_page, screenshot, sign_in
from tests.support.documents import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


@pytest.mark.parametrize("device", [WIDE, PHONE], ids=["1366", "390"])
def test_a_business_downloads_its_receipt_record_and_the_settlement_goes_public(
    browser, live_server, device, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    width = device["viewport"]["width"]
    area = build_area()
    SignerFactory(school=area.school_a, full_name="Lò Văn Thành")
    business = UserFactory(full_name="Nguyễn Minh Phát", email="lienhe@minhphat.example.vn")
    DonorProfileFactory(
        user=business, kind=DonorProfile.Kind.BUSINESS, name="Công ty TNHH Thương mại Minh Phát", tax_code="5600123456"
    )
    need = NeedFactory(
        school=area.school_a, title="Chăn ấm cho học sinh bán trú", items=[("Chăn ấm 1,8 m", 41, "cái", 50_000)]
    )
    pledge, _created = pledge_create(
        need=need,
        donor=DonorDetails(name="Công ty Minh Phát", email=business.email, user=business),
        amount=2_050_000,
    )
    school = new_page(browser, live_server.url, device)
    donor = new_page(browser, live_server.url, {**device, "accept_downloads": True})
    visitor = new_page(browser, live_server.url, device)

    # The gift arrives: the school confirms it on the gift's page.
    sign_in(school, area.staff_a.email, PASSWORD)
    school.goto(live_server.url + reverse("donations:detail", args=[pledge.reference]))
    school.fill("input[name=amount]", "2.050.000")
    school.fill("input[name=received_on]", "2026-11-02")
    school.get_by_role("button", name="Xác nhận đã nhận").click()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED and pledge.received_on == date(2026, 11, 2)

    # The school issues the receipt record; a record for more than arrived is refused.
    school.locator("#issue-receipt-record").click()
    expect(school.get_by_role("heading", name="Lập biên bản tiếp nhận")).to_be_visible()
    school.fill("input[name=amount]", "3.000.000")
    school.fill("input[name=giver_representative]", "Nguyễn Minh Phát")
    school.fill("input[name=giver_position]", "Giám đốc")
    school.fill("input[name=giver_address]", "Số 12 Võ Nguyên Giáp, phường Mường Thanh, tỉnh Điện Biên")
    school.get_by_role("button", name="Lập biên bản").click()
    expect(school.get_by_text("không thể ghi nhiều hơn số thực nhận")).to_be_visible()
    expect(school.locator("input[name=giver_representative]")).to_have_value("Nguyễn Minh Phát")
    screenshot(school, f"record-{width}-1-more-than-arrived")
    assert not ReceiptRecord.objects.exists()
    school.fill("input[name=amount]", "2.050.000")
    school.get_by_role("button", name="Lập biên bản").click()
    expect(school.locator("#receipt-record")).to_be_visible()
    record = ReceiptRecord.objects.get()
    screenshot(school, f"record-{width}-2-issued")

    # The business signs in and downloads it from "My pledges".
    sign_in(donor, business.email, PASSWORD)
    donor.goto(live_server.url + reverse("donations:mine"))
    link = donor.get_by_role("link", name="Biên bản tiếp nhận (PDF)")
    expect(link).to_be_visible()
    screenshot(donor, f"record-{width}-3-my-pledges")
    with donor.expect_download() as download:
        link.click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf_path = SCREENSHOTS / f"record-{width}-4-receipt.pdf"
    download.value.save_as(pdf_path)
    text = pdf_text(pdf_path.read_bytes())
    assert f"Số: {record.document.number_text}" in text and "/BB-" in text
    assert "Công ty TNHH Thương mại Minh Phát" in text and "5600123456" in text
    assert "Trường PTDTBT Tiểu học Pú Xi" in text
    assert "2.050.000" in text and "Hai triệu không trăm năm mươi nghìn đồng" in text
    assert "02/11/2026" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(pdf_path.with_suffix("")),
        ],
        check=True,
    )

    # The need is delivered (the needs journey tests its own page); the school publishes
    # the settlement report.
    need_transition(need=need, action="deliver", actor=area.staff_a, note="Đã phát 41 chăn cho học sinh bán trú.")
    school.goto(live_server.url + need.get_absolute_url())
    school.get_by_role("link", name="Lập báo cáo quyết toán").click()
    expect(school.locator("#received-total")).to_contain_text("2.050.000")
    expect(school.locator("input[name='lines-0-amount']")).to_have_value("2.050.000")
    school.fill("input[name='lines-0-supplier']", "Cửa hàng Hòa Bình, HĐ 0001234")
    school.fill("input[name=spent_total]", "2.050.000")
    school.get_by_role("button", name="Lưu dự thảo").click()
    expect(school.get_by_role("button", name="Công khai báo cáo quyết toán")).to_be_visible()
    screenshot(school, f"record-{width}-5-settlement-draft")
    visitor.goto(live_server.url + need.get_absolute_url())
    expect(visitor.locator("#settlement")).to_have_count(0)
    school.get_by_role("button", name="Công khai báo cáo quyết toán").click()
    assert SettlementReport.objects.get().is_published

    visitor.goto(live_server.url + need.get_absolute_url())
    expect(visitor.locator("#settlement")).to_contain_text("Cửa hàng Hòa Bình")
    expect(visitor.locator("#settlement-spent")).to_contain_text("2.050.000")
    visitor.locator("#settlement").scroll_into_view_if_needed()
    screenshot(visitor, f"record-{width}-6-need-page")
    for page in (school, donor, visitor):
        page.context.close()
