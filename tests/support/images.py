"""Small images for uploads and stored files, made with Pillow in memory."""

import functools
import io
import struct
import zlib
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


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb_bytes(width=6300, height=6300) -> bytes:
    """A valid RGBA PNG of width × height transparent pixels, written row by row so that
    making it never holds the picture: 6300 × 6300 (159 MB decoded) is about 154 KB."""
    return _png_bomb_bytes(width, height)


@functools.cache
def _png_bomb_bytes(width, height) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    compressor = zlib.compressobj(6)
    row = b"\0" * (1 + 4 * width)  # filter byte, then the pixels
    parts = [compressor.compress(row * min(100, height - top)) for top in range(0, height, 100)]
    parts.append(compressor.flush())
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


def png_bomb(name="bom.png", width=6300, height=6300) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bomb_bytes(width, height), content_type="image/png")


@functools.cache
def phone_jpeg_bytes() -> bytes:
    """A 12-megapixel photo as a phone takes it (4032 × 3024), with some detail."""
    image = Image.linear_gradient("L").resize((4032, 3024)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def phone_jpeg(name="dien-thoai.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, phone_jpeg_bytes(), content_type="image/jpeg")


# A real photo with one frontal face the bundled Haar cascade finds (scikit-image's
# astronaut, public domain; tests/trust/photos/README.md), and one with no face at all.
REAL_PHOTOS = Path(__file__).resolve().parent.parent / "trust" / "photos"
FACE_BOX = (136, 51, 77, 77)  # where the detector finds the astronaut's face (left, top, width, height)


def face_photo(name="hoc-sinh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (REAL_PHOTOS / "astronaut.jpg").read_bytes(), content_type="image/jpeg")


def faceless_photo(name="ca-phe.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (REAL_PHOTOS / "coffee.jpg").read_bytes(), content_type="image/jpeg")
