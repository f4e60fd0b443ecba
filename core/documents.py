"""Printed documents: an HTML template rendered to PDF by WeasyPrint, and the response
that hands it over. Official documents (letters, plans, reviews, certificates) are always
in Vietnamese, whatever language the reader browses in."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict) -> bytes:
    # WeasyPrint takes a second to import; most processes never print.
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(template_name, context)
    return HTML(string=html).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF as a download named `filename`."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
