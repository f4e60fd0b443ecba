"""Browser journey of Circular 16's usage plan (issue 18): the school names its receiving
team and publishes the plan of a verified need at 1366 px; the need's page shows the
comment window and the earliest start, fifteen working days later with a day off inside
the window; a visitor on a phone (390 px) signs in, is refused a comment with a link (the
text kept), comments; the school publishes the comment; the visitor sees it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from receiving.models import PlanComment, UsagePlan
from tests.accounts.factories import PASSWORD
from tests.needs.factories import NeedFactory
from tests.support.browser import PHONE, new_page, screenshot
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


def test_the_school_publishes_its_plan_and_a_visitor_comments(browser, live_server, area):
    today = timezone.localdate()
    without_day_off = nth_working_day_after(today, 15)
    # A day off inside the window (the administrator's calendar): the start moves by one.
    day_off = nth_working_day_after(today, 3)
    CalendarDay.objects.create(date=day_off, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    earliest = nth_working_day_after(today, 15)
    assert earliest > without_day_off
    need = NeedFactory(
        school=area.school_a,
        title="Bồn rửa tay và bể nước cho điểm trường Hua Sát",
        description="Các em rửa tay bằng nước suối; cần bồn rửa tay inox và bể chứa nước.",
        pupils_benefiting=52,
        items=[("Bồn rửa tay inox", 2, "bộ", 1_800_000), ("Bể chứa inox 2.000 lít", 1, "cái", 6_500_000)],
    )
    area.outsider.full_name = "Trần Thu Hà"
    area.outsider.save()
    school = new_page(browser, live_server.url, WIDE)
    visitor = new_page(browser, live_server.url, PHONE, has_touch=True)

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
    screenshot(school, "usage-plan-1366-team")

    # It drafts the plan from the need (prefilled) and publishes it.
    school.goto(live_server.url + need.get_absolute_url())
    school.get_by_role("link", name="Lập kế hoạch sử dụng tài trợ").click()
    expect(school.locator("textarea[name=purpose]")).to_have_value(need.description)
    expect(school.locator("input[name=lines-1-unit_cost]")).to_have_value("6.500.000")
    expect(school.locator("#items-total")).to_have_text("10.100.000\u00a0₫")
    school.fill("textarea[name=method]", "Nhà trường lấy ba báo giá; tổ tiếp nhận giám sát lắp đặt.")
    screenshot(school, "usage-plan-1366-draft")
    school.get_by_role("button", name="Công khai lấy ý kiến").click()
    expect(school.get_by_text("Kế hoạch đã được công khai trên trang của nhu cầu")).to_be_visible()
    plan = UsagePlan.objects.get(need=need)
    assert plan.is_published and plan.published_on == today and plan.earliest_start_on == earliest
    section = school.locator("#plan")
    expect(section.locator("[data-figure=comment-from]")).to_have_text(f"Lấy ý kiến từ {today:%d/%m/%Y}")
    expect(section.locator("[data-figure=earliest-start]")).to_have_text(
        f"Sớm nhất bắt đầu thực hiện {earliest:%d/%m/%Y}"
    )
    expect(section).to_contain_text("(sau 15 ngày làm việc)")
    expect(section.locator("[data-figure=plan-total]")).to_have_text("10.100.000\u00a0₫")
    expect(section.locator(".receiving-team")).to_contain_text("Lò Văn Thành – Hiệu trưởng (Tổ trưởng)")
    screenshot(school, "usage-plan-1366-published")

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
    screenshot(visitor, "usage-plan-390-refused")
    visitor.fill("textarea[name=body]", "Nên mua bồn rửa tay thấp cho các em lớp 1.")
    visitor.get_by_role("button", name="Gửi góp ý").click()
    expect(visitor.get_by_text("Cảm ơn bạn. Góp ý sẽ hiển thị sau khi nhà trường đã đọc.")).to_be_visible()
    expect(visitor.locator(".plan-comments")).not_to_contain_text("bồn rửa tay thấp")
    assert PlanComment.objects.get().is_pending

    # The school publishes it from its list of comments to moderate.
    school.goto(live_server.url + reverse("needs:my_school"))
    school.get_by_role("link", name="Góp ý chờ duyệt").click()
    expect(school.locator("[data-comment]")).to_contain_text("bồn rửa tay thấp")
    screenshot(school, "usage-plan-1366-moderation")
    school.get_by_role("button", name="Công khai", exact=True).click()
    expect(school.get_by_text("Góp ý đã hiển thị trên trang của nhu cầu.")).to_be_visible()
    expect(school.get_by_text("Không có góp ý nào đang chờ.")).to_be_visible()

    # The visitor sees it on the need's page, and so does a guest (the page cache follows).
    visitor.reload()  # the page after sending the comment, read again
    expect(visitor.locator(".plan-comments")).to_contain_text("Nên mua bồn rửa tay thấp cho các em lớp 1.")
    expect(visitor.locator(".plan-comments")).to_contain_text("Trần Thu Hà")
    visitor.locator("#plan").scroll_into_view_if_needed()
    screenshot(visitor, "usage-plan-390-published")
    guest = new_page(browser, live_server.url, PHONE, has_touch=True)
    guest.goto(live_server.url + need.get_absolute_url())
    expect(guest.locator(".plan-comments")).to_contain_text("bồn rửa tay thấp")
    assert today + timedelta(days=21) <= earliest  # fifteen working days are at least three weeks
    # The school's pages on a phone: the team and a second need's draft plan.
    other = NeedFactory(
        school=area.school_a, title="Tủ sách cho điểm trường Hua Sát", items=[("Tủ sách gỗ", 2, "cái", 2_800_000)]
    )
    clerk_phone = new_page(browser, live_server.url, PHONE, has_touch=True)
    sign_in(clerk_phone, area.staff_a.email)
    clerk_phone.goto(live_server.url + reverse("receiving:team", args=[area.school_a.pk]))
    expect(clerk_phone.locator("input[name=members-1-full_name]")).to_have_value("Quàng Thị Mai")
    screenshot(clerk_phone, "usage-plan-390-team")
    clerk_phone.goto(live_server.url + reverse("receiving:plan", args=[other.pk]))
    expect(clerk_phone.locator("#items-total")).to_have_text("5.600.000\u00a0₫")
    screenshot(clerk_phone, "usage-plan-390-draft")
    for page in (school, visitor, guest, clerk_phone):
        page.context.close()
