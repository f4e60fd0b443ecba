from celery import shared_task

from . import outbox


@shared_task
def send_notice(notice_id: int) -> bool:
    """Send one notice's mail (notices.outbox) right after the change that wrote it."""
    return outbox.deliver(notice_id)


@shared_task
def sweep_notices() -> dict:
    """Every minute: send the notices' mails still waiting (broker down when they were
    written, worker killed, mail server down)."""
    return outbox.sweep()
