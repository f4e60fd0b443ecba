"""Uploads served by address: public photos only, in the production profile too."""

import pytest
from django.urls import reverse

from core.media import is_public
from tests.needs.factories import NeedFactory, NeedPhotoFactory
from tests.support.images import jpeg


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False


@pytest.fixture
def photo(area):
    return NeedPhotoFactory(need=NeedFactory(school=area.school_a), uploaded_by=area.staff_a)


def test_a_need_photo_is_served_cached_for_a_year_as_an_image(client, photo):
    response = client.get(photo.thumb.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_private_files_are_not_there_by_address(client, settings, tmp_path):
    for private in ("contest/7/letter.pdf", "campaigns/documents/191-UBND.pdf", "backup/portal.dump"):
        (tmp_path / private).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / private).write_bytes(b"%PDF-1.4 private")
        assert client.get(f"/media/{private}").status_code == 404, private
    (tmp_path / "campaigns" / "banner.jpg").write_bytes(jpeg())
    assert client.get("/media/campaigns/banner.jpg").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["needs/../contest/7/letter.pdf", "needs/..%2Fcontest/7/letter.pdf", "/etc/passwd", "needs\\..\\contest\\x",
     "needs/2026/11/missing.jpg"],
)  # fmt: skip
def test_climbing_out_or_a_missing_file_is_404(client, db, tmp_path, path):
    (tmp_path / "contest" / "7").mkdir(parents=True)
    (tmp_path / "contest" / "7" / "letter.pdf").write_bytes(b"%PDF-1.4 private")
    assert client.get(f"/media/{path}").status_code == 404


def test_only_the_public_folders_count_as_public():
    assert is_public("needs/2026/11/abc.jpg") and is_public("campaigns/banner.jpg")
    assert not is_public("campaigns/documents/x.pdf") and not is_public("contest/1/x.jpg")
    assert not is_public("needs/../contest/1/x.jpg") and not is_public("/needs/x.jpg")


def test_files_are_read_only_by_address(client, photo):
    assert client.post(photo.thumb.url).status_code == 405
    assert reverse("media", args=["needs/x.jpg"]) == "/media/needs/x.jpg"
