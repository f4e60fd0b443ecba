"""Paying from a phone (issue 20, point 2), at 390 px with the demo: the need page's give
bar is there at first paint and covers nothing; the pledge page gives the values to
copy above a smaller QR (the reference lands in the clipboard, "Đã chép" shows), the QR
picture downloads at a size banking apps read, the cancel button comes last and asks to
confirm; a gift of goods is told how to hand them over. Then the same page on a desktop,
the QR large."""

import io

import cv2
import numpy
import pytest
from PIL import Image
from playwright.sync_api import expect

from core.formatting import format_vnd
from donations import vietqr
from donations.models import Pledge
from donations.selectors import receiving_account
from needs.models import Need
from tests.support.browser import DESKTOP, PHONE, SCREENSHOTS, new_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _gift_need():
    return next(
        need
        for need in Need.objects.filter(status=Need.Status.VERIFIED, lunch_pupils__isnull=True).order_by("pk")
        if need.amount_missing >= 1_000_000
    )


def test_paying_from_a_phone(browser, live_server, demo, tmp_path):
    need = _gift_need()
    phone = new_page(
        browser,
        live_server.url,
        PHONE,
        has_touch=True,
        accept_downloads=True,
        permissions=["clipboard-read", "clipboard-write"],
    )

    # The need page: the give bar is in the first screen, with what is still missing.
    phone.goto(live_server.url + need.get_absolute_url())
    bar = phone.get_by_test_id("give-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(format_vnd(need.amount_missing))
    box = bar.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    phone.screenshot(path=str(SCREENSHOTS / "pay-390-1-need-first-screen.png"))
    # Scrolled to the end, the bar covers nothing: the footer ends above it.
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    footer = phone.locator("footer").last.bounding_box()
    assert footer["y"] + footer["height"] <= bar.bounding_box()["y"] + 1
    # On a desktop the funding card is beside the story: no bar.
    desktop = new_page(browser, live_server.url, DESKTOP)
    desktop.goto(live_server.url + need.get_absolute_url())
    expect(desktop.get_by_test_id("give-bar")).to_be_hidden()

    # A guest pledges from the bar.
    bar.get_by_role("link", name="Ủng hộ ngay").click()
    phone.fill("input[name=amount]", "1.000.000")
    phone.fill("input[name=name]", "Lê Thị Điện Thoại")
    phone.fill("input[name=email]", "dienthoai@example.vn")
    phone.get_by_role("button", name="Cam kết ủng hộ").click()
    expect(phone.get_by_test_id("pay-box")).to_be_visible()
    pledge = Pledge.objects.get(donor_email="dienthoai@example.vn")

    # The values to copy come before the QR, smaller on a phone; the bank by name.
    account = phone.locator("#pay-account").bounding_box()
    qr = phone.locator(".vietqr").bounding_box()
    assert account["y"] < qr["y"] and qr["width"] <= 230
    expect(phone.get_by_test_id("pay-bank")).not_to_be_empty()
    expect(phone.locator(".pay-steps li")).to_have_count(5)
    # Copying the reference: in the clipboard, and "Đã chép" says so.
    phone.get_by_test_id("copy-reference").click()
    expect(phone.locator("#pay-reference ~ .copy-done")).to_have_text("Đã chép")
    assert phone.evaluate("navigator.clipboard.readText()") == pledge.reference
    screenshot(phone, "pay-390-2-pledge-page")
    # The QR picture: downloaded, a PNG of at least 600 px with its quiet zone, decodable.
    with phone.expect_download() as download:
        phone.get_by_test_id("save-qr").click()
    saved = tmp_path / "qr.png"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"vietqr-{pledge.reference}.png"
    image = Image.open(io.BytesIO(saved.read_bytes())).convert("L")
    assert image.width == image.height >= 600
    dark = numpy.array(image) < 128
    rows, cols = numpy.nonzero(dark)
    finder = int(numpy.argmin(dark[rows.min(), cols.min() :]))  # the finder pattern: 7 modules
    assert rows.min() == cols.min() == 4 * (finder // 7)
    text, _points, _code = cv2.QRCodeDetector().detectAndDecode(numpy.array(image))
    account = receiving_account(need.school)
    transfer = vietqr.Transfer(
        bank_bin=account.bank_bin, account_number=account.account_number, amount=1_000_000, reference=pledge.reference
    )
    assert text == vietqr.payload(transfer)
    # The cancel button comes after the payment box, and asks before it cancels.
    pay = phone.get_by_test_id("pay-box").bounding_box()
    cancel = phone.get_by_test_id("cancel-pledge")
    assert cancel.bounding_box()["y"] > pay["y"] + pay["height"]
    cancel.get_by_role("button").click()
    expect(phone.get_by_test_id("confirm-step")).to_contain_text("Không thể hoàn tác")
    screenshot(phone, "pay-390-3-cancel-confirm")
    phone.get_by_test_id("confirm-back").click()
    expect(phone.get_by_test_id("pay-box")).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PLEDGED

    # The same page on a desktop: the QR first and large.
    desktop.goto(phone.url)
    qr = desktop.locator(".vietqr").bounding_box()
    assert qr["width"] >= 300 and qr["y"] < desktop.locator("#pay-account").bounding_box()["y"]
    screenshot(desktop, "pay-1280-pledge-page")

    # A gift of goods: how to hand them over, no transfer, no QR.
    phone.goto(live_server.url + need.get_absolute_url())
    phone.get_by_test_id("give-bar").get_by_role("link").click()
    phone.locator("input[name=kind][value=goods]").check()
    phone.fill("textarea[name=goods_description]", "20 bộ bàn ghế, mang đến trong tháng 12")
    phone.fill("input[name=amount]", "600.000")
    phone.fill("input[name=name]", "Lê Thị Hiện Vật")
    phone.fill("input[name=email]", "hienvat@example.vn")
    phone.get_by_role("button", name="Cam kết ủng hộ").click()
    goods = phone.get_by_test_id("goods-box")
    expect(goods).to_contain_text("Cách trao hiện vật")
    expect(goods).to_contain_text("20 bộ bàn ghế")
    expect(goods).to_contain_text(need.school.name)
    expect(goods).to_contain_text(Pledge.objects.get(donor_email="hienvat@example.vn").reference)
    expect(phone.get_by_test_id("pay-box")).to_have_count(0)
    expect(phone.locator(".vietqr")).to_have_count(0)
    screenshot(phone, "pay-390-4-goods-pledge")
    phone.context.close()
    desktop.context.close()
