from celery import shared_task
from django.utils import timezone

from core.jobs import each_row

from . import uploads
from .models import Award, ContestRound, Entry


@shared_task
def delete_expired_entries() -> dict:
    """Entries of rounds past their deletion date go, letters and all, unless awarded.
    The record of who accessed them stays (its entry becomes empty). An entry that
    cannot be deleted is logged with its id and counted; the others still go."""

    def delete(entry) -> bool:
        if entry.letter_file:
            entry.letter_file.delete(save=False)
        entry.delete()
        return True

    expired = (
        Entry.objects.filter(round__in=ContestRound.objects.filter(delete_entries_on__lte=timezone.localdate()))
        .exclude(pk__in=Award.objects.values("entry_id"))
        .order_by("pk")
    )
    return each_row("letters_contest.retention", list(expired), delete, atomic=True)


@shared_task
def delete_abandoned_letters() -> dict:
    """Hourly: letters of entry forms never registered (uploads.delete_abandoned_letters)."""
    return uploads.delete_abandoned_letters()
