"""A school posts a photo in which pupils can be recognised, without their consents: the
public copy is blurred and waits for the officer, the original is never public (Personal
Data Protection Law 91/2025; needs.faces). At 1366 px for the office and the visitor, 390
px for the school's phone and the visitor's."""

import io

import numpy
import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from needs.models import Need, NeedPhoto
from tests.support.browser import DESKTOP, PHONE, new_page, screenshot, sign_in
from tests.support.images import FACE_BOX, REAL_PHOTOS
from tests.support.need_form import fill_need_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Áo ấm cho học sinh lớp 2 điểm trường Huổi Lóng"
WIDE = {**DESKTOP, "viewport": {"width": 1366, "height": 900}}


def face_detail(jpeg: bytes) -> float:
    x, y, w, h = FACE_BOX
    face = numpy.asarray(Image.open(io.BytesIO(jpeg)).convert("L").crop((x, y, x + w, y + h)), dtype=float)
    return float(numpy.abs(numpy.diff(face, axis=0)).mean() + numpy.abs(numpy.diff(face, axis=1)).mean())


def test_a_photo_of_recognisable_pupils_is_blurred_and_waits_for_the_officer(browser, live_server, demo):
    clerk = new_page(browser, live_server.url, PHONE, has_touch=True)
    desk, anyone = new_page(browser, live_server.url, WIDE), new_page(browser, live_server.url, WIDE)
    anyone_phone = new_page(browser, live_server.url, PHONE, has_touch=True)

    # The school clerk posts from a phone: pupils can be recognised, no consent recorded.
    sign_in(clerk, "school@demo.vn")
    fill_need_form(
        clerk,
        category="equipment",
        title=TITLE,
        description="Mùa đông nhiệt độ xuống 5 độ, các em lớp 2 chưa có áo ấm.",
        pupils=24,
        urgency=3,
        items=[("Áo khoác lông vũ", 24, "cái", 250000)],
    )
    clerk.set_input_files("input[name=photos]", str(REAL_PHOTOS / "astronaut.jpg"))
    clerk.get_by_label("Có: có thể nhận ra học sinh").check()
    screenshot(clerk, "children-photo-1-school-says-pupils-recognisable-390")
    clerk.get_by_role("button", name="Lưu và gửi xác minh").click()
    expect(clerk.get_by_text("Đã gửi tới cơ quan giáo dục để xác minh.")).to_be_visible()
    need = Need.objects.get(title=TITLE)
    photo = need.photos.get()
    assert (photo.public_copy, photo.pupils_recognisable, photo.faces_found) == (NeedPhoto.PublicCopy.WAITING, True, 1)
    assert photo.original.name.startswith("private/")
    expect(clerk.get_by_text("Đang chờ cơ quan giáo dục kiểm tra").first).to_be_visible()
    screenshot(clerk, "children-photo-2-school-sees-it-waiting-390")

    # The officer verifies the need: it is public, the photo is not yet.
    sign_in(desk, "commune@demo.vn")
    desk.goto(live_server.url + "/needs/queue/")
    check = desk.locator(f"#photo-check-{photo.pk}")
    expect(check).to_be_visible()
    expect(check.get_by_role("img", name="Ảnh đúng như nhà trường đã gửi")).to_be_visible()
    expect(check.get_by_role("img", name="Bản công khai")).to_be_visible()
    screenshot(desk, "children-photo-3-queue-original-and-blurred-1366")
    desk.goto(live_server.url + need.get_absolute_url())
    desk.get_by_role("button", name="Xác minh", exact=True).click()
    expect(desk.get_by_text("Đã xác minh: nhu cầu được công khai")).to_be_visible()

    anyone.goto(live_server.url + need.get_absolute_url())
    expect(anyone.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(anyone.locator(f"img[src='{photo.thumb.url}']")).to_have_count(0)
    screenshot(anyone, "children-photo-4-public-page-without-the-photo-1366")

    # The original is reachable by no public address, logged in or not. Asked of the
    # portal's own URLs (core.media), through Django's test client: the live server of the
    # tests serves all of MEDIA_ROOT itself (Django's _MediaFilesHandler), as no deployment does.
    for user in (None, need.school.memberships.first().user, Need.objects.get(pk=need.pk).verified_by):
        portal = Client()
        if user:
            portal.force_login(user)
        assert portal.get(photo.original.url).status_code == 404
    private_view = live_server.url + f"/needs/{need.pk}/photos/{photo.pk}/original/"
    assert anyone.request.get(private_view, max_redirects=0).status == 302  # to log in
    assert desk.request.get(private_view).status == 200

    # The officer compares the two copies and publishes the blurred one.
    desk.goto(live_server.url + need.get_absolute_url())
    expect(desk.locator(f"#photo-check-{photo.pk}")).to_be_visible()
    desk.locator(f"#photo-check-{photo.pk}").get_by_role("button", name="Công khai bản này").click()
    expect(desk.get_by_text("Bản đã làm mờ khuôn mặt đã được công khai.")).to_be_visible()
    photo.refresh_from_db()
    assert photo.public_copy == NeedPhoto.PublicCopy.CONFIRMED

    for page, width in ((anyone, 1366), (anyone_phone, 390)):
        page.goto(live_server.url + need.get_absolute_url())
        expect(page.locator(f"img[src='{photo.thumb.url}']")).to_be_visible()
        screenshot(page, f"children-photo-5-public-page-blurred-{width}")
    public = anyone.request.get(live_server.url + photo.large.url).body()
    original = desk.request.get(private_view).body()
    assert face_detail(public) < face_detail(original) / 8
    assert Client().get(photo.original.url).status_code == 404
    for page in (clerk, desk, anyone, anyone_phone):
        page.context.close()
