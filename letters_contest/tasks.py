from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.jobs import each_row

from . import uploads
from .models import Award, ContestRound, Entry, Forwarding


def _archive_entry(entry: Entry) -> bool:
    """An entry of a round past its deletion date: without an award (nor a place in the
    national round) it goes whole, letter and all; with one, what is left is the record
    of the prize (the pupil's name, school, code and award, with its certificate, or its
    forwarding and national award), and the letter only with the consent given at entry.
    The record of who accessed it stays either way (its entry becomes empty)."""
    if not Award.objects.filter(entry=entry).exists() and not Forwarding.objects.filter(entry=entry).exists():
        if entry.letter_file:
            entry.letter_file.delete(save=False)
        entry.delete()
        return True
    if entry.letter_file and not entry.consent_keep_letter:
        entry.letter_file.delete(save=False)
    if not entry.consent_keep_letter:
        entry.letter_text = ""
    entry.date_of_birth = None
    entry.class_name = entry.consent_guardian = entry.ethnic_group = entry.duplicate_key = ""
    entry.has_disability = entry.sensitive_consent = entry.sensitive_publish_consent = False
    entry.archived_at = timezone.now()
    entry.save()
    return True


@shared_task
def delete_expired_entries() -> dict:
    """Rounds past their deletion date are archived: each entry as `_archive_entry` says,
    then the round is marked archived once none of its entries failed. An entry that
    cannot be archived is logged with its id and counted; the others still go, and the
    next night tries it again."""
    today = timezone.localdate()
    due = list(
        ContestRound.objects.filter(delete_entries_on__lte=today, archived_at__isnull=True).values_list("pk", flat=True)
    )
    entries = (
        Entry.objects.filter(round_id__in=due, archived_at__isnull=True)
        # A letter still in the national round waits for its results (the judges read it).
        .exclude(forwarding__national_round__results_published_at__isnull=True, forwarding__isnull=False)
        .order_by("pk")
    )
    result = each_row("letters_contest.retention", list(entries), _archive_entry, atomic=True)
    # A round is archived once every entry is: one that failed keeps it for tomorrow.
    left = set(Entry.objects.filter(round_id__in=due, archived_at__isnull=True).values_list("round_id", flat=True))
    with transaction.atomic():
        for round_ in ContestRound.objects.select_for_update().filter(pk__in=set(due) - left):
            round_.archived_at = timezone.now()
            round_._history_user = None
            round_.save(update_fields=["archived_at"])
    return result


@shared_task
def delete_abandoned_letters() -> dict:
    """Hourly: letters of entry forms never registered (uploads.delete_abandoned_letters)."""
    return uploads.delete_abandoned_letters()
