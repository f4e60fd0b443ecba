"""The demo on today's map (issue 15): the officer of a commune office verifies a need of
a school that moved from huyện Tuần Giáo to its new commune, and the 2021 campaign still
shows huyện Tuần Giáo, on a desktop and on a phone."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from needs.models import Need
from schools.models import AdministrativeUnit, School
from tests.support.browser import PHONE, new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


@pytest.mark.parametrize(("device", "name"), [(WIDE, "desktop"), (PHONE, "phone")])
def test_the_commune_officer_verifies_a_need_of_a_school_that_moved_from_tuan_giao(
    browser, live_server, demo, device, name
):
    muong_mun = AdministrativeUnit.objects.get(level="commune", code="03268", abolished_on__isnull=True)
    pu_xi = School.objects.get(code="11099012")
    # The school stood in Xã Pú Xi of huyện Tuần Giáo; since 1 July 2025 in Xã Mường Mùn.
    assert (pu_xi.commune, pu_xi.district) == (muong_mun, None)
    assert pu_xi.history.filter(commune__code="03269", district__code="099", district__abolished_on__isnull=False)
    waiting = Need.objects.filter(school=pu_xi, status=Need.Status.SUBMITTED).order_by("pk")
    assert waiting.count() == 2
    need = waiting[0] if name == "desktop" else waiting[1]
    assert need.commune == muong_mun  # made today, recorded in the new commune
    page = new_page(browser, live_server.url, device, has_touch=name == "phone")

    sign_in(page, "commune@demo.vn")
    if name == "desktop":
        page.locator("#mainNav").get_by_text("Công việc").click()
        page.locator("#mainNav").get_by_role("link", name="Chờ xác minh").click()
    else:
        page.goto(live_server.url + "/needs/queue/")
    card = page.locator("article", has_text=need.title)
    expect(card).to_be_visible()
    expect(card.get_by_text("Xã Mường Mùn")).to_be_visible()
    expect(card.get_by_text("Trường PTDTBT Tiểu học Pú Xi")).to_be_visible()
    screenshot(page, f"today-1-commune-queue-{name}")
    card.get_by_role("link", name="Mở để trả lại hoặc hỏi thêm").click()
    expect(page.get_by_role("heading", name=need.title)).to_be_visible()
    expect(page.get_by_text("Xã Mường Mùn, Tỉnh Điện Biên").first).to_be_visible()
    page.get_by_role("button", name="Xác minh", exact=True).click()
    expect(page.get_by_text("Đã xác minh: nhu cầu được công khai")).to_be_visible()
    screenshot(page, f"today-2-commune-verified-{name}")
    need.refresh_from_db()
    assert (need.status, need.verified_by) == (
        Need.Status.VERIFIED,
        get_user_model().objects.get(email="commune@demo.vn"),
    )

    # The 2021 campaign keeps the place it was made for.
    page.goto(live_server.url + "/campaigns/dieu-uoc-cho-em-tuan-giao/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("huyện Tuần Giáo")
    assert "Huyện Tuần Giáo" in page.locator(".hero-kicker").text_content()
    expect(page.locator("main").get_by_text("Trần Thu Hà").first).to_be_visible()
    # Its figures (391.200.000 ₫) fit the screen: nothing runs off to the side.
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]
    screenshot(page, f"today-3-campaign-2021-{name}")
    page.context.close()
