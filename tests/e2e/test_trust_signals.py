"""An officer opens the verification queue, sees a photo another school already posted
shown side by side with its original, and an unusual unit cost with the usual range;
sets the photo aside with a note, which stays beside it (issue 18)."""

import pytest
from playwright.sync_api import expect

from core.formatting import format_vnd
from needs.models import Need
from schools.models import Membership
from tests.needs.factories import NeedFactory
from tests.support.browser import PHONE, new_page, screenshot, sign_in
from tests.trust.scenes import classroom
from tests.trust.support import CHANGES, store
from trust.models import CostBenchmark, SignalDismissal
from trust.services import benchmarks_refresh

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Sửa mái lớp học điểm trường bản Lói"
WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


def signals_in_the_queue():
    """A need in the commune office's queue posting a photo of a classroom another
    school's verified need has (cropped a little), with a desk priced far above what
    other schools asked."""
    school = Membership.objects.get(user__email="school@demo.vn").school
    others = list(Need.objects.filter(status=Need.Status.VERIFIED).exclude(school=school).select_related("school")[:5])
    for index, other in enumerate(others):
        NeedFactory(
            school=other.school,
            category="equipment",
            title=f"Bàn ghế cho lớp {index + 1}",
            items=[("Bộ bàn ghế học sinh", 20, "Bộ", 1_400_000 + 200_000 * index)],
        )
    benchmarks_refresh()
    original_need = others[0]
    store(classroom(3), need=original_need)
    queued = NeedFactory(
        school=school,
        status=Need.Status.SUBMITTED,
        category="equipment",
        title=TITLE,
        items=[("Bộ bàn ghế học sinh", 10, "bộ", 9_500_000), ("Tôn lợp mái", 40, "tấm", 180_000)],
    )
    Need.objects.filter(pk=queued.pk).update(submitted_at=queued.created_at)
    store(CHANGES["cropped 3% on every side"](classroom(3)), need=queued)
    return queued, original_need


def test_an_officer_sees_a_reused_photo_and_sets_it_aside_with_a_note(browser, live_server, demo):
    queued, original_need = signals_in_the_queue()
    desk = new_page(browser, live_server.url, WIDE)
    phone = new_page(browser, live_server.url, PHONE, has_touch=True)

    sign_in(desk, "commune@demo.vn")
    desk.goto(live_server.url + "/needs/queue/")
    card = desk.locator("article", has_text=TITLE)
    photo_signal = card.locator("[data-signal=photo]")
    expect(photo_signal).to_contain_text("Ảnh này giống ảnh của một nhu cầu khác")
    expect(photo_signal.locator("img")).to_have_count(2)
    expect(photo_signal).to_contain_text(original_need.school.name)
    expect(photo_signal.get_by_role("link", name=original_need.title)).to_be_visible()
    cost_signal = card.locator("[data-signal=cost]")
    expect(cost_signal).to_contain_text("Đơn giá cao hơn nhiều so với các trường khác")
    desks = CostBenchmark.objects.get(category="equipment", unit_key="bo")  # the demo's desks and ours
    expect(cost_signal).to_contain_text(f"thường từ {format_vnd(desks.q1)} đến {format_vnd(desks.q3)}")
    # Both photos really show, side by side.
    boxes = [image.bounding_box() for image in photo_signal.locator("img").all()]
    assert all(box and box["width"] > 100 for box in boxes)
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] < boxes[1]["x"]
    card.scroll_into_view_if_needed()
    screenshot(desk, "trust-1-queue-signals-1366")

    sign_in(phone, "commune@demo.vn")
    phone.goto(live_server.url + "/needs/queue/")
    phone_card = phone.locator("article", has_text=TITLE)
    expect(phone_card.locator("[data-signal=photo] img")).to_have_count(2)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone, "trust-2-queue-signals-390")

    # Set the photo aside: the note is required.
    photo_signal.get_by_text("Bỏ qua kèm ghi chú").click()
    photo_signal.get_by_label("Vì sao có thể bỏ qua tín hiệu này?").fill(
        "Hai điểm trường dùng chung phòng học; đã gọi điện xác nhận với hiệu trưởng."
    )
    photo_signal.get_by_role("button", name="Bỏ qua", exact=True).click()
    expect(desk.get_by_text("Đã bỏ qua tín hiệu; ghi chú của bạn vẫn hiển thị bên cạnh.")).to_be_visible()
    card = desk.locator("article", has_text=TITLE)
    expect(card.locator("[data-signal=photo]")).to_contain_text("đã gọi điện xác nhận với hiệu trưởng")
    expect(card.locator("[data-signal=photo]")).to_contain_text("Đã bỏ qua bởi")
    expect(card.locator("[data-signal=cost]").get_by_text("Bỏ qua kèm ghi chú")).to_be_visible()  # still alarming
    card.scroll_into_view_if_needed()
    screenshot(desk, "trust-3-photo-set-aside-1366")
    dismissal = SignalDismissal.objects.get()
    assert dismissal.need == queued and dismissal.dismissed_by.email == "commune@demo.vn"

    # Verifying still works.
    card.get_by_role("checkbox").check()
    desk.get_by_role("button", name="Xác minh các nhu cầu đã đánh dấu").click()
    queued.refresh_from_db()
    assert queued.status == Need.Status.VERIFIED
    desk.context.close()
    phone.context.close()
