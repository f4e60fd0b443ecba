"""Jobs that walk many rows (reminders, digests, expiry, retention, the outbox sweep).

One bad row is that row's failure, never the job's: `each_row` runs the job's handler on
every row, logs a row that raises with its id (and the traceback), counts it, and goes
on with the rest. Each job returns {"done": n, "failed": m}, which Celery keeps in its
log line for the task, so an operator sees "failed": 1 and finds the row's id in the log.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

logger = logging.getLogger("portal.jobs")


def each_row(job: str, rows: Iterable, handle: Callable, *, atomic: bool = False) -> dict:
    """Call `handle(row)` for every row. A truthy answer counts as done, a falsy one as
    nothing to do (claimed by another run, no recipient); an exception as failed.

    `atomic` runs each row in its own transaction (a savepoint inside a caller's), so a
    row that fails half-way leaves nothing behind and the next row's queries still run.
    Leave it off where a row commits a claim before a side effect that must not be undone
    (a mail sent after its claim)."""
    result = {"done": 0, "failed": 0}
    for row in rows:
        row_id = getattr(row, "pk", row)
        try:
            if atomic:
                with transaction.atomic():
                    outcome = handle(row)
            else:
                outcome = handle(row)
        except Exception:
            logger.exception("%s: row %s failed; the job goes on with the others", job, row_id)
            result["failed"] += 1
            continue
        if outcome:
            result["done"] += 1
    if result["failed"]:
        logger.error("%s: %s done, %s failed (ids in the lines above)", job, result["done"], result["failed"])
    return result
