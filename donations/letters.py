"""The thank-you letter: a one-page PDF in the usual Vietnamese administrative layout."""

from django.utils import timezone

from core.documents import render_pdf

from .models import Pledge


def thank_you_pdf(pledge: Pledge) -> bytes:
    return render_pdf(
        "donations/thank_you_letter.html",
        {"pledge": pledge, "need": pledge.need, "school": pledge.need.school, "today": timezone.localdate()},
    )
