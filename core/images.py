"""The one gate every uploaded image passes before it is decoded.

An image file says how big it is in its header, long before its pixels: a 154 KB PNG
can announce 6300 × 6300 RGBA, and decoding it then costs 159 MB and seconds of CPU.
Pillow's `Image.open` reads only that header, so `open_upload` decides there, from the
header alone, whether the work is affordable:

- the file's size, its format (by content, never by name) and its pixel count;
- the bytes the decoded picture would take (width × height × channels, after asking a
  JPEG decoder to scale down by 2, 4 or 8 when the result is only needed that small:
  `Image.draft`, which makes a phone photo a quarter of the work), against
  IMAGE_DECODE_MAX_BYTES per image and IMAGE_DECODE_MAX_BYTES_PER_REQUEST per request;
- for a JPEG, the number of scans (a progressive JPEG decodes every scan over the whole
  picture, so thousands of tiny scans are a CPU bomb of a few kilobytes).

What is affordable is decoded, and processed by the caller, while holding one of
IMAGE_DECODES_AT_ONCE slots shared by every web process on the machine (byte-range
locks on one file: the kernel frees a crashed process's slot, no Redis needed). So a
burst of photo uploads occupies at most that many processes' CPU; the other workers
keep answering pages and `/livez/`. A request that cannot get a slot within
IMAGE_DECODE_WAIT_SECONDS is told to try again, rather than queueing behind a flood
until gunicorn kills it. The upload stays synchronous: the caller's block runs inside
the slot (`@decode_slot()` on the function that decodes, resizes and re-encodes) and
the photo is stored when the form saves.
"""

import contextvars
import fcntl
import io
import math
import os
import threading
import time
import warnings
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.formatting import format_number

# Decoded bytes charged to the request being answered; None outside a request (a
# command, a task), where only the per-image budget applies.
_charged = contextvars.ContextVar("image_decode_bytes_charged", default=None)
# lockf locks belong to the process: threads of one process (gthread workers) must
# also take turns among themselves.
_in_process = threading.Lock()
# True while this thread holds a decode slot.
_holding = contextvars.ContextVar("image_decode_slot_held", default=False)

MEGABYTE = 1024 * 1024
# Modes whose working copy gains an alpha channel (converted to RGBA before flattening).
_WITH_ALPHA = {"RGBA", "RGBa", "LA", "La", "PA", "P"}


def _start_request_budget(**kwargs):
    _charged.set(0)


def _end_request_budget(**kwargs):
    _charged.set(None)


request_started.connect(_start_request_budget, dispatch_uid="core.images.start_budget")
request_finished.connect(_end_request_budget, dispatch_uid="core.images.end_budget")


def decoded_bytes(image: Image.Image) -> int:
    """The bytes the picture takes once decoded and made RGB or RGBA to work on: the
    memory the decode and each working copy allocate."""
    width, height = image.size
    channels = 4 if image.mode in _WITH_ALPHA or "transparency" in image.info else max(len(image.getbands()), 3)
    return width * height * channels


def jpeg_scans(data: bytes) -> int:
    """Start-of-scan markers in a JPEG (0xFF 0xDA). Inside entropy-coded data a 0xFF is
    always followed by 0x00 or a restart marker, so every such pair is a real scan."""
    return data.count(b"\xff\xda")


def _draft_size(size: tuple[int, int], keep_long_side: int) -> tuple[int, int] | None:
    """The smallest size a JPEG may be decoded at so its long side stays at least
    `keep_long_side` (Pillow's draft then picks a scale of 1/2, 1/4 or 1/8 at most that)."""
    width, height = size
    factor = keep_long_side / max(width, height)
    if factor >= 1:
        return None
    return max(1, math.ceil(width * factor)), max(1, math.ceil(height * factor))


def _too_big(name: str, needed: int) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” would take %(needed)s MB of memory to open; the limit is %(limit)s MB. "
            "Please send a smaller photo."
        )
        % {
            "name": name,
            "needed": format_number(math.ceil(needed / MEGABYTE)),
            "limit": format_number(settings.IMAGE_DECODE_MAX_BYTES // MEGABYTE),
        },
        code="too_much_to_decode",
        params={"needed": needed},
    )


def inspect(
    data: bytes, *, name: str, formats: set[str], max_pixels: int, keep_long_side: int | None = None
) -> Image.Image:
    """Open `data` from its header only and refuse it when decoding it would cost too
    much. Returns the image, not yet decoded (a JPEG already set to decode scaled down).
    Raises ValidationError with a message a school clerk can act on."""
    not_an_image = ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name}, code="not_an_image"
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, on decompression bombs: both are refusals here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” is too large to open safely.") % {"name": name}, code="decompression_bomb"
        ) from None
    except UnidentifiedImageError:
        raise not_an_image from None
    except (OSError, SyntaxError, ValueError):
        raise _damaged(name) from None
    if image.format not in formats:
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
    if image.format == "JPEG":
        if jpeg_scans(data) > settings.IMAGE_JPEG_MAX_SCANS:
            raise _damaged(name)
        if keep_long_side and (size := _draft_size(image.size, keep_long_side)):
            image.draft(image.mode, size)
    needed = decoded_bytes(image)
    if needed > settings.IMAGE_DECODE_MAX_BYTES:
        raise _too_big(name, needed)
    charged = _charged.get()
    if charged is not None:
        if charged + needed > settings.IMAGE_DECODE_MAX_BYTES_PER_REQUEST:
            raise ValidationError(
                _(
                    "“%(name)s” was not opened: the photos sent at once are too large together. "
                    "Send it again on its own."
                )
                % {"name": name},
                code="request_budget",
            )
        _charged.set(charged + needed)
    return image


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is damaged or incomplete. Please take or send the photo again.") % {"name": name},
        code="damaged",
    )


@contextmanager
def decode_slot():
    """Hold one of IMAGE_DECODES_AT_ONCE machine-wide slots while the block (or the
    decorated function) runs; nested use holds the one slot. Raises ValidationError
    when none comes free within IMAGE_DECODE_WAIT_SECONDS."""
    if _holding.get():
        yield
        return
    deadline = time.monotonic() + settings.IMAGE_DECODE_WAIT_SECONDS
    busy = ValidationError(
        _("Many photos are being processed right now. Please send this one again in a minute."), code="busy"
    )
    if not _in_process.acquire(timeout=settings.IMAGE_DECODE_WAIT_SECONDS):
        raise busy
    try:
        path = settings.IMAGE_DECODE_LOCK_FILE
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            slot = _take_slot(descriptor, deadline)
            if slot is None:
                raise busy
            token = _holding.set(True)
            try:
                yield
            finally:
                _holding.reset(token)
                fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, slot)
        finally:
            os.close(descriptor)
    finally:
        _in_process.release()


def _take_slot(descriptor: int, deadline: float) -> int | None:
    while True:
        for slot in range(settings.IMAGE_DECODES_AT_ONCE):
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
                return slot
            except OSError:
                continue
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def open_upload(
    upload, *, formats: set[str], max_bytes: int, max_pixels: int, keep_long_side: int | None = None
) -> Image.Image:
    """The uploaded image, checked from its header (`inspect`), then decoded. Call it
    inside `decode_slot` (as a decorator of the function that also resizes and
    re-encodes). Raises ValidationError for anything refused."""
    if not _holding.get():
        raise RuntimeError("Decode images inside core.images.decode_slot().")
    name = getattr(upload, "name", "") or ""
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB. Please send a smaller photo.")
            % {"name": name, "limit": max_bytes // MEGABYTE},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    image = inspect(data, name=name, formats=formats, max_pixels=max_pixels, keep_long_side=keep_long_side)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise _damaged(name) from None
    return image
