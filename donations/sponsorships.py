"""The rules and writes of monthly lunch sponsorships (issue 17).

A school posts a lunch need (Need.is_lunch): so many pupils × months × cost per pupil per
month, for one school year, with a LunchMonth row per month (needs.lunch). A donor
sponsors a number of pupils for some of its months, paid at once (one pledge for the
whole) or month by month (one pledge per month, made up front, each with its own
reference, due date and expiry). Everything that moves a month's counters runs under the
need's row lock (donations.services), and the database refuses a month with more pupils
sponsored than the need feeds (needs_lunchmonth_not_oversponsored).

- the school confirms each month received (services.pledge_receive): a month's
  instalment received is delivered at once, that month's lunches are served;
- nightly (`send_due_notices`): an instalment falling due within
  SPONSORSHIP_NOTICE_DAYS gets its payment mail once, with its own reference
  (donations.outbox: a mail server or worker down sends it when back); reminders and
  expiry of an instalment count from its due date (donations.tasks); an expired month is
  released back to the need and the school is told (PledgeNotice RELEASED);
- the donor stops any time (`sponsorship_stop`): the months not yet due are cancelled;
- when the school year is over (`close_ended_years`), the sponsorships end and the need
  closes with what was covered.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.formatting import format_vnd
from core.jobs import each_row
from needs import lunch
from needs.models import LunchMonth, Need
from needs.services import ActionInvalid, need_transition
from notices.models import Kind, Notice
from notices.services import Recipient, notify

from . import outbox
from .models import Pledge, PledgeNotice, Sponsorship
from .services import (
    DonorDetails,
    PledgeRefused,
    _create_with_fresh_reference,
    _lock_need,
    _move_lunch_months,
    _record,
    pledge_cancel,
    pledges_delivered,
)

P = Pledge.Status


class SponsorshipRefused(PledgeRefused):
    """Refused, with the form field the message belongs by ("pupils", "first_month",
    "months"), or None for the whole form."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _month(day: date) -> str:
    return f"{day:%m/%Y}"


def year_months(need: Need) -> list[date]:
    return lunch.lunch_months(need)


def months_left(need: Need, *, today: date) -> list[date]:
    """The need's months not yet over: those a donor can still sponsor."""
    current = lunch.month_start(today)
    return [month for month in year_months(need) if month >= current]


def _check_request(need: Need, *, pupils: int, first_month: date, months: int, today: date) -> list[date]:
    """The months asked for, or a refusal naming the field that is wrong."""
    if not need.is_lunch:
        raise SponsorshipRefused(_("This need is not a school-lunch need."))
    if pupils is None or pupils < 1:
        raise SponsorshipRefused(_("Sponsor at least one pupil."), field="pupils")
    if pupils > need.lunch_pupils:
        raise SponsorshipRefused(
            _("This school feeds %(pupils)s pupils: you can sponsor at most %(pupils)s.")
            % {"pupils": need.lunch_pupils},
            field="pupils",
        )
    if months is None or months < 1:
        raise SponsorshipRefused(_("Sponsor at least one month."), field="months")
    if first_month is None or first_month.day != 1:
        raise SponsorshipRefused(_("Choose the first month to sponsor."), field="first_month")
    year = year_months(need)
    if first_month not in year:
        raise SponsorshipRefused(
            _("This school year runs from %(first)s to %(last)s: choose months inside it.")
            % {"first": _month(year[0]), "last": _month(year[-1])},
            field="first_month",
        )
    if first_month < lunch.month_start(today):
        raise SponsorshipRefused(
            _("%(month)s has passed: start from %(current)s or later.")
            % {"month": _month(first_month), "current": _month(max(lunch.month_start(today), year[0]))},
            field="first_month",
        )
    asked = lunch.month_range(first_month, months)
    if asked[-1] > year[-1]:
        left = len([m for m in year if m >= first_month])
        raise SponsorshipRefused(
            _("From %(first)s the school year has %(left)s months left (to %(last)s).")
            % {"first": _month(first_month), "left": left, "last": _month(year[-1])},
            field="months",
        )
    return asked


def sponsorship_create(
    *,
    need: Need,
    donor: DonorDetails,
    pupils: int,
    first_month: date,
    months: int,
    schedule: str = Sponsorship.Schedule.MONTHLY,
    message: str = "",
    anonymous: bool = False,
    submission_token=None,
    today: date | None = None,
) -> tuple[Sponsorship, bool]:
    """Sponsor `pupils` pupils' lunches for `months` months from `first_month` on a
    verified lunch need; returns (sponsorship, created). The same submission token
    returns the sponsorship it already made. Raises SponsorshipRefused."""
    today = today or timezone.localdate()
    if submission_token:
        existing = Sponsorship.objects.filter(submission_token=submission_token).first()
        if existing:
            return existing, False
    asked = _check_request(need, pupils=pupils, first_month=first_month, months=months, today=today)
    try:
        with transaction.atomic():
            locked = _lock_need(need.pk)
            if submission_token:
                existing = Sponsorship.objects.filter(submission_token=submission_token).first()
                if existing:
                    return existing, False
            if locked.status != Need.Status.VERIFIED or not locked.is_lunch:
                raise SponsorshipRefused(_("This need is not open for gifts at the moment."))
            cost = locked.lunch_cost
            free = dict(LunchMonth.objects.filter(need=locked, month__in=asked).values_list("month", "pupils"))
            pledged = dict(
                LunchMonth.objects.filter(need=locked, month__in=asked).values_list("month", "pupils_pledged")
            )
            for month in asked:
                still_open = free.get(month, 0) - pledged.get(month, 0)
                if still_open < pupils:
                    if still_open <= 0:
                        text = _("%(month)s is already fully sponsored.") % {"month": _month(month)}
                    else:
                        text = _("In %(month)s only %(open)s pupils are still open.") % {
                            "month": _month(month),
                            "open": still_open,
                        }
                    raise SponsorshipRefused(text, field="pupils")
            total = pupils * months * cost
            still_needed = locked.amount_requested - locked.amount_pledged
            if total > still_needed:
                raise SponsorshipRefused(
                    _("This need lacks only %(amount)s now.") % {"amount": format_vnd(still_needed)}, field="pupils"
                )
            user = donor.user if donor.user and donor.user.is_authenticated else None
            sponsorship = Sponsorship(
                need=locked,
                donor=user,
                donor_name=donor.name.strip(),
                donor_email=donor.email.strip().lower(),
                donor_phone=donor.phone.strip(),
                anonymous=anonymous,
                message=message.strip(),
                pupils=pupils,
                first_month=first_month,
                months=months,
                cost_per_month=cost,
                schedule=schedule,
                submission_token=submission_token,
            )
            sponsorship._history_user = user
            sponsorship.save()
            common = {
                "need": locked,
                "sponsorship": sponsorship,
                "donor": user,
                "donor_name": sponsorship.donor_name,
                "donor_email": sponsorship.donor_email,
                "donor_phone": sponsorship.donor_phone,
                "kind": Pledge.Kind.MONEY,
                "message": sponsorship.message,
                "anonymous": anonymous,
            }
            expiry = timedelta(days=settings.PLEDGE_EXPIRY_DAYS)
            if schedule == Sponsorship.Schedule.AT_ONCE:
                plan = [(None, total, today)]
            else:
                plan = [(month, pupils * cost, max(today, month)) for month in asked]
            instalments = []
            for month, amount, due_on in plan:
                pledge = _create_with_fresh_reference(
                    **common, month=month, amount=amount, due_on=due_on, expires_on=due_on + expiry
                )
                _move_lunch_months(pledge, pledged=1)
                _record(pledge, "", actor=user)
                instalments.append(pledge)
            Need.objects.filter(pk=locked.pk).update(amount_pledged=F("amount_pledged") + total)
            # The first (or only) payment's details now; each later month's when it falls due.
            outbox.queue_notice(instalments[0], PledgeNotice.Kind.PLEDGED)
            if total == still_needed:
                need_transition(need=locked, action="fund")
    except IntegrityError:
        if submission_token:
            existing = Sponsorship.objects.filter(submission_token=submission_token).first()
            if existing:
                return existing, False
        raise
    return sponsorship, True


def sponsorship_stop(*, sponsorship: Sponsorship, actor, today: date | None = None) -> int:
    """The donor stops: every instalment not yet due and still unpaid is cancelled, its
    month released back to the need; the months already paid stay given, and a month
    already due stays open for its payment (or its own cancel). Returns how many were
    cancelled. Raises SponsorshipRefused for a sponsorship that is over."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock_need(sponsorship.need_id)
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        if not locked.is_active:
            raise SponsorshipRefused(_("This sponsorship has already stopped or ended."))
        future = list(
            locked.instalments.filter(status=P.PLEDGED, due_on__gt=today, month__isnull=False).order_by("month")
        )
        for pledge in future:
            # Each under the same need lock (re-entered: a savepoint of this transaction).
            pledge_cancel(pledge=pledge, actor=actor, note=_("The donor stopped the sponsorship."))
        locked.status = Sponsorship.Status.STOPPED
        locked.stopped_at = timezone.now()
        locked._history_user = actor
        locked.save(update_fields=["status", "stopped_at"])
    sponsorship.refresh_from_db()
    return len(future)


def instalments_of(sponsorship: Sponsorship):
    """Its pledges, month by month (the one pledge of a sponsorship paid at once)."""
    return sponsorship.instalments.order_by(F("month").asc(nulls_first=True), "pk")


def send_due_notices(*, today: date | None = None) -> dict:
    """Nightly: each month's payment mail, once, for instalments falling due within
    SPONSORSHIP_NOTICE_DAYS (the first month's went with the sponsorship: PLEDGED). It
    goes through the general outbox (notices.notify): the donor's inbox when they have an
    account, and a mail sent once. The notice's key is the claim: (key, address) is
    unique, so a second run sends nothing."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.SPONSORSHIP_NOTICE_DAYS)
    waiting = (
        Pledge.objects.filter(
            status=P.PLEDGED,
            sponsorship__isnull=False,
            month__isnull=False,
            due_on__lte=horizon,
            expires_on__gte=today,
        )
        .exclude(notices__kind=PledgeNotice.Kind.PLEDGED)
        .select_related("need__school", "donor", "sponsorship")
        .order_by("due_on", "pk")
    )
    already = set(Notice.objects.filter(key__in=[due_notice_key(p) for p in waiting]).values_list("key", flat=True))

    def queue(pledge) -> bool:
        if due_notice_key(pledge) in already:
            return False
        return bool(_notify_due(pledge))

    return each_row("sponsorships.due", list(waiting), queue)


def due_notice_key(pledge: Pledge) -> str:
    return f"pledge-due:{pledge.pk}"


def _notify_due(pledge: Pledge):
    from .permissions import pledge_url
    from .selectors import receiving_account

    return notify(
        [Recipient(user=pledge.donor, email=pledge.donor_email)],
        Kind.SPONSORSHIP_DUE,
        template="donations/email/due",
        context={"pledge": pledge, "need": pledge.need, "account": receiving_account(pledge.need.school)},
        link=pledge_url(pledge),
        key=due_notice_key(pledge),
    )


def close_ended_years(*, today: date | None = None) -> dict:
    """Nightly: a lunch need whose school year is over, with no month still waiting for
    its payment (those expire as usual first), closes with what was covered; its
    sponsorships end. Returns {"done": needs closed, "failed": needs that raised (logged)}."""
    today = today or timezone.localdate()
    candidates = Need.objects.filter(
        lunch_pupils__isnull=False, status__in=Need.FUNDING_STATUSES, lunch_first_month__lt=lunch.month_start(today)
    )

    def close(need) -> bool:
        if not lunch.year_has_ended(need, today):
            return False
        if Pledge.objects.filter(need=need, status=P.PLEDGED).exists():
            return False  # a month still waits for its payment or its expiry
        try:
            with transaction.atomic():
                _lock_need(need.pk)
                for sponsorship in Sponsorship.objects.select_for_update().filter(
                    need=need, status=Sponsorship.Status.ACTIVE
                ):
                    sponsorship.status = Sponsorship.Status.ENDED
                    sponsorship._history_user = None
                    sponsorship.save(update_fields=["status"])
                # A sponsorship paid at once was received for the whole year: now it is served.
                pledges_delivered(need=need)
                covered = lunch.pupil_months_paid(need)
                with translation.override(settings.LANGUAGE_CODE):
                    note = _("The school year has ended: covered %(covered)s of %(total)s pupil-months.") % {
                        "covered": covered,
                        "total": need.lunch_pupils * need.lunch_months,
                    }
                need_transition(need=need, action="close_year", note=note)
        except ActionInvalid:
            return False
        return True

    return each_row("sponsorships.close_year", list(candidates.order_by("pk")), close, atomic=True)
