"""A contest round put where a test needs it: judging today (awards and publishing are
allowed only then, letters_contest.lifecycle), and its entries scored by its judges."""

from datetime import timedelta

from django.utils import timezone

from letters_contest.models import ContestRound, Score


def judging_today(round_: ContestRound) -> ContestRound:
    """Entries closed ten days ago, judging since, the data kept another year: explicit
    dates, whatever the factories' defaults."""
    today = timezone.localdate()
    ContestRound.objects.filter(pk=round_.pk).update(
        opens_on=today - timedelta(days=60),
        school_deadline=today - timedelta(days=10),
        judging_from=today - timedelta(days=9),
        judging_to=today + timedelta(days=20),
        forward_by=None,
        delete_entries_on=today + timedelta(days=365),
    )
    round_.refresh_from_db()
    return round_


def score(entry, judges, criteria, values) -> None:
    """Each judge gives the entry these marks, one per criterion (in the criteria's order)."""
    for judge in judges:
        for criterion, value in zip(criteria, values, strict=True):
            Score.objects.update_or_create(
                entry=entry, judge=judge, stage=1, criterion=criterion, defaults={"value": value}
            )
