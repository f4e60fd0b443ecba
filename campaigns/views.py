from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import confirm
from core.documents import pdf_response
from documents.forms import IssueForm
from documents.issuers import NoIssuer
from documents.services import signing_keys_for
from documents.views import issuing_body, sign_and_tell
from donations.funds import FundRefused
from donations.permissions import may_manage_fund

from . import selectors, services
from .forms import (
    AgendaFormSet,
    BudgetFormSet,
    CampaignFundForm,
    CommunicationForm,
    EventForm,
    InvitationFormSet,
    ResponsibilityForm,
    ReviewForm,
    TaskForm,
    offices_for,
)
from .models import Campaign, Event, Invitation, Review, Task
from .permissions import can_manage_campaign, get_campaign_for_managing
from .plans import event_plan_pdf
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
        request,
        "campaigns/campaign_detail.html",
        {**selectors.campaign_context(campaign), "can_manage": can_manage},
    )


@login_required
def review_list(request, slug):
    campaign = get_campaign_for_managing(request, slug)
    form = ReviewForm(request.POST or None, initial={"kind": request.GET.get("kind", Review.Kind.INTERIM)})
    if request.method == "POST" and form.is_valid():
        review = services.review_create(campaign=campaign, review=form.instance, user=request.user)
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
    review = get_object_or_404(Review.objects.select_related("document__register"), pk=pk, campaign=campaign)
    form = ReviewForm(request.POST or None, instance=review)
    body, no_issuer = issuing_body(campaign.lead_office, timezone.localdate())
    issue_form = IssueForm(request.POST if "issue" in request.POST else None, body=body) if body else None
    # An issued review shows its text, not the form: a post to it changes nothing.
    if request.method == "POST" and not review.issued_at:
        try:
            if "issue" in request.POST:
                if issue_form is not None and issue_form.is_valid():
                    if not confirm.confirmed(request):
                        return confirm.ask(
                            request,
                            confirm.Confirmation(
                                title=_("Issue this review?"),
                                details=[
                                    (_("Campaign"), campaign.name),
                                    (_("Signed by"), str(issue_form.cleaned_data["signer"])),
                                ],
                                what=[
                                    _("The review takes the next BC number of the lead office's register."),
                                    _("Its PDF is kept as issued and signed; the text can no longer be edited."),
                                ],
                                cannot_undo=_("An issued review keeps its number and text for good."),
                                action=_("Yes, issue the review"),
                                back=reverse("campaigns:review", args=[campaign.slug, review.pk]),
                                danger=False,
                            ),
                        )
                    services.review_issue(review=review, signer=issue_form.cleaned_data["signer"], user=request.user)
                    sign_and_tell(request, review.document)
                    return redirect("campaigns:review", slug=campaign.slug, pk=review.pk)
                messages.error(request, no_issuer or _("Choose who signs the review, among the body's signers."))
            elif form.is_valid():
                services.review_update(review=form.instance, user=request.user)
                messages.success(request, _("Saved."))
                return redirect("campaigns:review", slug=campaign.slug, pk=review.pk)
        except services.ReviewIssued as refused:
            # Issued by someone else meanwhile: the page now shows it issued.
            messages.error(request, str(refused))
            return redirect("campaigns:review", slug=campaign.slug, pk=review.pk)
        except NoIssuer as problem:
            messages.error(request, str(problem))
        except ValidationError as refused:
            issue_form.add_error("signer" if hasattr(refused, "error_dict") else None, refused)
    document = review.document
    unsigned = bool(document and not document.signed_at and any(signing_keys_for(document)))
    return render(
        request,
        "campaigns/review_detail.html",
        {
            "campaign": campaign,
            "review": review,
            "form": form,
            "issue_form": issue_form,
            "issuing_body": body,
            "no_issuer": no_issuer,
            "unsigned": unsigned,
            "figures": review_figures(campaign),
        },
    )


@login_required
def review_document(request, slug, pk):
    """A draft (or a review issued before the register) rendered now; an issued review's
    document as it was issued, signed if it was signed."""
    campaign = get_campaign_for_managing(request, slug)
    review = get_object_or_404(Review.objects.select_related("document"), pk=pk, campaign=campaign)
    if review.document_id and review.document.pdf:
        name = review.document.number_text.replace("/", "-")
        return FileResponse(
            review.document.pdf.open("rb"), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
        )
    try:
        pdf = review_pdf(review)
    except NoIssuer as problem:  # the lead office's unit was abolished and nobody took over
        messages.error(request, str(problem))
        return redirect("campaigns:review", slug=campaign.slug, pk=review.pk)
    return pdf_response(pdf, f"{review.kind}-{campaign.slug}.pdf")


@login_required
def plan(request, slug):
    """The plan at work: tasks with their status, communication activities, events."""
    campaign = get_campaign_for_managing(request, slug)
    # Three forms on one page: prefixes keep their field names and ids apart.
    task_form = TaskForm(request.POST if "add_task" in request.POST else None, campaign=campaign, prefix="task")
    comm_form = CommunicationForm(
        request.POST if "add_communication" in request.POST else None, campaign=campaign, prefix="comm"
    )
    event_form = EventForm(request.POST if "add_event" in request.POST else None, campaign=campaign, prefix="event")
    unit_form = ResponsibilityForm(
        request.POST if "add_unit" in request.POST else None, campaign=campaign, prefix="unit"
    )
    fund_form = CampaignFundForm(
        request.POST if "add_fund" in request.POST else None,
        offices=fund_offices_of(request.user, campaign),
        prefix="fund",
    )
    if request.method == "POST":
        if "add_fund" in request.POST and fund_form.is_valid():
            data = fund_form.cleaned_data
            try:
                services.campaign_fund_add(campaign=campaign, actor=request.user, **data)
            except FundRefused as refused:
                fund_form.add_error(refused.field if refused.field in fund_form.fields else None, refused.message)
            else:
                messages.success(request, _("The fund has been added to the campaign."))
                return redirect("campaigns:plan", slug=campaign.slug)
        if "add_task" in request.POST and task_form.is_valid():
            services.task_add(campaign=campaign, task=task_form.instance, user=request.user)
            messages.success(request, _("The task has been added."))
            return redirect("campaigns:plan", slug=campaign.slug)
        if "add_communication" in request.POST and comm_form.is_valid():
            services.communication_add(campaign=campaign, activity=comm_form.instance, user=request.user)
            messages.success(request, _("The activity has been recorded."))
            return redirect("campaigns:plan", slug=campaign.slug)
        if "add_unit" in request.POST and unit_form.is_valid():
            services.responsibility_add(campaign=campaign, responsibility=unit_form.instance, user=request.user)
            messages.success(request, _("The unit and its duties have been added."))
            return redirect("campaigns:plan", slug=campaign.slug)
        if "add_event" in request.POST and event_form.is_valid():
            event = services.event_add(campaign=campaign, event=event_form.instance, user=request.user)
            messages.success(request, _("The event has been created. Add its agenda, invitees and budget."))
            return redirect("campaigns:event", slug=campaign.slug, pk=event.pk)
    return render(
        request,
        "campaigns/plan.html",
        {
            "campaign": campaign,
            "tasks": campaign.tasks.select_related("owner"),
            "events": campaign.events.select_related("host"),
            "communications": campaign.communications.select_related("office"),
            "task_form": task_form,
            "comm_form": comm_form,
            "event_form": event_form,
            "unit_form": unit_form,
            "units": campaign.responsibilities.select_related("office"),
            "statuses": Task.Status.choices,
            "funds": list(selectors.campaign_funds(campaign)),
            "fund_form": fund_form,
        },
    )


@login_required
@require_POST
def task_status(request, slug, pk):
    campaign = get_campaign_for_managing(request, slug)
    task = get_object_or_404(Task, pk=pk, campaign=campaign)
    status = request.POST.get("status")
    if status in Task.Status.values:
        services.task_set_status(task=task, status=status, user=request.user)
        messages.success(
            request, _("“%(task)s”: %(status)s.") % {"task": task.title, "status": task.get_status_display()}
        )
    return redirect("campaigns:plan", slug=campaign.slug)


@login_required
def event_detail(request, slug, pk):
    """An event's details, agenda, invitees with their replies, and budget lines."""
    campaign = get_campaign_for_managing(request, slug)
    event = get_object_or_404(Event.objects.select_related("plan_document"), pk=pk, campaign=campaign)
    data = request.POST or None
    form = EventForm(data, instance=event, campaign=campaign)
    agenda = AgendaFormSet(data, instance=event, prefix="agenda")
    invitations = InvitationFormSet(data, instance=event, prefix="invitations")
    for invitation_form in invitations.forms:
        invitation_form.fields["office"].queryset = offices_for(campaign)
    budget = BudgetFormSet(data, instance=event, prefix="budget")
    if request.method == "POST" and all(f.is_valid() for f in (form, agenda, invitations, budget)):
        services.event_save(event=form.instance, formsets=(agenda, invitations, budget), user=request.user)
        messages.success(request, _("The event has been saved."))
        return redirect("campaigns:event", slug=campaign.slug, pk=event.pk)
    confirmed = sum(i.people for i in event.invitations.all() if i.reply == Invitation.Reply.CONFIRMED)
    body, no_issuer = issuing_body(campaign.lead_office, timezone.localdate())
    plan = event.plan_document
    return render(
        request,
        "campaigns/event.html",
        {
            "issue_form": IssueForm(body=body) if body and not plan else None,
            "issuing_body": body,
            "no_issuer": no_issuer,
            "plan": plan,
            "plan_unsigned": bool(plan and not plan.signed_at and any(signing_keys_for(plan))),
            "campaign": campaign,
            "event": event,
            "form": form,
            "agenda": agenda,
            "invitations": invitations,
            "budget": budget,
            "confirmed": confirmed,
            "budget_total": sum(line.amount for line in event.budget_lines.all()),
        },
    )


@login_required
def event_plan(request, slug, pk):
    """A draft plan rendered now; an issued plan as it was issued, signed if it was signed."""
    campaign = get_campaign_for_managing(request, slug)
    event = get_object_or_404(Event.objects.select_related("plan_document"), pk=pk, campaign=campaign)
    if event.plan_document_id and event.plan_document.pdf:
        name = event.plan_document.number_text.replace("/", "-")
        return FileResponse(
            event.plan_document.pdf.open("rb"),
            as_attachment=True,
            filename=f"{name}.pdf",
            content_type="application/pdf",
        )
    try:
        pdf = event_plan_pdf(event)
    except NoIssuer as problem:
        messages.error(request, str(problem))
        return redirect("campaigns:event", slug=campaign.slug, pk=event.pk)
    return pdf_response(pdf, f"ke-hoach-{event.pk}.pdf")


@login_required
@require_POST
def event_plan_issue(request, slug, pk):
    """Issue the event's plan: the lead office's next KH number, the chosen signer, kept
    as issued and then signed."""
    campaign = get_campaign_for_managing(request, slug)
    event = get_object_or_404(Event, pk=pk, campaign=campaign)
    body, no_issuer = issuing_body(campaign.lead_office, timezone.localdate())
    if body is None:
        messages.error(request, no_issuer)
        return redirect("campaigns:event", slug=campaign.slug, pk=event.pk)
    form = IssueForm(request.POST, body=body)
    try:
        if form.is_valid():
            if not confirm.confirmed(request):
                return confirm.ask(
                    request,
                    confirm.Confirmation(
                        title=_("Issue this event's plan?"),
                        details=[(_("Event"), str(event)), (_("Signed by"), str(form.cleaned_data["signer"]))],
                        what=[
                            _("The plan takes the next KH number of the lead office's register."),
                            _("Its PDF is kept as issued and signed."),
                        ],
                        cannot_undo=_("An issued plan keeps its number and text for good."),
                        action=_("Yes, issue the plan"),
                        back=reverse("campaigns:event", args=[campaign.slug, event.pk]),
                        danger=False,
                    ),
                )
            services.event_plan_issue(event=event, signer=form.cleaned_data["signer"], user=request.user)
            sign_and_tell(request, event.plan_document)
        else:
            messages.error(request, " ".join(form.errors.get("signer", [])) or _("Choose who signs the plan."))
    except services.PlanIssued as refused:
        messages.error(request, str(refused))
    except (NoIssuer, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    return redirect("campaigns:event", slug=campaign.slug, pk=event.pk)


def fund_offices_of(user, campaign):
    """The offices that may hold a fund of the campaign and whose funds this user keeps."""
    offices = services.fund_offices(campaign).select_related("unit")
    return offices.filter(pk__in=[o.pk for o in offices if may_manage_fund(user, o)]).order_by("name")
