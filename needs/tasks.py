from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.jobs import each_row

from .models import Need
from .services import ActionInvalid, delete_abandoned_photos, need_transition


def overdue_needs():
    """Verified needs whose wanted-by date passed more than the grace days ago."""
    cutoff = timezone.localdate() - timedelta(days=settings.NEED_EXPIRY_GRACE_DAYS)
    # A lunch need stays open for its school year, and closes when it ends
    # (donations.sponsorships.close_ended_years).
    return Need.objects.filter(status=Need.Status.VERIFIED, wanted_by__lt=cutoff, lunch_pupils__isnull=True)


@shared_task
def expire_overdue_needs() -> dict:
    """Expire overdue needs (daily). Safe to run twice: the transition re-checks the
    status under a row lock, so a need expired by another run is skipped. A need whose
    expiry raises is logged with its id and counted; the others still expire."""

    def expire(need) -> bool:
        try:
            need_transition(need=need, action="expire", note="Quá hạn cần hỗ trợ mà chưa đủ kinh phí.")
        except ActionInvalid:
            return False
        return True

    return each_row("needs.expire", list(overdue_needs().only("pk").order_by("pk")), expire, atomic=True)


@shared_task
def delete_abandoned_need_photos() -> dict:
    """Hourly: photos of need forms never saved (services.delete_abandoned_photos)."""
    return delete_abandoned_photos()
