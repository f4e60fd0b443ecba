"""Filters of the Decree 30 layout (templates/documents/base.html): the date line's day and
month, and a header name that wraps between the body and its place, never inside either."""

from datetime import date

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from documents.issuers import PLACE_KINDS

register = template.Library()

NO_BREAK_SPACE = "\u00a0"
# The kinds of unit as a header writes them, longest first ("THỊ XÃ" before "XÃ").
UNIT_KINDS = sorted((kind.upper() for kind in PLACE_KINDS), key=len, reverse=True)


@register.filter
def decree30_day(day: date) -> str:
    """The day as the date line writes it: a day below 10 with a leading 0 ("ngày 02"),
    others as they are (Decree 30/2020/NĐ-CP, Appendix I, II.5.b)."""
    return f"{day.day:02d}"


@register.filter
def decree30_month(day: date) -> str:
    """The month as the date line writes it: January and February with a leading 0
    ("tháng 01", "tháng 02"), the others without ("tháng 3", "tháng 12"), so that no month
    can be misread (Decree 30/2020/NĐ-CP, Appendix I, II.5.b)."""
    return f"{day.month:02d}" if day.month < 3 else str(day.month)


@register.filter(needs_autoescape=True)
@stringfilter
def keep_place(name: str, autoescape: bool = True) -> str:
    """ "ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO" with its place ("HUYỆN TUẦN GIÁO") held on one
    line: a name too long for the header's column then wraps once, between the body and
    the place, never inside the place's name."""
    escape = conditional_escape if autoescape else str
    words = name.split(" ")
    start = _place_start(words)
    if start is None:
        return escape(name)
    body, place = " ".join(words[:start]), NO_BREAK_SPACE.join(words[start:])
    return mark_safe(f"{escape(body)} {escape(place)}")  # noqa: S308 - both parts are escaped


def _place_start(words: list[str]) -> int | None:
    """Where the last place in a name begins ("ỦY BAN NHÂN DÂN THỊ XÃ MƯỜNG LAY" -> 4, at
    "THỊ"); `None` when the name holds no place after its first word."""

    def starts_a_place(index):
        rest = " ".join(words[index:])
        return any(rest.startswith(f"{kind} ") for kind in UNIT_KINDS)

    for start in range(len(words) - 2, 0, -1):
        if starts_a_place(start):
            return start - 1 if start > 1 and starts_a_place(start - 1) else start
    return None
