import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from oversight.dashboard import Area, headline
from oversight.places import places
from schools.models import AdministrativeUnit, Office
from tests.support.browser import PHONE, new_page, screenshot, sign_in

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
    assert page.locator(".tile-map li a").count() > 0
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


# Every element box of the page inside the viewport's width (hidden ones have no box).
OVERFLOWING = """() => [...document.querySelectorAll('body *')].filter((el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && (box.left < -1 || box.right > window.innerWidth + 1);
}).map((el) => `${el.tagName}#${el.id}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""


def test_the_provincial_map_names_every_place_on_a_desktop_and_ranks_them_on_a_phone(browser, live_server, demo):
    province = AdministrativeUnit.objects.get(level="province", code="11", abolished_on=None)
    ranked = places(Area(province))
    assert len(ranked) == AdministrativeUnit.objects.filter(parent=province, abolished_on=None).count() > 10

    page = new_page(browser, live_server.url)
    sign_in(page, "province@demo.vn")
    page.goto(page.base_url + "/dashboard/")
    tiles = page.locator(".tile-map li")
    expect(tiles).to_have_count(len(ranked))
    # Names are written on the tiles, not only in a tooltip; the first tile is the top-ranked place.
    expect(tiles.first.locator(".tile-name")).to_have_text(ranked[0]["name"])
    for place in ranked[:3] + ranked[-2:]:
        expect(page.locator(".tile-map").get_by_role("link", name=place["name"])).to_be_visible()
    expect(page.locator("#table-ranked")).to_be_hidden()
    expect(page.locator("#table-places tbody tr")).to_have_count(len(ranked))
    # The chart: both series drawn, values written, and its table behind a summary.
    assert page.locator(".chart .panel").count() == 2
    page.get_by_text("Số liệu của biểu đồ").click()
    expect(page.locator("#table-series tbody tr")).to_have_count(12)
    assert page.evaluate(OVERFLOWING) == []
    screenshot(page, "dashboard-province-desktop")
    page.context.close()

    phone = new_page(browser, live_server.url, PHONE)
    sign_in(phone, "province@demo.vn")
    phone.goto(phone.base_url + "/dashboard/")
    expect(phone.locator("#tile-map-box")).to_be_hidden()
    rows = phone.locator("#table-ranked tbody tr")
    expect(rows).to_have_count(len(ranked))
    expect(rows.first.get_by_role("link")).to_have_text(ranked[0]["name"])
    expect(rows.first.locator("td").first).to_have_text("1")
    # Money figures stay on one line.
    for figure in ("requested", "pledged"):
        lines = phone.locator(f'[data-figure="{figure}"]').evaluate("(el) => el.getClientRects().length")
        assert lines == 1, figure
    assert phone.evaluate(OVERFLOWING) == []
    screenshot(phone, "dashboard-province-phone")
    phone.context.close()
