"""A provincial round's life, driven by the clock: nobody has to close a round.

    draft ─(opens_on)→ open for entries ─(after school_deadline)→ closed
          ─(judging_from, else the day after the deadline)→ judging
          ─(the organiser publishes)→ results published ─(delete_entries_on)→ archived

`state_of` reads the state for a day; `require` refuses an action outside the states
that allow it, with a message that says why and since when. Services call `require`
before writing, views show `refusal` instead of a form. The dates themselves are kept
on `ContestRound`; the retention date's default is here too."""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class State(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Not yet open")
    OPEN = "open", gettext_lazy("Open for entries")
    CLOSED = "closed", gettext_lazy("Closed for entries")
    JUDGING = "judging", gettext_lazy("Judging")
    PUBLISHED = "published", gettext_lazy("Results published")
    ARCHIVED = "archived", gettext_lazy("Archived")


ORDER = list(State)


class Action(models.TextChoices):
    """What people do to a round; each allowed in some states only (ALLOWED)."""

    REGISTER = "register", gettext_lazy("register an entry")
    WITHDRAW = "withdraw", gettext_lazy("withdraw consent")
    EDIT_ROUND = "edit_round", gettext_lazy("change the round's dates")
    APPOINT_JUDGE = "appoint_judge", gettext_lazy("appoint or remove judges")
    SCORE = "score", gettext_lazy("score letters")
    EXCLUDE = "exclude", gettext_lazy("exclude an entry")
    AWARD = "award", gettext_lazy("give awards")
    PUBLISH = "publish", gettext_lazy("publish the results")
    CORRECT = "correct", gettext_lazy("correct published results")
    FORWARD = "forward", gettext_lazy("forward letters to the national round")
    SET_RETENTION = "set_retention", gettext_lazy("change the deletion date")


ALLOWED: dict[str, set[str]] = {
    Action.REGISTER: {State.OPEN},
    # Consent can always be withdrawn while the data exists (a right, not a favour);
    # after publishing it is recorded as a correction (services.entry_withdraw).
    Action.WITHDRAW: {State.DRAFT, State.OPEN, State.CLOSED, State.JUDGING, State.PUBLISHED},
    Action.EDIT_ROUND: {State.DRAFT, State.OPEN, State.CLOSED, State.JUDGING},
    Action.APPOINT_JUDGE: {State.DRAFT, State.OPEN, State.CLOSED, State.JUDGING},
    Action.SCORE: {State.JUDGING},
    Action.EXCLUDE: {State.CLOSED, State.JUDGING},
    Action.AWARD: {State.JUDGING},
    Action.PUBLISH: {State.JUDGING},
    Action.CORRECT: {State.PUBLISHED},
    Action.FORWARD: {State.PUBLISHED},
    Action.SET_RETENTION: {State.DRAFT, State.OPEN, State.CLOSED, State.JUDGING, State.PUBLISHED},
}


class StateRefused(Exception):
    """An action asked for in a state that does not allow it."""

    def __init__(self, message: str, state: str):
        super().__init__(message)
        self.message, self.state = message, state


def today() -> date:
    return timezone.localdate()


def _fmt(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def judging_starts(round_) -> date:
    """Judging begins on judging_from, or the day after the deadline when none is set."""
    return round_.judging_from or round_.school_deadline + timedelta(days=1)


def state_of(round_, on: date | None = None) -> str:
    on = on or today()
    if round_.archived_at or on >= round_.delete_entries_on:
        return State.ARCHIVED
    if round_.results_published_at or round_.results_published:
        return State.PUBLISHED
    if on < round_.opens_on:
        return State.DRAFT
    if on <= round_.school_deadline:
        return State.OPEN
    if on < judging_starts(round_):
        return State.CLOSED
    return State.JUDGING


def allows(round_, action: str, on: date | None = None) -> bool:
    return state_of(round_, on) in ALLOWED[action]


def refusal(round_, action: str, on: date | None = None) -> str:
    """Why the action is refused today ("" when it is allowed): the state and its date."""
    state = state_of(round_, on)
    if state in ALLOWED[action]:
        return ""
    if action == Action.REGISTER:
        if state == State.DRAFT:
            return _("Entries open on %(date)s.") % {"date": _fmt(round_.opens_on)}
        return _("Entries closed on %(date)s.") % {"date": _fmt(round_.school_deadline)}
    if state == State.ARCHIVED:
        return _("This round is archived: its pupils' data was deleted on %(date)s.") % {
            "date": _fmt(round_.delete_entries_on)
        }
    if state == State.PUBLISHED:
        published = round_.results_published_at
        if not published:  # published before the moment was kept
            return _("The results are published: they change only through a recorded correction.")
        return _("The results were published on %(date)s: they change only through a recorded correction.") % {
            "date": _fmt(timezone.localtime(published).date())
        }
    if state in (State.DRAFT, State.OPEN, State.CLOSED) and action in (Action.SCORE, Action.AWARD, Action.PUBLISH):
        return _("Judging starts on %(date)s.") % {"date": _fmt(judging_starts(round_))}
    if action in (Action.CORRECT, Action.FORWARD):
        return _("Only published results can be %(done)s.") % {
            "done": _("corrected") if action == Action.CORRECT else _("forwarded")
        }
    if action == Action.EXCLUDE:
        return _("Entries can be excluded once entries have closed, until the results are published.")
    return _("Not possible while the round is “%(state)s”.") % {"state": State(state).label}


def require(round_, action: str, on: date | None = None) -> None:
    message = refusal(round_, action, on)
    if message:
        raise StateRefused(message, state_of(round_, on))


def retention_after_publishing(published_on: date) -> date:
    """The default day the pupils' data goes: CONTEST_RETENTION_MONTHS after the results
    are published."""
    return published_on + relativedelta(months=settings.CONTEST_RETENTION_MONTHS)


def check_dates(dates: dict, *, today_: date | None = None, published_on: date | None = None) -> dict[str, str]:
    """The order a round's dates must keep, as {field: message} (empty when they do):
    entries open on or before the deadline; judging starts after it and ends on or after
    its start; forwarding is not before the deadline; and the pupils' data is deleted
    after every one of them (and after the results, and not in the past)."""
    errors: dict[str, str] = {}
    opens, deadline = dates.get("opens_on"), dates.get("school_deadline")
    judging_from, judging_to = dates.get("judging_from"), dates.get("judging_to")
    if opens and deadline and opens > deadline:
        errors["opens_on"] = _("Entries must open on or before the deadline for schools.")
    if judging_from and deadline and judging_from <= deadline:
        errors["judging_from"] = _("Judging starts after the deadline for schools.")
    if judging_to and (judging_from or deadline) and judging_to < (judging_from or deadline):
        errors["judging_to"] = _("Judging ends on or after the day it starts.")
    if dates.get("forward_by") and deadline and dates["forward_by"] < deadline:
        errors["forward_by"] = _("Letters are forwarded after the deadline for schools.")
    delete_on = dates.get("delete_entries_on")
    if delete_on:
        kept_until = [dates.get(k) for k in ("opens_on", "school_deadline", "judging_from", "judging_to", "forward_by")]
        if any(day and delete_on <= day for day in [*kept_until, published_on]):
            errors["delete_entries_on"] = _(
                "Entries are deleted after the deadline, the judging and the forwarding: choose a later date."
            )
        elif today_ and delete_on <= today_:
            errors["delete_entries_on"] = _("The deletion date must be after today.")
    return errors


def planned_retention(round_dates: dict) -> date:
    """Before publishing, the round's deletion date is counted from the last planned
    date (forwarding, judging or the deadline), as if the results were published then;
    publishing moves it to its true default unless the organiser chose it."""
    last = max(day for day in (round_dates.get(k) for k in ("school_deadline", "judging_to", "forward_by")) if day)
    try:
        return retention_after_publishing(last)
    except (OverflowError, ValueError):
        return date.max


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    on: date | None
    current: bool
    done: bool


def timeline(round_, on: date | None = None) -> list[Step]:
    """The round's states with their dates, for the round's pages."""
    now = state_of(round_, on)
    published = round_.results_published_at
    dates = {
        State.DRAFT: None,
        State.OPEN: round_.opens_on,
        State.CLOSED: round_.school_deadline + timedelta(days=1),
        State.JUDGING: judging_starts(round_),
        State.PUBLISHED: timezone.localtime(published).date() if published else None,
        State.ARCHIVED: round_.delete_entries_on,
    }
    position = ORDER.index(now)
    return [
        Step(state=s.value, label=s.label, on=dates[s], current=s == now, done=ORDER.index(s) < position)
        for s in ORDER
        if s != State.DRAFT
    ]


def key_date(round_, on: date | None = None) -> tuple[str, date | None]:
    """What a list of rounds shows beside a round's state: the date that matters next
    (or, once it is over, the date it ended)."""
    state = state_of(round_, on)
    published = round_.results_published_at
    if state == State.DRAFT:
        return _("Entries open on"), round_.opens_on
    if state == State.OPEN:
        return _("Deadline for schools"), round_.school_deadline
    if state == State.CLOSED:
        return _("Judging starts on"), judging_starts(round_)
    if state == State.JUDGING:
        if round_.judging_to:
            return _("Judging until"), round_.judging_to
        return _("Entries closed on"), round_.school_deadline
    if state == State.PUBLISHED:
        return _("Results published on"), timezone.localtime(published).date() if published else None
    return _("Pupils' data deleted on"), round_.delete_entries_on
