from celery import shared_task
from django.conf import settings
from django.db.models import Q

from core.jobs import each_row

from . import outbox
from .models import Pledge, PledgeNotice


@shared_task
def send_pledge_notice(notice_id: int) -> bool:
    """Send one mail of the outbox (donations.outbox) right after the change that wrote it."""
    return outbox.deliver(notice_id)


@shared_task
def sweep_pledge_notices() -> dict:
    """Every minute: send the mails still waiting in the outbox (broker down when they
    were written, worker killed, mail server down)."""
    return outbox.sweep()


@shared_task
def remind_and_expire_pledges() -> dict:
    """Daily: remind donors whose pledge waits past the reminder day, and expire those
    past their date. Each pledge is claimed before its side effect, so a second run
    neither reminds twice nor releases an amount twice. Each part says {"done": n,
    "failed": m}: a pledge that raises is logged with its id, the others go on."""
    from datetime import timedelta

    from django.utils import timezone

    from . import services

    today = timezone.localdate()
    reminded = 0
    waiting_since = today - timedelta(days=settings.PLEDGE_REMINDER_DAYS)
    # An instalment of a lunch sponsorship waits from its due date, not from when it was
    # made up front: a later month is never reminded (nor expired) early. An allocation
    # from a fund (source_fund) waits for the school's confirmation of a transfer the
    # office makes: no donor to remind, nothing to release by the calendar.
    due = (
        Pledge.objects.filter(status=Pledge.Status.PLEDGED, reminder_sent_at__isnull=True, source_fund__isnull=True)
        .filter(
            Q(due_on__isnull=True, created_at__date__lte=waiting_since)
            | Q(due_on__isnull=False, due_on__lte=waiting_since)
        )
        .exclude(expires_on__lt=today)
    )

    def remind(pledge) -> bool:
        # The claim and the mail in the outbox, together (each_row's transaction).
        claimed = Pledge.objects.filter(pk=pledge.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if claimed:
            outbox.queue_notice(pledge, PledgeNotice.Kind.REMINDER)
        return bool(claimed)

    reminded = each_row("pledges.remind", list(due.only("pk").order_by("pk")), remind, atomic=True)
    expiring = Pledge.objects.filter(status=Pledge.Status.PLEDGED, expires_on__lt=today, source_fund__isnull=True).only(
        "pk", "need_id", "fund_id"
    )
    expired = each_row(
        "pledges.expire",
        list(expiring.order_by("pk")),
        lambda pledge: services.pledge_expire(pledge=pledge),
        atomic=True,
    )
    return {"reminded": reminded, "expired": expired}


@shared_task
def lunch_sponsorships_nightly() -> dict:
    """Daily, after the pledges' expiry: each month's payment mail of the lunch
    sponsorships falling due, and the lunch needs whose school year is over closed with
    what was covered (donations.sponsorships). Safe to run twice."""
    from . import sponsorships

    return {"due": sponsorships.send_due_notices(), "closed": sponsorships.close_ended_years()}
