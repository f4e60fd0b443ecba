"""Formatting the Vietnamese way, available in every template (a builtin)."""

from django import template

from core.formatting import format_number, format_vnd
from core.vnwords import amount_in_words

register = template.Library()


@register.filter
def vnd(amount):
    return format_vnd(amount)


@register.filter
def in_words(amount):
    """5000000 -> "Năm triệu đồng": the amount in words under its figure (core.vnwords)."""
    if amount is None or amount == "":
        return ""
    return amount_in_words(int(amount))


@register.filter
def num(value):
    if value is None or value == "":
        return ""
    return format_number(value)


@register.filter
def percent(value, digits=0):
    """A fraction as a Vietnamese percentage: 0.256 -> "26%", with a decimal comma."""
    if value is None:
        return ""
    text = f"{float(value) * 100:.{int(digits)}f}".replace(".", ",")
    return f"{text}%"


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }}: look a key up where the key is a variable."""
    return mapping.get(key)


@register.filter
def days_since(moment):
    """Whole days from a date or datetime until now (0 for today), for "waiting N days"."""
    if not moment:
        return 0
    from django.utils import timezone

    today = timezone.localdate()
    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    return max((today - day).days, 0)


@register.filter
def isodate(text):
    """ "2026-11-20" (as stored in JSON) -> "20/11/2026"; anything else unchanged."""
    from datetime import date

    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return text


@register.filter
def nobreak(value):
    """Keep a document number like "288/SGDĐT-VP" on one line in printed documents."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    return mark_safe(f'<span class="nowrap">{escape(value)}</span>')  # noqa: S308 - the value is escaped
