"""Children in photos (Personal Data Protection Law 91/2025): a school says whether pupils
can be recognised; without both consents their faces are blurred on the public copy, which
waits for an officer; the original is kept for the school and its officers only."""

import io
from io import StringIO

import numpy
import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from needs import faces, services
from needs.faces import PupilsAnswer
from needs.images import process_photo
from needs.models import Need, NeedPhoto
from tests.needs.factories import NeedFactory, NeedPhotoFactory
from tests.support.images import FACE_BOX, REAL_PHOTOS, face_photo, faceless_photo

S = Need.Status
W = NeedPhoto.PublicCopy
RECOGNISABLE = PupilsAnswer(recognisable=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def astronaut() -> Image.Image:
    return Image.open(REAL_PHOTOS / "astronaut.jpg").convert("RGB")


def pixels(image, box):
    x, y, w, h = box
    return numpy.asarray(image.crop((x, y, x + w, y + h)), dtype=float)


def detail(array) -> float:
    """How much a region varies from pixel to pixel: a face has edges, a blurred one none."""
    return float(numpy.abs(numpy.diff(array, axis=0)).mean() + numpy.abs(numpy.diff(array, axis=1)).mean())


# The detector and the blur ---------------------------------------------------------------


def test_the_bundled_cascade_finds_the_face_in_a_real_photo():
    boxes = faces.detect_faces(astronaut())
    assert len(boxes) == 1
    x, y, w, _h = boxes[0]
    fx, fy, fw, _fh = FACE_BOX
    assert abs(x - fx) <= 4 and abs(y - fy) <= 4 and abs(w - fw) <= 6


def test_it_finds_the_face_in_a_large_photo_and_answers_in_its_pixels():
    boxes = faces.detect_faces(astronaut().resize((3200, 3200)))
    fx, fy, fw, _fh = FACE_BOX
    assert any(abs(x - fx * 8) <= 40 and abs(y - fy * 8) <= 40 and abs(w - fw * 8) <= 60 for x, y, w, _h in boxes)


def test_it_finds_no_face_in_a_cup_of_coffee():
    assert faces.detect_faces(Image.open(REAL_PHOTOS / "coffee.jpg").convert("RGB")) == []


def test_the_blur_wipes_out_each_box_with_its_margin_and_nothing_else():
    image = astronaut()
    blurred = faces.blur_boxes(image, [FACE_BOX])
    x, y, w, h = FACE_BOX
    face_before, face_after = pixels(image, FACE_BOX), pixels(blurred, FACE_BOX)
    assert detail(face_after) < detail(face_before) / 8
    # The margin goes too: the forehead and the chin beyond the detector's box.
    margin = (x, y + h, w, round(h * faces.MARGIN) - 2)
    assert detail(pixels(blurred, margin)) < detail(pixels(image, margin)) / 4
    # Far from the face the photo is untouched.
    assert numpy.array_equal(pixels(blurred, (0, 300, 120, 100)), pixels(image, (0, 300, 120, 100)))


@pytest.mark.parametrize(
    ("answer", "blur"),
    [
        (PupilsAnswer(recognisable=False), False),
        (PupilsAnswer(recognisable=True), True),
        (PupilsAnswer(recognisable=True, child_consent=True), True),
        (PupilsAnswer(recognisable=True, guardian_consent=True), True),
        (PupilsAnswer(recognisable=True, child_consent=True, guardian_consent=True), False),
        (PupilsAnswer(recognisable=None), True),
    ],
    ids=["not-recognisable", "no-consent", "child-only", "guardian-only", "both", "not-asked"],
)
def test_faces_are_blurred_unless_nobody_is_recognisable_or_both_consents_are_recorded(answer, blur):
    assert answer.blur is blur


def test_the_upload_step_blurs_the_public_copies_and_keeps_the_original():
    processed = process_photo(face_photo(), blur_faces=True)
    assert processed.faces == 1
    large = Image.open(io.BytesIO(processed.large.read())).convert("RGB")
    original = Image.open(io.BytesIO(processed.original.read())).convert("RGB")
    assert detail(pixels(large, FACE_BOX)) < detail(pixels(original, FACE_BOX)) / 8
    assert faces.detect_faces(original)
    # The thumbnail is cut from the blurred copy too: 400 px scaled to 480, the middle 360 rows.
    thumb_box = (round(FACE_BOX[0] * 1.2), round(FACE_BOX[1] * 1.2) - 60, 90, 90)
    thumbs = [Image.open(io.BytesIO(p.thumb.read())).convert("RGB") for p in (processed, process_photo(face_photo()))]
    assert detail(pixels(thumbs[0], thumb_box)) < detail(pixels(thumbs[1], thumb_box)) / 8


def test_without_blurring_nothing_is_detected_or_kept():
    processed = process_photo(face_photo())
    assert processed.faces is None and processed.original is None


# Storing a photo -------------------------------------------------------------------------


def test_recognisable_pupils_without_consent_wait_for_the_officer_blurred(area):
    photo = services.photo_create(upload=face_photo(), actor=area.staff_a, pupils=RECOGNISABLE)
    photo.refresh_from_db()
    assert photo.public_copy == W.WAITING and not photo.is_publishable
    assert photo.pupils_recognisable is True and photo.faces_found == 1
    assert photo.original.name.startswith("private/") and photo.large.name.startswith("needs/")
    assert photo.child_consent_at is None and photo.guardian_consent_at is None
    assert [row.history_user for row in photo.history.all()] == [area.staff_a]


def test_a_missed_face_waits_for_the_officer_too(area):
    photo = services.photo_create(upload=faceless_photo(), actor=area.staff_a, pupils=RECOGNISABLE)
    assert photo.public_copy == W.WAITING and photo.faces_found == 0 and not photo.original


def test_both_consents_are_recorded_with_who_and_when_and_nothing_is_blurred(area):
    both = PupilsAnswer(recognisable=True, child_consent=True, guardian_consent=True)
    photo = services.photo_create(upload=face_photo(), actor=area.staff_a, pupils=both)
    photo.refresh_from_db()
    assert photo.public_copy == W.NOT_NEEDED and photo.is_publishable and not photo.original
    assert photo.child_consent_by == area.staff_a and photo.guardian_consent_by == area.staff_a
    assert photo.has_both_consents and photo.faces_found is None


def test_one_consent_is_recorded_but_the_faces_are_still_blurred(area):
    answer = PupilsAnswer(recognisable=True, guardian_consent=True)
    photo = services.photo_create(upload=face_photo(), actor=area.staff_a, pupils=answer)
    assert photo.guardian_consent_by == area.staff_a and photo.child_consent_by is None
    assert photo.public_copy == W.WAITING and photo.original


def test_not_asked_the_detector_decides(area):
    with_face = services.photo_create(upload=face_photo(), actor=area.staff_a)
    without = services.photo_create(upload=faceless_photo(), actor=area.staff_a)
    assert (with_face.public_copy, with_face.faces_found, bool(with_face.original)) == (W.WAITING, 1, True)
    assert (without.public_copy, without.faces_found, bool(without.original)) == (W.NOT_NEEDED, 0, False)


def test_removing_a_photo_removes_its_original(area):
    need = NeedFactory(school=area.school_a, status=S.DRAFT)
    photo = services.photo_create(upload=face_photo(), actor=area.staff_a, pupils=RECOGNISABLE, need=need)
    storage, name = photo.original.storage, photo.original.name
    services.photo_delete(photo=photo, actor=area.staff_a)
    assert not storage.exists(name)


# The form ----------------------------------------------------------------------------------


def test_the_question_must_be_answered_before_a_photo_is_kept(client, area):
    need = NeedFactory(school=area.school_a, status=S.FUNDED)
    client.force_login(area.staff_a)
    url = reverse("needs:act", args=[need.pk, "deliver"])

    response = client.post(url, {"note": "Đã nhận 60 chăn.", "photos": face_photo()}, follow=True)
    assert "Hãy cho biết có nhận ra được học sinh trong ảnh không." in response.content.decode()
    assert not NeedPhoto.objects.exists()
    need.refresh_from_db()
    assert need.status == S.FUNDED

    client.post(url, {"note": "Đã nhận 60 chăn.", "photos": face_photo(), "pupils_recognisable": "yes"})
    need.refresh_from_db()
    proof = need.photos.get()
    assert need.status == S.DELIVERED
    assert (proof.kind, proof.public_copy, proof.pupils_recognisable) == (NeedPhoto.Kind.PROOF, W.WAITING, True)


# Who sees what -----------------------------------------------------------------------------


@pytest.fixture
def waiting(area):
    need = NeedFactory(school=area.school_a, status=S.VERIFIED)
    return services.photo_create(upload=face_photo(), actor=area.staff_a, pupils=RECOGNISABLE, need=need)


def test_a_waiting_photo_is_not_on_the_public_pages(client, area, waiting):
    html = client.get(waiting.need.get_absolute_url()).content.decode()
    assert waiting.thumb.url not in html and waiting.large.url not in html
    assert waiting.thumb.url not in client.get(reverse("needs:list")).content.decode()
    assert waiting.thumb.url not in client.get(reverse("home")).content.decode()


def test_the_school_sees_its_waiting_photo_marked_and_the_officer_sees_both_copies(client, area, waiting):
    client.force_login(area.staff_a)
    html = client.get(waiting.need.get_absolute_url()).content.decode()
    assert waiting.thumb.url in html and "Đang chờ cơ quan giáo dục kiểm tra" in html
    client.force_login(area.officer_a)
    html = client.get(waiting.need.get_absolute_url()).content.decode()
    assert reverse("needs:photo_original", args=[waiting.need.pk, waiting.pk]) in html
    assert waiting.large.url in html and reverse("needs:photo_check", args=[waiting.need.pk, waiting.pk]) in html
    queue = client.get(reverse("needs:queue")).content.decode()
    assert f'id="photo-check-{waiting.pk}"' in queue


def test_only_the_school_and_its_officers_get_the_original(client, area, waiting):
    url = reverse("needs:photo_original", args=[waiting.need.pk, waiting.pk])
    assert client.get(url).status_code == 302  # to log in
    for outsider in (area.outsider, area.staff_b, area.officer_b):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    for insider in (area.staff_a, area.officer_a, area.officer_province):
        client.force_login(insider)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        original = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")
        assert faces.detect_faces(original)


def test_the_original_is_not_reachable_by_any_public_address(client, area, waiting):
    path = waiting.original.name
    assert not path.startswith("needs/")
    for user in (None, area.outsider, area.staff_a, area.officer_a):
        if user:
            client.force_login(user)
        assert client.get(f"/media/{path}").status_code == 404
        assert client.get(f"/media/needs/../{path}").status_code == 404


# The officer's check -----------------------------------------------------------------------


def test_the_officer_publishes_the_blurred_copy_with_history(client, area, waiting):
    client.force_login(area.officer_a)
    url = reverse("needs:photo_check", args=[waiting.need.pk, waiting.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"decision": "publish", "next": "queue"})
    assert response.status_code == 302 and response.url == reverse("needs:queue")
    waiting.refresh_from_db()
    assert waiting.public_copy == W.CONFIRMED and waiting.public_copy_checked_by == area.officer_a
    assert waiting.public_copy_checked_at is not None
    assert [row.history_user for row in waiting.history.order_by("history_id")] == [area.staff_a, area.officer_a]
    client.logout()
    html = client.get(waiting.need.get_absolute_url()).content.decode()
    assert waiting.thumb.url in html


def test_the_officer_hides_a_photo_where_a_face_was_missed(client, area, waiting):
    client.force_login(area.officer_a)
    client.post(reverse("needs:photo_check", args=[waiting.need.pk, waiting.pk]), {"decision": "hide"})
    waiting.refresh_from_db()
    assert waiting.public_copy == W.HIDDEN and not waiting.is_publishable
    client.logout()
    assert waiting.thumb.url not in client.get(waiting.need.get_absolute_url()).content.decode()


def test_the_school_and_other_officers_cannot_decide(client, area, waiting):
    url = reverse("needs:photo_check", args=[waiting.need.pk, waiting.pk])
    for user in (area.staff_a, area.officer_b, area.outsider):
        client.force_login(user)
        assert client.post(url, {"decision": "publish"}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.public_copy == W.WAITING


def test_a_photo_is_checked_once(area, waiting):
    services.photo_check(photo=waiting, officer=area.officer_a, publish=False)
    with pytest.raises(services.ActionInvalid):
        services.photo_check(photo=waiting, officer=area.officer_a, publish=True)
    waiting.refresh_from_db()
    assert waiting.public_copy == W.HIDDEN


# Photos published before ---------------------------------------------------------------------


def test_the_command_blurs_published_photos_with_faces_once(area):
    need = NeedFactory(school=area.school_a, status=S.VERIFIED)
    face = NeedPhotoFactory(need=need, large__from_path=str(REAL_PHOTOS / "astronaut.jpg"))
    plain = NeedPhotoFactory(need=need, large__from_path=str(REAL_PHOTOS / "coffee.jpg"))
    asked = NeedPhotoFactory(need=need, pupils_recognisable=False, large__from_path=str(REAL_PHOTOS / "astronaut.jpg"))
    old_large, storage = face.large.name, face.large.storage

    out = StringIO()
    call_command("blur_published_photos", stdout=out)
    assert "2 photos scanned: 1 with faces blurred" in out.getvalue()

    face.refresh_from_db()
    plain.refresh_from_db()
    asked.refresh_from_db()
    assert (face.public_copy, face.faces_found) == (W.WAITING, 1)
    assert face.large.name != old_large and not storage.exists(old_large)  # the unblurred public file is gone
    original, public = (Image.open(f.path).convert("RGB") for f in (face.original, face.large))
    assert faces.detect_faces(original)
    assert detail(pixels(public, FACE_BOX)) < detail(pixels(original, FACE_BOX)) / 8
    assert (plain.public_copy, plain.faces_found, bool(plain.original)) == (W.NOT_NEEDED, 0, False)
    assert (asked.public_copy, asked.faces_found) == (W.NOT_NEEDED, None)  # the school answered: left alone

    again = StringIO()
    call_command("blur_published_photos", stdout=again)
    assert "0 photos scanned" in again.getvalue()
    assert NeedPhoto.objects.get(pk=face.pk).large.name == face.large.name
