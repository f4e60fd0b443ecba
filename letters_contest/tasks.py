from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .models import Award, ContestRound, Entry


@shared_task
def delete_expired_entries() -> int:
    """Entries of rounds past their deletion date go, letters and all, unless awarded.
    The record of who accessed them stays (its entry becomes empty)."""
    deleted = 0
    for round_ in ContestRound.objects.filter(delete_entries_on__lte=timezone.localdate()):
        expired = Entry.objects.filter(round=round_).exclude(pk__in=Award.objects.values("entry_id"))
        for entry in expired.iterator():
            with transaction.atomic():
                if entry.letter_file:
                    entry.letter_file.delete(save=False)
                entry.delete()
            deleted += 1
    return deleted
