"""Browser journey of Circular 16/2018 on one need (issue 18), from plan to settlement.

The school names its receiving team and publishes the usage plan of a verified need at
1366 px; the need's page shows the comment window and the earliest start, fifteen
working days later with a day off inside the window. A visitor on a phone (390 px)
signs in, is refused a comment with a link (the text kept), comments; the school
publishes the comment and the visitor sees it. A business's gift arrives and the school
confirms it; a receipt record for more than arrived is refused, then issued; the
business, on its phone, downloads the PDF from "My pledges" (read back: number, parties,
the amount in figures and words; page 1 rendered with pdftoppm). After delivery the
school publishes the settlement report and it is public on the need's page."""

import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from donations.models import DonorProfile, Pledge
from donations.services import DonorDetails, pledge_create
from needs.services import need_transition
from receiving.models import PlanComment, ReceiptRecord, SettlementReport, UsagePlan
from tests.accounts.factories import PASSWORD, UserFactory
from tests.documents.factories import SignerFactory
from tests.donations.factories import DonorProfileFactory
from tests.needs.factories import NeedFactory
from tests.support.browser import PHONE, SCREENSHOTS, new_page, screenshot
from tests.support.documents import pdf_text
from workdays.calendar import nth_working_day_after
from workdays.models import CalendarDay

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


def sign_in(page, email, *, from_page=False):
    if not from_page:
        page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_need_from_its_usage_plan_to_its_settlement_report(browser, live_server, area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    without_day_off = nth_working_day_after(today, 15)
    # A day off inside the window (the administrator's calendar): the start moves by one.
    day_off = nth_working_day_after(today, 3)
    CalendarDay.objects.create(date=day_off, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    earliest = nth_working_day_after(today, 15)
    assert earliest > without_day_off
    assert today + timedelta(days=21) <= earliest  # fifteen working days are at least three weeks
    SignerFactory(school=area.school_a, full_name="Lò Văn Thành")
    business = UserFactory(full_name="Nguyễn Minh Phát", email="lienhe@minhphat.example.vn")
    DonorProfileFactory(
        user=business, kind=DonorProfile.Kind.BUSINESS, name="Công ty TNHH Thương mại Minh Phát", tax_code="5600123456"
    )
    need = NeedFactory(
        school=area.school_a,
        title="Bồn rửa tay và bể nước cho điểm trường Hua Sát",
        description="Các em rửa tay bằng nước suối; cần bồn rửa tay inox và bể chứa nước.",
        pupils_benefiting=52,
        items=[("Bồn rửa tay inox", 1, "bộ", 1_800_000), ("Ống và vòi nước", 1, "bộ", 250_000)],
    )
    area.outsider.full_name = "Trần Thu Hà"
    area.outsider.save()
    school = new_page(browser, live_server.url, WIDE)
    visitor = new_page(browser, live_server.url, PHONE, has_touch=True)
    donor = new_page(browser, live_server.url, PHONE, has_touch=True, accept_downloads=True)

    # The school names its receiving team from "My school".
    sign_in(school, area.staff_a.email)
    school.goto(live_server.url + reverse("needs:my_school"))
    school.get_by_role("link", name="Tổ tiếp nhận tài trợ").click()
    school.fill("input[name=decision_reference]", "15/QĐ-TH, 05/09/2026")
    school.fill("input[name=members-0-full_name]", "Lò Văn Thành")
    school.fill("input[name=members-0-job_title]", "Hiệu trưởng")
    school.select_option("select[name=members-0-role]", "head")
    school.get_by_role("button", name="Thêm người").click()
    school.fill("input[name=members-1-full_name]", "Quàng Thị Mai")
    school.fill("input[name=members-1-job_title]", "Kế toán")
    school.select_option("select[name=members-1-role]", "secretary")
    school.get_by_role("button", name="Lưu tổ tiếp nhận").click()
    expect(school.get_by_text("Đã lưu tổ tiếp nhận tài trợ.")).to_be_visible()
    screenshot(school, "c16-1366-1-team")

    # It drafts the plan from the need (prefilled) and publishes it.
    school.goto(live_server.url + need.get_absolute_url())
    school.get_by_role("link", name="Lập kế hoạch sử dụng tài trợ").click()
    expect(school.locator("textarea[name=purpose]")).to_have_value(need.description)
    expect(school.locator("input[name=lines-0-unit_cost]")).to_have_value("1.800.000")
    expect(school.locator("#items-total")).to_have_text("2.050.000\u00a0₫")
    school.fill("textarea[name=method]", "Nhà trường lấy ba báo giá; tổ tiếp nhận giám sát lắp đặt.")
    screenshot(school, "c16-1366-2-plan-draft")
    school.get_by_role("button", name="Công khai lấy ý kiến").click()
    # Publishing cannot be undone: a second step says so first (core.confirm).
    expect(school.get_by_test_id("confirm-step")).to_contain_text("Không thể hoàn tác")
    assert not UsagePlan.objects.get(need=need).is_published
    screenshot(school, "c16-1366-2b-plan-confirm")
    school.get_by_test_id("confirm-submit").click()
    expect(school.get_by_text("Kế hoạch đã được công khai trên trang của nhu cầu")).to_be_visible()
    plan = UsagePlan.objects.get(need=need)
    assert plan.is_published and plan.published_on == today and plan.earliest_start_on == earliest
    section = school.locator("#plan")
    expect(section.locator("[data-figure=comment-from]")).to_have_text(f"Lấy ý kiến từ {today:%d/%m/%Y}")
    expect(section.locator("[data-figure=earliest-start]")).to_have_text(
        f"Sớm nhất bắt đầu thực hiện {earliest:%d/%m/%Y}"
    )
    expect(section).to_contain_text("(sau 15 ngày làm việc)")
    expect(section.locator("[data-figure=plan-total]")).to_have_text("2.050.000\u00a0₫")
    expect(section.locator(".receiving-team")).to_contain_text("Lò Văn Thành – Hiệu trưởng (Tổ trưởng)")
    screenshot(school, "c16-1366-3-plan-published")

    # A visitor on a phone: a guest sees how to comment, signs in, comes back to the plan.
    visitor.goto(live_server.url + need.get_absolute_url())
    expect(visitor.locator("[data-figure=earliest-start]")).to_be_visible()
    visitor.get_by_role("link", name="Đăng nhập để góp ý").click()
    sign_in(visitor, area.outsider.email, from_page=True)
    assert visitor.url.endswith(need.get_absolute_url() + "#plan")
    with_link = "Nên mua bồn rửa tay thấp cho lớp 1, xem mẫu ở www.bonruatay.vn"
    visitor.fill("textarea[name=body]", with_link)
    visitor.get_by_role("button", name="Gửi góp ý").click()
    expect(visitor.locator("#id_body_error")).to_contain_text("không được chứa liên kết")
    expect(visitor.locator("textarea[name=body]")).to_have_value(with_link)
    screenshot(visitor, "c16-390-4-comment-refused")
    visitor.fill("textarea[name=body]", "Nên mua bồn rửa tay thấp cho các em lớp 1.")
    visitor.get_by_role("button", name="Gửi góp ý").click()
    expect(visitor.get_by_text("Cảm ơn bạn. Góp ý sẽ hiển thị sau khi nhà trường đã đọc.")).to_be_visible()
    expect(visitor.locator(".plan-comments")).not_to_contain_text("bồn rửa tay thấp")
    assert PlanComment.objects.get().is_pending

    # The school publishes it from its list of comments to moderate.
    school.goto(live_server.url + reverse("needs:my_school"))
    school.get_by_role("link", name="Góp ý chờ duyệt").click()
    expect(school.locator("[data-comment]")).to_contain_text("bồn rửa tay thấp")
    screenshot(school, "c16-1366-5-moderation")
    school.get_by_role("button", name="Công khai", exact=True).click()
    expect(school.get_by_text("Góp ý đã hiển thị trên trang của nhu cầu.")).to_be_visible()

    # The visitor sees it on the need's page, and so does a guest (the page cache follows).
    visitor.reload()
    expect(visitor.locator(".plan-comments")).to_contain_text("Nên mua bồn rửa tay thấp cho các em lớp 1.")
    expect(visitor.locator(".plan-comments")).to_contain_text("Trần Thu Hà")
    visitor.locator("#plan").scroll_into_view_if_needed()
    screenshot(visitor, "c16-390-6-comment-published")

    # A business's gift arrives: the school confirms it on the gift's page.
    pledge, _created = pledge_create(
        need=need,
        donor=DonorDetails(name="Công ty Minh Phát", email=business.email, user=business),
        amount=2_050_000,
    )
    school.goto(live_server.url + reverse("donations:detail", args=[pledge.reference]))
    school.fill("input[name=amount]", "2.050.000")
    school.fill("input[name=received_on]", "2026-11-02")
    school.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(school.locator("#issue-receipt-record")).to_be_visible()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED and pledge.received_on == date(2026, 11, 2)

    # The school issues the receipt record; a record for more than arrived is refused.
    school.locator("#issue-receipt-record").click()
    expect(school.get_by_role("heading", name="Lập biên bản tiếp nhận")).to_be_visible()
    school.fill("input[name=amount]", "3.000.000")
    school.fill("input[name=giver_representative]", "Nguyễn Minh Phát")
    school.fill("input[name=giver_position]", "Giám đốc")
    school.fill("input[name=giver_address]", "Số 12 Võ Nguyên Giáp, phường Mường Thanh, tỉnh Điện Biên")
    school.get_by_role("button", name="Lập biên bản").click()
    expect(school.get_by_text("không thể ghi nhiều hơn số thực nhận")).to_be_visible()
    expect(school.locator("input[name=giver_representative]")).to_have_value("Nguyễn Minh Phát")
    screenshot(school, "c16-1366-7-record-more-than-arrived")
    assert not ReceiptRecord.objects.exists()
    school.fill("input[name=amount]", "2.050.000")
    school.get_by_role("button", name="Lập biên bản").click()
    school.get_by_test_id("confirm-submit").click()
    expect(school.locator("#receipt-record")).to_be_visible()
    record = ReceiptRecord.objects.get()

    # The business, on its phone, downloads it from "My pledges".
    sign_in(donor, business.email)
    donor.goto(live_server.url + reverse("donations:mine"))
    link = donor.get_by_role("link", name="Biên bản tiếp nhận (PDF)")
    expect(link).to_be_visible()
    screenshot(donor, "c16-390-8-my-pledges")
    with donor.expect_download() as download:
        link.click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf_path = SCREENSHOTS / "c16-9-receipt-record.pdf"
    download.value.save_as(pdf_path)
    text = pdf_text(pdf_path.read_bytes())
    assert f"Số: {record.document.number_text}" in text and "/BB-" in text
    assert "Công ty TNHH Thương mại Minh Phát" in text and "5600123456" in text
    assert "Trường PTDTBT Tiểu học Pú Xi" in text
    assert "2.050.000" in text and "Hai triệu không trăm năm mươi nghìn đồng" in text
    assert "02/11/2026" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(pdf_path.with_suffix("")),
        ],
        check=True,
    )

    # The need is delivered (the needs journey drives that page); the school publishes the
    # settlement report, which is public only once published.
    need_transition(need=need, action="deliver", actor=area.staff_a, note="Đã lắp bồn rửa tay và ống nước.")
    school.goto(live_server.url + need.get_absolute_url())
    school.get_by_role("link", name="Lập báo cáo quyết toán").click()
    expect(school.locator("#received-total")).to_contain_text("2.050.000")
    school.fill("input[name='lines-0-supplier']", "Cửa hàng Hòa Bình, HĐ 0001234")
    school.fill("input[name=spent_total]", "2.050.000")
    school.get_by_role("button", name="Lưu dự thảo").click()
    expect(school.get_by_role("button", name="Công khai báo cáo quyết toán")).to_be_visible()
    screenshot(school, "c16-1366-10-settlement-draft")
    visitor.goto(live_server.url + need.get_absolute_url())
    expect(visitor.locator("#settlement")).to_have_count(0)
    school.get_by_role("button", name="Công khai báo cáo quyết toán").click()
    school.get_by_test_id("confirm-submit").click()
    expect(school.get_by_test_id("confirm-step")).to_have_count(0)
    assert SettlementReport.objects.get().is_published

    visitor.goto(live_server.url + need.get_absolute_url())
    expect(visitor.locator("#settlement")).to_contain_text("Cửa hàng Hòa Bình")
    expect(visitor.locator("#settlement-spent")).to_contain_text("2.050.000")
    visitor.locator("#settlement").scroll_into_view_if_needed()
    screenshot(visitor, "c16-390-11-settlement-public")

    # The school's own pages on a phone: its team, the gift with its record, the report.
    clerk = new_page(browser, live_server.url, PHONE, has_touch=True)
    sign_in(clerk, area.staff_a.email)
    clerk.goto(live_server.url + reverse("receiving:team", args=[area.school_a.pk]))
    expect(clerk.locator("input[name=members-1-full_name]")).to_have_value("Quàng Thị Mai")
    screenshot(clerk, "c16-390-12-team")
    clerk.goto(live_server.url + reverse("donations:detail", args=[pledge.reference]))
    expect(clerk.locator("#receipt-record")).to_be_visible()
    expect(clerk.locator("main")).to_contain_text(record.document.number_text)
    screenshot(clerk, "c16-390-13-gift-with-record")
    for page in (school, visitor, donor, clerk):
        page.context.close()
