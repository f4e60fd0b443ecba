"""Writes to a campaign's plan: its tasks and their status, the units with their duties,
communication activities, events with their agenda, invitees and budget, and reviews.

Each write runs in one transaction with its history row (simple_history), and the row
names the acting user whether or not a request is under way: the services set
`_history_user` themselves, so a command, a task or a test records the same "who" as a
view does. The instances they take come from validated forms (`form.instance`) and are
saved here, nowhere else."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.issuers import issuer_of_office
from documents.models import DocumentKind
from documents.services import issue_document
from donations.funds import FundRefused, fund_save
from schools.models import Office

from .models import BudgetLine, Campaign, CampaignFund, CommunicationActivity, Event, Responsibility, Review, Task
from .plans import plan_rendered, plan_title
from .reviews import review_rendered, review_title

# What an officer writes in a review; the rest (issued_at, issued_by) only issuing sets.
# The number is the register's, taken when the review is issued (`number` keeps what
# officers typed before that, for the reviews issued then).
REVIEW_TEXT_FIELDS = ["kind", "introduction", "assessment", "next_steps"]


class PlanIssued(Exception):
    """An event's plan is issued once: its number is never taken twice."""

    def __init__(self):
        super().__init__(_("This plan has already been issued."))


class ReviewIssued(Exception):
    """An issued review is a document: it is no longer edited nor issued again."""

    def __init__(self):
        super().__init__(_("This review has been issued and can no longer be changed."))


def _save(instance, user, **save_options):
    instance._history_user = user  # the history's "who", also outside a request
    instance.save(**save_options)
    return instance


def _delete(instance, user) -> None:
    instance._history_user = user
    instance.delete()


# --- The plan page ------------------------------------------------------------------------


def task_add(*, campaign: Campaign, task: Task, user) -> Task:
    with transaction.atomic():
        task.campaign = campaign
        return _save(task, user)


def task_set_status(*, task: Task, status: str, user) -> Task:
    """Move a task to `status`; a task marked done is dated today, any other has no date."""
    if status not in Task.Status.values:
        raise ValueError(f"Unknown task status: {status!r}")
    with transaction.atomic():
        task.status = status
        task.done_on = timezone.localdate() if status == Task.Status.DONE else None
        return _save(task, user, update_fields=["status", "done_on", "updated_at"])


def responsibility_add(*, campaign: Campaign, responsibility: Responsibility, user) -> Responsibility:
    with transaction.atomic():
        responsibility.campaign = campaign
        return _save(responsibility, user)


def communication_add(*, campaign: Campaign, activity: CommunicationActivity, user) -> CommunicationActivity:
    with transaction.atomic():
        activity.campaign = campaign
        return _save(activity, user)


def event_add(*, campaign: Campaign, event: Event, user) -> Event:
    with transaction.atomic():
        event.campaign = campaign
        return _save(event, user)


# --- An event's page ----------------------------------------------------------------------


def event_save(*, event: Event, formsets, user) -> Event:
    """Save an event with its validated inline formsets (agenda, invitations, budget):
    new and changed rows are saved, rows marked for deletion deleted, all or nothing.
    Budget lines belong to the event's campaign too."""
    with transaction.atomic():
        # The issued plan is issuing's to set (event_plan_issue): kept as the row has it.
        if event.pk:
            event.plan_document_id = (
                Event.objects.select_for_update().filter(pk=event.pk).values_list("plan_document_id", flat=True).get()
            )
        _save(event, user)
        for formset in formsets:
            for item in formset.save(commit=False):
                if isinstance(item, BudgetLine):
                    item.campaign_id = event.campaign_id
                _save(item, user)
            for item in formset.deleted_objects:
                _delete(item, user)
    return event


# --- Reviews ------------------------------------------------------------------------------


def review_create(*, campaign: Campaign, review: Review, user) -> Review:
    """Save a new review as a draft: it is issued later (review_issue)."""
    with transaction.atomic():
        review.campaign = campaign
        review.issued_at, review.issued_by = None, None
        return _save(review, user)


def _with_signer(issuer, signer):
    try:
        return issuer.with_signer(signer)
    except ValueError as refused:
        raise ValidationError(
            {"signer": _("This person cannot sign for %(body)s.") % {"body": issuer.text_name}}
        ) from refused


def event_plan_issue(*, event: Event, signer, user) -> Event:
    """Issue an event's plan as a plan (kế hoạch) of the campaign's lead office (or the
    body that took over from it today): the next number of its register ("03/KH-PGDĐT"),
    dated today, signed by `signer`, rendered and kept as issued, in one transaction.
    Signing the kept PDF comes next (documents.services.sign_issued). Raises PlanIssued,
    NoIssuer, or ValidationError when the signer cannot sign for the body."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().select_related("campaign__lead_office").get(pk=event.pk)
        if locked.plan_document_id:
            raise PlanIssued
        issuer = _with_signer(issuer_of_office(locked.campaign.lead_office, on=timezone.localdate()), signer)
        locked.plan_document = issue_document(
            kind=DocumentKind.PLAN,
            issuer=issuer,
            title=plan_title(locked),
            user=user,
            render=lambda document: plan_rendered(locked, issuer, document.number_text),
        )
        _save(locked, user, update_fields=["plan_document"])
    event.plan_document = locked.plan_document
    return event


def _lock_draft(review: Review) -> Review:
    """The review's row, locked; refused once issued, whatever the caller's copy says."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.issued_at:
        raise ReviewIssued
    return locked


def review_update(*, review: Review, user) -> Review:
    """Save the officer's text (number included) of a draft review."""
    with transaction.atomic():
        _lock_draft(review)
        return _save(review, user, update_fields=REVIEW_TEXT_FIELDS)


def review_issue(*, review: Review, signer, user) -> Review:
    """Issue a draft review as a report of the campaign's lead office (or the body that
    took over from it today): the next number of that body's register ("01/BC-SGDĐT"),
    dated today, signed by `signer` (one of the body's signers), rendered and kept as
    issued; all in one transaction, so a review is never issued without its number nor
    a number taken without its review. Signing the kept PDF is the caller's next step
    (documents.services.sign_issued), outside this transaction. Raises ReviewIssued,
    NoIssuer, or ValidationError when the signer cannot sign for the body."""
    with transaction.atomic():
        # The locked copy is saved, so the history row holds the text as it is stored.
        locked = _lock_draft(review)
        locked.issued_at, locked.issued_by = timezone.now(), user
        issuer = _with_signer(
            issuer_of_office(locked.campaign.lead_office, on=timezone.localdate(locked.issued_at)), signer
        )
        locked.document = issue_document(
            kind=DocumentKind.REPORT,
            issuer=issuer,
            title=review_title(locked),
            user=user,
            render=lambda document: review_rendered(locked, issuer, document.number_text),
        )
        _save(locked, user, update_fields=["issued_at", "issued_by", "document"])
    review.issued_at, review.issued_by, review.document = locked.issued_at, locked.issued_by, locked.document
    return review


# --- Programme funds ------------------------------------------------------------------------


def fund_offices(campaign: Campaign):
    """The offices that may hold a fund of the campaign: its lead office, and the
    education offices inside its scope."""
    scope = campaign.scope
    inside = Q(unit=scope) | Q(**{f"unit__{scope.level}": scope})
    return Office.objects.filter(Q(pk=campaign.lead_office_id) | (inside & Q(kind__in=Office.EDUCATION_KINDS)))


def campaign_fund_add(
    *,
    campaign: Campaign,
    office: Office,
    name: str,
    slug: str,
    description: str = "",
    is_open: bool = True,
    actor,
) -> CampaignFund:
    """Create a programme fund of `office` for the campaign, in one transaction with its
    link to the campaign. Raises donations.funds.FundRefused for an office outside the
    campaign or an address already taken."""
    if not fund_offices(campaign).filter(pk=office.pk).exists():
        raise FundRefused(_("This office is neither the campaign's nor inside its scope."), field="office")
    with transaction.atomic():
        fund = fund_save(office=office, actor=actor, name=name, slug=slug, description=description, is_open=is_open)
        return CampaignFund.objects.create(campaign=campaign, fund=fund)
