"""Photos for the trust tests: the shipped real photos, the drawn scenes, the changes a
school might make to a photo before posting it again, and storing one on a need."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageEnhance

from needs.services import photo_create

from . import scenes

FOLDER = Path(__file__).parent / "photos"
TEXTURES = {"brick", "grass", "gravel", "hubble_deep_field"}


def real_photos() -> dict[str, Image.Image]:
    return {path.stem: Image.open(path).convert("RGB") for path in sorted(FOLDER.glob("*.jpg"))}


def drawn_scenes(count: int = 10) -> dict[str, Image.Image]:
    """`count` classrooms and `count` toilets."""
    drawn = {}
    for seed in range(count):
        drawn[f"classroom-{seed}"] = scenes.classroom(seed)
        drawn[f"toilet-{seed}"] = scenes.toilet(seed)
    return drawn


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def reopen(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def crop_sides(image: Image.Image, share: float) -> Image.Image:
    width, height = image.size
    dx, dy = int(width * share), int(height * share)
    return image.crop((dx, dy, width - dx, height - dy))


def crop_right(image: Image.Image, share: float) -> Image.Image:
    width, height = image.size
    return image.crop((0, 0, width - int(width * share), height))


# What "the same photo, posted again" may have gone through.
CHANGES = {
    "re-encoded at quality 30": lambda image: reopen(jpeg_bytes(image, 30)),
    "halved": lambda image: image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR),
    "cropped 3% on every side": lambda image: crop_sides(image, 0.03),
    "cropped 5% on the right": lambda image: crop_right(image, 0.05),
    "15% brighter": lambda image: ImageEnhance.Brightness(image).enhance(1.15),
    "15% darker": lambda image: ImageEnhance.Brightness(image).enhance(0.85),
}


def upload(image: Image.Image, name="anh.jpg", quality=90) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(image, quality), content_type="image/jpeg")


def store(image: Image.Image, *, need, actor=None, quality=90):
    """Store the photo on the need as the post form does (needs.services.photo_create)."""
    return photo_create(upload=upload(image, quality=quality), actor=actor, need=need)
