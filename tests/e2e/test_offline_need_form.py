"""Posting a need from a school with a weak signal (issue 20, point 9): the need form sent
while the phone has no connection is kept (fields and photos, IndexedDB), the clerk is told,
and it is sent when the connection is back; photos are made smaller in the browser."""

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from needs import services
from needs.models import Need
from tests.support.browser import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Tủ sách cho điểm trường bản Huổi Lóng"
SAVED = "Mất kết nối: bản nháp đã được lưu và sẽ gửi khi có mạng."
SENT = "Nhu cầu lưu khi mất kết nối đã được gửi."


def large_photo(path, size=(4000, 3000)):
    """A phone camera's photo: 4000 × 3000, with detail so it is a real JPEG's weight."""
    image = Image.new("RGB", size, (90, 140, 60))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 50):
        draw.line((x, 0, size[0] - x, size[1]), fill=(x % 255, 120, 200 - x % 200), width=9)
    image.save(path, "JPEG", quality=92)
    return path


def fill_the_form(page, photo):
    page.goto(page.base_url + "/needs/my-school/")
    page.get_by_role("link", name="Đăng nhu cầu").first.click()
    # The service worker is ready before the connection goes (it registered on this page).
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.select_option("select[name=category]", "books")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "Các em chưa có sách đọc thêm; tủ sách đặt ở lớp ghép.")
    page.fill("input[name=pupils_benefiting]", "32")
    page.fill("input[name='items-0-description']", "Tủ sách gỗ")
    page.fill("input[name='items-0-quantity']", "2")
    page.fill("input[name='items-0-unit']", "cái")
    page.fill("input[name='items-0-unit_cost']", "1800000")
    page.set_input_files("input[name=photos]", str(photo))
    page.check("input[name=pupils_recognisable][value=no]")


def test_a_need_posted_without_a_connection_is_sent_when_it_is_back(phone, demo, tmp_path):
    sign_in(phone, "school@demo.vn")
    fill_the_form(phone, large_photo(tmp_path / "tu-sach.jpg"))

    phone.context.set_offline(True)
    phone.get_by_role("button", name="Lưu và gửi xác minh").click()
    status = phone.locator("#offline-status")
    expect(status).to_have_text(SAVED)
    # Nothing typed is lost: the form is still filled in on the page.
    expect(phone.locator("input[name=title]")).to_have_value(TITLE)
    screenshot(phone, "offline-1-saved-without-connection")
    assert not Need.objects.filter(title=TITLE).exists()

    phone.context.set_offline(False)
    expect(status).to_contain_text(SENT)
    # Emptied once sent, so a second tap cannot post the need twice.
    expect(phone.locator("input[name=title]")).to_have_value("")
    expect(phone.locator("#items-total")).to_have_text("0\u00a0₫")
    screenshot(phone, "offline-2-sent-when-back")
    need = Need.objects.get(title=TITLE)
    assert need.status == Need.Status.SUBMITTED
    assert need.amount_requested == 3_600_000
    photo = need.photos.get()
    assert max(photo.width, photo.height) <= 1600

    # The draft is gone from the phone once the result was told.
    phone.wait_for_function("NeedDrafts.all().then((drafts) => drafts.length === 0)")
    status.get_by_role("link", name="Mở nhu cầu").click()
    expect(phone.get_by_role("heading", name=TITLE)).to_be_visible()


def test_a_large_photo_leaves_the_phone_made_smaller(phone, demo, tmp_path, monkeypatch):
    """The upload as it reaches the server (the live server runs in this process): the
    4000 × 3000 camera photo arrives as a 1600 × 1200 JPEG, a fraction of its weight."""
    arrived = []
    store = services.photo_create

    def recording(*, upload, **kwargs):
        with Image.open(upload) as image:
            arrived.append((image.format, image.size, upload.size))
        upload.seek(0)
        return store(upload=upload, **kwargs)

    monkeypatch.setattr(services, "photo_create", recording)
    original = large_photo(tmp_path / "may-anh.jpg")
    sign_in(phone, "school@demo.vn")
    fill_the_form(phone, original)
    phone.get_by_role("button", name="Lưu bản nháp").click()
    expect(phone.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    [(kind, size, weight)] = arrived
    assert kind == "JPEG" and size == (1600, 1200)
    assert weight < original.stat().st_size / 3
    need = Need.objects.get(title=TITLE)
    assert need.status == Need.Status.DRAFT and need.photos.get().width == 1600
