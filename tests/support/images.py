"""Small images for uploads and stored files, made with Pillow in memory."""

import io

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
