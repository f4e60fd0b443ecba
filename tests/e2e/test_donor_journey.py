import pytest
from playwright.sync_api import expect

from donations.models import Pledge
from needs.models import Need
from tests.support.browser import DESKTOP, PHONE, new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_gift_from_pledge_to_thank_you_letter(browser, live_server, demo, tmp_path):
    need = (
        Need.objects.filter(school__code="11099012", status=Need.Status.VERIFIED)
        .order_by("pk")
        .exclude(amount_requested__lt=2_000_000)
        .first()
    )
    assert need.amount_missing >= 1_500_000
    donor = new_page(browser, live_server.url, DESKTOP, accept_downloads=True)
    school, guest = new_page(browser, live_server.url, PHONE), new_page(browser, live_server.url, PHONE)

    # The donor finds the need and pledges part of it.
    sign_in(donor, "donor@demo.vn")
    donor.goto(live_server.url + "/needs/?q=pu+xi")
    donor.get_by_role("link", name=need.title).first.click()
    donor.get_by_role("link", name="Ủng hộ nhu cầu này").click()
    assert donor.input_value("input[name=name]") == "Trần Thu Hà"
    donor.fill("input[name=amount]", "1.000.000")
    donor.fill("textarea[name=message]", "Chúc các em một mùa đông ấm áp!")
    screenshot(donor, "donor-1-pledge-form")
    donor.get_by_role("button", name="Cam kết ủng hộ").click()
    expect(donor.get_by_text("Cảm ơn bạn! Cam kết ủng hộ đã được ghi nhận.")).to_be_visible()
    pledge = Pledge.objects.filter(donor__email="donor@demo.vn", need=need).latest("pk")
    expect(donor.get_by_text(pledge.reference).first).to_be_visible()
    expect(donor.locator(".vietqr svg")).to_be_visible()
    screenshot(donor, "donor-2-vietqr-and-reference")

    # The school confirms receipt from its phone.
    sign_in(school, "school@demo.vn")
    school.goto(live_server.url + "/needs/my-school/")
    school.get_by_role("link", name=pledge.reference).click()
    screenshot(school, "donor-3-school-confirms")
    school.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(school.get_by_text("Đã xác nhận nhận quà")).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED

    # The donor sees "received" and downloads the thank-you letter.
    donor.goto(live_server.url + "/donations/mine/")
    gift = donor.locator("#my-gifts .list-group-item", has_text=pledge.reference)
    expect(gift.get_by_text("Đã nhận")).to_be_visible()
    screenshot(donor, "donor-4-my-pledges")
    gift.locator("a.stretched-link").click()
    with donor.expect_download() as download:
        donor.get_by_role("link", name="Tải thư cảm ơn (PDF)").click()
    letter = tmp_path / "letter.pdf"
    download.value.save_as(letter)
    assert letter.read_bytes().startswith(b"%PDF")

    # A visitor without an account pledges too.
    guest.goto(live_server.url + need.get_absolute_url())
    guest.get_by_role("link", name="Ủng hộ nhu cầu này").click()
    guest.fill("input[name=amount]", "300000")
    guest.fill("input[name=name]", "Lê Văn Khách")
    guest.fill("input[name=email]", "khach@example.vn")
    guest.get_by_role("button", name="Cam kết ủng hộ").click()
    guest_pledge = Pledge.objects.get(donor_email="khach@example.vn")
    assert guest_pledge.donor is None
    expect(guest.get_by_text(guest_pledge.reference).first).to_be_visible()
    assert "key=" in guest.url
    screenshot(guest, "donor-5-guest-pledge")
    for page in (donor, school, guest):
        page.context.close()
