from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .forms import ReviewForm
from .models import Campaign, Review
from .permissions import can_manage_campaign, get_campaign_for_managing
from .reviews import review_figures, review_pdf


def campaign_list(request):
    campaigns = Campaign.objects.filter(is_published=True, kind=Campaign.Kind.NEEDS).select_related("scope")
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns})


def campaign_detail(request, slug):
    try:
        campaign = selectors.campaign_page(slug)
    except Campaign.DoesNotExist:
        raise Http404 from None
    can_manage = can_manage_campaign(request.user, campaign)
    if not campaign.is_published and not can_manage:
        raise Http404
    return render(
        request, "campaigns/campaign_detail.html", {**selectors.campaign_context(campaign), "can_manage": can_manage}
    )


@login_required
def review_list(request, slug):
    campaign = get_campaign_for_managing(request, slug)
    form = ReviewForm(request.POST or None, initial={"kind": request.GET.get("kind", Review.Kind.INTERIM)})
    if request.method == "POST" and form.is_valid():
        review = form.save(commit=False)
        review.campaign = campaign
        review.save()
        messages.success(request, _("The review is saved as a draft. Check the figures, then issue it."))
        return redirect("campaigns:review", slug=campaign.slug, pk=review.pk)
    return render(
        request,
        "campaigns/reviews.html",
        {"campaign": campaign, "form": form, "reviews": campaign.reviews.all(), "figures": review_figures(campaign)},
    )


@login_required
def review_detail(request, slug, pk):
    campaign = get_campaign_for_managing(request, slug)
    review = get_object_or_404(Review, pk=pk, campaign=campaign)
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and not review.issued_at:
        if "issue" in request.POST:
            review.issued_at, review.issued_by = timezone.now(), request.user
            review.save(update_fields=["issued_at", "issued_by"])
            messages.success(request, _("The review is issued."))
            return redirect("campaigns:review", slug=campaign.slug, pk=review.pk)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect("campaigns:review", slug=campaign.slug, pk=review.pk)
    return render(
        request,
        "campaigns/review_detail.html",
        {"campaign": campaign, "review": review, "form": form, "figures": review_figures(campaign)},
    )


@login_required
def review_document(request, slug, pk):
    campaign = get_campaign_for_managing(request, slug)
    review = get_object_or_404(Review, pk=pk, campaign=campaign)
    response = HttpResponse(review_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{review.kind}-{campaign.slug}.pdf"'
    return response
