"""A visitor finds needs (issue 20): the home page's needs nearly funded and this
year's money, a search for "bếp ăn" ranked by its titles, a fully funded need that sends
them to similar ones; on a phone (390 px) and on a desktop."""

import pytest
from playwright.sync_api import expect

from core.text import fold
from needs.models import Need
from tests.support.browser import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_visitor_finds_needs_from_home_search_and_a_funded_need(page, phone, live_server, demo):
    funded = Need.objects.filter(status=Need.Status.FUNDED).order_by("pk").first()
    for device, name in ((phone, "phone"), (page, "desktop")):
        device.goto(live_server.url + "/")
        expect(device.get_by_role("heading", name="Sắp đủ rồi: chung tay hoàn thành")).to_be_visible()
        expect(device.locator('[data-figure="raised"]')).to_contain_text("₫")
        expect(device.get_by_role("link", name="Bảng vinh danh nhà hảo tâm")).to_be_visible()
        _fits(device)
        screenshot(device, f"finding-1-home-{name}")

        device.goto(live_server.url + "/needs/?q=b%E1%BA%BFp+%C4%83n")
        titles = device.locator(".need-card h3").all_inner_texts()
        assert titles, "the search finds needs"
        # The needs titled with the words come before those that only mention them.
        titled = [{"bep", "an"} <= set(fold(t).replace(",", " ").split()) for t in titles]
        assert titled[0] and titled == sorted(titled, reverse=True)
        expect(device.locator("select[name=sort]")).to_have_value("relevant")
        _fits(device)
        screenshot(device, f"finding-2-search-{name}")

        device.goto(live_server.url + funded.get_absolute_url())
        expect(device.get_by_text("Nhu cầu này đã đủ tài trợ")).to_be_visible()
        expect(device.get_by_role("link", name="Ủng hộ nhu cầu này")).to_have_count(0)
        expect(device.get_by_role("heading", name="Nhu cầu tương tự còn thiếu tài trợ")).to_be_visible()
        _fits(device)
        screenshot(device, f"finding-3-funded-{name}")

    # From the phone's "see similar needs" to one that takes gifts.
    phone.get_by_role("link", name="Xem các nhu cầu tương tự còn thiếu tài trợ").click()
    phone.locator("#similar-heading ~ div .need-card a").first.click()
    expect(phone.get_by_role("link", name="Ủng hộ nhu cầu này")).to_be_visible()
