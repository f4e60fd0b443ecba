"""The outbox of every notice's mail (a `Notice` with `mail` on), handed to
`notices.tasks.send_notice` after commit and swept every minute by
`notices.tasks.sweep_notices`: the claim, retries and sweep are every outbox's
(core/outbox.py), with the pledge outbox's settings (PLEDGE_MAIL_*). The Message-ID is
fixed per row, so a copy sent after a crash between the server's acceptance and the
mark is droppable."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q

from core.outbox import Outbox

from .models import Notice

SEND_TASK = "notices.tasks.send_notice"


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


OUTBOX = Outbox(
    model=Notice,
    send=_send,
    task=SEND_TASK,
    name="Notice mail",
    job="notices.sweep",
    waiting=Q(mail=True),
)
hand_over, deliver, sweep = OUTBOX.hand_over, OUTBOX.deliver, OUTBOX.sweep
