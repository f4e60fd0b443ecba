import logging
from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from core.jobs import each_row
from schools.models import Office

from . import digests

logger = logging.getLogger(__name__)

# The tasks were born in the campaigns app and keep their names: beat's schedule rows and
# tasks already waiting in Redis name them so (tests/architecture/test_names.py).


@shared_task(
    name="campaigns.tasks.send_office_digest",
    bind=True,
    acks_late=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_office_digest(self, office_id: int, period: str, day: str) -> str:
    """One office's digest. Redelivered after a worker died, it keeps its task id and so
    finishes its own claim; a run another task sent is left alone."""
    office = Office.objects.select_related("unit").get(pk=office_id)
    try:
        return digests.send_digest(office, period, date.fromisoformat(day), claimant=self.request.id or "")
    except (OSError, SMTPException):
        if self.request.retries >= self.max_retries:
            # Reported, never silently dropped: the run stays "failed" with its error.
            logger.error("Digest for %s (%s, %s) failed after %s attempts", office, period, day, self.max_retries)
        raise


@shared_task(name="campaigns.tasks.send_due_digests")
def send_due_digests(period: str = "weekly", day: str | None = None) -> dict:
    """Queue one task per education office (the beat schedule calls this). An office
    whose task cannot be queued is logged and counted; the others are queued."""
    day = day or timezone.localdate().isoformat()
    offices = list(digests.digest_offices().values_list("pk", flat=True).order_by("pk"))
    return each_row("digests.queue", offices, lambda office_id: send_office_digest.delay(office_id, period, day))


@shared_task(name="oversight.tasks.reclaim_abandoned_digests")
def reclaim_abandoned_digests() -> dict:
    """Every few minutes (beat): send the digests whose claim ran out because the worker
    sending them died. The broker hands such a task back only after its visibility
    timeout (an hour), which must stay above the longest task; this finds them by their
    lease (DIGEST_CLAIM_LEASE_SECONDS) instead. A digest the mail server accepted just
    before the worker died goes again with the same Message-ID (digests.message_id), so
    mail systems drop the copy; the archive shows it sent once it has gone."""

    def reclaim(run) -> bool:
        outcome = digests.send_digest(
            run.office, run.period, digests.day_of(run), claimant=f"{digests.RECLAIMANT}{run.pk}"
        )
        logger.warning("Digest run %s (%s) abandoned by its worker, reclaimed: %s", run.pk, run.office, outcome)
        return outcome != "already"  # sent, or nothing to send: resolved either way

    return each_row("digests.reclaim", list(digests.abandoned_runs().order_by("pk")), reclaim)


@shared_task(name="campaigns.tasks.send_reminders")
def send_reminders() -> dict:
    """Daily: schools with a stale profile (monthly each), officers with needs waiting
    too long (weekly each). Donors' pledge reminders run in donations.tasks. Each part
    says {"done": sent, "failed": rows that failed (logged with their id)}."""
    from . import reminders

    return {
        "stale_schools": reminders.remind_stale_schools(),
        "waiting_needs": reminders.remind_officers_of_waiting_needs(),
    }
