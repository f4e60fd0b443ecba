"""What each change invalidates in the cache (see config.cache).

Namespaces:
- `area:<province id>`: every figure summed inside a province (dashboards of the province
  and of its districts and communes, transparency, honour rolls); bumped by any change to
  a need, pledge, school, satellite site, campaign task or target there; public
  honour rolls, transparency figures and campaign progress too.
- `registry`: national totals of the school registry (home page).
- `public-needs`: which needs the public lists hold (browse pages and their totals).
- `need:<id>`, `school:<id>`: a need's page and a school's page, as anonymous visitors get
  them from the page cache (config.cache.cache_public_page).

Counters changed with `.update()` (a need's pledged and received money) always change
together with a saved pledge, whose signal covers them.
"""

from django.db.models.signals import post_delete, post_save

from .cache import bump


def area(province_id) -> str:
    return f"area:{province_id}"


def _needs_of(school_id) -> list[str]:
    from needs.models import Need

    return [f"need:{pk}" for pk in Need.objects.filter(school_id=school_id).values_list("pk", flat=True)]


def _school_changed(sender, instance, **kwargs):
    # A need's page shows its school's profile: a school has a handful of needs.
    bump(area(instance.province_id), "registry", f"school:{instance.pk}", *_needs_of(instance.pk))


def _site_changed(sender, instance, **kwargs):
    from schools.models import School

    province_id = School.objects.filter(pk=instance.school_id).values_list("province_id", flat=True).first()
    bump(area(province_id), "registry", f"school:{instance.school_id}", *_needs_of(instance.school_id))


# A need in one of these statuses is, or has just stopped being, on the public lists.
# Drafts, submissions and returns never are, so posting a need keeps the lists' counts.
PUBLIC_OR_LEAVING = ("verified", "funded", "delivered", "closed", "cancelled", "expired")


def _need_changed(sender, instance, **kwargs):
    # The school is loaded already wherever needs change (services lock the need with
    # its school); no query of its own.
    province_id = instance.school.province_id
    pages = (f"need:{instance.pk}", f"school:{instance.school_id}")
    if instance.status in PUBLIC_OR_LEAVING:
        bump(area(province_id), "public-needs", *pages)
    else:
        bump(area(province_id), *pages)


def _pledge_changed(sender, instance, **kwargs):
    from schools.models import School

    school = School.objects.filter(needs=instance.need_id).values("pk", "province_id").first() or {}
    # Not "public-needs": a pledge changes a need's money, not which needs a list holds
    # (the need's own status change, when fully pledged, bumps that); the lists' cards
    # may show money up to PUBLIC_LIST_SECONDS old.
    bump(area(school.get("province_id")), f"need:{instance.need_id}", f"school:{school.get('pk')}")


def _photo_changed(sender, instance, **kwargs):
    if instance.need_id:
        from needs.models import Need

        school_id = Need.objects.filter(pk=instance.need_id).values_list("school_id", flat=True).first()
        bump(f"need:{instance.need_id}", f"school:{school_id}")


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
    from needs.models import Need, NeedPhoto
    from schools.models import School, SchoolSite

    for model, handler in (
        (School, _school_changed),
        (SchoolSite, _site_changed),
        (Need, _need_changed),
        (Pledge, _pledge_changed),
        (NeedPhoto, _photo_changed),
        (Task, _task_changed),
        (Target, _target_changed),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"invalidate-{model._meta.label}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"invalidate-delete-{model._meta.label}")
