"""Browser journey of issue 17's programme fund, whole: a guest gives 5.000.000 ₫ to the
fund; the office's statement import matches it; an officer drafts an allocation over three
needs at 1366 px, a second officer approves it on a phone (390 px) choosing the signer;
the three needs show the gift in their progress; the fund's public page balances to the
đồng; the decision PDF opens and renders."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from donations.models import AllocationPlan, Fund, Pledge
from tests.accounts.factories import PASSWORD
from tests.donations.allocation_support import allocation_world, need_of
from tests.donations.factories import BankAccountFactory
from tests.support.browser import PHONE, new_page, screenshot
from tests.support.documents import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


def sign_in(page, email):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + "\u00a0₫"


def test_a_gift_to_the_fund_from_guest_to_decision(browser, live_server, area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = allocation_world(area, fund_amount=0)  # an empty fund, three verified needs
    BankAccountFactory(office=area.office_a, bank_name="Agribank Tuần Giáo", account_number="8800211223344")
    guest = new_page(browser, live_server.url, PHONE, has_touch=True)
    officer = new_page(browser, live_server.url, WIDE)
    approver = new_page(browser, live_server.url, PHONE, has_touch=True)

    # A guest gives 5.000.000 ₫ to the fund from its page, on a phone.
    guest.goto(live_server.url + w.fund.get_absolute_url())
    guest.get_by_role("link", name="Ủng hộ quỹ này").first.click()
    guest.fill("input[name=amount]", "5.000.000")
    guest.fill("input[name=name]", "Lê Văn Khách")
    guest.fill("input[name=email]", "khach@example.vn")
    guest.get_by_role("button", name="Cam kết ủng hộ").click()
    gift = Pledge.objects.get(donor_email="khach@example.vn")
    expect(guest.locator("#pay-reference", has_text=gift.reference)).to_be_visible()

    # The office's statement carries the reference: the import matches it.
    sign_in(officer, w.drafter.email)
    officer.goto(live_server.url + reverse("donations:statements"))
    statement = (
        "Ngày giao dịch;Số tiền ghi có;Nội dung;Mã giao dịch\n"
        f"20/11/2026;5.000.000;LE VAN KHACH CK {gift.reference} UNG HO QUY;FT26112001\n"
    ).encode()
    officer.set_input_files(
        "input[name=file]", files=[{"name": "saoke.csv", "mimeType": "text/csv", "buffer": statement}]
    )
    officer.get_by_role("button", name="Xem trước").click()
    expect(officer.locator("#count-matched")).to_have_text("1")
    officer.locator("main button[type=submit].btn-success").click()
    gift.refresh_from_db()
    assert gift.status == Pledge.Status.RECEIVED and gift.received_amount == 5_000_000

    # The officer drafts the plan and its three lines, amounts typed the Vietnamese way.
    officer.goto(live_server.url + reverse("donations:fund_plans", args=[w.fund.slug]))
    expect(officer.locator("[data-figure=balance]")).to_have_text(money(5_000_000))
    officer.fill("input[name=title]", "Phân bổ đợt 1 – mùa đông 2026")
    officer.fill("textarea[name=reason]", "Căn cứ đề xuất của các trường ngày 01/11/2026;")
    officer.get_by_role("button", name="Lập dự thảo phương án").click()
    expect(officer.get_by_text("Đã lập dự thảo phương án.")).to_be_visible()
    lines = ((w.need_1, "1.500.000"), (w.need_2, "2.000.000"), (w.need_3, "1.250.000"))
    for need, typed in lines:
        officer.select_option("select[name=line-need]", str(need.pk))
        officer.fill("input[name=line-amount]", typed)
        officer.get_by_role("button", name="Thêm dòng này").click()
        expect(officer.get_by_text("Đã thêm dòng.")).to_be_visible()
    # Bad input is answered by its field, and what was typed stays: a need twice, an
    # amount beyond what a need lacks.
    officer.select_option("select[name=line-need]", str(w.need_1.pk))
    officer.fill("input[name=line-amount]", "5.000.000")
    officer.get_by_role("button", name="Thêm dòng này").click()
    expect(officer.locator("#id_line-need_error")).to_contain_text("đã có một dòng trong phương án")
    assert officer.input_value("input[name=line-amount]") == "5.000.000"
    extra = need_of(area.school_a, 800_000, "Áo ấm")
    officer.goto(live_server.url + reverse("donations:plan", args=[AllocationPlan.objects.get().pk]))
    officer.select_option("select[name=line-need]", str(extra.pk))
    officer.fill("input[name=line-amount]", "1.000.000")
    officer.get_by_role("button", name="Thêm dòng này").click()
    expect(officer.locator("#id_line-amount_error")).to_contain_text("chỉ còn thiếu 800.000")
    assert officer.input_value("input[name=line-amount]") == "1.000.000"
    screenshot(officer, "h2-allocation-0-bad-amount-1366")
    expect(officer.locator("[data-figure=total]")).to_have_text(money(4_750_000))
    expect(officer.locator("[data-figure=balance-after]")).to_have_text(money(250_000))
    expect(officer.get_by_role("button", name="Phê duyệt và ban hành quyết định")).to_have_count(0)
    screenshot(officer, "h2-allocation-1-draft-1366")
    plan = AllocationPlan.objects.get()

    # The second officer approves from a phone, choosing who signs.
    sign_in(approver, w.approver.email)
    approver.goto(live_server.url + reverse("donations:plan", args=[plan.pk]))
    approver.select_option("select[name=signer]", str(w.signer.pk))
    expect(approver.locator("select[name=signer] option:checked")).to_contain_text("Lò Văn Thắng")
    screenshot(approver, "h2-allocation-2-approve-390")
    approver.get_by_role("button", name="Phê duyệt và ban hành quyết định").click()
    approver.get_by_test_id("confirm-submit").click()
    expect(approver.get_by_test_id("confirm-step")).to_have_count(0)
    plan.refresh_from_db()
    assert plan.is_approved and plan.approved_by == w.approver
    expect(approver.get_by_text(f"{plan.document.number_text} đã được ban hành")).to_be_visible()
    expect(approver.locator("[data-status]")).to_have_text("Đã phê duyệt")
    screenshot(approver, "h2-allocation-3-approved-390")

    # Each need shows the gift in its progress, as any pledge.
    for need, amount in ((w.need_1, 1_500_000), (w.need_2, 2_000_000), (w.need_3, 1_250_000)):
        approver.goto(live_server.url + need.get_absolute_url())
        expect(approver.locator("section[aria-labelledby=funding-heading] .need-progress")).to_have_attribute(
            "aria-label", f"Đã cam kết {money(amount)}, đã nhận {money(0)} trên tổng {money(need.amount_requested)}"
        )
        assert Pledge.objects.get(need=need).source_fund_id == w.fund.pk
    screenshot(approver, "h2-allocation-4-need-390")

    # The fund balances to the đồng: received = allocated + left, on its plans and on its
    # public page, where the guest sees where the gift went.
    officer.goto(live_server.url + reverse("donations:fund_plans", args=[w.fund.slug]))
    expect(officer.locator("[data-figure=received]")).to_have_text(money(5_000_000))
    expect(officer.locator("[data-figure=allocated]")).to_have_text(money(4_750_000))
    expect(officer.locator("[data-figure=balance]")).to_have_text(money(250_000))
    fund = Fund.objects.get(pk=w.fund.pk)
    assert fund.amount_received == fund.amount_allocated + fund.balance == 5_000_000
    screenshot(officer, "h2-allocation-5-fund-1366")
    guest.goto(live_server.url + w.fund.get_absolute_url())
    expect(guest.locator("#fund-received")).to_have_text(money(5_000_000))
    expect(guest.locator("#fund-allocated")).to_have_text(money(4_750_000))
    expect(guest.locator("#fund-balance")).to_have_text(money(250_000))
    expect(guest.locator("#fund-awaiting")).to_have_text(money(0))
    for need in (w.need_1, w.need_2, w.need_3):
        expect(guest.get_by_role("link", name=need.title)).to_be_visible()
    screenshot(guest, "h2-allocation-5-fund-page-390")

    # The decision opens: the stored PDF, rendered to a picture to look at.
    officer.goto(live_server.url + reverse("donations:plan", args=[plan.pk]))
    screenshot(officer, "h2-allocation-6-approved-1366")
    response = officer.request.get(live_server.url + reverse("donations:plan_decision", args=[plan.pk]))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    text = pdf_text(pdf)
    assert plan.document.number_text in text and "4.750.000 ₫" in text and "Chăn ấm mùa đông" in text
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed: `make browser-deps` installs poppler-utils.")
    decision = tmp_path / "decision.pdf"
    decision.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(decision), str(tmp_path / "qd")], check=True)
    pages = sorted(tmp_path.glob("qd-*.png"))
    assert pages and all(page.stat().st_size > 10_000 for page in pages)
    folder = screenshot(officer, "h2-allocation-7-plan-after-download").parent
    for number, rendered in enumerate(pages, start=1):
        shutil.copy(rendered, folder / f"h2-allocation-8-decision-page-{number}.png")

    for page in (guest, officer, approver):
        page.context.close()
