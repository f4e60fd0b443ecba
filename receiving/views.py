"""Circular 16 records: views."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.ratelimit import limit_posts
from schools.permissions import roles_of

from . import permissions, plans, selectors, teams
from .forms import CommentForm, MemberFormSet, ModerationForm, PlanForm, PlanLineFormSet, TeamForm
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


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----


# (end of the records section)
