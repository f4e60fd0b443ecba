"""What a change to the registry invalidates in the cache (core.cache). The pages of a
school's needs show its profile too: needs.signals bumps those."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import area, bump

from .models import School, SchoolSite


@receiver(post_save, sender=School, dispatch_uid="invalidate-school")
@receiver(post_delete, sender=School, dispatch_uid="invalidate-delete-school")
def school_changed(sender, instance, **kwargs):
    bump(area(instance.province_id), "registry", f"school:{instance.pk}")


@receiver(post_save, sender=SchoolSite, dispatch_uid="invalidate-site")
@receiver(post_delete, sender=SchoolSite, dispatch_uid="invalidate-delete-site")
def site_changed(sender, instance, **kwargs):
    province_id = School.objects.filter(pk=instance.school_id).values_list("province_id", flat=True).first()
    bump(area(province_id), "registry", f"school:{instance.school_id}")
