"""Issue 19, finding 6: a refused "confirm delivery" left its photos behind (three refused
posts of 6 photos, and the public page showed 38 images; today the rows go with the
transaction but the files stayed on disk), and photos of need forms nobody saved were
never cleaned up."""

import logging
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from needs import services
from needs.models import Need, NeedPhoto
from needs.tasks import delete_abandoned_need_photos
from tests.needs.factories import NeedFactory, NeedPhotoFactory
from tests.support.images import png

pytestmark = pytest.mark.django_db

S = Need.Status
NOTE = "Đã nhận 60 chăn ngày 12/11."


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def _deliver(client, need, photos):
    return client.post(
        reverse("needs:act", args=[need.pk, "deliver"]), {"note": NOTE, "photos": photos, "pupils_recognisable": "no"}
    )


def test_refused_deliveries_store_nothing_and_the_page_shows_only_the_real_proof(client, area, media):
    need = NeedFactory(school=area.school_a, status=S.VERIFIED)  # not funded: delivery is refused
    client.force_login(area.staff_a)
    for _ in range(3):
        assert _deliver(client, need, [png(f"anh{n}.png") for n in range(6)]).status_code == 302
    need.refresh_from_db()
    assert need.status == S.VERIFIED
    assert not NeedPhoto.objects.exists()
    assert files_in(media) == []

    Need.objects.filter(pk=need.pk).update(status=S.FUNDED)
    assert _deliver(client, need, [png(f"anh{n}.png") for n in range(6)]).status_code == 302
    need.refresh_from_db()
    assert need.status == S.DELIVERED
    assert need.photos.filter(kind="proof").count() == 6
    assert len(files_in(media)) == 12  # large and thumbnail
    page = client.get(need.get_absolute_url()).content.decode()
    assert page.count('alt="Ảnh bàn giao"') == 6


def test_a_post_with_one_bad_photo_stores_none_of_its_good_ones(client, area, media):
    need = NeedFactory(school=area.school_a, status=S.FUNDED)
    client.force_login(area.staff_a)
    script = SimpleUploadedFile("anh.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    _deliver(client, need, [png("a.png"), png("b.png"), script])
    need.refresh_from_db()
    assert need.status == S.FUNDED
    assert not NeedPhoto.objects.exists()
    assert files_in(media) == []


def test_a_failure_while_storing_removes_the_files_already_written(area, media, monkeypatch):
    """The disk fills up at the second photo: the rows go with the transaction, and the
    first photo's files with them."""
    need = NeedFactory(school=area.school_a, status=S.FUNDED)
    original, calls = services._photo_store, []

    def store_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_photo_store", store_then_fail)
    with pytest.raises(OSError):
        services.need_deliver(need=need, actor=area.staff_a, note=NOTE, uploads=[png("a.png"), png("b.png")])
    need.refresh_from_db()
    assert need.status == S.FUNDED
    assert not NeedPhoto.objects.exists()
    assert files_in(media) == []


def _waiting(hours_old, **kwargs):
    photo = NeedPhotoFactory(need=None, upload_token=uuid.uuid4(), **kwargs)
    NeedPhoto.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(hours=hours_old))
    return photo


def test_photos_of_abandoned_forms_are_deleted_after_a_day_rows_and_files(area, media, settings, caplog):
    settings.NEED_PHOTO_PENDING_HOURS = 24
    old = [_waiting(30) for _ in range(3)]
    recent = _waiting(2)
    attached = NeedPhotoFactory(need=NeedFactory(school=area.school_a))
    NeedPhoto.objects.filter(pk=attached.pk).update(created_at=timezone.now() - timedelta(days=90))
    # One bad row: its file cannot be removed (a folder with something in it stands there).
    bad = _waiting(30)
    blocker = Path(bad.large.path)
    blocker.unlink()
    blocker.mkdir()
    (blocker / "x").write_bytes(b"x")

    with caplog.at_level(logging.ERROR, logger="needs.services"):
        result = delete_abandoned_need_photos()

    assert result == {"deleted": 3, "failed": 1}
    assert f"Abandoned photo {bad.pk} could not be deleted" in caplog.text
    assert set(NeedPhoto.objects.values_list("pk", flat=True)) == {recent.pk, attached.pk}
    for photo in old:
        assert not Path(photo.large.path).exists() and not Path(photo.thumb.path).exists()
    assert Path(recent.large.path).exists() and Path(attached.large.path).exists()
    # A second run finds nothing more to do.
    assert delete_abandoned_need_photos() == {"deleted": 0, "failed": 0}


def test_the_cleanup_runs_every_hour_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["delete-abandoned-need-photos"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == {40} and len(entry["schedule"].hour) == 24
