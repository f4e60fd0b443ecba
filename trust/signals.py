"""A need photo stored, attached to its need or re-hashed: look for the same photo on
other needs once the transaction commits, in a task (in-process on the default profile)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from needs.models import NeedPhoto

logger = logging.getLogger(__name__)


def _queue_match(photo_id: int) -> None:
    from .tasks import match_photo

    try:
        match_photo.delay(photo_id)
    except Exception:  # the broker is down: `trust_refresh --rematch` finds it later
        logger.warning("Photo %s not matched: the task queue is unreachable", photo_id, exc_info=True)


@receiver(post_save, sender=NeedPhoto, dispatch_uid="trust_match_photo")
def match_stored_photo(sender, instance: NeedPhoto, raw=False, update_fields=None, **kwargs):
    if raw or instance.need_id is None or instance.phash is None or instance.kind != NeedPhoto.Kind.NEED:
        return
    if update_fields is not None and not {"need", "phash", "dhash"} & set(update_fields):
        return
    photo_id = instance.pk
    transaction.on_commit(lambda: _queue_match(photo_id))
