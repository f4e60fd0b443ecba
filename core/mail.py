"""What every mail the portal builds goes through for its headers.

A name reaches a subject ("Your gift has been delivered to {school}"). Names are one
line when they are typed (core.fields), but a row written before that rule, by a
command or by an administrator's raw update can still hold a line break, and Django
refuses a header with one (BadHeaderError) on every retry. So subjects and display
names are folded here to one line of printable text whatever the text is.
"""

import unicodedata

from django.template.loader import render_to_string


def header_text(value) -> str:
    """Any text as a one-line header value: every control character (CR, LF, tab, NUL…)
    and line separator becomes a space, and runs of spaces fold to one."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(value or ""))
    return " ".join(text.split())


def render_subject(template_name: str, context: dict) -> str:
    """A subject rendered from its template, made one line (the caller picks the language)."""
    return header_text(render_to_string(template_name, context))
