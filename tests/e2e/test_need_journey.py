import pytest
from PIL import Image
from playwright.sync_api import expect

from needs.models import Need
from tests.support.browser import PHONE, new_page, screenshot, sign_in
from tests.support.need_form import fill_need_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Bếp ăn bán trú cho điểm trường bản Huổi Lóng"


def test_a_need_from_posting_to_being_found(browser, live_server, demo, tmp_path):
    photo = tmp_path / "bep-an.png"
    Image.new("RGB", (800, 600), (180, 90, 40)).save(photo)
    clerk = new_page(browser, live_server.url, PHONE, has_touch=True)
    desk, anyone = new_page(browser, live_server.url), new_page(browser, live_server.url)

    # The school clerk posts from a phone: two items, one photo, submit.
    sign_in(clerk, "school@demo.vn")
    fill_need_form(
        clerk,
        category="meals",
        title=TITLE,
        description="Các em ăn trưa ngồi dưới đất, bếp nấu bằng củi ám khói.",
        pupils=48,
        urgency=3,
        items=[("Bếp đun cải tiến", 2, "cái", 4500000), ("Bộ khay cơm inox", 50, "bộ", 95000)],
    )
    assert clerk.locator("#items-total").inner_text() == "13.750.000\u00a0₫"
    clerk.set_input_files("input[name=photos]", str(photo))
    clerk.check("input[name=pupils_recognisable][value=no]")
    screenshot(clerk, "need-1-school-posts-on-phone")
    clerk.get_by_role("button", name="Lưu và gửi xác minh").click()
    expect(clerk.get_by_text("Đã gửi tới cơ quan giáo dục để xác minh.")).to_be_visible()
    need = Need.objects.get(title=TITLE)
    assert need.status == Need.Status.SUBMITTED
    assert need.amount_requested == 13_750_000
    assert need.photos.count() == 1
    screenshot(clerk, "need-2-submitted")

    # The officer of the commune office (Pú Xi is in Xã Mường Mùn since 1 July 2025) finds
    # it in the queue and returns it with a reason.
    sign_in(desk, "commune@demo.vn")
    desk.locator("#mainNav").get_by_text("Công việc").click()
    desk.locator("#mainNav").get_by_role("link", name="Chờ xác minh").click()
    expect(desk.get_by_text(TITLE)).to_be_visible()
    screenshot(desk, "need-3-verification-queue")
    desk.locator("article", has_text=TITLE).get_by_role("link", name="Mở để trả lại hoặc hỏi thêm").click()
    desk.fill("#note-return", "Đề nghị bổ sung báo giá bếp đun của đơn vị cung cấp.")
    desk.get_by_role("button", name="Trả lại nhà trường").click()
    expect(desk.get_by_text("Đã trả lại nhà trường kèm lý do.")).to_be_visible()
    screenshot(desk, "need-4-returned-by-officer")

    # The school sees the reason, fixes the cost and resubmits.
    clerk.goto(live_server.url + "/needs/my-school/")
    expect(clerk.get_by_text("Đề nghị bổ sung báo giá bếp đun của đơn vị cung cấp.")).to_be_visible()
    screenshot(clerk, "need-5-school-sees-reason")
    clerk.get_by_role("link", name=TITLE).click()
    clerk.get_by_role("link", name="Sửa").click()
    clerk.fill("input[name='items-0-unit_cost']", "4200000")
    clerk.fill(
        "textarea[name=description]", "Các em ăn trưa ngồi dưới đất. Báo giá bếp: Công ty Minh Phát, 4,2 triệu/bếp."
    )
    clerk.get_by_role("button", name="Lưu và gửi xác minh").click()
    # The form is sent by its script (static/js/need_offline.js): wait for the need's page.
    expect(clerk.get_by_text("Đã gửi tới cơ quan giáo dục để xác minh.")).to_be_visible()
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
    assert need.amount_requested == 2 * 4_200_000 + 50 * 95_000

    # The officer verifies it.
    desk.goto(live_server.url + need.get_absolute_url())
    desk.get_by_role("button", name="Xác minh").click()
    expect(desk.get_by_text("Đã xác minh: nhu cầu được công khai")).to_be_visible()
    need.refresh_from_db()
    assert need.status == Need.Status.VERIFIED
    screenshot(desk, "need-6-verified")

    # An anonymous visitor finds it by filtering, and by an unaccented search.
    anyone.goto(live_server.url + "/needs/")
    anyone.get_by_role("link", name="Bữa ăn bán trú").click()
    # Each select applies itself at once (and the page reloads with the choice in the URL).
    with anyone.expect_navigation():
        anyone.locator("#filters select[name=province]").select_option(label="Tỉnh Điện Biên")
    # Điện Biên has no districts since 1 July 2025: its communes are right under it.
    with anyone.expect_navigation():
        anyone.locator("#filters select[name=commune]").select_option(label="Xã Mường Mùn")
    expect(anyone.get_by_role("link", name=TITLE)).to_be_visible()
    assert "category=meals" in anyone.url and "commune=" in anyone.url
    screenshot(anyone, "need-7-visitor-filters")
    anyone.goto(live_server.url + "/needs/?q=bep+an+ban+tru+huoi+long")
    expect(anyone.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(anyone, "need-8-visitor-unaccented-search")
    anyone.get_by_role("link", name=TITLE).click()
    expect(anyone.get_by_text("13.150.000 ₫").first).to_be_visible()
    assert anyone.get_by_text("Đề nghị bổ sung báo giá").count() == 0
    screenshot(anyone, "need-9-visitor-need-page")
    for page in (clerk, desk, anyone):
        page.context.close()
