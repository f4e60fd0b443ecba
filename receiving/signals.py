"""What a change to the Circular 16 records invalidates in the cache (core.cache).

A need's public page shows its usage plan with the school's receiving team and the
published comments, and its published settlement report; the school's transparency
page lists the settlement reports. Drafts show to the school alone and are read fresh,
but a plan or report changes status by a save, so every save bumps the pages."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import bump
from needs.models import Need

from .models import PlanComment, ReceivingTeam, SettlementReport, TeamMember, UsagePlan, UsagePlanLine


def _pages_of_school(school_id) -> list[str]:
    needs = Need.objects.filter(school_id=school_id).values_list("pk", flat=True)
    return [f"school:{school_id}", *(f"need:{pk}" for pk in needs)]


@receiver(post_save, sender=ReceivingTeam, dispatch_uid="invalidate-receiving-team")
@receiver(post_delete, sender=ReceivingTeam, dispatch_uid="invalidate-delete-receiving-team")
def team_changed(sender, instance, **kwargs):
    bump(*_pages_of_school(instance.school_id))


@receiver(post_save, sender=TeamMember, dispatch_uid="invalidate-receiving-member")
@receiver(post_delete, sender=TeamMember, dispatch_uid="invalidate-delete-receiving-member")
def member_changed(sender, instance, **kwargs):
    school_id = ReceivingTeam.objects.filter(pk=instance.team_id).values_list("school_id", flat=True).first()
    if school_id is not None:
        bump(*_pages_of_school(school_id))


@receiver(post_save, sender=UsagePlan, dispatch_uid="invalidate-usage-plan")
@receiver(post_delete, sender=UsagePlan, dispatch_uid="invalidate-delete-usage-plan")
def plan_changed(sender, instance, **kwargs):
    bump(f"need:{instance.need_id}")


@receiver(post_save, sender=UsagePlanLine, dispatch_uid="invalidate-usage-plan-line")
@receiver(post_delete, sender=UsagePlanLine, dispatch_uid="invalidate-delete-usage-plan-line")
def plan_line_changed(sender, instance, **kwargs):
    need_id = UsagePlan.objects.filter(pk=instance.plan_id).values_list("need_id", flat=True).first()
    if need_id is not None:
        bump(f"need:{need_id}")


@receiver(post_save, sender=PlanComment, dispatch_uid="invalidate-plan-comment")
@receiver(post_delete, sender=PlanComment, dispatch_uid="invalidate-delete-plan-comment")
def comment_changed(sender, instance, **kwargs):
    need_id = UsagePlan.objects.filter(pk=instance.plan_id).values_list("need_id", flat=True).first()
    if need_id is not None:
        bump(f"need:{need_id}")


@receiver(post_save, sender=SettlementReport, dispatch_uid="invalidate-settlement")
@receiver(post_delete, sender=SettlementReport, dispatch_uid="invalidate-delete-settlement")
def settlement_changed(sender, instance, **kwargs):
    school_id = Need.objects.filter(pk=instance.need_id).values_list("school_id", flat=True).first()
    bump(f"need:{instance.need_id}", f"school:{school_id}")
