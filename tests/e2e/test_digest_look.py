from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from oversight.digests import build_digest, period_bounds, render_digest
from schools.models import Office
from tests.support.browser import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("code", "must_show"),
    [
        ("vhxh-muong-mun", "Nhu cầu chờ xác minh"),
        ("sgddt-dien-bien", "So sánh các xã, phường"),
    ],
)
def test_the_digest_reads_well_in_a_browser(browser, settings, tmp_path, code, must_show):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    office = Office.objects.get(code=code)
    start, end = period_bounds("weekly", date(2026, 11, 23))
    subject, _text, html = render_digest(build_digest(office, "weekly", start, end))
    assert subject.startswith("Báo cáo tuần 16/11–22/11/2026")
    for width, name in ((680, "desktop"), (390, "phone")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_content(html)
        expect(page.get_by_text(must_show).first).to_be_visible()
        expect(page.get_by_text("Báo cáo tổng hợp tuần")).to_be_visible()
        # No image or stylesheet is fetched from anywhere: the mail stands alone.
        assert page.locator("img, link[rel=stylesheet], script").count() == 0
        screenshot(page, f"digest-{code}-{name}")
        page.close()
