from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from schools.permissions import can_act_on_unit, roles_of

from .models import Campaign


def can_manage_campaign(user, campaign: Campaign) -> bool:
    """Officers whose area holds the campaign's scope, and the issuing office's members."""
    if can_act_on_unit(user, campaign.scope):
        return True
    return any(m.office_id == campaign.lead_office_id for m in roles_of(user).memberships if m.office_id)


def get_campaign_for_managing(request, slug) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("scope", "lead_office"), slug=slug)
    if not can_manage_campaign(request.user, campaign):
        # A published campaign is public, so its plan may say "not yours" (403); an
        # unpublished one is not there for whoever does not manage it, so its address
        # cannot be probed.
        if not campaign.is_published:
            raise Http404
        raise PermissionDenied
    return campaign
