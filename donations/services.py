"""Every write of donations. Every pledge change locks its need's row first, so the
need's counters and the pledges' statuses move together, and over-funding is impossible
even when two donors pledge the last part at the same moment. Receiving accounts,
payment routes and donor profiles keep their history with the acting user, set on the
instance so that it is recorded outside a request too."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import format_vnd
from needs.lunch import month_range
from needs.models import LunchMonth, Need
from needs.services import need_transition
from notices.models import Notice
from schools.models import School

from . import outbox, selectors, statements
from .models import (
    BankAccount,
    DonorProfile,
    Fund,
    PaymentRoute,
    Pledge,
    PledgeEvent,
    PledgeNotice,
    Sponsorship,
    StatementColumnMap,
    StatementImport,
    StatementLine,
    new_reference,
)
from .personal_data import can_erase, pledges_of_person

P = Pledge.Status


class AccountRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PledgeRefused(Exception):
    def __init__(self, message, *, still_needed: int | None = None):
        super().__init__(message)
        self.message = message
        self.still_needed = still_needed


@dataclass
class DonorDetails:
    name: str
    email: str
    phone: str = ""
    user: object = None


def _lock_need(need_id) -> Need:
    return Need.objects.select_for_update().get(pk=need_id)


def _lock_target(pledge: Pledge) -> Need | Fund:
    """Lock what the pledge counts on: its need, or the fund it was given to. Every
    counter of that need or fund moves only under this lock."""
    if pledge.fund_id:
        return Fund.objects.select_for_update().get(pk=pledge.fund_id)
    return _lock_need(pledge.need_id)


def lunch_months_of(pledge: Pledge) -> list:
    """The months a sponsorship's pledge pays for: its own month for an instalment, every
    month of the sponsorship for one paid at once; none for any other pledge."""
    if not pledge.sponsorship_id:
        return []
    if pledge.month:
        return [pledge.month]
    sponsorship = pledge.sponsorship
    return month_range(sponsorship.first_month, sponsorship.months)


def _move_lunch_months(pledge: Pledge, *, pledged: int = 0, received: int = 0) -> None:
    """Add (or take back, negative) the sponsorship's pupils to the months the pledge
    pays for. Called under the need's lock; the database refuses a month with more
    pupils sponsored than the need feeds (needs_lunchmonth_not_oversponsored)."""
    months = lunch_months_of(pledge)
    if not months:
        return
    pupils = pledge.sponsorship.pupils
    LunchMonth.objects.filter(need_id=pledge.need_id, month__in=months).update(
        pupils_pledged=F("pupils_pledged") + pledged * pupils, pupils_received=F("pupils_received") + received * pupils
    )


def _record(pledge: Pledge, from_status: str, actor=None, note: str = "") -> None:
    PledgeEvent.objects.create(pledge=pledge, from_status=from_status, to_status=pledge.status, actor=actor, note=note)


def _create_with_fresh_reference(**fields) -> Pledge:
    """Insert a pledge under a new random reference. References are 6 characters of 31
    (about 887 million); with millions of pledges a new one can meet an old one, so a clash
    draws again instead of failing the donor's pledge."""
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: the need's lock is kept
                pledge = Pledge(reference=new_reference(), **fields)
                pledge._history_user = fields.get("donor")  # the donor's account, if they gave with one
                pledge.save(force_insert=True)
                return pledge
        except IntegrityError as error:
            if "reference" not in str(error) or attempt == REFERENCE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


REFERENCE_ATTEMPTS = 5


def pledge_create(
    *,
    need: Need | None = None,
    fund: Fund | None = None,
    donor: DonorDetails,
    amount: int,
    kind: str = Pledge.Kind.MONEY,
    goods_description: str = "",
    message: str = "",
    anonymous: bool = False,
    submission_token=None,
) -> tuple[Pledge, bool]:
    """Create a pledge to a need, or a gift of money to a programme fund (exactly one of
    `need` and `fund`); returns (pledge, created). The same submission token returns the
    pledge it already made, so a double-submitted form creates one pledge."""
    if (need is None) == (fund is None):
        raise ValueError("a pledge is to a need or to a fund, exactly one of them")
    if submission_token:
        existing = Pledge.objects.filter(submission_token=submission_token).first()
        if existing:
            return existing, False
    if amount <= 0:
        raise PledgeRefused(_("The amount must be more than 0 ₫."))
    if fund is not None and kind != Pledge.Kind.MONEY:
        raise PledgeRefused(_("A fund takes money only: goods go to needs, not funds."))
    try:
        with transaction.atomic():
            locked = _lock_need(need.pk) if need is not None else Fund.objects.select_for_update().get(pk=fund.pk)
            if submission_token:
                # Checked again under the lock: the twin submission may have just committed.
                existing = Pledge.objects.filter(submission_token=submission_token).first()
                if existing:
                    return existing, False
            if fund is not None:
                return _fund_gift_create(
                    locked,
                    donor=donor,
                    amount=amount,
                    message=message,
                    anonymous=anonymous,
                    submission_token=submission_token,
                )
            if locked.status != Need.Status.VERIFIED:
                raise PledgeRefused(_("This need is not open for gifts at the moment."), still_needed=0)
            if locked.is_lunch:
                # Its months are sponsored pupil by pupil (donations.sponsorships).
                raise PledgeRefused(_("School lunches are sponsored by pupils and months: use the lunch form."))
            still_needed = locked.amount_requested - locked.amount_pledged
            if amount > still_needed:
                raise PledgeRefused(
                    _("This need lacks only %(amount)s now.") % {"amount": format_vnd(still_needed)},
                    still_needed=still_needed,
                )
            pledge = _create_with_fresh_reference(
                need=locked,
                **_donor_fields(donor),
                kind=kind,
                amount=amount,
                goods_description=goods_description.strip(),
                message=message.strip(),
                anonymous=anonymous,
                submission_token=submission_token,
                expires_on=timezone.localdate() + timedelta(days=settings.PLEDGE_EXPIRY_DAYS),
            )
            Need.objects.filter(pk=locked.pk).update(amount_pledged=F("amount_pledged") + amount)
            _record(pledge, "", actor=pledge.donor)
            outbox.queue_notice(pledge, PledgeNotice.Kind.PLEDGED)
            if amount == still_needed:
                need_transition(need=locked, action="fund")
    except IntegrityError:
        # The twin of a double submission won the unique token; return its pledge.
        if submission_token:
            existing = Pledge.objects.filter(submission_token=submission_token).first()
            if existing:
                return existing, False
        raise
    return pledge, True


def _donor_fields(donor: DonorDetails) -> dict:
    return {
        "donor": donor.user if donor.user and donor.user.is_authenticated else None,
        "donor_name": donor.name.strip(),
        "donor_email": donor.email.strip().lower(),
        "donor_phone": donor.phone.strip(),
    }


def _fund_gift_create(locked: Fund, *, donor, amount, message, anonymous, submission_token) -> tuple[Pledge, bool]:
    """A gift of money to a fund, under the fund's row lock (pledge_create): counted in
    the fund's pledged total, paid by transfer with its own reference like any pledge."""
    if not locked.is_open:
        raise PledgeRefused(_("This fund is closed: it takes no more gifts."))
    pledge = _create_with_fresh_reference(
        fund=locked,
        **_donor_fields(donor),
        kind=Pledge.Kind.MONEY,
        amount=amount,
        message=message.strip(),
        anonymous=anonymous,
        submission_token=submission_token,
        expires_on=timezone.localdate() + timedelta(days=settings.PLEDGE_EXPIRY_DAYS),
    )
    Fund.objects.filter(pk=locked.pk).update(amount_pledged=F("amount_pledged") + amount)
    _record(pledge, "", actor=pledge.donor)
    outbox.queue_notice(pledge, PledgeNotice.Kind.PLEDGED)
    return pledge, True


def _release(pledge: Pledge, locked: Need | Fund) -> None:
    """Give the pledged amount back to the need (and its lunch months), and reopen it if
    it was funded; or back out of the fund's pledged total."""
    if isinstance(locked, Fund):
        Fund.objects.filter(pk=locked.pk).update(amount_pledged=F("amount_pledged") - pledge.amount)
        return
    Need.objects.filter(pk=locked.pk).update(amount_pledged=F("amount_pledged") - pledge.amount)
    if pledge.received_amount:
        Need.objects.filter(pk=locked.pk).update(amount_received=F("amount_received") - pledge.received_amount)
    _move_lunch_months(pledge, pledged=-1, received=-1 if pledge.received_amount else 0)
    if locked.status == Need.Status.FUNDED:
        need_transition(need=locked, action="reopen")


def pledge_cancel(*, pledge: Pledge, actor, note: str = "") -> Pledge:
    """The donor (or an officer for them) withdraws a pledge that has not arrived."""
    with transaction.atomic():
        locked_need = _lock_target(pledge)
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if pledge.status != P.PLEDGED:
            raise PledgeRefused(_("Only a pledge that has not been received can be cancelled."))
        pledge.status = P.CANCELLED
        pledge._history_user = actor
        pledge.save(update_fields=["status", "updated_at"])
        _release(pledge, locked_need)
        _record(pledge, P.PLEDGED, actor=actor, note=note)
    return pledge


def pledge_expire(*, pledge: Pledge) -> bool:
    """Expire a pledge not received in time. Safe to run twice: returns False if it moved."""
    with transaction.atomic():
        locked_need = _lock_target(pledge)
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if pledge.status != P.PLEDGED or pledge.expires_on >= timezone.localdate():
            return False
        pledge.status = P.EXPIRED
        pledge.save(update_fields=["status", "updated_at"])
        _release(pledge, locked_need)
        _record(pledge, P.PLEDGED, note=_("Not received within %(days)s days.") % {"days": settings.PLEDGE_EXPIRY_DAYS})
        if pledge.sponsorship_id:
            # A month of lunches not paid goes back to the need: the school is told.
            outbox.queue_notice(pledge, PledgeNotice.Kind.RELEASED)
    return True


def pledge_receive(*, pledge: Pledge, actor, amount: int, received_on, note: str = "") -> Pledge:
    """The school or the office confirms what actually arrived, and when."""
    if amount <= 0:
        raise PledgeRefused(_("The amount received must be more than 0 ₫."))
    with transaction.atomic():
        _lock_target(pledge)
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if pledge.status != P.PLEDGED:
            if pledge.month and pledge.is_received:
                raise PledgeRefused(
                    _("The payment for %(month)s has already been confirmed.") % {"month": f"{pledge.month:%m/%Y}"}
                )
            raise PledgeRefused(_("This pledge has already been confirmed or closed."))
        pledge.status = P.RECEIVED
        pledge.received_amount = amount
        pledge.received_on = received_on
        pledge.received_by = actor
        pledge._history_user = actor
        pledge.save(update_fields=["status", "received_amount", "received_on", "received_by", "updated_at"])
        if pledge.fund_id:
            Fund.objects.filter(pk=pledge.fund_id).update(amount_received=F("amount_received") + amount)
        else:
            Need.objects.filter(pk=pledge.need_id).update(amount_received=F("amount_received") + amount)
            _move_lunch_months(pledge, received=1)
        _record(pledge, P.PLEDGED, actor=actor, note=note)
        outbox.queue_notice(pledge, PledgeNotice.Kind.RECEIVED)
        if pledge.month:
            # A month of lunches paid is that month's lunches served: delivered at once.
            pledge.status = P.DELIVERED
            pledge.save(update_fields=["status", "updated_at"])
            _record(
                pledge,
                P.RECEIVED,
                actor=actor,
                note=_("The lunches of %(month)s are served.") % {"month": f"{pledge.month:%m/%Y}"},
            )
    return pledge


def pledges_delivered(*, need: Need, actor=None) -> int:
    """When a need is delivered, the gifts received for it are delivered too."""
    count = 0
    with transaction.atomic():
        for pledge in Pledge.objects.select_for_update().filter(need=need, status=P.RECEIVED):
            pledge.status = P.DELIVERED
            pledge._history_user = actor
            pledge.save(update_fields=["status", "updated_at"])
            _record(pledge, P.RECEIVED)
            outbox.queue_notice(pledge, PledgeNotice.Kind.DELIVERED)
            count += 1
    return count


def claim_guest_pledges(*, user, email: str) -> int:
    """Attach pledges made without an account to the user who proved this e-mail is theirs."""
    with transaction.atomic():
        guest = list(Pledge.objects.select_for_update().filter(donor__isnull=True, donor_email__iexact=email))
        for pledge in guest:
            pledge.donor = user
            pledge._history_user = user
            pledge.save(update_fields=["donor", "updated_at"])
    return len(guest)


def statement_import(
    *, actor, file_name: str, content: bytes, pledges_in_area, bank: str = "", columns=None
) -> StatementImport:
    """Read an uploaded bank statement and keep its rows, matched against the pledges of
    the officer's area, for the preview. Nothing is confirmed until statement_apply.
    `columns` are the bank's column names (statement_banks.ColumnNames), none for the
    common names. Raises statements.StatementError for a file that cannot be read."""
    rows = statements.read_statement(file_name, content, columns.as_lookup() if columns else None)
    classified = statements.classify(rows, pledges_in_area=pledges_in_area)
    with transaction.atomic():
        return StatementImport.objects.create(
            uploaded_by=actor, file_name=file_name[:255], bank=bank, rows=statements.as_json(classified)
        )


# Lines an officer may match by hand: read, not applied, and not a duplicate.
MATCHABLE_OUTCOMES = (statements.UNMATCHED, statements.AMBIGUOUS)


def statement_line_match(*, statement: StatementImport, row: dict, pledge: Pledge, actor, note: str = ""):
    """Match a statement line the reference did not match to a waiting pledge, by the
    officer's hand: the pledge is received exactly as an automatic match receives it
    (pledge_receive, under the need's or fund's lock), and the bank line is recorded
    so it is never applied again. A line of more than the pledge is refused: it would
    count more money on the need than was promised (no over-funding)."""
    if row["outcome"] not in MATCHABLE_OUTCOMES or not row["amount"]:
        raise PledgeRefused(_("Only a line that was read but not matched can be matched by hand."))
    if pledge.kind != Pledge.Kind.MONEY:
        raise PledgeRefused(_("A gift of goods is not paid by bank transfer."))
    if row["amount"] > pledge.amount:
        raise PledgeRefused(
            _("The line (%(line)s) is more than the pledge (%(pledge)s): it cannot be matched to it.")
            % {"line": format_vnd(row["amount"]), "pledge": format_vnd(pledge.amount)}
        )
    event_note = _("Matched by hand to line %(line)s of the statement %(file)s.") % {
        "line": row["line"],
        "file": statement.file_name,
    }
    try:
        with transaction.atomic():
            pledge = pledge_receive(
                pledge=pledge,
                actor=actor,
                amount=row["amount"],
                received_on=row["date"],
                note=f"{event_note} {note}".strip()[:1000],
            )
            line = StatementLine(
                statement=statement,
                transaction=statement.line_key(row),
                pledge=pledge,
                amount=row["amount"],
                booked_on=row["date"],
                manual=True,
                matched_by=actor,
                note=note[:500],
            )
            line._history_user = actor
            line.save(force_insert=True)
    except IntegrityError as error:
        raise PledgeRefused(_("This bank transaction has already been matched to a pledge.")) from error
    return line


def statement_line_unmatch(*, line: StatementLine, actor, reason: str) -> Pledge:
    """Undo a match made by hand that was wrong: the pledge waits again, the money it
    counted on its need or fund is taken back, and the bank line may be matched anew.
    Only while the pledge is received and nothing followed (delivered, a month of
    lunches served); the reason is kept in the pledge's events and the line's history."""
    if not reason.strip():
        raise PledgeRefused(_("Say why the match is undone."))
    with transaction.atomic():
        _lock_target(line.pledge)
        pledge = Pledge.objects.select_for_update().get(pk=line.pledge_id)
        line = StatementLine.objects.select_for_update().filter(pk=line.pk).first()
        if line is None or not line.manual:
            raise PledgeRefused(_("Only a match made by hand can be undone."))
        if pledge.status != P.RECEIVED or pledge.month:
            raise PledgeRefused(_("The pledge has moved on since it was received: the match cannot be undone."))
        amount = pledge.received_amount or 0
        pledge.status = P.PLEDGED
        pledge.received_amount = pledge.received_on = pledge.received_by = None
        pledge._history_user = actor
        pledge.save(update_fields=["status", "received_amount", "received_on", "received_by", "updated_at"])
        if pledge.fund_id:
            Fund.objects.filter(pk=pledge.fund_id).update(amount_received=F("amount_received") - amount)
        else:
            Need.objects.filter(pk=pledge.need_id).update(amount_received=F("amount_received") - amount)
            _move_lunch_months(pledge, received=-1)
        _record(pledge, P.RECEIVED, actor=actor, note=reason.strip()[:1000])
        # A "received" mail not sent yet would now be wrong.
        PledgeNotice.objects.filter(pledge=pledge, kind=PledgeNotice.Kind.RECEIVED, sent_at__isnull=True).delete()
        line._history_user = actor
        line._change_reason = reason.strip()[:100]
        line.delete()
    return pledge


def column_map_save(
    *, bank: str, office, actor, date_column: str, amount_column: str, description_column: str, reference_column: str
) -> StatementColumnMap:
    """Save the column names of one bank's statements for an office (or for every
    office, `office` None)."""
    with transaction.atomic():
        saved = StatementColumnMap.objects.select_for_update().filter(bank=bank, office=office).first()
        saved = saved or StatementColumnMap(bank=bank, office=office)
        saved.date_column, saved.amount_column = date_column, amount_column
        saved.description_column, saved.reference_column = description_column, reference_column
        saved.updated_by = actor
        saved._history_user = actor
        saved.save()
    return saved


def statement_apply(*, statement, actor, pledges_in_area) -> tuple[int, list[str]]:
    """Confirm receipt of the matched rows of a previewed statement, once."""
    claimed = StatementImport.objects.filter(pk=statement.pk, applied_at__isnull=True).update(applied_at=timezone.now())
    if not claimed:
        raise PledgeRefused(_("This statement has already been imported."))
    applied, skipped = 0, []
    for row in statement.rows:
        if row["outcome"] != "matched":
            continue
        pledge = pledges_in_area.filter(pk=row["pledge_id"]).first()
        if pledge is None:
            skipped.append(row["reference"])
            continue
        try:
            with transaction.atomic():
                pledge_receive(pledge=pledge, actor=actor, amount=row["amount"], received_on=row["date"])
                StatementLine.objects.create(
                    statement=statement,
                    transaction=row["transaction"] or f"{statement.pk}:{row['line']}",
                    pledge=pledge,
                    amount=row["amount"],
                    booked_on=row["date"],
                )
        except (PledgeRefused, IntegrityError):
            skipped.append(row["reference"])
            continue
        applied += 1
    return applied, skipped


def school_account_add(
    *, school: School, actor, bank_bin: str, bank_name: str, account_number: str, account_holder: str
) -> BankAccount:
    """Add a school's own account. It receives nothing until an officer routes the
    school's gifts to it (payment_route_set)."""
    account = BankAccount(
        school=school,
        bank_bin=bank_bin,
        bank_name=bank_name,
        account_number=account_number,
        account_holder=account_holder,
    )
    account.full_clean()  # the model's rules hold for callers without a form too
    with transaction.atomic():
        account._history_user = actor
        account.save()
    return account


def payment_route_set(*, school: School, account: BankAccount, actor) -> PaymentRoute:
    """Send the gifts for a school to one of the accounts it may use: its own, or its
    commune's or district's office's, or the province's (`accounts_for_school`)."""
    if not selectors.accounts_for_school(school).filter(pk=account.pk).exists():
        raise AccountRefused(_("This account cannot receive gifts for this school."))
    with transaction.atomic():
        # The school's row is the lock: two officers choosing at once write one route each in turn.
        School.objects.select_for_update().filter(pk=school.pk).exists()
        route = PaymentRoute.objects.filter(school=school).first() or PaymentRoute(school=school)
        route.account, route.set_by = account, actor
        route._history_user = actor
        route.save()
    return route


def donor_profile_save(
    *, user, kind: str, name: str, tax_code: str = "", display_name: str = "", anonymous_by_default: bool = False
) -> DonorProfile:
    """Create or change the donor's own profile."""
    with transaction.atomic():
        profile = DonorProfile.objects.select_for_update().filter(user=user).first() or DonorProfile(user=user)
        profile.kind, profile.name, profile.tax_code = kind, name, tax_code
        profile.display_name, profile.anonymous_by_default = display_name, anonymous_by_default
        profile._history_user = user
        profile.save()
    return profile


ERASED_NAME = "—"


def donor_erase(*, user) -> dict:
    """Erase the donor as donations.personal_data describes. Returns what was done, for
    the message."""
    if not can_erase(user):
        raise PermissionError("accounts with a role are closed by their office")
    cancelled = 0
    for pledge in pledges_of_person(user).filter(status=P.PLEDGED):
        pledge_cancel(pledge=pledge, actor=user, note="account erased")
        cancelled += 1
    with transaction.atomic():
        kept = list(pledges_of_person(user).select_for_update())
        for pledge in kept:
            # Each its own address: nothing ties the gifts together any more.
            pledge.donor = None
            pledge.donor_name = ERASED_NAME
            pledge.donor_email = f"erased-{pledge.pk}@invalid.invalid"
            pledge.donor_phone = pledge.message = ""
            pledge.anonymous = True
            pledge._history_user = user
            pledge.save(
                update_fields=[
                    "donor",
                    "donor_name",
                    "donor_email",
                    "donor_phone",
                    "message",
                    "anonymous",
                    "updated_at",
                ]
            )
        # Lunch sponsorships too: their months not paid were cancelled above.
        for sponsorship in Sponsorship.objects.select_for_update().filter(
            Q(donor=user) | Q(donor__isnull=True, donor_email__iexact=user.email)
        ):
            sponsorship.donor = None
            sponsorship.donor_name = ERASED_NAME
            sponsorship.donor_email = f"erased-s{sponsorship.pk}@invalid.invalid"
            sponsorship.donor_phone = sponsorship.message = ""
            sponsorship.anonymous = True
            if sponsorship.is_active:
                sponsorship.status, sponsorship.stopped_at = Sponsorship.Status.STOPPED, timezone.now()
            sponsorship._history_user = user
            sponsorship.save()
        # Mails still waiting in the outbox would go to an address that is gone.
        PledgeNotice.objects.filter(pledge__in=kept, sent_at__isnull=True).delete()
        # And the general outbox's notices to their address (their inbox's go with the
        # account): a due notice's text names them and links to their gift.
        Notice.objects.filter(email__iexact=user.email).delete()
        profile = DonorProfile.objects.filter(user=user).first()
        if profile:
            profile._history_user = user
            profile.delete()
        user.delete()
    return {"cancelled": cancelled, "anonymised": len(kept)}
