"""Browser journey at 390 px (issue 20, point 7): the commune office's officer uploads an MB
statement whose credit carries no reference, matches the unmatched line by hand to the
waiting pledge of the same amount, and the pledge shows as received."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from accounts.models import User
from donations.models import StatementLine
from donations.services import DonorDetails, pledge_create
from schools.permissions import roles_of
from schools.selectors import schools_in_units
from tests.needs.factories import NeedFactory
from tests.support.browser import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def mb_statement(amount: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        ["MB - Ngân hàng TMCP Quân đội"],
        ["SAO KÊ CHI TIẾT TÀI KHOẢN"],
        ["STT", "Ngày hạch toán", "Số bút toán", "Phát sinh nợ", "Phát sinh có", "Số dư", "Nội dung"],
        [1, "20/11/2026", "FT26324999", None, amount, None, "NGUYEN THI LAN chuyen tien ung ho hoc sinh vung cao"],
        [2, "20/11/2026", "FT26325000", 11000, None, None, "Phi SMS Banking"],
    ]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_unmatched_line_is_matched_by_hand_and_the_pledge_is_received(phone, demo):
    officer = User.objects.get(email="commune@demo.vn")
    # A donor pledged to a verified need of Mường Mùn and forgot the reference in the transfer.
    school = schools_in_units(roles_of(officer).officer_units).order_by("pk").first()
    need = NeedFactory(school=school, title="Chăn ấm cho học sinh bán trú", items=[("Chăn ấm", 10, "cái", 250_000)])
    pledge, _ = pledge_create(
        need=need, donor=DonorDetails(name="Nguyễn Thị Lan", email="lan@example.vn"), amount=750_000
    )
    sign_in(phone, officer.email)

    # The upload page names the accepted columns of each bank, defaults labelled.
    phone.goto(phone.base_url + "/donations/statements/")
    expect(phone.locator("#bank-mb")).to_contain_text("Phát sinh có")
    expect(phone.locator("#bank-mb")).to_contain_text("Mặc định theo mô tả công khai, chưa đối chiếu với tệp thật.")
    assert fits_the_width(phone)
    phone.select_option("select[name=bank]", "mb")
    phone.set_input_files(
        "input[name=file]",
        {
            "name": "saoke-mb.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": mb_statement(pledge.amount),
        },
    )
    screenshot(phone, "statement-match-1-upload-390")
    phone.get_by_role("button", name="Xem trước").click()

    # The credit is read, the fee is not; no reference: unmatched.
    expect(phone.locator("#count-unmatched")).to_have_text("1")
    expect(phone.locator("#count-matched")).to_have_text("0")
    assert fits_the_width(phone)
    screenshot(phone, "statement-match-2-preview-unmatched-390")
    phone.locator("a.match-link").click()

    # The waiting pledge of the same amount is offered first; the officer searches by its reference.
    expect(phone.get_by_role("heading", name="Ghép tay dòng 4")).to_be_visible()
    phone.fill("#candidate-search", pledge.reference.lower())
    phone.get_by_role("button", name="Tìm kiếm", exact=True).click()
    candidate = phone.locator("#candidates li").filter(has_text=pledge.reference)
    expect(candidate).to_have_count(1)
    expect(candidate.get_by_text("cùng số tiền")).to_be_visible()
    candidate.get_by_label("Ghi chú (vì sao là cam kết này)").fill("Chị Lan gọi điện báo đã chuyển, quên ghi mã")
    assert fits_the_width(phone)
    screenshot(phone, "statement-match-3-candidates-390")
    candidate.get_by_role("button", name=f"Ghép với {pledge.reference}").click()

    expect(phone.get_by_text(f"Đã ghép dòng 4 với cam kết {pledge.reference}: đã nhận.")).to_be_visible()
    expect(phone.get_by_text(f"Đã ghép tay với {pledge.reference}")).to_be_visible()
    screenshot(phone, "statement-match-4-preview-matched-390")

    # The pledge shows received, with the line and the officer's note in its history.
    phone.goto(phone.base_url + f"/donations/pledges/{pledge.reference}/")
    expect(phone.locator("[data-status=received]").first).to_have_text("Đã nhận")
    expect(phone.get_by_text("Chị Lan gọi điện báo đã chuyển, quên ghi mã")).to_be_visible()
    assert fits_the_width(phone)
    screenshot(phone, "statement-match-5-pledge-received-390")
    pledge.refresh_from_db()
    assert (pledge.status, pledge.received_amount, pledge.received_by) == ("received", pledge.amount, officer)
    assert StatementLine.objects.get(transaction="FT26324999").manual
