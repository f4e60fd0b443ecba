"""The national round of an edition: provinces forward their best letters, national
judges score them blind, the national organisers publish the results and mark the one
letter sent to the UPU. Every write of the national round is here, with its history.

Its life follows the clock, like a provincial round's (letters_contest.lifecycle):

    forwarding (until forward_by) → closed → judging (from judging_from, else the day
    after forward_by) → published (when the national organisers publish)

What crosses from a province: the letter, its code, school and province, its place in
the province's ranking. The pupil's name is shown only where the public sees it (after
the national results, with a national award and the guardian's consent to publish it);
the date of birth, class, guardian and sensitive data never leave the province.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import judging, lifecycle
from .models import (
    ContestRound,
    Criterion,
    Edition,
    Entry,
    Forwarding,
    NationalRole,
    NationalRound,
    Prize,
    ResultCorrection,
)
from .services import DEFAULT_RUBRIC, entry_access_record, scores_save

STAGE = 2  # Score.stage and TieBreak.stage of the national round


class NationalRefused(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


# The life of the national round ------------------------------------------------------------


class State(TextChoices):
    FORWARDING = "forwarding", gettext_lazy("Provinces forward letters")
    CLOSED = "closed", gettext_lazy("Forwarding closed")
    JUDGING = "judging", gettext_lazy("National judging")
    PUBLISHED = "published", gettext_lazy("National results published")


ORDER = list(State)


class Action(TextChoices):
    FORWARD = "forward", gettext_lazy("forward letters")
    APPOINT = "appoint", gettext_lazy("appoint or remove national judges")
    SCORE = "score", gettext_lazy("score letters")
    DECIDE = "decide", gettext_lazy("give awards or exclude letters")
    PUBLISH = "publish", gettext_lazy("publish the national results")
    UPU = "upu", gettext_lazy("mark the letter sent to the UPU")
    CORRECT = "correct", gettext_lazy("correct published results")


ALLOWED = {
    Action.FORWARD: {State.FORWARDING},
    Action.APPOINT: {State.FORWARDING, State.CLOSED, State.JUDGING},
    Action.SCORE: {State.JUDGING},
    Action.DECIDE: {State.JUDGING},
    Action.PUBLISH: {State.JUDGING},
    # After publishing, a change of the UPU letter is a recorded correction.
    Action.UPU: {State.JUDGING, State.PUBLISHED},
    Action.CORRECT: {State.PUBLISHED},
}


def _fmt(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def judging_starts(national_round: NationalRound) -> date:
    return national_round.judging_from or national_round.forward_by + timedelta(days=1)


def state_of(national_round: NationalRound, on: date | None = None) -> str:
    on = on or lifecycle.today()
    if national_round.results_published_at:
        return State.PUBLISHED
    if on <= national_round.forward_by:
        return State.FORWARDING
    if on < judging_starts(national_round):
        return State.CLOSED
    return State.JUDGING


def refusal(national_round: NationalRound, action: str, on: date | None = None) -> str:
    """Why the action is refused today ("" when it is allowed)."""
    state = state_of(national_round, on)
    if state in ALLOWED[action]:
        return ""
    if state == State.PUBLISHED:
        return _("The national results were published on %(date)s: they change only through a recorded correction.") % {
            "date": _fmt(timezone.localtime(national_round.results_published_at).date())
        }
    if action == Action.FORWARD:
        return _("Letters were to be forwarded by %(date)s.") % {"date": _fmt(national_round.forward_by)}
    if action in (Action.SCORE, Action.DECIDE, Action.PUBLISH, Action.UPU):
        return _("National judging starts on %(date)s.") % {"date": _fmt(judging_starts(national_round))}
    if action == Action.CORRECT:
        return _("Only published results can be corrected.")
    return _("Not possible while the national round is “%(state)s”.") % {"state": State(state).label}


def require(national_round: NationalRound, action: str) -> None:
    message = refusal(national_round, action)
    if message:
        raise NationalRefused(message)


@dataclass(frozen=True)
class Step:
    label: str
    on: date | None
    current: bool
    done: bool


def timeline(national_round: NationalRound, on: date | None = None) -> list[Step]:
    now = state_of(national_round, on)
    published = national_round.results_published_at
    dates = {
        State.FORWARDING: national_round.forward_by,
        State.CLOSED: national_round.forward_by + timedelta(days=1),
        State.JUDGING: judging_starts(national_round),
        State.PUBLISHED: timezone.localtime(published).date() if published else None,
    }
    position = ORDER.index(now)
    return [
        Step(label=s.label, on=dates[s], current=s == now, done=ORDER.index(s) < position)
        for s in ORDER
        if not (s == State.CLOSED and dates[State.CLOSED] == dates[State.JUDGING])
    ]


# Opening the round and its people ----------------------------------------------------------


def national_round_open(*, edition: Edition, data: dict, actor) -> NationalRound:
    """Open the edition's national round with the default rubric (the national judges'
    criteria, apart from the provinces')."""
    if data["judging_from"] and data["judging_from"] <= data["forward_by"]:
        raise NationalRefused(_("National judging starts after the forwarding date."), field="judging_from")
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).exists()
        if NationalRound.objects.filter(edition=edition).exists():
            raise NationalRefused(_("This edition already has its national round."))
        national_round = NationalRound(
            edition=edition,
            forward_by=data["forward_by"],
            judging_from=data.get("judging_from"),
            judging_to=data.get("judging_to"),
            judges_required=data.get("judges_required") or 2,
        )
        national_round._history_user = actor
        national_round.save()
        for position, (name, weight) in enumerate(DEFAULT_RUBRIC):
            criterion = Criterion(
                national_round=national_round, name=name, weight=weight, max_score=10, position=position
            )
            criterion._history_user = actor
            criterion.save()
    return national_round


def national_role_appoint(*, national_round: NationalRound, email: str, role: str, actor) -> NationalRole:
    """Give the account with this e-mail a role in the national round; twice changes nothing."""
    require(national_round, Action.APPOINT)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise NationalRefused(_("No account has this e-mail. Ask the judge to sign up first."), field="email")
    with transaction.atomic():
        NationalRound.objects.select_for_update().filter(pk=national_round.pk).exists()
        appointed = NationalRole.objects.filter(national_round=national_round, user=user, role=role).first()
        if appointed is None:
            appointed = NationalRole(national_round=national_round, user=user, role=role)
            appointed._history_user = actor
            appointed.save()
    return appointed


def national_role_remove(*, national_round: NationalRound, role_id: int, actor) -> bool:
    """Take a role away (a judge's scores stay). A national organiser cannot remove
    themself: somebody must be left to publish."""
    with transaction.atomic():
        appointed = NationalRole.objects.select_for_update().filter(national_round=national_round, pk=role_id).first()
        if appointed is None:
            return False
        if appointed.user_id == actor.pk and appointed.role == NationalRole.Role.ORGANISER:
            raise NationalRefused(_("You cannot remove yourself as national organiser."))
        appointed._history_user = actor
        appointed.delete()
    return True


# Forwarding -------------------------------------------------------------------------------


def forwarding_refusal(round_: ContestRound, national_round: NationalRound | None) -> str:
    """Why the province cannot forward today ("" when it can)."""
    if national_round is None:
        return _("The national round of this edition is not open yet.")
    return lifecycle.refusal(round_, lifecycle.Action.FORWARD) or refusal(national_round, Action.FORWARD)


def forwardable(round_: ContestRound) -> list[dict]:
    """The province's ranking as forwarding sees it: the ranked letters (scored by the
    round's judges, not excluded), best first; `forwarded` on those already sent."""
    rows = [row for row in judging.ranking(round_) if row["rank"] is not None]
    forwarded = set(Forwarding.objects.filter(entry__round=round_).values_list("entry_id", flat=True))
    for row in rows:
        row["forwarded"] = row["entry"].pk in forwarded
    return rows


def forward(*, round_: ContestRound, entries: list[Entry], actor) -> list[Forwarding]:
    """Send the province's chosen letters to the national round: only letters of its
    published ranking, at most the edition's quota in all, by the forwarding date."""
    national_round = NationalRound.objects.filter(edition_id=round_.edition_id).first()
    message = forwarding_refusal(round_, national_round)
    if message:
        raise NationalRefused(message)
    if not entries:
        raise NationalRefused(_("Choose the letters to forward."), field="entries")
    with transaction.atomic():
        # The province's round is the lock: two organisers forwarding at once stay within the quota.
        ContestRound.objects.select_for_update().filter(pk=round_.pk).exists()
        ranks = {row["entry"].pk: row["rank"] for row in forwardable(round_) if not row["forwarded"]}
        refused = [entry.code for entry in entries if entry.pk not in ranks]
        if refused:
            raise NationalRefused(
                _("Only ranked letters of the province not yet forwarded can be forwarded: %(codes)s.")
                % {"codes": ", ".join(refused)},
                field="entries",
            )
        quota = round_.edition.forward_quota
        already = Forwarding.objects.filter(entry__round=round_).count()
        if already + len(entries) > quota:
            raise NationalRefused(
                _("Each province forwards at most %(quota)s letters; %(already)s are already forwarded.")
                % {"quota": quota, "already": already},
                field="entries",
            )
        made = []
        for entry in sorted(entries, key=lambda e: (ranks[e.pk], e.code)):
            forwarding = Forwarding(
                entry=entry, national_round=national_round, province_rank=ranks[entry.pk], forwarded_by=actor
            )
            forwarding._history_user = actor
            forwarding.save()
            made.append(forwarding)
    return made


def forwarded_from(round_: ContestRound) -> list[Forwarding]:
    return list(
        Forwarding.objects.filter(entry__round=round_)
        .select_related("entry", "national_round")
        .order_by("province_rank", "entry__code")
    )


def outcome(forwarding: Forwarding) -> str:
    """What the province sees of a forwarded letter's national fate."""
    national_round = forwarding.national_round
    if forwarding.excluded_at:
        return _("Excluded: %(reason)s") % {"reason": forwarding.excluded_reason}
    if national_round.results_published_at:
        if forwarding.national_level:
            return forwarding.get_national_level_display()
        return _("No national award")
    return State(state_of(national_round)).label


# Judging ----------------------------------------------------------------------------------


def national_code(forwarding: Forwarding) -> str:
    """What national judges call a letter: the entry's code names its province, this
    does not."""
    return f"QG-{forwarding.pk:05d}"


def criteria_of(national_round: NationalRound) -> list[Criterion]:
    return list(Criterion.objects.filter(national_round=national_round))


def in_judging(national_round: NationalRound):
    """The forwarded letters national judges score: in the contest, not excluded."""
    return Forwarding.objects.filter(
        national_round=national_round, entry__status=Entry.Status.REGISTERED, excluded_at__isnull=True
    )


def national_scores_save(*, forwarding: Forwarding, judge, values: dict[int, Decimal]):
    require(forwarding.national_round, Action.SCORE)
    if forwarding.excluded_at:
        raise NationalRefused(_("This letter is excluded from the national ranking."))
    return scores_save(entry=forwarding.entry, judge=judge, stage=STAGE, values=values)


def judge_letter_opened(*, forwarding: Forwarding, judge) -> None:
    entry_access_record(entry=forwarding.entry, user=judge, what="national-judge")


# Ranking, awards, publication ---------------------------------------------------------------


def ranking(national_round: NationalRound) -> list[dict]:
    """The national ranking of the forwarded letters not excluded (judging.ranked), each
    row with its `forwarding` and `national_code`."""
    forwardings = {
        f.entry_id: f for f in in_judging(national_round).select_related("entry__school", "entry__round__province")
    }
    rows = judging.ranked(
        [f.entry for f in forwardings.values()],
        criteria_of(national_round),
        stage=STAGE,
        required=national_round.judges_required,
    )
    for row in rows:
        row["forwarding"] = forwardings[row["entry"].pk]
        row["national_code"] = national_code(row["forwarding"])
    return rows


def excluded(national_round: NationalRound) -> list[Forwarding]:
    return list(
        Forwarding.objects.filter(national_round=national_round, excluded_at__isnull=False).select_related(
            "entry__school", "entry__round__province"
        )
    )


def national_awards_set(*, national_round: NationalRound, levels: dict[int, str], actor) -> int:
    """The awards of the whole national ranking in one decision: `levels` maps each
    forwarding's id to a prize ("" for none). Returns how many changed."""
    changed = 0
    with transaction.atomic():
        national_round = NationalRound.objects.select_for_update().get(pk=national_round.pk)
        require(national_round, Action.DECIDE)
        forwardings = Forwarding.objects.select_for_update().filter(
            national_round=national_round, pk__in=list(levels), excluded_at__isnull=True
        )
        for forwarding in forwardings:
            level = levels[forwarding.pk]
            if level and level not in Prize.values:
                raise NationalRefused(_("Unknown award."))
            if forwarding.national_level == level:
                continue
            forwarding.national_level = level
            forwarding._history_user = actor
            forwarding.save(update_fields=["national_level"])
            changed += 1
        upu = national_round.upu_entry_id
        if upu and not Forwarding.objects.filter(entry_id=upu).exclude(national_level="").exists():
            # The UPU letter is one of the national awards: taking its award back unmarks it.
            national_round.upu_entry = None
            national_round._history_user = actor
            national_round.save(update_fields=["upu_entry"])
    return changed


def national_exclude(*, forwarding: Forwarding, reason: str, actor) -> Forwarding:
    """Leave a letter out of the national ranking for a recorded reason (an empty reason
    brings it back)."""
    national_round = forwarding.national_round
    require(national_round, Action.DECIDE)
    reason = reason.strip()
    with transaction.atomic():
        forwarding = Forwarding.objects.select_for_update().get(pk=forwarding.pk)
        forwarding.excluded_reason = reason
        forwarding.excluded_by = actor if reason else None
        forwarding.excluded_at = timezone.now() if reason else None
        if reason:
            forwarding.national_level = ""
        forwarding._history_user = actor
        forwarding.save()
        if reason and national_round.upu_entry_id == forwarding.entry_id:
            national_round.upu_entry = None
            national_round._history_user = actor
            national_round.save(update_fields=["upu_entry"])
    return forwarding


def mark_upu(*, national_round: NationalRound, forwarding: Forwarding, actor, reason: str = "") -> NationalRound:
    """The one letter the country sends to the UPU, among the national awards. After
    publishing, a change is a correction with its reason."""
    with transaction.atomic():
        national_round = NationalRound.objects.select_for_update().get(pk=national_round.pk)
        require(national_round, Action.UPU)
        published = bool(national_round.results_published_at)
        if published and not reason.strip():
            raise NationalRefused(_("The results are published: give the reason for the change."), field="reason")
        forwarding = Forwarding.objects.select_related("entry").get(pk=forwarding.pk, national_round=national_round)
        if not forwarding.national_level or forwarding.excluded_at:
            raise NationalRefused(_("The letter sent to the UPU is one with a national award."))
        if national_round.upu_entry_id == forwarding.entry_id:
            return national_round
        previous = national_round.upu_entry
        national_round.upu_entry = forwarding.entry
        national_round._history_user = actor
        national_round.save(update_fields=["upu_entry"])
        if published:
            ResultCorrection.objects.create(
                national_round=national_round,
                entry=forwarding.entry,
                entry_code=forwarding.entry.code,
                what=_("Sent to the UPU: %(new)s instead of %(old)s")
                % {"new": forwarding.entry.code, "old": previous.code if previous else "—"},
                reason=reason.strip(),
                decided_by=actor,
            )
    return national_round


def publish_problems(national_round: NationalRound) -> list[str]:
    """What stands between the national round and its results, one sentence each."""
    problems = []
    rows = ranking(national_round)
    if not rows:
        problems.append(_("No letter is in the national ranking."))
    unscored = [row["national_code"] for row in rows if not row["complete"]]
    if unscored:
        problems.append(
            _("Not yet scored by %(count)s national judges (or excluded with a reason): %(codes)s.")
            % {"count": national_round.judges_required, "codes": ", ".join(unscored)}
        )
    if rows and not any(row["forwarding"].national_level for row in rows):
        problems.append(_("No national award is given."))
    if not national_round.upu_entry_id:
        problems.append(_("No letter is marked as sent to the UPU."))
    return problems


def national_publish(*, national_round: NationalRound, actor) -> NationalRound:
    require(national_round, Action.PUBLISH)
    with transaction.atomic():
        national_round = NationalRound.objects.select_for_update().get(pk=national_round.pk)
        problems = publish_problems(national_round)
        if problems:
            raise NationalRefused(" ".join(problems))
        national_round.results_published_at = timezone.now()
        national_round._history_user = actor
        national_round.save(update_fields=["results_published_at"])
    return national_round


def national_correct(*, forwarding: Forwarding, level: str, reason: str, actor) -> ResultCorrection:
    """Change a national award after publishing: the change and its reason are kept."""
    national_round = forwarding.national_round
    require(national_round, Action.CORRECT)
    if level and level not in Prize.values:
        raise NationalRefused(_("Unknown award."), field="level")
    if not reason.strip():
        raise NationalRefused(_("Give the reason for the correction."), field="reason")
    with transaction.atomic():
        forwarding = Forwarding.objects.select_for_update().select_related("entry").get(pk=forwarding.pk)
        if forwarding.national_level == level:
            raise NationalRefused(_("The letter already has this award."), field="level")
        before = forwarding.get_national_level_display() or "—"
        forwarding.national_level = level
        forwarding._history_user = actor
        forwarding.save(update_fields=["national_level"])
        after = forwarding.get_national_level_display() or "—"
        if not level and national_round.upu_entry_id == forwarding.entry_id:
            national_round.upu_entry = None
            national_round._history_user = actor
            national_round.save(update_fields=["upu_entry"])
        return ResultCorrection.objects.create(
            national_round=national_round,
            entry=forwarding.entry,
            entry_code=forwarding.entry.code,
            what=_("National award: %(after)s instead of %(before)s") % {"after": after, "before": before},
            reason=reason.strip(),
            decided_by=actor,
        )


def public_name(forwarding: Forwarding) -> str:
    """A pupil's name leaves the province only as the public sees it: after the national
    results, with a national award, and the guardian's consent to publish it."""
    entry = forwarding.entry
    if (
        forwarding.national_round.results_published_at
        and forwarding.national_level
        and not forwarding.excluded_at
        and entry.consent_publish_name
    ):
        return entry.pupil_name
    return ""


def published_results(national_round: NationalRound) -> list[dict]:
    """The public national results: award, code, province, school, the name within consent."""
    order = {level: index for index, level in enumerate(Prize.values)}
    rows = []
    forwardings = (
        Forwarding.objects.filter(
            national_round=national_round, excluded_at__isnull=True, entry__status=Entry.Status.REGISTERED
        )
        .exclude(national_level="")
        .select_related("entry__school", "entry__round__province", "national_round")
    )
    for forwarding in forwardings:
        entry = forwarding.entry
        rows.append(
            {
                "level": forwarding.get_national_level_display(),
                "order": order[forwarding.national_level],
                "code": entry.code,
                "name": public_name(forwarding),
                "school": entry.school.name,
                "province": entry.round.province.name,
                "upu": national_round.upu_entry_id == entry.pk,
            }
        )
    return sorted(rows, key=lambda row: (not row["upu"], row["order"], row["code"]))
