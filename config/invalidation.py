"""What each change invalidates in the cache (see config.cache).

Namespaces:
- `area:<province id>`: every figure summed inside a province (dashboards of the province
  and of its districts and communes, transparency, honour rolls); bumped by any change to
  a need, pledge, school, satellite site, campaign task or target there; public
  honour rolls, transparency figures and campaign progress too.
- `registry`: national totals of the school registry (home page).
- `public-needs`: what the public need lists show (totals of the browse page).

Counters changed with `.update()` (a need's pledged and received money) always change
together with a saved pledge, whose signal covers them.
"""

from django.db.models.signals import post_delete, post_save

from .cache import bump


def area(province_id) -> str:
    return f"area:{province_id}"


def _school_changed(sender, instance, **kwargs):
    bump(area(instance.province_id), "registry")


def _site_changed(sender, instance, **kwargs):
    from schools.models import School

    province_id = School.objects.filter(pk=instance.school_id).values_list("province_id", flat=True).first()
    bump(area(province_id), "registry")


# A need in one of these statuses is, or has just stopped being, on the public lists.
# Drafts, submissions and returns never are, so posting a need keeps the lists' counts.
PUBLIC_OR_LEAVING = ("verified", "funded", "delivered", "closed", "cancelled", "expired")


def _need_changed(sender, instance, **kwargs):
    from schools.models import School

    province_id = School.objects.filter(pk=instance.school_id).values_list("province_id", flat=True).first()
    if instance.status in PUBLIC_OR_LEAVING:
        bump(area(province_id), "public-needs")
    else:
        bump(area(province_id))


def _pledge_changed(sender, instance, **kwargs):
    from schools.models import School

    province_id = School.objects.filter(needs=instance.need_id).values_list("province_id", flat=True).first()
    # Not "public-needs": a pledge changes a need's money, not which needs a list holds
    # (the need's own status change, when fully pledged, bumps that).
    bump(area(province_id))


def _task_changed(sender, instance, **kwargs):
    from schools.models import AdministrativeUnit

    units = [instance.campaign.scope_id, instance.owner.unit_id if instance.owner_id else None]
    provinces = {
        unit.province_id or unit.pk for unit in AdministrativeUnit.objects.filter(pk__in=[u for u in units if u])
    }
    bump(*(area(p) for p in provinces))


def _target_changed(sender, instance, **kwargs):
    scope = instance.campaign.scope
    bump(area(scope.province_id or scope.pk))


def connect():
    from campaigns.models import Target, Task
    from donations.models import Pledge
    from needs.models import Need
    from schools.models import School, SchoolSite

    for model, handler in (
        (School, _school_changed),
        (SchoolSite, _site_changed),
        (Need, _need_changed),
        (Pledge, _pledge_changed),
        (Task, _task_changed),
        (Target, _target_changed),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"invalidate-{model._meta.label}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"invalidate-delete-{model._meta.label}")
