"""Circular 16 records: the receiving team, usage plans and comments, receipt records and
settlement reports."""

# The receiving team, usage plans and their comments (teams.py, plans.py)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import confirm
from core.formatting import format_vnd
from core.ratelimit import limit_posts
from documents.forms import IssueForm
from documents.issuers import NoIssuer
from documents.views import sign_and_tell
from needs.models import Need
from schools.permissions import roles_of

from . import permissions, plans, records, selectors, settlements, teams
from .forms import (
    CommentForm,
    MemberFormSet,
    ModerationForm,
    PlanForm,
    PlanLineFormSet,
    ReceiptRecordForm,
    SettlementForm,
    SettlementLineFormSet,
    TeamForm,
)
from .models import UsagePlan


def _rows(formset) -> list[dict]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
def team(request, school_pk):
    """The school's receiving team: the decision setting it up and its members."""
    school = permissions.get_school_for_team(request, school_pk)
    current = selectors.team_of(school)
    posted = request.method == "POST"
    form = TeamForm(request.POST if posted else None, instance=current or None)
    initial = (
        [{"full_name": m.full_name, "job_title": m.job_title, "role": m.role} for m in current.members.all()]
        if current
        else []
    )
    # Initial rows only to show: posted rows equal to them would count as unchanged, empty.
    formset = MemberFormSet(
        request.POST if posted else None, initial=None if posted else initial or None, prefix="members"
    )
    if posted and form.is_valid() and formset.is_valid():
        members = [teams.Member(**row) for row in _rows(formset)]
        try:
            teams.team_save(
                school=school,
                actor=request.user,
                decision_reference=form.cleaned_data["decision_reference"],
                members=members,
            )
        except teams.TeamRefused as refused:
            formset._non_form_errors = formset.error_class([refused.message])
        else:
            messages.success(request, _("The receiving team has been saved."))
            return redirect("receiving:team", school_pk=school.pk)
    return render(request, "receiving/team_form.html", {"school": school, "form": form, "formset": formset})


@login_required
def plan(request, need_pk):
    """The need's usage plan for its keepers: drafted from the need, changed while a
    draft, published for comment; once published, its comments to moderate."""
    need = permissions.get_need_for_plan(request, need_pk)
    current = selectors.plan_of(need)
    if current is not None and current.is_published:
        if request.method == "POST":  # a second tab's form, sent after the publication
            messages.error(request, _("This plan has been published for comment and can no longer be changed."))
            return redirect("receiving:plan", need_pk=need.pk)
        return render(
            request,
            "receiving/plan_manage.html",
            {
                "need": need,
                "plan": current,
                "lines": list(current.lines.all()),
                "comments": selectors.comments_of(current),
                "team": selectors.team_of(need.school),
                "moderation_form": ModerationForm(),
            },
        )
    problem = plans.need_problem(need)
    if problem:
        messages.error(request, problem)
        return redirect(need)
    posted = request.method == "POST"
    if current is not None:
        initial_lines = [
            {"description": x.description, "quantity": x.quantity, "unit": x.unit, "unit_cost": x.unit_cost}
            for x in current.lines.all()
        ]
        form = PlanForm(request.POST if posted else None, instance=current)
    else:
        fields, initial_lines = plans.initial_from_need(need)
        form = PlanForm(request.POST if posted else None, initial=fields)
    formset = PlanLineFormSet(
        request.POST if posted else None, initial=None if posted else initial_lines or None, prefix="lines"
    )
    if posted and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            saved = plans.plan_save(
                need=need,
                actor=request.user,
                purpose=data["purpose"],
                beneficiaries=data["beneficiaries"],
                pupils_benefiting=data["pupils_benefiting"],
                method=data["method"],
                work_starts_on=data["work_starts_on"],
                work_ends_on=data["work_ends_on"],
                lines=[plans.Line(**row) for row in _rows(formset)],
            )
            if "publish" in request.POST:
                # The draft is saved either way; publishing waits for the second step.
                if not confirm.confirmed(request):
                    return confirm.ask(
                        request,
                        confirm.Confirmation(
                            title=_("Publish the usage plan?"),
                            details=[(_("Need"), need.title), (_("School"), need.school.name)],
                            what=[
                                _("The plan is shown on the need's public page."),
                                _("The public may comment on it for fifteen working days."),
                            ],
                            cannot_undo=_("A published plan can no longer be edited or taken down."),
                            action=_("Yes, publish the plan"),
                            back=reverse("receiving:plan", args=[need.pk]),
                            danger=False,
                        ),
                    )
                plans.plan_publish(plan=saved, actor=request.user)
                messages.success(request, _("The plan is published on the need's page and open for comment."))
                return redirect(need.get_absolute_url() + "#plan")
        except plans.PlanRefused as refused:
            if refused.field in form.fields:
                form.add_error(refused.field, refused.message)
            else:
                formset._non_form_errors = formset.error_class([refused.message])
        else:
            messages.success(request, _("The draft plan has been saved. Publish it when it is ready."))
            return redirect("receiving:plan", need_pk=need.pk)
    return render(
        request,
        "receiving/plan_form.html",
        {
            "need": need,
            "plan": current,
            "form": form,
            "formset": formset,
            "team": selectors.team_of(need.school),
            "comment_days": plans.COMMENT_WORKING_DAYS,
        },
    )


@login_required
@limit_posts("plan_comment")
def comment(request, need_pk):
    """A signed-in visitor's comment on a need's published plan. Refused text comes back
    in the form with the reason beside it."""
    need = permissions.get_need_for_commenting(request, need_pk)
    current = UsagePlan.objects.filter(need=need, status=UsagePlan.Status.PUBLISHED).first()
    if current is None:
        raise Http404
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            plans.comment_post(plan=current, author=request.user, body=form.cleaned_data["body"])
        except plans.PlanRefused as refused:
            form.add_error("body" if refused.field == "body" else None, refused.message)
        else:
            messages.success(request, _("Thank you. Your comment is shown once the school has read it."))
            return redirect(need.get_absolute_url() + "#plan")
    return render(request, "receiving/comment_form.html", {"need": need, "plan": current, "form": form})


@login_required
def moderation(request):
    """Comments waiting for the school's people, over every need the user keeps."""
    roles = roles_of(request.user)
    if not (roles.is_superuser or roles.is_school_staff or roles.is_officer):
        raise PermissionDenied
    waiting = list(selectors.comments_to_moderate(permissions.moderated_comments_filter(request.user))[:200])
    return render(request, "receiving/moderation.html", {"comments": waiting, "moderation_form": ModerationForm()})


@login_required
@require_POST
def comment_moderate(request, pk):
    comment = permissions.get_comment_for_moderating(request, pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    else:
        try:
            plans.comment_moderate(
                comment=comment,
                actor=request.user,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except plans.PlanRefused as refused:
            messages.error(request, refused.message)
        else:
            if form.cleaned_data["action"] == "publish":
                messages.success(request, _("The comment is now shown on the need's page."))
            else:
                messages.success(request, _("The comment is not shown; your reason is kept."))
    if request.POST.get("next") == "plan":
        return redirect("receiving:plan", need_pk=comment.plan.need_id)
    return redirect("receiving:moderation")


# Receipt records and settlement reports (records.py, settlements.py)

# Thin: the rules are records.py and settlements.py, the access permissions.py.


def _signers_url(school):
    return reverse("documents:signers", args=["school", school.pk])


@login_required
def record_issue(request, reference):
    """The school issues a received gift's receipt record, signed by one of its signers."""
    pledge = permissions.get_pledge_for_record(request, reference)
    existing = selectors.record_of(pledge)
    if existing is not None:
        messages.info(request, _("This gift already has its receipt record."))
        return redirect("donations:detail", reference=pledge.reference)
    school = pledge.need.school
    giver = records.giver_of(pledge)
    initial = {"amount": pledge.received_amount}
    form = ReceiptRecordForm(request.POST or None, initial=initial, body=school)
    problem = records.record_problem(pledge)
    if request.method == "POST" and not problem and form.is_valid():
        data = form.cleaned_data
        amount = pledge.received_amount if data["amount"] is None else data["amount"]
        # A record that would be refused is refused at once, next to its field (the
        # service below says why); only one that can be issued asks first.
        if not records.amount_problem(pledge, amount) and not confirm.confirmed(request):
            return confirm.ask(
                request,
                confirm.Confirmation(
                    title=_("Issue the receipt record of gift %(reference)s?") % {"reference": pledge.reference},
                    details=[(_("Amount received"), format_vnd(amount)), (_("Signed by"), str(data["signer"]))],
                    what=[
                        _("The record takes the next BB number of the school's register."),
                        _("Its PDF is kept as issued and signed, and the donor can download it."),
                    ],
                    cannot_undo=_("An issued record keeps its number and text for good."),
                    action=_("Yes, issue the record"),
                    back=reverse("receiving:record_issue", args=[pledge.reference]),
                    danger=False,
                ),
            )
        try:
            record = records.record_issue(
                pledge=pledge,
                actor=request.user,
                signer=data["signer"],
                amount=data["amount"],
                giver_representative=data["giver_representative"],
                giver_position=data["giver_position"],
                giver_address=data["giver_address"],
            )
        except records.RecordRefused as refused:
            form.add_error(refused.field, refused.message)
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except NoIssuer as no_issuer:
            form.add_error(None, str(no_issuer))
        else:
            sign_and_tell(request, record.document)
            return redirect("donations:detail", reference=pledge.reference)
    return render(
        request,
        "receiving/record_form.html",
        {
            "pledge": pledge,
            "school": school,
            "giver": giver,
            "form": form,
            "problem": problem,
            "no_signers": not form.fields["signer"].queryset.exists(),
            "signers_url": _signers_url(school),
        },
    )


def record_pdf(request, pk):
    """The receipt record as issued (and signed): the stored PDF."""
    record = permissions.get_record_for_download(request, pk)
    document = record.document
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"bien-ban-tiep-nhan-{record.pledge.reference}.pdf",
    )


@login_required
def settlement_edit(request, need_pk):
    """The school drafts (or changes) the settlement report of a delivered need."""
    need = permissions.get_need_for_settlement(request, need_pk)
    report = selectors.settlement_for_page(need, insider=True)
    received = settlements.received_total_of(need)
    delivered = need.status in Need.DELIVERED_STATUSES
    if report is not None and report.is_published:
        messages.info(request, _("This report is published: it can no longer be changed."))
        return redirect(need.get_absolute_url())
    if report is not None:
        initial = {
            "spent_total": report.spent_total,
            "remainder": report.remainder,
            "remainder_note": report.remainder_note,
        }
        lines_initial = [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_cost": line.unit_cost,
                "amount": line.amount,
                "supplier": line.supplier,
            }
            for line in report.lines.all()
        ]
    else:
        initial = {"remainder": settlements.R.NONE}
        lines_initial = [
            {
                "description": item.description,
                "quantity": item.quantity,
                "unit": item.unit,
                "unit_cost": item.unit_cost,
                "amount": item.total,
            }
            for item in need.items.all()
        ]
    posted = request.method == "POST"
    form = SettlementForm(request.POST if posted else None, initial=initial)
    # Bound, the lines are what was posted: compared with the need's items as initial
    # data, lines kept as drafted from them would count as unchanged and be dropped.
    formset = SettlementLineFormSet(
        request.POST if posted else None, initial=None if posted else (lines_initial or None), prefix="lines"
    )
    if posted and delivered and form.is_valid() and formset.is_valid():
        lines = [
            settlements.Line(
                description=row["description"],
                quantity=row["quantity"],
                unit=row["unit"],
                unit_cost=row["unit_cost"],
                amount=row["amount"],
                supplier=row.get("supplier", ""),
            )
            for row in formset.cleaned_data
            if row and not row.get("DELETE")
        ]
        try:
            settlements.settlement_save(
                need=need,
                actor=request.user,
                lines=lines,
                spent_total=form.cleaned_data["spent_total"],
                remainder=form.cleaned_data["remainder"],
                remainder_note=form.cleaned_data["remainder_note"],
            )
        except settlements.SettlementRefused as refused:
            if refused.line is not None:
                kept = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
                kept[refused.line].add_error(refused.field, refused.message)
            elif refused.field in form.fields:
                form.add_error(refused.field, refused.message)
            else:
                form.add_error(None, refused.message)
        else:
            messages.success(request, _("The settlement report is saved as a draft. Publish it when it is right."))
            return redirect("receiving:settlement_edit", need_pk=need.pk)
    return render(
        request,
        "receiving/settlement_form.html",
        {
            "need": need,
            "report": report,
            "received": received,
            "delivered": delivered,
            "form": form,
            "formset": formset,
            "issue_form": IssueForm(body=need.school) if report is not None else None,
            "signers_url": _signers_url(need.school),
        },
    )


@login_required
@require_POST
def settlement_publish(request, need_pk):
    """Publish the draft: issued from the school's register, then public."""
    need = permissions.get_need_for_settlement(request, need_pk)
    report = selectors.settlement_for_page(need, insider=True)
    if report is None:
        messages.error(request, _("Draft the settlement report first."))
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    form = IssueForm(request.POST, body=need.school)
    if not form.is_valid():
        messages.error(request, _("Choose who signs the report, among the school's signers."))
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Publish the settlement report?"),
                details=[(_("Need"), need.title), (_("Signed by"), str(form.cleaned_data["signer"]))],
                what=[
                    _("The report takes the next BC number of the school's register and is signed."),
                    _("It is shown on the need's page and the school's transparency page."),
                ],
                cannot_undo=_("A published report is frozen: its lines and figures can no longer be changed."),
                action=_("Yes, publish the report"),
                back=reverse("receiving:settlement_edit", args=[need.pk]),
                danger=False,
            ),
        )
    try:
        report = settlements.settlement_publish(report=report, actor=request.user, signer=form.cleaned_data["signer"])
    except settlements.SettlementRefused as refused:
        messages.error(request, refused.message)
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    except (NoIssuer, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    sign_and_tell(request, report.document)
    messages.success(request, _("The settlement report is published on the need's page."))
    return redirect(need.get_absolute_url())


def settlement_pdf(request, pk):
    """A published settlement report, as issued: public."""
    report = permissions.get_settlement_for_download(request, pk)
    return FileResponse(
        report.document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"bao-cao-quyet-toan-{report.need_id}.pdf",
    )
