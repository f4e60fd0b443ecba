"""Printed documents: an HTML template rendered to PDF by WeasyPrint, and the response
that hands it over. Official documents (letters, plans, reviews, certificates) are always
in Vietnamese, whatever language the reader browses in. Every one extends
templates/documents/base.html, whose one stylesheet (templates/documents/document.css) lays
it out as Decree 30/2020/NĐ-CP's Appendix I does.

Their face is Liberation Serif 2.x (Debian's fonts-liberation2), the metric twin of Times
New Roman with every Vietnamese letter and ₫, as Decree 30 asks for a Times face. The 1.07
package (no ư, ơ, ộ, ₫) that Chromium pulls in has the same family name; where both are
installed fontconfig takes the higher version, and the system check `core.W001` says when
2.x is missing (tests/documents/test_fonts.py reads the face out of the PDF)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict) -> bytes:
    with translation.override("vi"):
        html = render_to_string(template_name, context)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint takes a second to import; most processes never print.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF as a download named `filename`."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The files of the face (checked by core.checks); the templates ask for the family.
DOCUMENT_FONT = "Liberation Serif"
DOCUMENT_FONT_FILES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)
