"""The thank-you letter: a one-page PDF in the usual Vietnamese administrative layout,
issued by the school that received the gift and signed by its principal, or, for a gift
to a programme fund, by the fund's office."""

from django.utils import timezone

from core.documents import render_pdf
from documents.issuers import issuer_of_office, issuer_of_school

from .models import Pledge


def thank_you_pdf(pledge: Pledge) -> bytes:
    """Dated the day it is printed (may raise `documents.issuers.NoIssuer`). A letter has
    no kind in its number: "Số: …/PTDTBTTHPX"."""
    if pledge.fund_id:
        # A gift to a programme fund is thanked by the fund's office.
        fund = pledge.fund
        issuer = issuer_of_office(fund.office, on=timezone.localdate())
        context = {"fund": fund, "office": fund.office}
    else:
        school = pledge.need.school
        issuer = issuer_of_school(school, on=timezone.localdate())
        context = {"need": pledge.need, "school": school}
    return render_pdf(
        "donations/thank_you_letter.html", {"pledge": pledge, "issuer": issuer, "number": issuer.number(), **context}
    )
