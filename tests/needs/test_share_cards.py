"""Share cards: a public need's and a fund's page carry Open Graph and Twitter tags, and the
picture they name is made by the portal (1200 × 630) from the need, with its photo's
PUBLIC copy only, kept in the cache until the need changes."""

import io
import re
from html import unescape
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from donations.models import Fund
from needs import sharecard
from needs.models import Need, NeedPhoto
from tests.needs.factories import NeedFactory, NeedPhotoFactory

TITLE = "Bếp ăn bán trú cho điểm trường bản Huổi Lóng, xã Mường Mùn: nồi, bếp đun và khay cơm inox"
BLUE, RED = (20, 60, 220), (220, 30, 30)
IN_PHOTO = (300, 615)  # inside the photo's column on a card with a photo; blank paper on one without


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def meta(html: str) -> dict[str, str]:
    tags = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return {name: unescape(value) for name, value in tags}


def jpeg(colour, size=(400, 300)) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return ContentFile(out.getvalue(), name="photo.jpg")


def card_of(client, url) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image.convert("RGB")


def near(pixel, colour, tolerance=30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


@pytest.fixture
def need(area):
    need = NeedFactory(school=area.school_a, title=TITLE, items=[("Bếp đun cải tiến", 2, "cái", 4_500_000)])
    Need.objects.filter(pk=need.pk).update(amount_pledged=3_000_000)
    need.refresh_from_db()
    return need


def test_it_tags_a_public_need_page_for_facebook_zalo_and_twitter(client, need):
    html = client.get(need.get_absolute_url()).content.decode()
    tags = meta(html)
    page_url = f"http://testserver{need.get_absolute_url()}"
    assert tags["og:title"] == tags["twitter:title"] == TITLE
    assert tags["og:type"] == "website"
    assert tags["og:locale"] == "vi_VN"
    assert tags["og:url"] == page_url
    assert re.fullmatch(rf"http://testserver/needs/{need.pk}/card\.jpg\?v=[0-9a-f]{{12}}", tags["og:image"])
    assert tags["twitter:image"] == tags["og:image"]
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"
    assert "Trường PTDTBT Tiểu học Pú Xi" in tags["og:description"]
    assert "3.000.000\u00a0₫" in tags["og:description"] and "9.000.000\u00a0₫" in tags["og:description"]
    assert f'<link rel="canonical" href="{page_url}">' in html
    image = card_of(client, tags["og:image"].removeprefix("http://testserver"))
    assert image.size == (1200, 630)


def test_an_english_page_says_its_locale(client, need):
    tags = meta(client.get(f"/en{need.get_absolute_url()}").content.decode())
    assert tags["og:locale"] == "en_US" and tags["og:url"].startswith("http://testserver/en/needs/")


def test_a_need_without_photos_still_gets_a_card(client, need):
    image = card_of(client, reverse("needs:card", args=[need.pk]))
    assert image.size == (1200, 630)
    assert near(image.getpixel((10, 300)), (25, 135, 84))  # the portal's band instead of a photo
    assert near(image.getpixel(IN_PHOTO), (255, 255, 255))
    # The progress bar is drawn: its filled part (a third) in green, the rest grey.
    bar_y = 630 - 56 - 96 + 13
    assert near(image.getpixel((120, bar_y)), (25, 135, 84))
    assert near(image.getpixel((1100, bar_y)), (222, 226, 230))


def test_the_card_shows_the_public_copy_never_the_original(client, need, area):
    """The photo's original (pupils' faces as sent) is red, its public copy blue: the card
    is blue where the photo is."""
    photo = NeedPhotoFactory(
        need=need,
        large=jpeg(BLUE),
        original=jpeg(RED),
        public_copy=NeedPhoto.PublicCopy.CONFIRMED,
        public_copy_checked_at=timezone.now(),
    )
    assert photo.original.name.startswith("private/")
    image = card_of(client, reverse("needs:card", args=[need.pk]))
    assert image.size == (1200, 630)
    assert near(image.getpixel(IN_PHOTO), BLUE)
    assert near(image.getpixel((20, 20)), BLUE)


def test_a_photo_waiting_for_the_officer_is_not_on_the_card(client, need):
    NeedPhotoFactory(need=need, large=jpeg(BLUE), original=jpeg(RED), public_copy=NeedPhoto.PublicCopy.WAITING)
    image = card_of(client, reverse("needs:card", args=[need.pk]))
    assert near(image.getpixel(IN_PHOTO), (255, 255, 255))
    assert not any(
        near(image.getpixel((x, 300)), BLUE) or near(image.getpixel((x, 300)), RED) for x in range(0, 480, 40)
    )


def test_the_card_is_kept_and_made_anew_when_the_need_changes(client, need, django_capture_on_commit_callbacks):
    with mock.patch.object(sharecard, "render", wraps=sharecard.render) as render:
        first = sharecard.card_image(need)
        assert sharecard.card_image(need) == first
        assert render.call_count == 1
        old_tag = meta(client.get(need.get_absolute_url()).content.decode())["og:image"]

        with django_capture_on_commit_callbacks(execute=True):
            need.amount_pledged = 9_000_000
            need.save()
        again = sharecard.card_image(need)
        assert render.call_count == 2 and again != first
    # The page names the new picture by a new address, so Facebook fetches it again.
    assert meta(client.get(need.get_absolute_url()).content.decode())["og:image"] != old_tag


def test_a_need_that_is_not_public_has_no_card_and_no_tags(client, area):
    draft = NeedFactory(school=area.school_a, status=Need.Status.DRAFT)
    assert client.get(reverse("needs:card", args=[draft.pk])).status_code == 404
    client.force_login(area.staff_a)
    assert "og:image" not in client.get(draft.get_absolute_url()).content.decode()
    assert client.get(reverse("needs:card", args=[draft.pk])).status_code == 404


def test_a_fund_page_has_its_card(client, area):
    fund = Fund.objects.create(
        office=area.office_a, name="Quỹ Áo ấm cho em vùng cao", slug="quy-ao-am", description="Áo ấm mùa đông."
    )
    Fund.objects.filter(pk=fund.pk).update(amount_received=10_000_000, amount_allocated=2_500_000)
    tags = meta(client.get(reverse("donations:fund", args=[fund.slug])).content.decode())
    assert tags["og:title"] == "Quỹ Áo ấm cho em vùng cao"
    assert tags["og:url"] == f"http://testserver/donations/funds/{fund.slug}/"
    assert tags["twitter:card"] == "summary_large_image" and tags["og:locale"] == "vi_VN"
    assert "10.000.000\u00a0₫" in tags["og:description"]
    image = card_of(client, tags["og:image"].removeprefix("http://testserver"))
    assert image.size == (1200, 630)
    assert client.post(reverse("donations:fund_card", args=[fund.slug])).status_code == 405
