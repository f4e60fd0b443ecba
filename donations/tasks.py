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
