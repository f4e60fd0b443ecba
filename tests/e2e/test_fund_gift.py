"""Browser journey (issue 17, item 1): a guest gives 5.000.000 ₫ to a programme fund,
sees the VietQR and the reference; the office's officer imports the bank statement that
carries it; the fund's page then shows the money received, to the đồng."""

import pytest
from playwright.sync_api import expect

from campaigns.models import CampaignFund
from donations import funds
from donations.models import Fund, Pledge
from tests.accounts.factories import PASSWORD
from tests.campaigns.factories import CampaignFactory
from tests.donations.factories import BankAccountFactory
from tests.support.area import build_area
from tests.support.browser import PHONE, new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


@pytest.mark.parametrize("device", [WIDE, PHONE], ids=["1366", "390"])
def test_a_guest_gives_to_a_fund_and_the_statement_brings_it_in(browser, live_server, device):
    width = device["viewport"]["width"]
    area = build_area()
    BankAccountFactory(
        office=area.office_a,
        bank_name="Agribank Tuần Giáo",
        account_number="8800211223344",
        account_holder="Phòng GD&ĐT Tuần Giáo",
    )
    campaign = CampaignFactory(
        name="Điều ước cho em – Tuần Giáo 2026", scope=area.district_a, lead_office=area.office_a, is_published=True
    )
    fund = funds.fund_save(
        office=area.office_a,
        actor=area.officer_a,
        name="Quỹ Điều ước cho em – Tuần Giáo 2026",
        slug="dieu-uoc-tuan-giao-2026",
        description="Bữa trưa và chăn ấm cho học sinh bán trú các trường vùng cao.",
    )
    CampaignFund.objects.create(campaign=campaign, fund=fund)
    guest = new_page(browser, live_server.url, device)
    officer = new_page(browser, live_server.url, device)

    # The guest finds the fund on the campaign's page and gives.
    guest.goto(live_server.url + campaign.get_absolute_url())
    screenshot(guest, f"fund-{width}-0-campaign")
    guest.get_by_role("link", name="Ủng hộ quỹ này").first.click()
    guest.fill("input[name=amount]", "5.000.000")
    guest.fill("input[name=name]", "Lê Văn Khách")
    guest.fill("input[name=email]", "khach@example.vn")
    guest.fill("textarea[name=message]", "Chúc các em một mùa đông ấm áp!")
    screenshot(guest, f"fund-{width}-1-give")
    guest.get_by_role("button", name="Cam kết ủng hộ").click()
    expect(guest.get_by_text("Cảm ơn bạn! Cam kết ủng hộ đã được ghi nhận.")).to_be_visible()
    pledge = Pledge.objects.get(donor_email="khach@example.vn")
    assert (pledge.fund_id, pledge.amount) == (fund.pk, 5_000_000)
    expect(guest.locator(".vietqr svg")).to_be_visible()
    expect(guest.locator("#pay-reference", has_text=pledge.reference)).to_be_visible()
    expect(guest.get_by_text("8800211223344")).to_be_visible()
    screenshot(guest, f"fund-{width}-2-vietqr")

    # The officer of the fund's office imports the bank's statement.
    sign_in(officer, area.officer_a.email, PASSWORD)
    officer.goto(live_server.url + "/donations/statements/")
    csv = (
        "Ngày giao dịch;Số tiền ghi có;Nội dung;Mã giao dịch\n"
        f"20/11/2026;5.000.000;LE VAN KHACH CK {pledge.reference} UNG HO QUY;FT26112001\n"
    ).encode()
    officer.set_input_files("input[name=file]", files=[{"name": "saoke.csv", "mimeType": "text/csv", "buffer": csv}])
    officer.get_by_role("button", name="Xem trước").click()
    expect(officer.locator("#count-matched")).to_have_text("1")
    screenshot(officer, f"fund-{width}-3-statement")
    officer.locator("main button[type=submit].btn-success").click()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED

    # The fund's page now shows it came in, to the đồng.
    guest.goto(live_server.url + fund.get_absolute_url())
    expect(guest.locator("#fund-received")).to_have_text("5.000.000\u00a0₫")
    expect(guest.locator("#fund-balance")).to_have_text("5.000.000\u00a0₫")
    expect(guest.locator("#fund-awaiting")).to_have_text("0\u00a0₫")
    expect(guest.get_by_text("Lê Văn Khách")).to_be_visible()
    screenshot(guest, f"fund-{width}-4-fund-page")
    assert Fund.objects.get(pk=fund.pk).amount_received == 5_000_000

    # The officer keeps the office's funds from their list.
    officer.goto(live_server.url + "/donations/funds/")
    expect(officer.get_by_role("link", name=fund.name, exact=True)).to_be_visible()
    screenshot(officer, f"fund-{width}-5-officer-list")
    officer.goto(live_server.url + f"/campaigns/{campaign.slug}/plan/")
    officer.get_by_text("Thêm quỹ").click()
    expect(officer.locator("input[name=fund-slug]")).to_be_visible()
    screenshot(officer, f"fund-{width}-6-plan-funds")
    for page in (guest, officer):
        page.context.close()
