"""An event's plan as a Vietnamese administrative document (Kế hoạch), in the structure of
the seed plan: purpose and requirements; topic, agenda, invitees with the expected head
count, time and place; funding; who does what; recipients and signature."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from .models import Event


def place_name(unit) -> str:
    """ "Tỉnh Bắc Giang" -> "Bắc Giang", as the place line of a document writes it."""
    for prefix in ("Tỉnh ", "Thành phố ", "Huyện ", "Quận ", "Thị xã ", "Xã ", "Phường ", "Thị trấn "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def event_plan_pdf(event: Event) -> bytes:
    campaign = event.campaign
    with translation.override("vi"):
        html = render_to_string(
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
    return HTML(string=html).write_pdf()
