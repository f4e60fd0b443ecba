"""A donor reads the privacy notice, downloads their data and erases their account."""

import json

import pytest
from playwright.sync_api import expect

from accounts.models import User
from donations.models import Pledge
from tests.support.browser import screenshot, sign_in
from tests.support.demo import load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_donor_downloads_then_erases_their_data(page, transactional_db):
    load_demo()
    donor = User.objects.get(email="donor@demo.vn")
    references = set(Pledge.objects.filter(donor=donor).values_list("reference", flat=True))
    assert references

    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Thông báo về quyền riêng tư").click()
    expect(page.get_by_role("heading", name="Thông báo về quyền riêng tư")).to_be_visible()
    screenshot(page, "privacy-notice")

    sign_in(page, "donor@demo.vn")
    page.get_by_role("link", name="Dữ liệu của tôi").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải dữ liệu của tôi (JSON)").click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert {p["reference"] for p in data["pledges"]} >= references
    screenshot(page, "privacy-my-data")

    page.fill("#confirm-email", "donor@demo.vn")
    page.get_by_role("button", name="Xóa vĩnh viễn").click()
    expect(page.get_by_text("Tài khoản và dữ liệu cá nhân của bạn đã được xóa")).to_be_visible()
    screenshot(page, "privacy-erased")
    assert not User.objects.filter(email="donor@demo.vn").exists()
    assert not Pledge.objects.filter(donor_email="donor@demo.vn").exists()
