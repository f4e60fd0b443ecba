"""The picture a shared link shows (Open Graph and Twitter cards: Facebook, Zalo).

1200 × 630 pixels, the size Facebook and Twitter's large card crop to, as a JPEG (a photo
compresses far better than in PNG and every crawler reads it). The title is wrapped in
DejaVu Sans (fonts-dejavu-core, installed by `make` and .ci/run), which has every
Vietnamese letter and ₫; under it the school or office and the place, then a progress
bar with its figures in VND. A photo, when given, fills the left part: the caller passes
only the PUBLIC copy of a publishable photo (needs.sharecard), never an original.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont, ImageOps

from .images import decode_slot

SIZE = (1200, 630)
PHOTO_WIDTH = 480  # the photo's column on the left; the text takes the rest
MARGIN = 56
INK = (33, 37, 41)
MUTED = (90, 98, 105)
BRAND = (25, 135, 84)  # the portal's green (Bootstrap's success)
TRACK = (222, 226, 230)
PAPER = (255, 255, 255)
BAND = (232, 245, 238)


@dataclass(frozen=True)
class Card:
    title: str
    lines: tuple[str, ...]  # the school or office, the place
    fraction: float  # of the bar, 0 to 1
    figures: str  # "1.250.000 ₫ / 5.000.000 ₫"
    caption: str  # what the bar counts ("raised", "allocated")
    kicker: str  # the site's name, on top


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(settings.SHARE_CARD_FONT_BOLD if bold else settings.SHARE_CARD_FONT, size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap; the last line ends in "…" when the text does not fit."""
    lines: list[str] = []
    words = text.split()
    current = ""
    for index, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines:
            current = ""
            words_left = words[index:]
            last = lines[-1]
            while draw.textlength(last + " …", font=font) > width and " " in last:
                last = last.rsplit(" ", 1)[0]
            lines[-1] = last + " …" if words_left else last
            return lines
    if current:
        lines.append(current)
    return lines


def _cover(photo: Image.Image, size: tuple[int, int]) -> Image.Image:
    return ImageOps.fit(ImageOps.exif_transpose(photo).convert("RGB"), size, Image.Resampling.LANCZOS)


@decode_slot()
def render(card: Card, photo_file=None) -> bytes:
    """The card as JPEG bytes. `photo_file`: an open file of the public copy, or None."""
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    left = MARGIN
    if photo_file is not None:
        with Image.open(photo_file) as photo:
            image.paste(_cover(photo, (PHOTO_WIDTH, SIZE[1])), (0, 0))
        left = PHOTO_WIDTH + MARGIN
    else:
        # No photo: a band of the portal's colour keeps the card recognisable.
        draw.rectangle((0, 0, 24, SIZE[1]), fill=BRAND)
        left = 24 + MARGIN
    width = SIZE[0] - left - MARGIN

    y = MARGIN - 8
    draw.text((left, y), card.kicker.upper(), font=_font(True, 24), fill=BRAND)
    y += 48
    title_font = _font(True, 50 if photo_file is None else 44)
    for line in _wrap(draw, card.title, title_font, width, 3):
        draw.text((left, y), line, font=title_font, fill=INK)
        y += int(title_font.size * 1.22)
    y += 14
    small = _font(False, 28)
    for text in filter(None, card.lines):
        for line in _wrap(draw, text, small, width, 1):
            draw.text((left, y), line, font=small, fill=MUTED)
            y += 38

    # The bar and its figures sit at the bottom whatever the title's length.
    bar_top = SIZE[1] - MARGIN - 96
    draw.rounded_rectangle((left, bar_top, left + width, bar_top + 26), radius=13, fill=TRACK)
    filled = round(width * max(0.0, min(card.fraction, 1.0)))
    if filled:
        draw.rounded_rectangle((left, bar_top, left + max(filled, 26), bar_top + 26), radius=13, fill=BRAND)
    figures_font = _font(True, 34)
    draw.text((left, bar_top + 42), card.figures, font=figures_font, fill=INK)
    percent = f"{round(card.fraction * 100)}%"
    draw.text(
        (left + width - draw.textlength(percent, font=figures_font), bar_top + 42),
        percent,
        font=figures_font,
        fill=BRAND,
    )
    caption_font = _font(False, 22)
    draw.text((left, bar_top - 34), card.caption, font=caption_font, fill=MUTED)

    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True, progressive=True)
    return out.getvalue()
