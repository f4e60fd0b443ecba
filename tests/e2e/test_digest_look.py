from datetime import date

import pytest
from playwright.sync_api import expect

from oversight.digests import build_digest, period_bounds, render_digest
from schools.models import Office
from tests.oversight.communes import AHEAD, BEHIND, SIXTH_AHEAD, SIXTH_BEHIND, build_department_of_communes
from tests.support.browser import screenshot
from tests.support.demo import load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = ((1366, "desktop"), (390, "phone"))


def _open(browser, html, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_content(html)
    # No image or stylesheet is fetched from anywhere: the mail stands alone.
    assert page.locator("img, link[rel=stylesheet], script").count() == 0
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    return page


@pytest.mark.parametrize(
    ("code", "must_show"),
    [
        ("vhxh-muong-mun", "Nhu cầu chờ xác minh"),
        ("sgddt-dien-bien", "So sánh các xã, phường"),
    ],
)
def test_the_digest_reads_well_in_a_browser(browser, settings, tmp_path, code, must_show):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    office = Office.objects.get(code=code)
    start, end = period_bounds("weekly", date(2026, 11, 23))
    subject, _text, html = render_digest(build_digest(office, "weekly", start, end))
    assert subject.startswith("Báo cáo tuần 16/11–22/11/2026")
    for width, name in WIDTHS:
        page = _open(browser, html, width)
        expect(page.get_by_text(must_show).first).to_be_visible()
        expect(page.get_by_text("Báo cáo tổng hợp tuần")).to_be_visible()
        screenshot(page, f"digest-{code}-{name}")
        page.close()


def test_a_department_of_36_communes_shows_five_behind_and_five_ahead(browser):
    """The department's comparison stays short on a phone: ten communes named, the count
    line pointing to the Excel file for all 36."""
    department = build_department_of_communes().department
    start, end = period_bounds("weekly", date(2026, 11, 30))
    _subject, _text, html = render_digest(build_digest(department, "weekly", start, end))
    for width, name in WIDTHS:
        page = _open(browser, html, width)
        expect(page.get_by_text("So sánh các xã, phường")).to_be_visible()
        expect(page.get_by_text("Tổng cộng 36 xã, phường", exact=False)).to_be_visible()
        expect(page.get_by_text("Cần đôn đốc: nhiều việc quá hạn nhất")).to_be_visible()
        expect(page.get_by_text("Dẫn đầu: tỷ lệ kinh phí được cam kết cao nhất")).to_be_visible()
        for rank, commune in enumerate(BEHIND, start=1):
            expect(page.get_by_text(f"{rank}. {commune}", exact=True)).to_be_visible()
        for rank, commune in enumerate(AHEAD, start=1):
            expect(page.get_by_text(f"{rank}. {commune}", exact=True)).to_be_visible()
        assert page.get_by_text(SIXTH_BEHIND).count() == 0 and page.get_by_text(SIXTH_AHEAD).count() == 0
        screenshot(page, f"digest-department-36-communes-{name}")
        page.close()
