from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Pledge, PledgeNotice


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=10)
def send_pledge_mail(self, pledge_id: int, kind: str) -> bool:
    """E-mail the donor about a step of their pledge, once. Returns False if it was sent
    already. A failed send releases the claim and retries with backoff."""
    try:
        with transaction.atomic():
            notice = PledgeNotice.objects.create(pledge_id=pledge_id, kind=kind)
    except IntegrityError:
        return False
    pledge = Pledge.objects.select_related("need__school").get(pk=pledge_id)
    try:
        _send(pledge, kind)
    except Exception:
        notice.delete()
        raise
    return True


def _send(pledge: Pledge, kind: str) -> None:
    from .permissions import guest_key
    from .selectors import receiving_account

    with translation.override(settings.LANGUAGE_CODE):
        link = f"{settings.SITE_URL}/donations/pledges/{pledge.reference}/"
        if not pledge.donor_id:
            link += f"?key={guest_key(pledge)}"
        context = {
            "pledge": pledge,
            "need": pledge.need,
            "account": receiving_account(pledge.need.school),
            "link": link,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string(f"donations/email/{kind}_subject.txt", context).strip()
        text = render_to_string(f"donations/email/{kind}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[pledge.donor_email])
    message.send()


@shared_task
def remind_and_expire_pledges() -> dict:
    """Daily: remind donors whose pledge waits past the reminder day, and expire those
    past their date. Each pledge is claimed before its side effect, so a second run
    neither reminds twice nor releases an amount twice."""
    from datetime import timedelta

    from django.utils import timezone

    from . import services

    today = timezone.localdate()
    reminded = 0
    waiting_since = today - timedelta(days=settings.PLEDGE_REMINDER_DAYS)
    due = Pledge.objects.filter(
        status=Pledge.Status.PLEDGED, reminder_sent_at__isnull=True, created_at__date__lte=waiting_since
    ).exclude(expires_on__lt=today)
    for pledge in due.only("pk"):
        claimed = Pledge.objects.filter(pk=pledge.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if claimed:
            transaction.on_commit(lambda pk=pledge.pk: send_pledge_mail.delay(pk, "reminder"))
            reminded += 1
    expired = sum(
        services.pledge_expire(pledge=pledge)
        for pledge in Pledge.objects.filter(status=Pledge.Status.PLEDGED, expires_on__lt=today).only("pk", "need_id")
    )
    return {"reminded": reminded, "expired": expired}
