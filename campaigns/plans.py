"""An event's plan as a Vietnamese administrative document (Kế hoạch), in the structure of
the seed plan: purpose and requirements; topic, agenda, invitees with the expected head
count, time and place; funding; who does what; recipients and signature."""

from django.utils import timezone

from core.documents import place_name, render_pdf

from .models import Event


def event_plan_pdf(event: Event) -> bytes:
    campaign = event.campaign
    return render_pdf(
        "campaigns/event_plan.html",
        {
            "event": event,
            "campaign": campaign,
            "place": place_name(campaign.lead_office.unit),
            "year": timezone.localtime(event.starts_at).year,
            "agenda": list(event.agenda.all()),
            "invitations": list(event.invitations.select_related("office")),
            "budget": list(event.budget_lines.all()),
            "tasks": list(campaign.tasks.select_related("owner").order_by("due_on")),
            "units": list(campaign.responsibilities.select_related("office")),
            "head_count": sum(i.people for i in event.invitations.all()) or event.expected_attendance,
        },
    )
