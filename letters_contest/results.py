"""The rules of a round's results, in one place: excluding an entry (with its reason),
breaking a tie, giving the awards of a whole ranking at once, publishing (refused while
an entry lacks its judges' scores), and correcting published results (recorded).

The checks work on ranking rows (`judging.ranked`: entry, score, rank, tied, complete,
tie_break) and a choice of prize per entry, so that the national round applies the same
rules to its own rows and writes its awards with its own writer (`apply_awards`). Every
write keeps its history with the acting user and asks `lifecycle.require` first."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import fold
from documents.issuers import issuer_of_office
from documents.models import DocumentKind
from documents.services import issue_document

from . import judging, lifecycle, services
from .certificates import certificate_rendered, certificate_title
from .lifecycle import Action
from .models import Award, ContestRound, Entry, Prize, ResultCorrection, SpecialPrize, TieBreak
from .services import AwardCertified, EntryRefused

# The prizes given by rank, best first; a special prize honours something else.
RANKED_PRIZES = [Prize.FIRST, Prize.SECOND, Prize.THIRD, Prize.CONSOLATION]
SENSITIVE_PRIZES = judging.SENSITIVE_PRIZES
# The majority people: a prize for an ethnic minority needs another recorded group.
MAJORITY_GROUP = "kinh"


class ResultRefused(EntryRefused):
    """A result the rules do not allow; `problems` lists each reason, one per line."""

    def __init__(self, problems: list[str], field=None):
        super().__init__(" ".join(problems), field=field)
        self.problems = problems


@dataclass(frozen=True)
class Choice:
    """The prize chosen for an entry: a level ("" for none), and for a special prize what
    it honours and, for another special prize, its name."""

    level: str = ""
    special: str = ""
    special_title: str = ""

    @classmethod
    def of(cls, award) -> "Choice":
        return cls(award.level, award.special, award.special_title) if award else cls()

    def cleaned(self) -> "Choice":
        if self.level != Prize.SPECIAL:
            return Choice(self.level)
        return Choice(
            self.level, self.special, self.special_title.strip() if self.special == SpecialPrize.OTHER else ""
        )

    def label(self) -> str:
        return judging.prize_label(self.level, self.special, self.special_title)


# --- Checks on ranking rows -----------------------------------------------------------


def _sensitive_problem(entry: Entry, choice: Choice) -> str:
    if choice.special not in SENSITIVE_PRIZES:
        return ""
    if not entry.sensitive_consent:
        return _(
            "%(code)s: a special prize %(kind)s needs the data recorded with the consent of the pupil and the guardian."
        ) % {"code": entry.code, "kind": SpecialPrize(choice.special).label}
    if choice.special == SpecialPrize.ETHNIC_MINORITY and (
        not entry.ethnic_group or fold(entry.ethnic_group).strip() == MAJORITY_GROUP
    ):
        return _("%(code)s: the school recorded no ethnic minority for this pupil.") % {"code": entry.code}
    if choice.special == SpecialPrize.DISABILITY and not entry.has_disability:
        return _("%(code)s: the school recorded no disability for this pupil.") % {"code": entry.code}
    return ""


def _choice_problem(entry: Entry, choice: Choice) -> str:
    if choice.level and choice.level not in Prize.values:
        return _("%(code)s: choose a prize from the list.") % {"code": entry.code}
    if choice.level == Prize.SPECIAL:
        if choice.special not in SpecialPrize.values:
            return _("%(code)s: say what the special prize is for.") % {"code": entry.code}
        if choice.special == SpecialPrize.OTHER and not choice.special_title:
            return _("%(code)s: give the special prize its name.") % {"code": entry.code}
    return _sensitive_problem(entry, choice)


def _tie_problems(rows: list[dict], chosen: dict[int, Choice]) -> list[str]:
    """Entries that share a rank but get different ranked prizes need an organiser's
    tie-break, and the better prize goes to the entry placed first."""
    groups = defaultdict(list)
    for row in rows:
        if row["rank"] is not None and row["tied"] > 1:
            groups[row["rank"]].append(row)
    worst = len(RANKED_PRIZES)
    problems = []
    for rank, group in sorted(groups.items()):

        def order(row):
            level = chosen.get(row["entry"].pk, Choice()).level
            return RANKED_PRIZES.index(level) if level in RANKED_PRIZES else worst

        if len({order(row) for row in group}) == 1:
            continue
        codes = ", ".join(row["entry"].code for row in group)
        if any(row["tie_break"] is None for row in group):
            problems.append(
                _("%(codes)s share rank %(rank)s but get different prizes: record a tie-break first.")
                % {"codes": codes, "rank": rank}
            )
            continue
        placed = sorted(group, key=lambda row: row["tie_break"].position)
        if [order(row) for row in placed] != sorted(order(row) for row in placed):
            problems.append(
                _("%(codes)s share rank %(rank)s: the better prize goes to the entry the tie-break places first.")
                % {"codes": codes, "rank": rank}
            )
    return problems


def award_problems(rows: list[dict], chosen: dict[int, Choice]) -> list[str]:
    """Everything wrong with giving these prizes (entry id → Choice) in this ranking:
    a prize only for an entry ranked with all its judges' scores, special prizes on
    sensitive data only with consent and the matching data, and ties broken where a
    prize separates them."""
    by_id = {row["entry"].pk: row for row in rows}
    problems = []
    for entry_id, choice in chosen.items():
        row = by_id.get(entry_id)
        if not choice.level:
            continue
        if row is None:
            problems.append(_("An award goes only to an entry of this ranking that is not excluded."))
        elif row["rank"] is None:
            problems.append(
                _("%(code)s is not scored by all its judges yet: it cannot get an award.") % {"code": row["entry"].code}
            )
        else:
            problem = _choice_problem(row["entry"], choice)
            if problem:
                problems.append(problem)
    return problems + _tie_problems(rows, chosen)


def unscored(rows: list[dict], required: int) -> list[dict]:
    """The rows that still lack judges: entry, judges, missing."""
    return [
        {"entry": row["entry"], "judges": row["judges"], "missing": required - row["judges"]}
        for row in rows
        if not row["complete"]
    ]


def apply_awards(rows: list[dict], choices: dict[int, Choice], *, current: dict[int, Choice], write) -> int:
    """Check the whole ranking's prizes (the current ones with `choices` over them) and,
    when nothing is wrong, call `write(entry, choice)` for each entry whose prize changes.
    Raises ResultRefused listing every problem; returns how many changed."""
    choices = {entry_id: choice.cleaned() for entry_id, choice in choices.items()}
    problems = award_problems(rows, {**current, **choices})
    if problems:
        raise ResultRefused(problems)
    by_id = {row["entry"].pk: row["entry"] for row in rows}
    changed = 0
    for entry_id, choice in choices.items():
        if choice != current.get(entry_id, Choice()):
            write(by_id[entry_id], choice)
            changed += 1
    return changed


# --- Writes ---------------------------------------------------------------------------


def _locked_round(round_: ContestRound) -> ContestRound:
    """The round's row is the lock of its results: one change at a time."""
    return ContestRound.objects.select_for_update().get(pk=round_.pk)


def _award_write(entry: Entry, choice: Choice, actor) -> Award | None:
    award = Award.objects.select_for_update(of=("self",)).filter(entry=entry).select_related("certificate").first()
    if award is not None and award.certificate_id:
        raise AwardCertified(
            _("%(code)s's certificate is issued (%(number)s): its award is no longer changed.")
            % {"code": entry.code, "number": award.certificate.number_text}
        )
    if not choice.level:
        if award is not None:
            award._history_user = actor
            award.delete()
        return None
    award = award or Award(entry=entry)
    award.level, award.special, award.special_title = choice.level, choice.special, choice.special_title
    award.decided_by = actor
    award._history_user = actor
    award.save()
    return award


def _current_awards(round_: ContestRound) -> dict[int, Choice]:
    return {
        award.entry_id: Choice.of(award)
        for award in Award.objects.filter(entry__round=round_, entry__status=Entry.Status.REGISTERED)
    }


def awards_save(*, round_: ContestRound, choices: dict[int, Choice], actor) -> int:
    """The awards of the whole ranking, from one form: all saved or none. `choices` maps
    entry ids to Choice ("" level: no award). Returns how many awards changed."""
    lifecycle.require(round_, Action.AWARD)
    with transaction.atomic():
        _locked_round(round_)
        rows = judging.ranking(round_)
        return apply_awards(
            rows,
            choices,
            current=_current_awards(round_),
            write=lambda entry, choice: _award_write(entry, choice, actor),
        )


def entry_exclude(*, entry: Entry, reason: str, actor) -> Entry:
    """An organiser's recorded decision to leave an entry out of the ranking (a letter
    over the word limit, a copied letter…): with a reason, and its award taken back."""
    lifecycle.require(entry.round, Action.EXCLUDE)
    reason = reason.strip()
    if not reason:
        raise ResultRefused([_("Say why the entry is excluded.")], field="reason")
    with transaction.atomic():
        _locked_round(entry.round)
        _award_write(entry, Choice(), actor)
        for tie_break in TieBreak.objects.filter(entry=entry):
            tie_break._history_user = actor
            tie_break.delete()
        entry.excluded_reason, entry.excluded_by, entry.excluded_at = reason, actor, timezone.now()
        entry._history_user = actor
        entry.save(update_fields=["excluded_reason", "excluded_by", "excluded_at", "updated_at"])
    return entry


def entry_include(*, entry: Entry, actor) -> Entry:
    """Take an exclusion back: the entry is ranked again (the history keeps the reason)."""
    lifecycle.require(entry.round, Action.EXCLUDE)
    with transaction.atomic():
        _locked_round(entry.round)
        entry.excluded_reason, entry.excluded_by, entry.excluded_at = "", None, None
        entry._history_user = actor
        entry.save(update_fields=["excluded_reason", "excluded_by", "excluded_at", "updated_at"])
    return entry


def tie_break_save(*, round_: ContestRound, entries: list[Entry], reason: str, actor, stage: int = 1) -> list[TieBreak]:
    """An organiser's order among entries sharing a rank, best first, with the reason
    (e.g. "the jury's second reading"). The entries must be exactly one tie of the ranking."""
    lifecycle.require(round_, Action.AWARD)
    reason = reason.strip()
    if not reason:
        raise ResultRefused([_("Say how the tie was broken.")], field="reason")
    with transaction.atomic():
        _locked_round(round_)
        rows = {row["entry"].pk: row for row in judging.ranking(round_, stage=stage)}
        chosen = [rows.get(entry.pk) for entry in entries]
        ranks = {row["rank"] for row in chosen if row}
        if (
            not entries
            or None in chosen
            or len(ranks) != 1
            or None in ranks
            or len(set(entries)) != len(entries)
            or len(entries) != chosen[0]["tied"]
        ):
            raise ResultRefused([_("A tie-break orders all the entries that share one rank, each once.")])
        saved = []
        for position, entry in enumerate(entries, start=1):
            tie_break = TieBreak.objects.filter(entry=entry, stage=stage).first() or TieBreak(entry=entry, stage=stage)
            tie_break.position, tie_break.reason, tie_break.decided_by = position, reason, actor
            tie_break._history_user = actor
            tie_break.save()
            saved.append(tie_break)
    return saved


def publish_problems(round_: ContestRound) -> list[str]:
    """Why the results cannot be published yet: each entry not scored by the required
    number of judges (unless excluded), and any award the rules no longer allow."""
    rows = judging.ranking(round_)
    problems = [
        _("%(code)s has %(judges)s of %(required)s judges' scores.")
        % {"code": row["entry"].code, "judges": row["judges"], "required": round_.judges_required}
        for row in unscored(rows, round_.judges_required)
    ]
    return problems + award_problems(rows, _current_awards(round_))


def is_published(round_: ContestRound) -> bool:
    return bool(round_.results_published_at or round_.results_published)


def results_publish(*, round_: ContestRound, actor, signer=None) -> list:
    """Make the round's results public, once: refused (ResultRefused, every problem
    listed) while an entry lacks its judges' scores and is not excluded. With a `signer`
    (one of the organiser's signers), every award gets its certificate: the next GCN
    number of the organiser's register (or of the body that took over from it today),
    rendered with that signer and kept as issued, all in this transaction. Returns the
    certificates issued; signing them comes next (documents.services.sign_issued).
    Raises NoIssuer, or ValidationError when the signer cannot sign for the organiser.
    After this the results change only through `result_correct`."""
    lifecycle.require(round_, Action.PUBLISH)
    issued = []
    with transaction.atomic():
        locked = _locked_round(round_)
        lifecycle.require(locked, Action.PUBLISH)  # published meanwhile by someone else
        problems = publish_problems(round_)
        if problems:
            raise ResultRefused(problems)
        round_.results_published, round_.results_published_at = True, timezone.now()
        # The deletion date counts from today unless the organiser chose it.
        services.retention_on_publish(round_, round_.results_published_at)
        round_._history_user = actor
        round_.save(update_fields=["results_published", "results_published_at", "delete_entries_on"])
        if signer is not None:
            issued = _certificates_issue(round_, actor, signer)
    return issued


def _certificates_issue(round_: ContestRound, actor, signer) -> list:
    issuer = issuer_of_office(round_.organiser, on=timezone.localdate())
    try:
        issuer = issuer.with_signer(signer)
    except ValueError as refused:
        raise ValidationError(
            {"signer": _("This person cannot sign for %(body)s.") % {"body": issuer.text_name}}
        ) from refused
    awards = (
        Award.objects.select_for_update()
        .filter(entry__round=round_, entry__status=Entry.Status.REGISTERED, certificate__isnull=True)
        .select_related("entry__school", "entry__round__edition")
        .order_by("entry__code")
    )
    issued = []
    for award in awards:
        award.certificate = issue_document(
            kind=DocumentKind.CERTIFICATE,
            issuer=issuer,
            title=certificate_title(award),
            user=actor,
            render=lambda document, award=award: certificate_rendered(award, issuer, document.number_text),
        )
        award._history_user = actor
        award.save(update_fields=["certificate"])
        issued.append(award.certificate)
    return issued


def result_correct(*, round_: ContestRound, entry: Entry, choice: Choice, reason: str, actor) -> ResultCorrection:
    """Change a published award (give, change or take back), with the reason, recorded
    as a ResultCorrection that the public results page lists. An award whose
    certificate is issued is a document and is not changed (AwardCertified)."""
    lifecycle.require(round_, Action.CORRECT)
    reason = reason.strip()
    if not reason:
        raise ResultRefused([_("Say why the results are corrected.")], field="reason")
    if entry.round_id != round_.pk or not entry.is_registered:
        raise ResultRefused([_("Only an entry of this round still in the contest can be corrected.")])
    with transaction.atomic():
        _locked_round(round_)
        current = _current_awards(round_)
        before = current.get(entry.pk, Choice())
        choice = choice.cleaned()
        if choice == before:
            raise ResultRefused([_("The correction changes nothing.")])
        apply_awards(
            judging.ranking(round_),
            {entry.pk: choice},
            current=current,
            write=lambda entry, choice: _award_write(entry, choice, actor),
        )
        correction = ResultCorrection.objects.create(
            round=round_,
            entry=entry,
            entry_code=entry.code,
            what=_("%(code)s: %(before)s → %(after)s")
            % {"code": entry.code, "before": before.label(), "after": choice.label()},
            reason=reason,
            decided_by=actor,
        )
    return correction
