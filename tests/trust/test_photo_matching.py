"""The same photo posted again is found; different photos of similar subjects are not
(issue 18). The hashes are computed as the portal stores a photo (needs.images), and the
rule is trust.matching's."""

import itertools

import pytest

from needs.images import perceptual_hashes, process_photo
from needs.models import Need, NeedPhoto
from tests.needs.factories import NeedFactory
from trust import matching
from trust.models import PhotoMatch
from trust.services import photo_matches_rebuild

from .support import CHANGES, TEXTURES, drawn_scenes, real_photos, reopen, store, upload


def stored_hashes(image):
    """The hashes of the photo as the portal keeps it (re-encoded large image)."""
    processed = process_photo(upload(image))
    return processed.phash, processed.dhash


def distance(first, second):
    return matching.hamming(first[0], second[0]), matching.hamming(first[1], second[1])


@pytest.fixture(scope="module")
def photos():
    return {name: image for name, image in real_photos().items() if name not in TEXTURES}


@pytest.fixture(scope="module")
def similar_subjects():
    """Twenty different photos of similar subjects: ten classrooms, ten toilets."""
    return drawn_scenes(10)


@pytest.mark.parametrize("change", list(CHANGES))
def test_it_finds_a_real_photo_changed_a_little(photos, change):
    missed = []
    for name, image in photos.items():
        original = stored_hashes(image)
        posted_again = stored_hashes(CHANGES[change](image))
        p, d = distance(original, posted_again)
        if not matching.same_photo(p, d):
            missed.append((name, p, d))
    assert not missed


@pytest.mark.parametrize("change", list(CHANGES))
def test_it_finds_a_drawn_scene_changed_a_little(similar_subjects, change):
    missed = []
    for name, image in similar_subjects.items():
        p, d = distance(stored_hashes(image), stored_hashes(CHANGES[change](image)))
        if not matching.same_photo(p, d):
            missed.append((name, p, d))
    assert not missed


def test_it_finds_a_photo_re_encoded_resized_and_cropped_at_once(photos):
    image = photos["chelsea"]
    changed = reopen(upload(CHANGES["cropped 3% on every side"](image).resize((300, 190)), quality=50).read())
    assert matching.same_photo(*distance(stored_hashes(image), stored_hashes(changed)))


def test_different_photos_of_similar_subjects_are_never_the_same(similar_subjects):
    everything = {**similar_subjects, **real_photos()}
    hashes = {name: stored_hashes(image) for name, image in everything.items()}
    same = [
        (first, second, *distance(hashes[first], hashes[second]))
        for first, second in itertools.combinations(hashes, 2)
        if matching.same_photo(*distance(hashes[first], hashes[second]))
    ]
    assert not same
    assert len(hashes) == 32  # 20 drawn + 12 real: 496 pairs compared


def test_the_hashes_are_the_bits_of_the_stored_image_as_signed_integers(photos):
    processed = process_photo(upload(photos["coffee"]))
    processed.large.seek(0)
    assert perceptual_hashes(reopen(processed.large.read())) == (processed.phash, processed.dhash)
    assert all(-(1 << 63) <= value < (1 << 63) for value in (processed.phash, processed.dhash))


@pytest.mark.django_db
def test_storing_the_same_photo_on_another_need_records_the_match(
    photos, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    first_need = NeedFactory(status=Need.Status.VERIFIED)
    second_need = NeedFactory(status=Need.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        original = store(photos["camera"], need=first_need)
        store(photos["coffee"], need=first_need)
    with django_capture_on_commit_callbacks(execute=True):
        again = store(CHANGES["cropped 5% on the right"](photos["camera"]), need=second_need)
        store(photos["rocket"], need=second_need)

    pairs = set(PhotoMatch.objects.values_list("photo_id", "other_id"))
    assert pairs == {(original.pk, again.pk), (again.pk, original.pk)}


@pytest.mark.django_db
def test_twenty_different_photos_on_twenty_needs_raise_no_match(
    similar_subjects, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        for image in similar_subjects.values():
            store(image, need=NeedFactory(status=Need.Status.SUBMITTED))
    assert NeedPhoto.objects.filter(phash__isnull=False).count() == 20
    assert not PhotoMatch.objects.exists()
    assert photo_matches_rebuild() == 0


@pytest.mark.django_db
def test_two_photos_of_one_need_are_not_a_signal(photos, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    need = NeedFactory(status=Need.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        store(photos["astronaut"], need=need)
        store(CHANGES["halved"](photos["astronaut"]), need=need)
    assert not PhotoMatch.objects.exists()


@pytest.mark.django_db
def test_a_photo_waiting_for_its_form_is_matched_when_attached(
    photos, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The post form stores photos before the need exists (upload_token); need_save
    attaches them, and then they are matched."""
    import uuid

    from needs.services import need_save, photo_create

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        shown = store(photos["clock_motion"], need=NeedFactory(status=Need.Status.VERIFIED))
        waiting = photo_create(upload=upload(photos["clock_motion"], quality=60), actor=None, upload_token=uuid.uuid4())
    assert not PhotoMatch.objects.exists()
    need = NeedFactory(status=Need.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        need_save(
            need=need,
            items=[{"description": "Bàn ghế", "quantity": 1, "unit": "bộ", "unit_cost": 1_500_000}],
            actor=need.created_by,
            photos=[waiting],
        )
    assert set(PhotoMatch.objects.values_list("photo_id", "other_id")) == {
        (shown.pk, waiting.pk),
        (waiting.pk, shown.pk),
    }


@pytest.mark.django_db
def test_the_backfill_hashes_old_photos_and_matches_them(
    photos, settings, tmp_path, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        first = store(photos["retina"], need=NeedFactory())
        second = store(CHANGES["15% darker"](photos["retina"]), need=NeedFactory())
    # As if stored before hashing existed.
    NeedPhoto.objects.update(phash=None, dhash=None)
    PhotoMatch.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("trust_refresh", stdout=StringIO())
    assert NeedPhoto.objects.filter(phash__isnull=True).count() == 0
    assert set(PhotoMatch.objects.values_list("photo_id", "other_id")) == {(first.pk, second.pk), (second.pk, first.pk)}
    # and a rebuild finds the same pair
    assert photo_matches_rebuild() == 1
