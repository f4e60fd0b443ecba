"""The receipt record of a gift (biên bản tiếp nhận tài trợ, Circular 16/2018/TT-BGDĐT):
the rules and the write that issue it.

A gift to a need that the school confirmed as received (donations.services.pledge_receive)
gets one record, issued by the school: numbered from the school's register ("12/BB-…"),
the giving side as it stands today (the donor's profile for a business or an
organisation, with its tax code; the fund's office for an allocation), the receiving side
(the school, its principal, the head of its receiving team where it has one), the value
received in figures and in words, or the goods, the date it arrived, the need it is for,
and a signature block for each side. The record is for exactly what arrived: a record for
more, or for less, is refused next to the amount.

Gifts to a programme fund are the office's to record, not a school's: they get none here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.documents import render_pdf_locating
from core.formatting import format_vnd
from documents.issuers import issuer_of_school
from documents.models import DocumentKind
from documents.services import Rendered, issue_document
from donations.models import DonorProfile, Pledge

from .models import ReceiptRecord, TeamMember

MAX_TEXT = {"giver_representative": 120, "giver_position": 120, "giver_address": 300}


class RecordRefused(Exception):
    """A record the rules refuse; `field` names the form field it concerns."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- reads the rules need -------------------------------------------------------------


def giver_of(pledge: Pledge) -> dict:
    """The giving side as the record prints it: the fund's office for an allocation; the
    donor's organisation (its name and tax code) when their profile is a business's or an
    organisation's; else the name the donor gave."""
    if pledge.source_fund_id:
        return {"giver_name": pledge.source_fund.office.name[:200], "giver_tax_code": ""}
    profile = DonorProfile.objects.filter(user_id=pledge.donor_id).first() if pledge.donor_id else None
    if profile is not None and profile.kind != DonorProfile.Kind.PERSON:
        return {"giver_name": (profile.name or pledge.donor_name)[:200], "giver_tax_code": profile.tax_code}
    return {"giver_name": pledge.donor_name[:200], "giver_tax_code": ""}


def record_problem(pledge: Pledge) -> str:
    """Why no record can be issued for this gift now; empty when one can."""
    if pledge.need_id is None:
        return _("A gift to a programme fund is recorded by the fund's office, not by a school.")
    if not pledge.is_received:
        return _("This gift has not been confirmed as received: confirm what arrived first, then issue its record.")
    if ReceiptRecord.objects.filter(pledge_id=pledge.pk).exists():
        return _("This gift already has its receipt record.")
    return ""


def amount_problem(pledge: Pledge, amount: int | None) -> str:
    """Why a record for this amount cannot be issued; empty when it is what arrived."""
    received = pledge.received_amount or 0
    if amount is None or amount <= 0:
        return _("The value received must be more than 0 ₫.")
    facts = {
        "received": format_vnd(received),
        "date": date_format(pledge.received_on, "SHORT_DATE_FORMAT") if pledge.received_on else "",
    }
    if amount > received:
        return _("A receipt record cannot be for more than arrived: %(received)s was received on %(date)s.") % facts
    if amount < received:
        return _("The record is for what arrived: %(received)s was received on %(date)s. Write that amount.") % facts
    return ""


def team_head(school) -> TeamMember | None:
    """The head of the school's receiving team, if it has a team with a head."""
    return TeamMember.objects.filter(team__school=school, role=TeamMember.Role.HEAD).order_by("position", "pk").first()


# --- the write ----------------------------------------------------------------------


def record_issue(
    *,
    pledge: Pledge,
    actor,
    signer,
    amount: int | None = None,
    giver_representative: str = "",
    giver_position: str = "",
    giver_address: str = "",
    goods_description: str | None = None,
) -> ReceiptRecord:
    """Issue the receipt record of a received gift, signed for the school by `signer`
    (one of its documents.Signer), in one transaction: lock the pledge, check it again,
    take the next number of the school's register, render the PDF and keep it. `amount`
    defaults to what arrived; anything else is refused.

    Raises RecordRefused (with the field), documents.issuers.NoIssuer, or
    ValidationError for a signer who cannot sign for the school. Signing the stored PDF
    is the caller's next step (documents.services.sign_issued)."""
    texts = {
        "giver_representative": (giver_representative or "").strip(),
        "giver_position": (giver_position or "").strip(),
        "giver_address": (giver_address or "").strip(),
    }
    for field, limit in MAX_TEXT.items():
        if len(texts[field]) > limit:
            raise RecordRefused(
                _("Write at most %(limit)s characters here.") % {"limit": limit},
                field=field,
            )
    with transaction.atomic():
        locked = (
            Pledge.objects.select_for_update(of=("self",))
            .select_related("need__school__commune", "source_fund__office")
            .get(pk=pledge.pk)
        )
        problem = record_problem(locked)
        if problem:
            raise RecordRefused(problem)
        amount = locked.received_amount if amount is None else amount
        problem = amount_problem(locked, amount)
        if problem:
            raise RecordRefused(problem, field="amount")
        need = locked.need
        school = need.school
        today = timezone.localdate()
        try:
            issuer = issuer_of_school(school, on=today).with_signer(signer)
        except ValueError as refused:
            raise ValidationError({"signer": _("This person cannot sign for this body.")}) from refused
        goods = locked.goods_description if goods_description is None else goods_description.strip()
        record = ReceiptRecord(
            pledge=locked,
            amount=amount,
            goods_description=goods if locked.kind == Pledge.Kind.GOODS else "",
            received_on=locked.received_on or today,
            created_by=actor,
            **giver_of(locked),
            **texts,
        )
        context = {
            "record": record,
            "pledge": locked,
            "need": need,
            "school": school,
            "head": team_head(school),
            "issuer": issuer,
        }
        record.document = issue_document(
            kind=DocumentKind.RECORD,
            issuer=issuer,
            title=record_title(record),
            user=actor,
            render=lambda document: record_rendered({**context, "number": document.number_text}),
        )
        record._history_user = actor
        record.save()
    return record


def record_title(record: ReceiptRecord) -> str:
    """The summary line as the register keeps it (always Vietnamese)."""
    with translation.override("vi"):
        return _("Receipt of sponsorship from %(giver)s") % {"giver": record.giver_name}


def record_rendered(context: dict) -> Rendered:
    """The record as issued; the school's signature block is the last space on it."""
    with translation.override("vi"):
        pdf, spaces = render_pdf_locating("receiving/receipt_record.html", context, "space")
    return Rendered(pdf=pdf, signature_spaces=spaces)
