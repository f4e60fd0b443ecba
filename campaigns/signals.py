"""What a change to a campaign's plan invalidates in the cache (core.cache): its tasks
and targets count in the dashboards and the campaign's progress of their province."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import area, bump
from schools.models import AdministrativeUnit

from .models import CampaignFund, Target, Task


@receiver(post_save, sender=Task, dispatch_uid="invalidate-task")
@receiver(post_delete, sender=Task, dispatch_uid="invalidate-delete-task")
def task_changed(sender, instance, **kwargs):
    units = [instance.campaign.scope_id, instance.owner.unit_id if instance.owner_id else None]
    provinces = {
        unit.province_id or unit.pk for unit in AdministrativeUnit.objects.filter(pk__in=[u for u in units if u])
    }
    bump(*(area(p) for p in provinces))


@receiver(post_save, sender=Target, dispatch_uid="invalidate-target")
@receiver(post_delete, sender=Target, dispatch_uid="invalidate-delete-target")
def target_changed(sender, instance, **kwargs):
    scope = instance.campaign.scope
    bump(area(scope.province_id or scope.pk))


@receiver(post_save, sender=CampaignFund, dispatch_uid="invalidate-campaign-fund")
@receiver(post_delete, sender=CampaignFund, dispatch_uid="invalidate-delete-campaign-fund")
def campaign_fund_changed(sender, instance, **kwargs):
    scope = instance.campaign.scope
    bump(area(scope.province_id or scope.pk))
