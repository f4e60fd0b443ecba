from django.http import Http404
from django.shortcuts import render

from schools.permissions import can_act_on_unit

from . import selectors
from .models import Campaign


def campaign_list(request):
    campaigns = Campaign.objects.filter(is_published=True, kind=Campaign.Kind.NEEDS).select_related("scope")
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns})


def campaign_detail(request, slug):
    try:
        campaign = selectors.campaign_page(slug)
    except Campaign.DoesNotExist:
        raise Http404 from None
    can_manage = can_act_on_unit(request.user, campaign.scope)
    if not campaign.is_published and not can_manage:
        raise Http404
    return render(
        request, "campaigns/campaign_detail.html", {**selectors.campaign_context(campaign), "can_manage": can_manage}
    )
