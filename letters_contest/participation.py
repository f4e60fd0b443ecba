"""Who takes part: entries by district, school and age; schools that sent none; and the
comparison with the province's round of the previous edition."""

from collections import Counter

from django.db.models import Count

from schools.models import School

from .models import ContestRound, Entry

# Schools whose pupils are of contest age.
ELIGIBLE_LEVELS = ("primary", "lower_secondary", "inter_level")


def participation(round_: ContestRound) -> dict:
    entries = Entry.objects.filter(round=round_, status=Entry.Status.REGISTERED)
    by_district = list(
        entries.values("school__district__name").annotate(n=Count("pk")).order_by("-n", "school__district__name")
    )
    by_school = list(entries.values("school_id", "school__name").annotate(n=Count("pk")).order_by("-n", "school__name"))
    deadline = round_.school_deadline
    ages = Counter(
        deadline.year - born.year - ((deadline.month, deadline.day) < (born.month, born.day))
        for born in entries.exclude(date_of_birth=None).values_list("date_of_birth", flat=True)
    )
    sending = {row["school_id"] for row in by_school}
    silent = (
        School.objects.filter(province=round_.province, level__in=ELIGIBLE_LEVELS)
        .exclude(pk__in=sending)
        .order_by("name")
        .values("pk", "name")
    )
    previous = (
        ContestRound.objects.filter(province=round_.province, edition__number=round_.edition.number - 1)
        .select_related("edition")
        .first()
    )
    previous_figures = None
    if previous:
        previous_entries = Entry.objects.filter(round=previous, status=Entry.Status.REGISTERED)
        previous_figures = {
            "edition": previous.edition,
            "entries": previous_entries.count(),
            "schools": previous_entries.values("school").distinct().count(),
        }
    return {
        "total": entries.count(),
        "schools": len(sending),
        "by_district": by_district,
        "by_school": by_school,
        "by_age": sorted(ages.items()),
        "silent": list(silent),
        "previous": previous_figures,
    }


def participation_summary(round_: ContestRound) -> dict:
    """The few figures a digest shows (entries, schools sending, schools silent, entries of
    the previous edition), counted in the database: at most four queries, whatever the size of
    the round, where `participation` reads every entry for its age breakdown."""
    entries = Entry.objects.filter(round=round_, status=Entry.Status.REGISTERED)
    counted = entries.aggregate(total=Count("pk"), schools=Count("school", distinct=True))
    silent = (
        School.objects.filter(province=round_.province, level__in=ELIGIBLE_LEVELS)
        .exclude(pk__in=entries.values("school_id"))
        .count()
    )
    previous = Entry.objects.filter(
        round__province=round_.province,
        round__edition__number=round_.edition.number - 1,
        status=Entry.Status.REGISTERED,
    )
    has_previous = ContestRound.objects.filter(
        province=round_.province, edition__number=round_.edition.number - 1
    ).exists()
    return {
        "total": counted["total"],
        "schools": counted["schools"],
        "silent": silent,
        "previous": previous.count() if has_previous else None,
    }
