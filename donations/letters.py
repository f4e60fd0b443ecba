"""The thank-you letter: a one-page PDF in the usual Vietnamese administrative layout."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from .models import Pledge


def thank_you_pdf(pledge: Pledge) -> bytes:
    # An official letter: always Vietnamese, whatever language the donor browses in.
    with translation.override("vi"):
        html = render_to_string(
            "donations/thank_you_letter.html",
            {"pledge": pledge, "need": pledge.need, "school": pledge.need.school, "today": timezone.localdate()},
        )
    return HTML(string=html).write_pdf()
