"""The needs app's own signal, and what a change invalidates in the cache (core.cache).

Counters changed with `.update()` (a need's pledged and received money) always change
together with a saved pledge, whose signal (donations.signals) covers them.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from core.cache import area, bump
from schools.models import School, SchoolSite

from .models import Need, NeedPhoto

# Sent inside the transaction of every status change: sender=Need, need, action, actor.
# Other apps (donations) follow needs through it, so needs never imports them.
need_status_changed = Signal()


def _pages_of_needs(school_id) -> list[str]:
    return [f"need:{pk}" for pk in Need.objects.filter(school_id=school_id).values_list("pk", flat=True)]


@receiver(post_save, sender=Need, dispatch_uid="invalidate-need")
@receiver(post_delete, sender=Need, dispatch_uid="invalidate-delete-need")
def need_changed(sender, instance, **kwargs):
    # The school is loaded already wherever needs change (services lock the need with
    # its school); no query of its own.
    # The province the need was made in too, where its school has moved since: campaigns
    # there count it (Campaign.needs).
    pages = (f"need:{instance.pk}", f"school:{instance.school_id}")
    areas = [area(p) for p in {instance.school.province_id, instance.province_id}]
    if instance.status in Need.PUBLIC_OR_LEAVING_STATUSES:
        bump(*areas, "public-needs", *pages)
    else:
        bump(*areas, *pages)


@receiver(post_save, sender=NeedPhoto, dispatch_uid="invalidate-needphoto")
@receiver(post_delete, sender=NeedPhoto, dispatch_uid="invalidate-delete-needphoto")
def photo_changed(sender, instance, **kwargs):
    if instance.need_id:
        need = Need.objects.filter(pk=instance.need_id).values("school_id", "status").first() or {}
        school_id, status = need.get("school_id"), need.get("status")
        # A public need's card shows its first publishable photo (an officer's check changes it).
        lists = ("public-needs",) if status in Need.PUBLIC_OR_LEAVING_STATUSES else ()
        bump(f"need:{instance.need_id}", f"school:{school_id}", *lists)


@receiver(post_save, sender=School, dispatch_uid="invalidate-needs-of-school")
@receiver(post_delete, sender=School, dispatch_uid="invalidate-delete-needs-of-school")
def school_changed(sender, instance, **kwargs):
    # A need's page shows its school's profile: a school has a handful of needs.
    bump(*_pages_of_needs(instance.pk))


@receiver(post_save, sender=SchoolSite, dispatch_uid="invalidate-needs-of-site")
@receiver(post_delete, sender=SchoolSite, dispatch_uid="invalidate-delete-needs-of-site")
def site_changed(sender, instance, **kwargs):
    bump(*_pages_of_needs(instance.school_id))
