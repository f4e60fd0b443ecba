"""Interim and final reviews (sơ kết, tổng kết): figures from the data, the officer's own
words, rendered as a Vietnamese administrative report (PDF)."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.documents import render_pdf, render_pdf_locating
from documents.issuers import Issuer, issuer_of_office
from documents.services import Rendered
from donations.selectors import honour_roll_of_needs
from needs.models import Category, Need
from schools.selectors import schools_ever_in

from .models import Campaign, Review, Task


def _money_rows(needs, group_by):
    return (
        needs.values(*group_by)
        .annotate(
            count=Count("pk"),
            delivered=Count("pk", filter=Q(status__in=Need.DELIVERED_STATUSES)),
            pupils=Sum("pupils_benefiting"),
            requested=Sum("amount_requested"),
            pledged=Sum("amount_pledged"),
            received=Sum("amount_received"),
        )
        .order_by(*group_by)
    )


def review_figures(campaign: Campaign) -> dict:
    needs = campaign.needs().public()
    labels = dict(Category.choices)
    by_category = [{**row, "label": labels[row["category"]]} for row in _money_rows(needs, ["category"])]
    # Under the commune each need was made in: a school that moved since stays listed
    # where the campaign counted it.
    by_school = list(_money_rows(needs, ["commune__name", "school__name"]))
    totals = needs.aggregate(
        count=Count("pk"),
        delivered=Count("pk", filter=Q(status__in=Need.DELIVERED_STATUSES)),
        pupils=Sum("pupils_benefiting"),
        requested=Sum("amount_requested"),
        pledged=Sum("amount_pledged"),
        received=Sum("amount_received"),
    )
    schools = schools_ever_in(campaign.scope)
    tasks = campaign.tasks.select_related("owner")
    today = timezone.localdate()
    return {
        "by_category": by_category,
        "by_school": by_school,
        "totals": {key: value or 0 for key, value in totals.items()},
        "roll": honour_roll_of_needs(campaign.needs(), limit=30),
        "tasks_done": list(tasks.filter(status=Task.Status.DONE)),
        "tasks_overdue": list(tasks.filter(status__in=Task.OPEN_STATUSES, due_on__lt=today)),
        "events": list(campaign.events.filter(starts_at__lte=timezone.now()).order_by("starts_at")),
        "communications": campaign.communications.count(),
        "schools_posting": needs.values("school").distinct().count(),
        "schools_total": schools.count(),
    }


def review_date(review: Review):
    """The date a review carries: the day it was issued, or today for a draft."""
    return timezone.localdate(review.issued_at) if review.issued_at else timezone.localdate()


def review_title(review: Review) -> str:
    """The summary line of the report, as the register keeps it: "Sơ kết thực hiện …"."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("vi"):
        return f"{review.get_kind_display()} {_('of the implementation of')} {review.campaign.name}"


def _context(review: Review, issuer: Issuer, number: str) -> dict:
    return {
        "review": review,
        "campaign": review.campaign,
        "figures": review_figures(review.campaign),
        "issuer": issuer,
        "number": number,
    }


def review_pdf(review: Review) -> bytes:
    """A draft review as a report (báo cáo) of the campaign's lead office, or of the body
    that took over from it by the review's date (`documents.issuers`; may raise
    `NoIssuer`): "Số: …/BC-…", no signer yet. A review issued before reviews were numbered
    by the register prints the number its officer typed. An issued review's document is
    the stored one (`Review.document`), never this."""
    issuer = issuer_of_office(review.campaign.lead_office, on=review_date(review))
    return render_pdf("campaigns/review_document.html", _context(review, issuer, issuer.number("BC", review.number)))


def review_rendered(review: Review, issuer: Issuer, number_text: str) -> Rendered:
    """The review as issued: its number in the register ("01/BC-SGDĐT"), its date and its
    signer (`issuer.with_signer`), with the place the signature block leaves for the
    signature (documents.services.issue_document)."""
    pdf, spaces = render_pdf_locating("campaigns/review_document.html", _context(review, issuer, number_text), "space")
    return Rendered(pdf=pdf, signature_spaces=spaces)
