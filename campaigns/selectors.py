from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum

from core.cache import area, cached
from donations.models import Fund
from donations.selectors import honour_roll_of_needs
from needs import selectors as need_selectors
from needs.models import Need

from .models import Campaign, Event, Responsibility, Target


def target_progress(campaign: Campaign) -> list[dict]:
    """Each target with what is covered so far: needs fully funded or delivered, the
    pupils they serve, or the money received, in the target's category."""
    needs = campaign.needs()
    covered = Q(status__in=Need.COVERED_STATUSES)
    figures = {
        row["category"]: row
        for row in needs.values("category").annotate(
            needs=Count("pk", filter=covered),
            pupils=Sum("pupils_benefiting", filter=covered),
            amount=Sum("amount_received"),
        )
    }
    progress = []
    for target in campaign.targets.all():
        row = figures.get(target.category, {})
        achieved = {
            Target.Measure.NEEDS: row.get("needs") or 0,
            Target.Measure.PUPILS: row.get("pupils") or 0,
            Target.Measure.AMOUNT: row.get("amount") or 0,
        }[target.measure]
        progress.append({"target": target, "achieved": achieved, "fraction": min(achieved / target.quantity, 1)})
    return progress


def campaign_page(slug) -> Campaign:
    return (
        Campaign.objects.select_related("scope", "lead_office")
        .prefetch_related(
            "legal_basis",
            "targets",
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("office")),
            Prefetch("events", queryset=Event.objects.select_related("host").order_by("starts_at")),
            "communications",
        )
        .get(slug=slug)
    )


def campaign_context(campaign: Campaign) -> dict:
    featured = list(need_selectors.with_card_columns(campaign.featured_needs.public()).order_by("-urgency", "pk"))

    def figures():
        totals = (
            campaign.needs()
            .public()
            .aggregate(
                requested=Sum("amount_requested"), pledged=Sum("amount_pledged"), received=Sum("amount_received")
            )
        )
        return {
            "progress": target_progress(campaign),
            "roll": honour_roll_of_needs(campaign.needs(), limit=20),
            "totals": {k: v or 0 for k, v in totals.items()},
            # Its programme funds and their money: a gift to one bumps its office's province.
            "funds": list(campaign_funds(campaign)),
        }

    # Summed over a whole province: kept until something there changes (core.cache).
    scope = campaign.scope
    kept = cached(
        "campaign-figures",
        (area(scope.province_id or scope.pk),),
        figures,
        timeout=settings.PUBLIC_CACHE_SECONDS,
        parts=(campaign.pk, campaign.updated_at.isoformat()),
    )
    return {"campaign": campaign, "featured": featured, **kept}


def campaign_funds(campaign: Campaign):
    """The campaign's programme funds with their office, oldest first."""
    return Fund.objects.filter(campaign_link__campaign=campaign).select_related("office").order_by("created_at", "pk")
