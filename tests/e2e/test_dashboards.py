import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from oversight.dashboard import Area, headline
from schools.models import Office
from tests.support.browser import new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def money(amount):
    return f"{amount:,}".replace(",", ".") + "\u00a0₫"


@pytest.mark.parametrize(
    ("email", "office_code", "unit_code", "unit_name"),
    [
        ("commune@demo.vn", "vhxh-muong-mun", "03268", "Xã Mường Mùn"),
        ("province@demo.vn", "sgddt-dien-bien", "11", "Tỉnh Điện Biên"),
    ],
)
def test_officers_see_their_dashboard_click_through_and_export(
    browser, live_server, demo, tmp_path, email, office_code, unit_code, unit_name
):
    page = new_page(browser, live_server.url, accept_downloads=True)
    figures = headline(Area.of_office(Office.objects.get(code=office_code)))
    assert figures["requested"] > 0

    sign_in(page, email)
    page.locator("#mainNav").get_by_text("Công việc").click()
    page.locator("#mainNav").get_by_role("link", name="Bảng điều hành").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bảng điều hành")
    expect(page.locator("main").get_by_text(unit_name, exact=True).first).to_be_visible()
    assert page.locator('[data-figure="requested"]').inner_text() == money(figures["requested"])
    assert page.locator('[data-figure="pledged"]').inner_text() == money(figures["pledged"])
    assert page.locator(".school-map circle").count() > 0
    screenshot(page, f"dashboard-{unit_code}")

    # The Excel export opens and has the page's totals.
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo từng trường (Excel)").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert sum(row[8] for row in rows) == figures["requested"]
    assert sum(row[9] for row in rows) == figures["pledged"]

    # A figure leads to the list behind it.
    submitted = dict((s, c) for s, _l, c in figures["needs_by_status"])["submitted"]
    page.locator('[data-status-count="submitted"]').click()
    page.wait_for_url("**/dashboard/needs/**")
    assert page.locator("tbody tr").count() == submitted
    screenshot(page, f"dashboard-{unit_code}-list")
    page.context.close()
