import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from needs.models import Need, NeedEvent, NeedItem, NeedPhoto
from tests.support.images import png


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps(name="anh.jpg", size=(1200, 900)):
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (21.0, 35.0, 42.0), 3: "E", 4: (103.0, 25.0, 1.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form_data(**changes):
    data = {
        "category": "equipment",
        "site": "",
        "title": "Chăn ấm cho học sinh bán trú",
        "description": "Mùa đông nhiệt độ xuống 5 độ, các em thiếu chăn.",
        "pupils_benefiting": "60",
        "urgency": "3",
        "wanted_by": "",
        "pupils_recognisable": "no",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30",
        "items-0-description": "Chăn ấm",
        "items-0-quantity": "60",
        "items-0-unit": "cái",
        "items-0-unit_cost": "250000",
        "items-1-description": "Đệm",
        "items-1-quantity": "30",
        "items-1-unit": "cái",
        "items-1-unit_cost": "300000",
    }
    data.update(changes)
    return data


def post(client, school, data, **files):
    return client.post(reverse("needs:create", args=[school.pk]), {**data, **files})


def test_staff_post_a_need_with_items_and_a_photo_and_submit_it(client, area):
    client.force_login(area.staff_a)

    response = post(client, area.school_a, form_data(submit="1"), photos=jpeg_with_gps())

    need = Need.objects.get()
    assert response.status_code == 302
    assert response.url == need.get_absolute_url()
    assert need.status == Need.Status.SUBMITTED
    assert need.amount_requested == 60 * 250_000 + 30 * 300_000 == 24_000_000
    assert [i.description for i in need.items.all()] == ["Chăn ấm", "Đệm"]
    assert need.created_by == area.staff_a
    assert list(need.events.values_list("to_status", flat=True)) == ["draft", "submitted"]
    photo = need.photos.get()
    with Image.open(photo.large.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()  # EXIF, GPS included, is gone
        assert max(stored.size) <= 1600
    with Image.open(photo.thumb.path) as thumb:
        assert thumb.size == (480, 360)
    assert "anh" not in photo.large.name  # random names


def test_save_as_draft_keeps_it_private(client, area):
    client.force_login(area.staff_a)
    post(client, area.school_a, form_data(draft="1"))
    need = Need.objects.get()
    assert need.status == Need.Status.DRAFT
    client.logout()
    assert client.get(need.get_absolute_url()).status_code == 404


def test_staff_of_another_school_cannot_post_for_it(client, area):
    client.force_login(area.staff_b)
    assert post(client, area.school_a, form_data()).status_code == 403
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("changes", "files", "field", "message"),
    [
        ({"items-0-quantity": "-4"}, {}, "items-0-quantity", "Số lượng phải từ 1 trở lên."),
        ({"items-1-unit_cost": "-1"}, {}, "items-1-unit_cost", "Đơn giá không được âm."),
        ({"pupils_benefiting": "0"}, {}, "pupils_benefiting", "Phải có ít nhất một học sinh được hưởng lợi."),
        ({"title": ""}, {}, "title", "Trường này là bắt buộc."),
        (
            {},
            {"photos": SimpleUploadedFile("to.jpg", b"\xff\xd8" + b"\0" * (30 * 1024 * 1024))},
            "photos",
            "lớn hơn 8 MB",
        ),
        ({}, {"photos": SimpleUploadedFile("thu.jpg", b"Xin chao, day la van ban.")}, "photos", "không phải là ảnh"),
        ({}, {"photos": png("khong-lo.png", size=(20000, 20000), mode="1")}, "photos", "quá lớn"),
    ],
    ids=["negative-quantity", "negative-cost", "no-pupils", "no-title", "30MB", "text-as-jpg", "20000px-png"],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, area, changes, files, field, message):
    client.force_login(area.staff_a)

    response = post(client, area.school_a, form_data(**changes), **files)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not Need.objects.exists()
    assert not NeedItem.objects.exists()
    # What was typed is still there.
    assert "Chăn ấm cho học sinh bán trú" in html or field == "title"


def test_the_description_renders_as_text_never_html(client, area):
    client.force_login(area.staff_a)
    post(client, area.school_a, form_data(description='<script>alert("x")</script><b>đậm</b>'))
    need = Need.objects.get()

    html = client.get(need.get_absolute_url()).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b>đậm</b>" not in html


def test_a_photo_accepted_before_an_error_is_kept_for_the_next_try(client, area):
    client.force_login(area.staff_a)
    first = post(client, area.school_a, form_data(title=""), photos=png())
    assert first.status_code == 200
    token = first.context["upload_token"]
    assert NeedPhoto.objects.filter(upload_token=token, need__isnull=True).count() == 1
    assert "không cần chọn lại" in first.content.decode()

    second = post(client, area.school_a, form_data(upload_token=token))

    assert second.status_code == 302
    need = Need.objects.get()
    assert need.photos.count() == 1


def test_another_users_upload_token_attaches_nothing(client, area):
    client.force_login(area.staff_a)
    token = post(client, area.school_a, form_data(title=""), photos=png()).context["upload_token"]
    client.force_login(area.officer_a)
    post(client, area.school_a, form_data(upload_token=token))
    assert Need.objects.get().photos.count() == 0


def test_more_than_six_photos_are_refused(client, area):
    client.force_login(area.staff_a)
    response = post(client, area.school_a, form_data(), photos=[png(f"{i}.png") for i in range(7)])
    assert response.status_code == 200
    assert "tối đa 6 ảnh" in response.content.decode()
    assert not Need.objects.exists()


def test_a_returned_need_is_edited_and_resubmitted(client, area):
    client.force_login(area.staff_a)
    post(client, area.school_a, form_data(submit="1"))
    need = Need.objects.get()
    client.force_login(area.officer_a)
    client.post(reverse("needs:act", args=[need.pk, "return"]), {"note": "Đơn giá chăn quá cao, xin báo giá lại."})
    need.refresh_from_db()
    assert need.status == Need.Status.RETURNED

    client.force_login(area.staff_a)
    page = client.get(reverse("needs:edit", args=[need.pk]))
    assert 'value="Chăn ấm"' in page.content.decode()
    response = client.post(
        reverse("needs:edit", args=[need.pk]),
        form_data(**{"items-0-unit_cost": "180000", "items-INITIAL_FORMS": "2", "submit": "1"}),
    )

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
    assert need.amount_requested == 60 * 180_000 + 30 * 300_000
    assert NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.EDIT).exists()


def test_a_verified_need_cannot_be_edited(client, area):
    from tests.needs.factories import NeedFactory

    need = NeedFactory(school=area.school_a, status=Need.Status.VERIFIED)
    client.force_login(area.staff_a)
    response = client.post(reverse("needs:edit", args=[need.pk]), form_data(title="Đổi tên"))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title != "Đổi tên"


def test_an_svg_with_a_script_is_refused(client, area):
    svg = SimpleUploadedFile(
        "anh.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
        content_type="image/svg+xml",
    )
    client.force_login(area.staff_a)
    response = post(client, area.school_a, form_data(), photos=svg)
    assert response.status_code == 200
    assert "id_photos_error" in response.content.decode()
    assert not Need.objects.exists() and not NeedPhoto.objects.exists()


def test_a_polyglot_photo_is_stored_as_a_picture_only(client, area, settings):
    """A real JPEG with HTML and script appended: the picture is kept, the payload is not."""
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 60)).save(buffer, format="JPEG")
    payload = b"<html><script>alert('x')</script></html>"
    polyglot = SimpleUploadedFile("anh.jpg", buffer.getvalue() + payload, content_type="image/jpeg")
    client.force_login(area.staff_a)
    post(client, area.school_a, form_data(submit="1"), photos=polyglot)
    photo = NeedPhoto.objects.get()
    for stored in (photo.large, photo.thumb):
        data = stored.open("rb").read()
        assert data.startswith(b"\xff\xd8") and payload not in data and b"<script" not in data
        assert stored.name.endswith(".jpg") and "anh" not in stored.name


def test_responses_tell_browsers_not_to_sniff_types(client, db):
    response = client.get(reverse("needs:list"))
    assert response["X-Content-Type-Options"] == "nosniff"
