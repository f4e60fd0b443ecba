"""Writes to how digests are sent: an office's settings and an officer's own choice.

Each is saved in one transaction with its history row (simple_history), which names the
acting user whether or not a request is under way. A row is created the first time and
changed after that; two first saves at once meet the unique constraint, and the second
then changes the row the first one made."""

from django.db import IntegrityError, transaction

from schools.models import Office

from .models import DigestPreference, DigestSettings, Frequency


def _save_row(model, lookup: dict, values: dict, user):
    with transaction.atomic():
        row = model.objects.select_for_update().filter(**lookup).first() or model(**lookup)
        for name, value in values.items():
            setattr(row, name, value)
        row._history_user = user  # the history's "who", also outside a request
        row.save()
        return row


def _create_or_change(model, lookup: dict, values: dict, user):
    try:
        return _save_row(model, lookup, values, user)
    except IntegrityError:
        # Another first save made the row meanwhile: change that one.
        return _save_row(model, lookup, values, user)


def _check(frequency: str) -> None:
    if frequency not in Frequency.values:
        raise ValueError(f"Unknown digest frequency: {frequency!r}")


def digest_settings_set(*, office: Office, frequency: str, send_when_empty: bool, user) -> DigestSettings:
    """How often the office's digest goes out, and whether an empty one does."""
    _check(frequency)
    return _create_or_change(
        DigestSettings, {"office": office}, {"frequency": frequency, "send_when_empty": send_when_empty}, user
    )


def digest_preference_set(*, user, office: Office, frequency: str) -> DigestPreference:
    """The officer's own frequency for the office's digest (the user acts on their own)."""
    _check(frequency)
    return _create_or_change(DigestPreference, {"user": user, "office": office}, {"frequency": frequency}, user)
