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


def html_body(*, subject: str, text: str, link: str = "", link_label: str = "") -> str:
    """The HTML twin of a plain-text mail: the same words in the portal's one mail layout
    (`templates/email/base.html`: tables and inline styles only, as mail readers need), its
    paragraphs kept, its addresses made links, and the main link as a button. The caller
    picks the language, as for the subject."""
    from django.conf import settings

    return render_to_string(
        "email/base.html",
        {
            "subject": subject,
            "text": text,
            "link": link,
            "link_label": link_label,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        },
    )
