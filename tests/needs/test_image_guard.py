"""Issue 19, finding 2: a 154 KB PNG announcing 6300 × 6300 RGBA (159 MB and seconds of
CPU once decoded) is refused from its header, before any pixel is decoded, on every
path that takes a photo; a phone photo still passes, decoded at the size it is needed.

The work is measured, not the time: every decode Pillow starts is recorded (ImageFile.load
wrapped, still doing its work), with the size it decodes at."""

import io
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from core import images
from needs.images import process_photo
from needs.models import Need, NeedPhoto
from tests.needs.factories import NeedFactory
from tests.needs.test_posting import form_data, post
from tests.support.images import phone_jpeg, png, png_bomb, png_bomb_bytes

BOMB_BYTES = 6300 * 6300 * 4  # 158,760,000: what decoding the bomb would allocate


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def decodes(monkeypatch):
    """The (format, width, height) of every decode Pillow starts."""
    started = []
    original = ImageFile.ImageFile.load

    def load(image):
        if image.tile:  # not yet decoded: this call decodes
            started.append((image.format, *image.size))
        return original(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return started


def test_the_bomb_is_small_and_would_cost_159_mb(settings):
    data = png_bomb_bytes()
    image = Image.open(io.BytesIO(data))
    assert len(data) < 160 * 1024
    assert images.decoded_bytes(image) == BOMB_BYTES > settings.IMAGE_DECODE_MAX_BYTES
    # Inside the old limit of 40 million pixels: that limit alone let it through.
    assert settings.NEED_PHOTO_MAX_PIXELS > 6300 * 6300


def test_it_refuses_the_bomb_from_its_header_without_decoding(db, decodes):
    with pytest.raises(ValidationError) as refused:
        process_photo(png_bomb())
    assert refused.value.code == "too_much_to_decode"
    assert refused.value.params["needed"] == BOMB_BYTES
    assert decodes == []


def test_a_need_photo_bomb_gets_a_field_error_and_keeps_what_was_typed(client, area, decodes):
    client.force_login(area.staff_a)

    response = post(client, area.school_a, form_data(), photos=png_bomb())

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_photos_error"' in html
    assert "cần 152 MB bộ nhớ để mở; giới hạn là 64 MB" in html
    assert "Chăn ấm cho học sinh bán trú" in html
    assert decodes == []
    assert not Need.objects.exists() and not NeedPhoto.objects.exists()


def test_six_bombs_in_one_form_are_six_field_errors_not_a_500(client, area, decodes):
    client.force_login(area.staff_a)

    response = post(client, area.school_a, form_data(), photos=[png_bomb(f"bom-{i}.png") for i in range(6)])

    assert response.status_code == 200
    html = response.content.decode()
    assert all(f"“bom-{i}.png” cần 152 MB bộ nhớ" in html for i in range(6))
    assert decodes == []
    assert not NeedPhoto.objects.exists()


def test_seven_photos_in_one_form_are_refused_before_any_is_opened(client, area, decodes):
    client.force_login(area.staff_a)

    response = post(client, area.school_a, form_data(), photos=[png(f"{i}.png") for i in range(7)])

    assert response.status_code == 200
    assert "Mỗi lần chỉ gửi tối đa 6 ảnh." in response.content.decode()
    assert decodes == []


def test_a_delivery_proof_bomb_is_refused_before_decoding(client, area, decodes):
    need = NeedFactory(school=area.school_a, status=Need.Status.FUNDED)
    client.force_login(area.staff_a)

    response = client.post(
        reverse("needs:act", args=[need.pk, "deliver"]),
        {"note": "Đã nhận 60 chăn.", "photos": png_bomb(), "pupils_recognisable": "no"},
    )

    assert response.status_code == 302
    assert "cần 152 MB bộ nhớ để mở" in client.get(need.get_absolute_url()).content.decode()
    need.refresh_from_db()
    assert need.status == Need.Status.FUNDED
    assert not need.photos.exists()
    assert decodes == []


def test_seven_delivery_proofs_are_refused_with_a_message(client, area, decodes):
    need = NeedFactory(school=area.school_a, status=Need.Status.FUNDED)
    client.force_login(area.staff_a)

    client.post(
        reverse("needs:act", args=[need.pk, "deliver"]),
        {"note": "Đã nhận.", "photos": [png(f"{i}.png") for i in range(7)], "pupils_recognisable": "no"},
    )

    assert "Mỗi lần chỉ gửi tối đa 6 ảnh." in client.get(need.get_absolute_url()).content.decode()
    need.refresh_from_db()
    assert need.status == Need.Status.FUNDED
    assert decodes == []


def test_a_phone_photo_passes_decoded_at_half_size(client, area, decodes):
    client.force_login(area.staff_a)

    response = post(client, area.school_a, form_data(), photos=phone_jpeg())

    assert response.status_code == 302
    photo = Need.objects.get().photos.get()
    assert (photo.width, photo.height) == (1600, 1200)
    # The 4032 × 3024 upload was decoded once, at half size (DCT scaling): 9 MB, not 36.
    uploaded = [d for d in decodes if d[0] == "JPEG" and d[1] > 1600]
    assert uploaded == [("JPEG", 2016, 1512)]


def test_a_jpeg_with_thousands_of_scans_is_refused_before_decoding(db, decodes):
    # The CPU bomb of progressive JPEG: each scan walks the whole picture again.
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, format="JPEG")
    head, tail = buffer.getvalue()[:-2], buffer.getvalue()[-2:]
    bomb = head + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" * 200 + tail

    with pytest.raises(ValidationError) as refused:
        process_photo(SimpleUploadedFile("quet.jpg", bomb, content_type="image/jpeg"))

    assert refused.value.code == "damaged"
    assert decodes == []


def test_photos_sent_in_one_request_share_one_budget(db, settings, decodes):
    settings.IMAGE_DECODE_MAX_BYTES_PER_REQUEST = 64 * 48 * 3 * 2  # two small PNGs
    images._start_request_budget()
    try:
        process_photo(png("1.png"))
        process_photo(png("2.png"))
        with pytest.raises(ValidationError) as refused:
            process_photo(png("3.png"))
        assert refused.value.code == "request_budget"
        assert len(decodes) == 2 + 2  # each upload, and its stored copy read back for hashing
        # The next request starts with a budget of its own.
        images._start_request_budget()
        process_photo(png("4.png"))
    finally:
        images._end_request_budget()


HOLD_THE_ONLY_SLOT = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(descriptor, fcntl.LOCK_EX, 1, 0)
print("held", flush=True)
sys.stdin.read()
"""


def test_no_free_slot_means_try_again_not_a_queue(db, settings, decodes):
    """The only slot held by another web process: the upload waits at most
    IMAGE_DECODE_WAIT_SECONDS, then gets a message, having decoded nothing."""
    settings.IMAGE_DECODES_AT_ONCE = 1
    settings.IMAGE_DECODE_WAIT_SECONDS = 0.2
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_ONLY_SLOT, settings.IMAGE_DECODE_LOCK_FILE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline() == "held\n"
        with pytest.raises(ValidationError) as refused:
            process_photo(png())
        assert refused.value.code == "busy"
        assert decodes == []
    finally:
        other.communicate("")
    # Once that process lets go, the slot is free again.
    process_photo(png())
    assert decodes


def test_decoding_outside_a_slot_is_a_programming_error(db):
    with pytest.raises(RuntimeError):
        images.open_upload(png(), formats={"PNG"}, max_bytes=10**6, max_pixels=10**6)
