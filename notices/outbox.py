"""The outbox of every notice's mail, on the pledge outbox's pattern (donations.outbox).

A mail is a `Notice` row with `mail` on, written in the same transaction as the change
it tells of, so it cannot be lost when Redis, the worker or the mail server is down:

- after commit the row is handed to a worker (`notices.tasks.send_notice`); if the
  broker is down the hand-over is skipped and logged, and the request still succeeds;
- every minute `notices.tasks.sweep_notices` sends whatever is still waiting: rows the
  broker never got, rows whose worker died (their claim runs out), rows whose send
  failed (each failure waits longer before the next try, up to an hour).

Each send first claims the row with one UPDATE, so two workers, the sweep and a
redelivered task never send the same mail twice; the Message-ID is fixed per row, so a
copy sent after a crash between the server's acceptance and the mark is droppable.
The lease and back-off are the pledge outbox's settings (PLEDGE_MAIL_*).
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from core.jobs import each_row

from .models import Notice

logger = logging.getLogger(__name__)

SEND_TASK = "notices.tasks.send_notice"


def hand_over(notice_id: int) -> None:
    # Found by name in the Celery registry (notices.apps loads tasks.py), not imported:
    # tasks.py imports this module.
    send_notice = current_app.tasks[SEND_TASK]
    try:
        send_notice.delay(notice_id)
    except Exception:  # the broker is down: the row waits for the sweep
        logger.warning("Notice mail %s left in the outbox: the task queue is unreachable", notice_id, exc_info=True)


def _due(now) -> Q:
    return Q(mail=True, sent_at__isnull=True) & (Q(not_before__isnull=True) | Q(not_before__lte=now))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.PLEDGE_MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def deliver(notice_id: int) -> bool:
    """Send one waiting mail. True if this call sent it; False if it was sent or claimed
    already, or the send failed (then it waits for a later try)."""
    try:
        return _attempt(notice_id)
    except Exception:
        return False


def _attempt(notice_id: int) -> bool:
    now = timezone.now()
    lease = timedelta(seconds=settings.PLEDGE_MAIL_LEASE_SECONDS)
    claimed = Notice.objects.filter(_due(now), pk=notice_id).update(not_before=now + lease, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notice = Notice.objects.get(pk=notice_id)
    try:
        _send(notice)
    except Exception as error:
        Notice.objects.filter(pk=notice_id, sent_at__isnull=True).update(
            not_before=timezone.now() + backoff(notice.attempts), last_error=f"{type(error).__name__}: {error}"[:300]
        )
        logger.warning("Notice mail %s failed (attempt %s); it will be tried again", notice_id, notice.attempts)
        raise
    Notice.objects.filter(pk=notice_id).update(sent_at=timezone.now(), not_before=None, last_error="")
    return True


def sweep(*, older_than: timedelta | None = None, limit: int = 500) -> dict:
    """Send the mails still waiting: {"done": sent, "failed": sends that failed}. Rows
    younger than `older_than` (PLEDGE_MAIL_SWEEP_AFTER_SECONDS) are left to the worker
    they were just handed to."""
    if older_than is None:
        older_than = timedelta(seconds=settings.PLEDGE_MAIL_SWEEP_AFTER_SECONDS)
    now = timezone.now()
    waiting = (
        Notice.objects.filter(_due(now), created_at__lte=now - older_than)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return each_row("notices.sweep", list(waiting), _attempt)


def _send(notice: Notice) -> None:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=notice.subject,
        body=notice.body_text,
        to=[notice.email],
        headers={"Message-ID": f"<notice-{notice.pk}@{domain}>"},
    )
    message.attach_alternative(notice.body_html, "text/html")
    message.send()
