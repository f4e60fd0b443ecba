"""An event's plan as a Vietnamese administrative document (Kế hoạch), in the structure of
the seed plan: purpose and requirements; topic, agenda, invitees with the expected head
count, time and place; funding; who does what; recipients and signature."""

from django.utils import timezone

from core.documents import render_pdf
from documents.issuers import issuer_of_office

from .models import Event


def plan_date(event: Event):
    """The date an event's plan carries: a plan is issued before its event, so today for
    an event still to come, and the event's day for one already held (the body of that
    day issued it)."""
    return min(timezone.localdate(), timezone.localdate(event.starts_at))


def event_plan_pdf(event: Event) -> bytes:
    """The plan (kế hoạch) of the campaign's lead office, or of the body that took over
    from it by the plan's date (`documents.issuers`; may raise `NoIssuer`)."""
    campaign = event.campaign
    issuer = issuer_of_office(campaign.lead_office, on=plan_date(event))
    return render_pdf(
        "campaigns/event_plan.html",
        {
            "event": event,
            "campaign": campaign,
            "issuer": issuer,
            "number": issuer.number("KH"),
            "agenda": list(event.agenda.all()),
            "invitations": list(event.invitations.select_related("office")),
            "budget": list(event.budget_lines.all()),
            "tasks": list(campaign.tasks.select_related("owner").order_by("due_on")),
            "units": list(campaign.responsibilities.select_related("office")),
            "head_count": sum(i.people for i in event.invitations.all()) or event.expected_attendance,
        },
    )
