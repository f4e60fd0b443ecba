from allauth.account.signals import email_confirmed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import area, bump
from needs.models import Need
from needs.signals import need_status_changed

from . import services
from .models import AllocationPlan, Fund, Pledge

# The public ledger (opendata's API: gifts that arrived, funds, allocations, totals): one
# namespace for the whole country, bumped only by money arriving or being allocated.
LEDGER = "ledger"


@receiver(need_status_changed, sender=Need)
def deliver_pledges_with_their_need(sender, need, action, actor, **kwargs):
    if action == "deliver":
        services.pledges_delivered(need=need, actor=actor)


@receiver(email_confirmed)
def claim_pledges_on_confirmed_email(request, email_address, **kwargs):
    # Only a confirmed address proves the guest pledges are this person's.
    services.claim_guest_pledges(user=email_address.user, email=email_address.email)


@receiver(post_save, sender=Pledge, dispatch_uid="invalidate-pledge")
@receiver(post_delete, sender=Pledge, dispatch_uid="invalidate-delete-pledge")
def pledge_changed(sender, instance, **kwargs):
    if instance.status in Pledge.RECEIVED_STATUSES or instance.source_fund_id:
        # Money that arrived (or a fund's allocation): the public ledger and its totals.
        bump(LEDGER)
    if instance.fund_id:
        # A gift to a fund: the fund office's province shows it (the fund's and the
        # campaign's pages, the province's figures).
        office = (
            Fund.objects.filter(pk=instance.fund_id).values("office__unit_id", "office__unit__province_id").first()
            or {}
        )
        province = office.get("office__unit__province_id") or office.get("office__unit_id")
        bump(area(province), f"fund:{instance.fund_id}")
        return
    need = (
        Need.objects.filter(pk=instance.need_id).values("school_id", "school__province_id", "province_id").first() or {}
    )
    # Not "public-needs": a pledge changes a need's money, not which needs a list holds
    # (the need's own status change, when fully pledged, bumps that); the lists' cards
    # may show money up to PUBLIC_LIST_SECONDS old. The province the need was made in
    # too, where it differs: campaigns there count it (Campaign.needs).
    provinces = {need.get("school__province_id"), need.get("province_id")}
    bump(*(area(p) for p in provinces), f"need:{instance.need_id}", f"school:{need.get('school_id')}")


@receiver(post_save, sender=Fund, dispatch_uid="invalidate-fund")
def fund_changed(sender, instance, **kwargs):
    # A fund renamed, closed or reopened: its campaign's page lists it (campaigns keep
    # their figures per province).
    unit = instance.office.unit
    bump(area(unit.province_id or unit.pk), f"fund:{instance.pk}", LEDGER)


@receiver(post_save, sender=AllocationPlan, dispatch_uid="invalidate-allocation-plan")
def plan_changed(sender, instance, **kwargs):
    # An approved plan (or its reversal) changes the public allocations and the fund's money.
    if instance.is_approved:
        bump(LEDGER)
