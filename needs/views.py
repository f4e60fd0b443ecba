import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import confirm
from core.cache import cache_public_page
from core.listing import filtered_page
from core.ratelimit import limit_posts, refuse_post
from receiving import selectors as receiving_selectors
from receiving.forms import CommentForm
from receiving.plans import COMMENT_WORKING_DAYS
from schools.filters import is_id
from schools.models import School
from schools.permissions import get_school_for_editing, roles_of

from . import selectors, services, sharecard
from .filters import NeedFilter
from .forms import ActionForm, DeliveryForm, NeedForm, NeedItemFormSet
from .lunch import lunch_calendar
from .models import CATEGORY_INFO, Category, Need, NeedEvent, NeedPhoto
from .permissions import (
    can_edit_need,
    get_event_attachment,
    get_need_for_editing,
    get_need_for_viewing,
    get_photo_for_checking,
    get_photo_original,
    need_roles,
    photos_seen_by,
)

PAGE_SIZE = 12


@cache_public_page(lambda: ("public-needs",), timeout_setting="PUBLIC_LIST_SECONDS")
def need_list(request):
    need_filter = NeedFilter(request.GET or None, queryset=Need.objects.public())
    _needs, page, query = filtered_page(
        request,
        need_filter,
        columns=selectors.with_card_columns,
        page_size=PAGE_SIZE,
        count_namespaces=("public-needs",),
        # A search for a common word matches most needs: count the first thousands only.
        count_cap=settings.SEARCH_COUNT_CAP if request.GET.get("q") else None,
    )
    return render(
        request,
        "needs/need_list.html",
        {
            "filter": need_filter,
            "page": page,
            "query": query,
            "categories": _category_cards(),
            # "Best match" ranks a bounded number of matches (needs.selectors.ranked_matches).
            "ranked_cap": settings.SEARCH_RANK_CANDIDATES if need_filter.ranks else None,
        },
    )


def _category_cards():
    return [(value, label, *CATEGORY_INFO[value]) for value, label in Category.choices]


@cache_public_page(lambda pk: (f"need:{pk}",))
def need_detail(request, pk):
    try:
        need = selectors.need_detail(pk)
    except Need.DoesNotExist:
        raise Http404 from None
    roles = need_roles(request.user, need)
    if not need.is_public and not roles:
        raise Http404
    events = list(need.events.all())
    if not roles:
        # Visitors see milestones, not the conversation between school and office.
        events = [e for e in events if e.kind == NeedEvent.Kind.STATUS and e.to_status in Need.PUBLIC_STATUSES]
    photos = photos_seen_by(roles, need.photos.all())
    question = selectors.open_question(events)
    actions = services.allowed_actions(need, request.user)
    if question is None:
        # The reply box shows only when the office asked something not yet answered.
        actions = [name for name in actions if name != "answer"]
    return render(
        request,
        "needs/need_detail.html",
        {
            **_settlement_context(request, need, roles),
            "need": need,
            "items": list(need.items.all()),
            "photos": [p for p in photos if p.kind == NeedPhoto.Kind.NEED],
            "proof_photos": [p for p in photos if p.kind == NeedPhoto.Kind.PROOF],
            "events": events,
            "actions": actions,
            "open_question": question if roles else None,
            "action_specs": services.ACTIONS,
            "can_edit": can_edit_need(request.user, need),
            "is_insider": bool(roles),
            "duplicates": list(selectors.possible_duplicates(need)) if "officer" in roles else [],
            "action_form": ActionForm(),
            "delivery_form": DeliveryForm(),
            "calendar": lunch_calendar(need, today=timezone.localdate()),
            # Circular 16's usage plan, its team and comments (receiving app)
            "plan_section": receiving_selectors.need_plan_section(need),
            "can_keep_plan": bool(roles & {"staff", "officer"}),
            "comment_form": CommentForm(),
            "comment_days": COMMENT_WORKING_DAYS,
            "photos_to_check": [p for p in photos if p.is_waiting] if "officer" in roles else [],
            # Fully pledged: where a donor who came to give can give instead (the page is
            # kept under this need's namespace: the list may lag PUBLIC_CACHE_SECONDS).
            "similar": selectors.similar_needs(need) if need.is_fully_pledged else [],
            # Open Graph and Twitter tags: a shared link shows the card (needs.sharecard).
            "share": sharecard.share_meta(request, need) if need.is_public else None,
        },
    )


@require_GET
def need_card(request, pk):
    """The picture of a public need's shared link (1200 × 630 JPEG). Public like the
    page; a need that is not public has none, for anyone."""
    need = (
        Need.objects.public()
        .select_related("school__commune", "school__district", "school__province", "site")
        .filter(pk=pk)
        .first()
    )
    if need is None:
        raise Http404
    response = HttpResponse(sharecard.card_image(need), content_type="image/jpeg")
    # The page links it with ?v=<version>: a new need state is a new address.
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _settlement_context(request, need, roles) -> dict:
    """The settlement report on the page of a delivered need (receiving, the layer
    above): none looked up before delivery."""
    if need.status not in Need.DELIVERED_STATUSES:
        return {"settlement": None, "can_settle": False}
    from receiving.permissions import may_draft_settlement
    from receiving.selectors import settlement_for_page

    return {
        "settlement": settlement_for_page(need, insider=bool(roles)),
        "can_settle": may_draft_settlement(request.user, need),
    }


def _pending_photos(request, token):
    if not token:
        return NeedPhoto.objects.none()
    return NeedPhoto.objects.filter(upload_token=token, uploaded_by=request.user, need__isnull=True)


def _need_form(request, *, school: School, need: Need | None):
    """The shared create/edit form: need, item rows, photos. Accepted photos are kept
    across validation errors under the form's upload token."""
    instance = need or Need(school=school)
    token = request.POST.get("upload_token") or str(uuid.uuid4())
    try:
        token = str(uuid.UUID(token))
    except ValueError:
        token = str(uuid.uuid4())
    # Bound on every POST, even an empty one (which `request.POST or None` would leave
    # unbound, and then no cleaned_data: a 500 instead of "this field is required").
    posted = request.method == "POST"
    form = NeedForm(
        request.POST if posted else None, request.FILES if posted else None, instance=instance, school=school
    )
    initial_items = [
        {"description": i.description, "quantity": i.quantity, "unit": i.unit, "unit_cost": i.unit_cost}
        for i in (need.items.all() if need else [])
    ]
    formset = NeedItemFormSet(request.POST if posted else None, initial=initial_items or None, prefix="items")
    existing_photos = list(need.photos.filter(kind=NeedPhoto.Kind.NEED)) if need else []

    if request.method == "POST":
        photo_errors = []
        pending = list(_pending_photos(request, token))
        if form.is_valid() or "photos" in form.cleaned_data:
            uploads = form.cleaned_data.get("photos") or []
            room = settings.NEED_PHOTOS_MAX - len(existing_photos) - len(pending)
            if len(uploads) > room:
                photo_errors.append(
                    _("A need can have at most %(max)s photos; remove some first.") % {"max": settings.NEED_PHOTOS_MAX}
                )
                uploads = uploads[: max(room, 0)]
            for upload in uploads:
                try:
                    pending.append(
                        services.photo_create(
                            upload=upload, actor=request.user, upload_token=token, pupils=form.pupils_answer()
                        )
                    )
                except ValidationError as error:
                    photo_errors.extend(error.messages)
        for message in photo_errors:
            form.add_error("photos", message)
        # A lunch need's one item follows from its figures (need_save): the rows are not asked.
        if form.is_valid() and (form.is_lunch or formset.is_valid()):
            items = [] if form.is_lunch else [f.cleaned_data for f in formset.forms if f.cleaned_data]
            items = [{k: v for k, v in item.items() if k != "DELETE"} for item in items if not item.get("DELETE")]
            if not items and not form.is_lunch:
                formset._non_form_errors = formset.error_class([_("Add at least one item.")])
            else:
                saved = services.need_save(need=form.instance, items=items, actor=request.user, photos=pending)
                if "submit" in request.POST:
                    try:
                        services.need_transition(need=saved, action="submit", actor=request.user)
                        messages.success(request, str(DONE_MESSAGES["submit"]))
                    except services.ActionInvalid as error:
                        messages.error(request, error.message)
                else:
                    messages.success(request, _("Saved as a draft. Submit it when it is ready."))
                if request.headers.get("X-Need-Form") == "fetch":
                    # Sent by static/js/need_offline.js (perhaps a form kept offline): it
                    # opens the need itself, where the message above is shown.
                    return JsonResponse({"url": saved.get_absolute_url()})
                return redirect(saved)
        pending_photos = pending
    else:
        pending_photos = []
    return render(
        request,
        "needs/need_form.html",
        {
            "form": form,
            "formset": formset,
            "school": school,
            "need": need,
            "upload_token": token,
            "existing_photos": existing_photos,
            "pending_photos": pending_photos,
            "max_photos": settings.NEED_PHOTOS_MAX,
        },
    )


@login_required
@limit_posts("upload_need")
def need_create(request, school_pk):
    school = get_school_for_editing(request, school_pk)
    return _need_form(request, school=school, need=None)


@login_required
@limit_posts("upload_need")
def need_edit(request, pk):
    need = get_need_for_editing(request, pk)
    if not need.is_editable:
        messages.error(request, _("Only drafts and returned needs can be edited."))
        return redirect(need)
    return _need_form(request, school=need.school, need=need)


@login_required
@require_POST
def need_photo_delete(request, pk, photo_pk):
    need = get_need_for_editing(request, pk)
    photo = get_object_or_404(NeedPhoto, pk=photo_pk, need=need)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Remove this photo?"),
                details=[(_("Need"), need.title)],
                what=[_("The photo and its file are deleted from the need.")],
                cannot_undo=_("A removed photo cannot be restored; upload it again if needed."),
                action=_("Yes, remove the photo"),
                back=reverse("needs:edit", args=[need.pk]),
            ),
        )
    try:
        services.photo_delete(photo=photo, actor=request.user)
        messages.success(request, _("The photo has been removed."))
    except services.ActionInvalid as error:
        messages.error(request, error.message)
    return redirect("needs:edit", pk=need.pk)


@login_required
@require_GET
def photo_original(request, pk, photo_pk):
    """The photo as the school sent it, pupils' faces unblurred: never by its file's
    address (core.media serves `needs/` only), never kept by a shared cache."""
    photo = get_photo_original(request, pk, photo_pk)
    response = FileResponse(photo.original.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def event_attachment(request, pk, event_pk):
    """The file of a question or an answer: to the need's school and officers only (404
    to anyone else), never cached by a shared cache, always downloaded, never shown inline."""
    event = get_event_attachment(request, pk, event_pk)
    response = FileResponse(
        event.attachment.open("rb"),
        as_attachment=True,
        filename=f"need-{pk}-{event_pk}.{'pdf' if event.attachment_is_pdf else 'jpg'}",
        content_type="application/pdf" if event.attachment_is_pdf else "image/jpeg",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def photo_check(request, pk, photo_pk):
    """The officer publishes a blurred public copy or hides the photo."""
    photo = get_photo_for_checking(request, pk, photo_pk)
    decision = request.POST.get("decision")
    if decision not in ("publish", "hide"):
        messages.error(request, _("Choose to publish the blurred copy or to hide the photo."))
    else:
        try:
            services.photo_check(photo=photo, officer=request.user, publish=decision == "publish")
            if decision == "publish":
                messages.success(request, _("The blurred copy is now public."))
            else:
                messages.success(request, _("The photo is hidden from the public. Ask the school for another one."))
        except services.ActionInvalid as error:
            messages.error(request, error.message)
    return redirect("needs:queue") if request.POST.get("next") == "queue" else redirect(photo.need)


@login_required
@require_POST
def need_act(request, pk, action):
    """Every status action of the lifecycle, from the buttons on the need page."""
    if action not in services.ACTIONS or action in ("reopen", "expire", "close_year"):
        raise Http404
    need = get_need_for_viewing(request, pk)
    # Who may act is settled before what they sent: an empty form must not turn a 403
    # into "please fill in the form" (need_transition checks again under the lock).
    if not need_roles(request.user, need) & services.ACTIONS[action].roles:
        raise PermissionDenied
    # A delivery carries photos, and a question or an answer a file, each decoded or
    # rewritten: limited like a need's photos.
    if (action == "deliver" or request.FILES) and (refused := refuse_post(request, "upload_proof")) is not None:
        return refused
    form = DeliveryForm(request.POST, request.FILES) if action == "deliver" else ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect(need)
    note = form.cleaned_data["note"]
    if action in CONFIRMED_ACTIONS and not confirm.confirmed(request):
        return confirm.ask(request, _action_confirmation(need, action))
    try:
        if action == "deliver":
            uploads = form.cleaned_data["photos"][: settings.NEED_PHOTOS_MAX]
            services.need_deliver(
                need=need, actor=request.user, note=note, uploads=uploads, pupils=form.pupils_answer()
            )
        else:
            services.need_transition(
                need=need, action=action, actor=request.user, note=note, attachment=form.cleaned_data.get("attachment")
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(need)
    except services.ActionInvalid as error:
        messages.error(request, error.message)
        return redirect(need)
    messages.success(request, str(DONE_MESSAGES[action]))
    # The verification queue posts here too, and wants its list back.
    return redirect("needs:queue") if request.POST.get("next") == "queue" else redirect(need)


# The status actions that cannot be taken back by whoever takes them: a cancelled or
# closed need stays so, and a need marked funded takes no more gifts. (A delivery is
# its own deliberate form with proofs: files cannot be carried through a second step.)
CONFIRMED_ACTIONS = ("cancel", "close", "fund")


def _action_confirmation(need, action) -> confirm.Confirmation:
    what = {
        "cancel": [
            _("The need is withdrawn: it leaves the public lists and takes no more gifts."),
        ],
        "close": [_("The need is closed: its work and its reporting are finished.")],
        "fund": [_("The need is marked as fully funded and takes no more gifts.")],
    }[action]
    return confirm.Confirmation(
        title=_("%(action)s: %(title)s?") % {"action": services.ACTIONS[action].label, "title": need.title},
        details=[(_("School"), need.school.name), (_("Status"), need.get_status_display())],
        what=what,
        cannot_undo=_("The need cannot be brought back to its current status."),
        action=str(services.ACTIONS[action].label),
        back=need.get_absolute_url(),
    )


DONE_MESSAGES = {
    "submit": gettext_lazy("Sent to the education office for verification."),
    "verify": gettext_lazy("Verified: the need is now public and open for gifts."),
    "return": gettext_lazy("Returned to the school with your reason."),
    "ask": gettext_lazy("Your question has been sent to the school."),
    "answer": gettext_lazy("Your answer has been sent to the education office."),
    "cancel": gettext_lazy("The need has been cancelled."),
    "fund": gettext_lazy("Marked as fully funded."),
    "deliver": gettext_lazy("Delivery confirmed. Thank you for the proof."),
    "close": gettext_lazy("The need is closed."),
}


@login_required
def verification_queue(request):
    roles = roles_of(request.user)
    if not roles.is_officer and not roles.is_superuser:
        raise PermissionDenied
    units = None if roles.is_superuser else roles.officer_units
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("need") if is_id(i)]
        chosen = list(selectors.verification_queue(units).filter(pk__in=ids))
        done, refused = services.bulk_verify(needs=chosen, actor=request.user)
        if done:
            messages.success(request, _("%(count)s needs verified.") % {"count": done})
        if refused:
            messages.warning(request, _("Not verified: %(titles)s") % {"titles": "; ".join(refused)})
        if not ids:
            messages.warning(request, _("Tick the needs to verify first."))
        return redirect("needs:queue")
    queue = list(selectors.verification_queue(units))
    # Reused photos, unusual unit costs, a school's pace: the trust app knows them.
    from trust.selectors import attach_signals

    attach_signals(queue)
    photos = list(selectors.photos_waiting(units))
    return render(request, "needs/verification_queue.html", {"queue": queue, "units": units, "photos_to_check": photos})


@login_required
def my_school(request):
    """School staff: drafts, returned needs with the reason, and what waits for others."""
    schools = roles_of(request.user).staff_schools
    if not schools:
        raise Http404
    needs = list(selectors.with_card_columns(Need.objects.filter(school__in=schools)).order_by("-updated_at"))
    returned_reasons = {
        event.need_id: event.note
        for event in NeedEvent.objects.filter(
            need__in=[n for n in needs if n.status == Need.Status.RETURNED], to_status=Need.Status.RETURNED
        ).order_by("created_at")
    }
    for need in needs:
        need.return_reason = returned_reasons.get(need.pk, "")
    # The office's questions waiting for an answer come first.
    questions = selectors.open_questions(needs)
    to_answer = [(need, questions[need.pk]) for need in needs if need.pk in questions]
    groups = [
        (_("Returned to you: please fix and resubmit"), [n for n in needs if n.status == Need.Status.RETURNED]),
        (_("Drafts"), [n for n in needs if n.status == Need.Status.DRAFT]),
        (_("Awaiting verification"), [n for n in needs if n.status == Need.Status.SUBMITTED]),
        (_("Open for gifts"), [n for n in needs if n.status in Need.FUNDING_STATUSES]),
        (_("Delivered and closed"), [n for n in needs if n.status in Need.DELIVERED_STATUSES]),
    ]
    # Gifts the school must confirm; the donations app knows them.
    from donations.selectors import pledges_awaiting_receipt

    return render(
        request,
        "needs/my_school.html",
        {
            "schools": schools,
            "to_answer": to_answer,
            "groups": groups,
            "awaiting": list(pledges_awaiting_receipt(schools)),
        },
    )
