"""The outbox of the e-mails pledges trigger: a `PledgeNotice` row per mail, written in
the same transaction as the change that triggers it, handed to `send_pledge_notice` after
commit and swept every minute by `sweep_pledge_notices`. The claim, retries and sweep
are every outbox's (core/outbox.py); this module says which mail a pledge gets and
writes it."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.mail import html_body, render_subject
from core.outbox import Outbox

from .models import Pledge, PledgeNotice

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


OUTBOX = Outbox(
    model=PledgeNotice,
    send=_send,
    task=SEND_TASK,
    name="Pledge mail",
    job="outbox.sweep",
    related=("pledge__need__school", "pledge__fund__office__unit"),
)
hand_over, deliver, sweep = OUTBOX.hand_over, OUTBOX.deliver, OUTBOX.sweep
