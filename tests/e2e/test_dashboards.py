import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from oversight.dashboard import Area, headline
from schools.models import AdministrativeUnit
from tests.support.browser import new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def money(amount):
    return f"{amount:,}".replace(",", ".") + "\u00a0₫"


@pytest.mark.parametrize(
    ("email", "unit_code", "heading"),
    [
        ("district@demo.vn", "099", "Bảng điều hành cấp huyện"),
        ("province@demo.vn", "11", "Bảng điều hành cấp tỉnh"),
    ],
)
def test_officers_see_their_dashboard_click_through_and_export(
    browser, live_server, demo, tmp_path, email, unit_code, heading
):
    page = new_page(browser, live_server.url, accept_downloads=True)
    figures = headline(Area(AdministrativeUnit.objects.get(code=unit_code, abolished_on=None)))

    sign_in(page, email)
    page.locator("#mainNav").get_by_text("Công việc").click()
    page.locator("#mainNav").get_by_role("link", name="Bảng điều hành").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
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
