"""The mechanics every mail outbox shares (the pledges' `donations.outbox`, every other
notice's `notices.outbox`).

A mail is a row written in the same transaction as the change it tells of, so it cannot
be lost when Redis, the worker or the mail server is down:

- after commit the row is handed to a worker (`hand_over`, the outbox's Celery task); if
  the broker is down the hand-over is skipped and logged, and the request still succeeds;
- every minute a beat task sends whatever is still waiting (`sweep`): rows the broker
  never got, rows whose worker died (their claim runs out after PLEDGE_MAIL_LEASE_SECONDS),
  rows whose send failed (each failure waits longer before the next try, up to an hour).

Each send first claims the row with one UPDATE, so two workers, the sweep and a
redelivered task never send the same mail twice. The one window left is a worker killed
after the mail server accepted the message and before the row is marked: the message
then goes again with the same Message-ID (fixed per row by each outbox's `send`), which
mail systems use to drop the copy.

A row has `sent_at`, `not_before`, `attempts`, `last_error` and `created_at`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .jobs import each_row

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """PLEDGE_MAIL_RETRY_SECONDS (30 s) after the first failure, doubling, at most an hour."""
    return timedelta(seconds=min(settings.PLEDGE_MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


@dataclass(frozen=True)
class Outbox:
    model: type[models.Model]
    send: Callable  # send(row): raises if the mail server refused it
    task: str  # the Celery task that calls `deliver(pk)`, found by name (it imports its outbox)
    name: str  # in the log: "Pledge mail 12 failed"
    job: str  # the sweep's name for core.jobs.each_row
    waiting: Q = field(default_factory=Q)  # what else makes a row wait to be sent (a mail wanted)
    related: tuple[str, ...] = ()  # select_related for `send`

    def due(self, now) -> Q:
        return self.waiting & Q(sent_at__isnull=True) & (Q(not_before__isnull=True) | Q(not_before__lte=now))

    def hand_over(self, pk: int) -> None:
        try:
            current_app.tasks[self.task].delay(pk)
        except Exception:  # the broker is down: the row waits for the sweep
            logger.warning("%s %s left in the outbox: the task queue is unreachable", self.name, pk, exc_info=True)

    def deliver(self, pk: int) -> bool:
        """Send one waiting mail. True if this call sent it; False if it was sent or
        claimed already, or the send failed (then it waits for a later try)."""
        try:
            return self.attempt(pk)
        except Exception:
            return False

    def attempt(self, pk: int) -> bool:
        """`deliver`, with a failed send raised after it is recorded (for the sweep's count)."""
        rows = self.model.objects
        now = timezone.now()
        lease = timedelta(seconds=settings.PLEDGE_MAIL_LEASE_SECONDS)
        if not rows.filter(self.due(now), pk=pk).update(not_before=now + lease, attempts=F("attempts") + 1):
            return False
        row = rows.select_related(*self.related).get(pk=pk)
        try:
            self.send(row)
        except Exception as error:
            rows.filter(pk=pk, sent_at__isnull=True).update(
                not_before=timezone.now() + backoff(row.attempts), last_error=f"{type(error).__name__}: {error}"[:300]
            )
            logger.warning("%s %s failed (attempt %s); it will be tried again", self.name, pk, row.attempts)
            raise
        rows.filter(pk=pk).update(sent_at=timezone.now(), not_before=None, last_error="")
        return True

    def sweep(self, *, older_than: timedelta | None = None, limit: int = 500) -> dict:
        """Send the mails still waiting: {"done": sent, "failed": sends that failed (each
        logged with its id, and tried again after its back-off)}. Rows younger than
        `older_than` (by default PLEDGE_MAIL_SWEEP_AFTER_SECONDS) are left to the worker
        they were just handed to."""
        if older_than is None:
            older_than = timedelta(seconds=settings.PLEDGE_MAIL_SWEEP_AFTER_SECONDS)
        now = timezone.now()
        waiting = (
            self.model.objects.filter(self.due(now), created_at__lte=now - older_than)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        return each_row(self.job, list(waiting), self.attempt)
