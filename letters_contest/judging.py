"""Judging as it is read: who judges, what a judge sees, rankings and published results
(scores are written by letters_contest.services, awards and results by
letters_contest.results). A judge sees an entry only by its code and its letter; the
ranking weighs each criterion by the rubric and flags judges who disagree."""

from collections import defaultdict

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Award, ContestRound, Criterion, Entry, Judge, Prize, ResultCorrection, Score, SpecialPrize, TieBreak

# Judges whose totals for one entry differ by more than this many points (of 100) disagree.
DISAGREEMENT_POINTS = 15


def is_judge(user, round_: ContestRound, stage: int = 1) -> bool:
    return user.is_authenticated and Judge.objects.filter(round=round_, user=user, stage=stage).exists()


def entries_for_judging(round_: ContestRound):
    return Entry.objects.filter(round=round_, status=Entry.Status.REGISTERED).only("pk", "code", "word_count")


def get_entry_for_judging(round_, pk) -> Entry:
    return get_object_or_404(
        entries_for_judging(round_).only("pk", "code", "letter_text", "letter_file", "word_count"), pk=pk
    )


def _judge_total(scores, criteria) -> float:
    """One judge's weighted total for an entry, out of 100."""
    by_criterion = {score.criterion_id: score.value for score in scores}
    return sum(float(by_criterion.get(c.pk, 0)) / c.max_score * c.weight for c in criteria)


def share_ranks(rows: list[dict], key: str = "score") -> list[dict]:
    """Standard competition ranking: equal scores share a rank and the next rank skips
    (1, 2, 2, 4). Rows come sorted best first; each gets `rank` and `tied` (how many
    share its rank, 1 when alone)."""
    counts: dict = defaultdict(int)
    for row in rows:
        counts[row[key]] += 1
    previous, rank = object(), 0
    for position, row in enumerate(rows, start=1):
        if row[key] != previous:
            rank, previous = position, row[key]
        row["rank"], row["tied"] = rank, counts[row[key]]
    return rows


def ranked(entries, criteria, *, stage: int, required: int) -> list[dict]:
    """Every entry given (a queryset of entries in the contest), weighed by the rubric,
    best first, ties sharing a rank (`share_ranks`) and, within a tie, in the order of
    an organiser's recorded tie-break (`TieBreak` of this stage), then by code. Each row:
    entry, score (None until a judge scored it), judges, complete (scored by `required`
    judges), spread, disagreement, tie_break (the TieBreak or None). Entries without a
    complete set of scores come last, unranked (rank None)."""
    entries = {e.pk: e for e in entries}
    criteria = list(criteria)
    per_entry = defaultdict(lambda: defaultdict(list))
    for score in Score.objects.filter(entry__in=list(entries), stage=stage).only(
        "entry_id", "judge_id", "criterion_id", "value"
    ):
        per_entry[score.entry_id][score.judge_id].append(score)
    breaks = {t.entry_id: t for t in TieBreak.objects.filter(entry__in=list(entries), stage=stage)}
    rows = []
    for entry_id, entry in entries.items():
        totals = [_judge_total(scores, criteria) for scores in per_entry.get(entry_id, {}).values()]
        spread = round(max(totals) - min(totals), 1) if totals else 0
        rows.append(
            {
                "entry": entry,
                "score": round(sum(totals) / len(totals), 1) if totals else None,
                "judges": len(totals),
                "complete": len(totals) >= required,
                "spread": spread,
                "disagreement": len(totals) > 1 and spread > DISAGREEMENT_POINTS,
                "tie_break": breaks.get(entry_id),
            }
        )
    complete = sorted(
        (row for row in rows if row["complete"]),
        key=lambda row: (
            -row["score"],
            row["tie_break"].position if row["tie_break"] else 10**6,
            row["entry"].code,
        ),
    )
    incomplete = sorted((row for row in rows if not row["complete"]), key=lambda row: row["entry"].code)
    for row in incomplete:
        row["rank"], row["tied"] = None, 0
    return share_ranks(complete) + incomplete


def ranking(round_: ContestRound, stage: int = 1) -> list[dict]:
    """The province's ranking: its registered entries not excluded."""
    entries = (
        Entry.objects.filter(round=round_, status=Entry.Status.REGISTERED, excluded_at__isnull=True)
        .select_related("school", "award__certificate")
        .order_by("code")
    )
    return ranked(entries, Criterion.objects.filter(round=round_), stage=stage, required=round_.judges_required)


# Special prizes that rest on sensitive data (ethnicity, disability).
SENSITIVE_PRIZES = {SpecialPrize.ETHNIC_MINORITY, SpecialPrize.DISABILITY}


def prize_label(level: str, special: str = "", special_title: str = "") -> str:
    """A prize as the public reads it: "Giải Đặc biệt – dành cho học sinh khuyết tật"."""
    if not level:
        return _("no award")
    name = str(Prize(level).label)
    if level != Prize.SPECIAL:
        return name
    detail = special_title if special == SpecialPrize.OTHER else (SpecialPrize(special).label if special else "")
    return f"{name} – {detail}" if detail else name


def publishes_name(entry: Entry, special: str = "") -> bool:
    """The pupil's name appears with a prize only with the guardian's consent and, for a
    prize that reveals ethnicity or disability, the consent to publish that too."""
    if not entry.consent_publish_name:
        return False
    return special not in SENSITIVE_PRIZES or entry.sensitive_publish_consent


def published_results(round_: ContestRound) -> list[dict]:
    """What the public may see of each award: the prize (a special prize with what it
    honours), the entry's rank in the ranking (shared when tied), the school, and the
    pupil's name only where `publishes_name` allows. Ranked prizes first, best first."""
    order = {level: index for index, level in enumerate(Award.Level.values)}
    ranks = {row["entry"].pk: row for row in ranking(round_)}
    rows = []
    for item in Award.objects.filter(entry__round=round_, entry__status=Entry.Status.REGISTERED).select_related(
        "entry__school"
    ):
        entry = item.entry
        placed = ranks.get(entry.pk, {})
        rows.append(
            {
                "level": prize_label(item.level, item.special, item.special_title),
                "order": order[item.level],
                "rank": placed.get("rank"),
                "tied": placed.get("tied", 0) > 1,
                "code": entry.code,
                "name": entry.pupil_name if publishes_name(entry, item.special) else "",
                "school": entry.school.name,
            }
        )
    return sorted(rows, key=lambda row: (row["order"], row["rank"] or 10**6, row["code"]))


def corrections(round_: ContestRound):
    """The corrections made to published results, newest first: shown with them."""
    return ResultCorrection.objects.filter(round=round_).only("entry_code", "what", "reason", "decided_at")
