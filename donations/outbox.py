"""The outbox of the e-mails pledges trigger.

A mail is a `PledgeNotice` row written in the same transaction as the change that
triggers it, so it cannot be lost when Redis, the worker or the mail server is down:

- after commit the row is handed to a worker (`send_pledge_notice`); if the broker is
  down the hand-over is skipped and logged, and the donor's request still succeeds;
- every minute `sweep_pledge_notices` sends whatever is still waiting: rows the
  broker never got, rows whose worker died (their claim runs out), rows whose send
  failed (each failure waits longer before the next try, up to an hour).

Each send first claims the row with one UPDATE, so two workers, the sweep and a
redelivered task never send the same mail twice. The one window left is a worker
killed after the mail server accepted the message and before the row is marked: the
message then goes again with the same Message-ID, which mail systems use to drop the
copy.
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.jobs import each_row
from core.mail import html_body, render_subject

from .models import Pledge, PledgeNotice

logger = logging.getLogger(__name__)

# donations.tasks.send_pledge_notice, which calls deliver() below.
SEND_TASK = "donations.tasks.send_pledge_notice"


def queue_notice(pledge: Pledge, kind: str) -> PledgeNotice | None:
    """Put the mail in the outbox within the caller's transaction; after commit, hand
    it to a worker. A pledge gets each kind of mail once. An allocation from a fund
    (`source_fund`) gets none: its "donor" is the office that placed it, and the fund's
    donors were thanked for their gifts to the fund."""
    if pledge.source_fund_id:
        return None
    notice, created = PledgeNotice.objects.get_or_create(pledge=pledge, kind=kind)
    if created:
        transaction.on_commit(lambda: hand_over(notice.pk))
    return notice


def hand_over(notice_id: int) -> None:
    # The task is found by its name in the Celery app's registry (donations.apps loads
    # tasks.py in every process), not imported: tasks.py imports this module, and
    # importing it back would close a cycle. `.delay` keeps eager runs where configured.
    send_pledge_notice = current_app.tasks[SEND_TASK]
    try:
        send_pledge_notice.delay(notice_id)
    except Exception:  # the broker is down: the row waits for the sweep
        logger.warning("Pledge mail %s left in the outbox: the task queue is unreachable", notice_id, exc_info=True)


def _due(now) -> Q:
    return Q(sent_at__isnull=True) & (Q(not_before__isnull=True) | Q(not_before__lte=now))


def backoff(attempts: int) -> timedelta:
    """PLEDGE_MAIL_RETRY_SECONDS (30 s) after the first failure, doubling, at most an hour."""
    return timedelta(seconds=min(settings.PLEDGE_MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def deliver(notice_id: int) -> bool:
    """Send one waiting mail. True if this call sent it; False if it was sent or claimed
    already, or the send failed (then it waits for a later try)."""
    try:
        return _attempt(notice_id)
    except Exception:
        return False


def _attempt(notice_id: int) -> bool:
    """`deliver`, with a failed send raised after it is recorded (for the sweep's count)."""
    now = timezone.now()
    lease = timedelta(seconds=settings.PLEDGE_MAIL_LEASE_SECONDS)
    claimed = PledgeNotice.objects.filter(_due(now), pk=notice_id).update(
        not_before=now + lease, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    notice = PledgeNotice.objects.select_related("pledge__need__school", "pledge__fund__office__unit").get(pk=notice_id)
    try:
        _send(notice)
    except Exception as error:
        PledgeNotice.objects.filter(pk=notice_id, sent_at__isnull=True).update(
            not_before=timezone.now() + backoff(notice.attempts), last_error=f"{type(error).__name__}: {error}"[:300]
        )
        logger.warning("Pledge mail %s failed (attempt %s); it will be tried again", notice_id, notice.attempts)
        raise
    PledgeNotice.objects.filter(pk=notice_id).update(sent_at=timezone.now(), not_before=None, last_error="")
    return True


def sweep(*, older_than: timedelta | None = None, limit: int = 500) -> dict:
    """Send the mails still waiting: {"done": sent, "failed": sends that failed (each
    logged with its id, and tried again after its back-off)}. Rows younger than
    `older_than` (by default PLEDGE_MAIL_SWEEP_AFTER_SECONDS) are left to the worker
    they were just handed to."""
    if older_than is None:
        older_than = timedelta(seconds=settings.PLEDGE_MAIL_SWEEP_AFTER_SECONDS)
    now = timezone.now()
    waiting = (
        PledgeNotice.objects.filter(_due(now), created_at__lte=now - older_than)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return each_row("outbox.sweep", list(waiting), _attempt)


def _send(notice: PledgeNotice) -> None:
    from .permissions import pledge_url
    from .selectors import receiving_account, receiving_account_of_fund

    pledge, kind = notice.pledge, notice.kind
    to_school = kind == PledgeNotice.Kind.RELEASED
    with translation.override(settings.LANGUAGE_CODE):
        # The school reads the pledge as itself, never through the donor's signed link.
        link = settings.SITE_URL + (
            reverse("donations:detail", args=[pledge.reference]) if to_school else pledge_url(pledge)
        )
        context = {
            "pledge": pledge,
            "need": pledge.need,
            "fund": pledge.fund,
            "account": receiving_account_of_fund(pledge.fund)
            if pledge.fund_id
            else receiving_account(pledge.need.school),
            "link": link,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            # A gift to a fund has no need page to link to.
            "need_link": settings.SITE_URL + pledge.need.get_absolute_url() if pledge.need_id else "",
        }
        subject = render_subject(f"donations/email/{kind}_subject.txt", context)
        text = render_to_string(f"donations/email/{kind}.txt", context)
        # The same words as HTML in the portal's one mail layout (core.mail.html_body).
        html = html_body(subject=subject, text=text, link=link)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=school_recipients(pledge.need.school) if to_school else [pledge.donor_email],
        headers={"Message-ID": f"<pledge-notice-{notice.pk}@{domain}>"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def school_recipients(school) -> list[str]:
    """Who hears of the school's own matters (a month of lunches released): its focal
    point and its staff with an account, each once."""
    from schools.models import Membership

    addresses = [school.focal_point_email] if school.focal_point_email else []
    addresses += Membership.objects.filter(
        school=school, role=Membership.Role.SCHOOL_STAFF, user__is_active=True
    ).values_list("user__email", flat=True)
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a))
