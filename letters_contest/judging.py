"""Judging as it is read: who judges, what a judge sees, rankings and published results
(scores and awards are written by letters_contest.services). A judge sees an entry only
by its code and its letter; the ranking weighs each criterion by the rubric and flags
judges who disagree."""

from collections import defaultdict

from django.shortcuts import get_object_or_404

from .models import Award, ContestRound, Criterion, Entry, Judge, Score

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


def ranking(round_: ContestRound, stage: int = 1) -> list[dict]:
    criteria = list(Criterion.objects.filter(round=round_))
    per_entry = defaultdict(lambda: defaultdict(list))
    for score in Score.objects.filter(entry__round=round_, stage=stage).only(
        "entry_id", "judge_id", "criterion_id", "value"
    ):
        per_entry[score.entry_id][score.judge_id].append(score)
    entries = {e.pk: e for e in Entry.objects.filter(pk__in=per_entry).select_related("school", "award")}
    rows = []
    for entry_id, by_judge in per_entry.items():
        totals = [_judge_total(scores, criteria) for scores in by_judge.values()]
        rows.append(
            {
                "entry": entries[entry_id],
                "score": round(sum(totals) / len(totals), 1),
                "judges": len(totals),
                "spread": round(max(totals) - min(totals), 1),
                "disagreement": len(totals) > 1 and max(totals) - min(totals) > DISAGREEMENT_POINTS,
            }
        )
    return sorted(rows, key=lambda row: (-row["score"], row["entry"].code))


def published_results(round_: ContestRound) -> list[dict]:
    """What the public may see: the award and the school; the pupil's name only where
    the guardian consented to its publication."""
    order = {level: index for index, level in enumerate(Award.Level.values)}
    rows = []
    for item in Award.objects.filter(entry__round=round_, entry__status=Entry.Status.REGISTERED).select_related(
        "entry__school"
    ):
        entry = item.entry
        rows.append(
            {
                "level": item.get_level_display(),
                "rank": order[item.level],
                "code": entry.code,
                "name": entry.pupil_name if entry.consent_publish_name else "",
                "school": entry.school.name,
            }
        )
    return sorted(rows, key=lambda row: (row["rank"], row["code"]))
