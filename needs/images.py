"""Accept an uploaded photo only if its content is a real JPEG, PNG or WebP within the
limits, and store it re-encoded: the re-encode drops EXIF (GPS included) and anything
hidden after the image data."""

import io
from dataclasses import dataclass

import imagehash
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from core.images import decode_slot, open_upload

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
LARGE_SIDE = 1600
THUMB_SIZE = (480, 360)


@dataclass
class ProcessedImage:
    large: ContentFile
    thumb: ContentFile
    phash: int
    dhash: int


def _signed(value: imagehash.ImageHash) -> int:
    """A 64-bit hash as the signed integer a BigIntegerField holds (same bits)."""
    number = int(str(value), 16)
    return number - (1 << 64) if number >= 1 << 63 else number


def perceptual_hashes(image: Image.Image) -> tuple[int, int]:
    """The photo's DCT hash (phash) and gradient hash (dhash), 64 bits each, as signed
    integers. Computed on the stored large image, so a backfill from the file gives the
    same values. trust.matching says why these two and how far apart is "the same"."""
    return _signed(imagehash.phash(image)), _signed(imagehash.dhash(image))


def hashes_of_file(file) -> tuple[int, int]:
    file.open("rb")
    try:
        with Image.open(file) as image:
            return perceptual_hashes(image.convert("RGB"))
    finally:
        file.close()


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No exif= argument: the saved file carries no metadata at all.
    image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


@decode_slot()
def process_photo(upload) -> ProcessedImage:
    """Validate an upload by its content and return the large and thumbnail JPEGs.

    Raises ValidationError with a message a school clerk can act on.
    """
    # Refused from its header alone when it would cost too much to decode (core.images);
    # decoded, and processed below, inside one of the machine's few decode slots.
    image = open_upload(
        upload,
        formats=ALLOWED_FORMATS,
        max_bytes=settings.NEED_PHOTO_MAX_BYTES,
        max_pixels=settings.NEED_PHOTO_MAX_PIXELS,
        keep_long_side=LARGE_SIDE,
    )

    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    large = image.copy()
    large.thumbnail((LARGE_SIDE, LARGE_SIDE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(image, THUMB_SIZE, Image.Resampling.LANCZOS)
    large_bytes = _encode(large)
    with Image.open(io.BytesIO(large_bytes)) as stored:
        phash, dhash = perceptual_hashes(stored.convert("RGB"))
    return ProcessedImage(
        large=ContentFile(large_bytes, name="large.jpg"),
        thumb=ContentFile(_encode(thumb), name="thumb.jpg"),
        phash=phash,
        dhash=dhash,
    )
