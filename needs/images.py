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

from . import faces

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
LARGE_SIDE = 1600
THUMB_SIZE = (480, 360)


@dataclass
class ProcessedImage:
    large: ContentFile
    thumb: ContentFile
    phash: int
    dhash: int
    # With blur_faces: the photo as sent (large), kept privately when a face was blurred,
    # and how many faces were found (None: the detector was not run).
    original: ContentFile | None = None
    faces: int | None = None


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


def public_copies(image: Image.Image) -> tuple[bytes, bytes]:
    """The large and thumbnail JPEGs of an RGB image."""
    large = image.copy()
    large.thumbnail((LARGE_SIDE, LARGE_SIDE), Image.Resampling.LANCZOS)
    return _encode(large), _encode(ImageOps.fit(image, THUMB_SIZE, Image.Resampling.LANCZOS))


@decode_slot()
def process_photo(upload, *, blur_faces: bool = False) -> ProcessedImage:
    """Validate an upload by its content and return the large and thumbnail JPEGs; with
    blur_faces, pupils' faces are blurred on both (needs.faces) and the original kept.

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
    original, found = None, None
    if blur_faces:
        blurred, boxes = faces.blur_faces(image)
        found = len(boxes)
        if boxes:
            original = ContentFile(public_copies(image)[0], name="original.jpg")
            image = blurred
    large_bytes, thumb_bytes = public_copies(image)
    with Image.open(io.BytesIO(large_bytes)) as stored:
        phash, dhash = perceptual_hashes(stored.convert("RGB"))
    return ProcessedImage(
        large=ContentFile(large_bytes, name="large.jpg"),
        thumb=ContentFile(thumb_bytes, name="thumb.jpg"),
        phash=phash,
        dhash=dhash,
        original=original,
        faces=found,
    )
