"""An event's plan as a Vietnamese administrative document (Kế hoạch), in the structure of
the seed plan: purpose and requirements; topic, agenda, invitees with the expected head
count, time and place; funding; who does what; recipients and signature."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.documents import render_pdf, render_pdf_locating
from documents.issuers import Issuer, issuer_of_office
from documents.services import Rendered

from .models import Event


def plan_date(event: Event):
    """The date an event's plan carries: the day it was issued; for a draft, today for an
    event still to come, and the event's day for one already held (the body of that day
    issued it)."""
    if event.plan_document_id:
        return event.plan_document.issued_on
    return min(timezone.localdate(), timezone.localdate(event.starts_at))


def plan_title(event: Event) -> str:
    """The summary line of the plan, as the register keeps it: "Tổ chức …"."""
    with translation.override("vi"):
        return f"{_('Organising the')} {event.title}"


def event_plan_pdf(event: Event) -> bytes:
    """A draft plan (kế hoạch) of the campaign's lead office, or of the body that took over
    from it by the plan's date (`documents.issuers`; may raise `NoIssuer`): "Số: …/KH-…".
    An issued plan's document is the stored one (`Event.plan_document`), never this."""
    issuer = issuer_of_office(event.campaign.lead_office, on=plan_date(event))
    return render_pdf("campaigns/event_plan.html", _context(event, issuer, issuer.number("KH")))


def plan_rendered(event: Event, issuer: Issuer, number_text: str) -> Rendered:
    """The plan as issued: its register number ("03/KH-PGDĐT"), date and signer, with the
    place its signature block leaves for the signature."""
    pdf, spaces = render_pdf_locating("campaigns/event_plan.html", _context(event, issuer, number_text), "space")
    return Rendered(pdf=pdf, signature_spaces=spaces)


def _context(event: Event, issuer: Issuer, number: str) -> dict:
    campaign = event.campaign
    return {
        "event": event,
        "campaign": campaign,
        "issuer": issuer,
        "number": number,
        "agenda": list(event.agenda.all()),
        "invitations": list(event.invitations.select_related("office")),
        "budget": list(event.budget_lines.all()),
        "tasks": list(campaign.tasks.select_related("owner").order_by("due_on")),
        "units": list(campaign.responsibilities.select_related("office")),
        "head_count": sum(i.people for i in event.invitations.all()) or event.expected_attendance,
    }
