"""The thank-you letter: a one-page PDF in the usual Vietnamese administrative layout,
issued by the school that received the gift and signed by its principal."""

from django.utils import timezone

from core.documents import render_pdf
from documents.issuers import issuer_of_school

from .models import Pledge


def thank_you_pdf(pledge: Pledge) -> bytes:
    """Dated the day it is printed (may raise `documents.issuers.NoIssuer`). A letter has
    no kind in its number: "Số: …/PTDTBTTHPX"."""
    school = pledge.need.school
    issuer = issuer_of_school(school, on=timezone.localdate())
    return render_pdf(
        "donations/thank_you_letter.html",
        {"pledge": pledge, "need": pledge.need, "school": school, "issuer": issuer, "number": issuer.number()},
    )
