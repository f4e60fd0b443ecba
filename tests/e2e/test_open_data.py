"""A donor checks on the school's transparency page that their gift arrived, on a laptop
(1366 px) and a phone (390 px); the open-data API's documentation page works under the
portal's CSP (Swagger UI from our own static files, no CDN)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from donations.services import DonorDetails, pledge_create, pledge_receive
from tests.needs.factories import NeedFactory
from tests.support.browser import new_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


@pytest.fixture
def gifts(area):
    need = NeedFactory(school=area.school_a, title="Chăn ấm cho học sinh bán trú", items=[("Chăn", 40, "cái", 250_000)])
    for name, amount, anonymous in [("Trần Thu Hà", 1_250_000, False), ("Phạm Bí Mật", 2_000_000, True)]:
        pledge, _ = pledge_create(
            need=need, donor=DonorDetails(name=name, email=f"{amount}@example.vn"), amount=amount, anonymous=anonymous
        )
        pledge_receive(pledge=pledge, actor=area.staff_a, amount=amount, received_on=date(2026, 11, 20))
    return area


@pytest.mark.parametrize(("device", "label"), [(LAPTOP, "1366"), (PHONE, "390")])
def test_a_donor_finds_their_gift_on_the_transparency_page(browser, live_server, gifts, device, label):
    page = new_page(browser, live_server.url, device)
    try:
        page.goto(f"{page.base_url}/donations/transparency/school/{gifts.school_a.pk}/")
        page.get_by_label("Tìm một khoản ủng hộ đã đến").fill("tran thu ha")
        page.get_by_role("button", name="Tìm kiếm").click()
        row = page.locator("#ledger-found tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Trần Thu Hà")
        expect(row).to_contain_text("1.250.000")
        expect(row).to_contain_text("20/11/2026")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, f"transparency-search-{label}")
        page.get_by_label("Tìm một khoản ủng hộ đã đến").fill("2.000.000")
        page.get_by_role("button", name="Tìm kiếm").click()
        expect(page.locator("#ledger-found tbody tr")).to_contain_text("Ẩn danh")
        expect(page.locator("body")).not_to_contain_text("Phạm Bí Mật")
    finally:
        page.context.close()


def test_the_api_docs_page_renders_under_the_csp(browser, live_server, db):
    page = new_page(browser, live_server.url, LAPTOP)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    try:
        page.goto(f"{page.base_url}/")
        page.get_by_role("link", name="Dữ liệu mở").click()
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("open data")
        expect(page.locator(".opblock-summary-path", has_text="/api/v1/ledger").first).to_be_visible()
        screenshot(page, "open-data-docs-1366")
        assert not refused
    finally:
        page.context.close()
