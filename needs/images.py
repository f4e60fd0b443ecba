"""Accept an uploaded photo only if its content is a real JPEG, PNG or WebP within the
limits, and store it re-encoded: the re-encode drops EXIF (GPS included) and anything
hidden after the image data."""

import io
import warnings
from dataclasses import dataclass

import imagehash
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.formatting import format_number

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


def process_photo(upload, *, blur_faces: bool = False) -> ProcessedImage:
    """Validate an upload by its content and return the large and thumbnail JPEGs; with
    blur_faces, pupils' faces are blurred on both (needs.faces) and the original kept.

    Raises ValidationError with a message a school clerk can act on.
    """
    name = getattr(upload, "name", "") or ""
    max_bytes = settings.NEED_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB. Please send a smaller photo.")
            % {"name": name, "limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    max_pixels = settings.NEED_PHOTO_MAX_PIXELS
    not_an_image = ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name}, code="not_an_image"
    )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, on decompression bombs: both are refusals here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise not_an_image
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("“%(name)s” is %(width)s × %(height)s pixels; the limit is %(limit)s million pixels.")
                    % {
                        "name": name,
                        "width": format_number(width),
                        "height": format_number(height),
                        "limit": max_pixels // 1_000_000,
                    },
                    code="too_many_pixels",
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” is too large to open safely.") % {"name": name}, code="decompression_bomb"
        ) from None
    except UnidentifiedImageError:
        raise not_an_image from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("“%(name)s” is damaged or incomplete. Please take or send the photo again.") % {"name": name},
            code="damaged",
        ) from None

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
