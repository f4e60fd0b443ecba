"""Small images for uploads and stored files, made with Pillow in memory."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg(size=(8, 8), colour=(200, 200, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def png(name="anh.png", size=(64, 48), mode="RGB") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def letter_photo() -> SimpleUploadedFile:
    """A contest letter, photographed: a pale page in portrait."""
    return SimpleUploadedFile("thu.jpg", jpeg((600, 800), (250, 250, 240)), content_type="image/jpeg")


# A real photo with one frontal face the bundled Haar cascade finds (scikit-image's
# astronaut, public domain; tests/trust/photos/README.md), and one with no face at all.
REAL_PHOTOS = Path(__file__).resolve().parent.parent / "trust" / "photos"
FACE_BOX = (136, 51, 77, 77)  # where the detector finds the astronaut's face (left, top, width, height)


def face_photo(name="hoc-sinh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (REAL_PHOTOS / "astronaut.jpg").read_bytes(), content_type="image/jpeg")


def faceless_photo(name="ca-phe.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (REAL_PHOTOS / "coffee.jpg").read_bytes(), content_type="image/jpeg")
