"""Writes to accounts. Views call these, never save() raw."""

from django.db import transaction

from .models import User


def profile_save(*, user: User, full_name: str, phone: str, actor: User) -> User:
    """Save a person's name and phone, and nothing else of their account.

    The row is read again under a lock, so the history row shows the account as it is
    stored (rights changed meanwhile by someone else included), never a stale copy; it
    names `actor`, in a request or not.
    """
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=user.pk)
        account.full_name, account.phone = full_name, phone
        account._history_user = actor
        account.save(update_fields=["full_name", "phone"])
    user.full_name, user.phone = full_name, phone
    return user
