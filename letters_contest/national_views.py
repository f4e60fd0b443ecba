"""The national round's pages (letters_contest.national has the rules)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import confirm
from schools.filters import is_id

from . import national
from .forms import ScoreForm
from .models import Entry, Forwarding, NationalRole, NationalRound, Prize, Score
from .national_permissions import (
    can_open_national_round,
    get_edition,
    get_forwarding_for_judging,
    get_national_round,
    get_round_for_forwarding,
    is_national_judge,
    is_national_organiser,
    require_national_judge,
    require_national_organiser,
)


class NationalRoundForm(forms.Form):
    forward_by = forms.DateField(
        label=gettext_lazy("provinces forward letters by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    judging_from = forms.DateField(
        label=gettext_lazy("national judging from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    judging_to = forms.DateField(
        label=gettext_lazy("national judging until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    judges_required = forms.IntegerField(label=gettext_lazy("judges per letter"), min_value=1, max_value=9, initial=2)


class NationalRoleForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail of the account on the portal"))
    role = forms.ChoiceField(label=gettext_lazy("role"), choices=NationalRole.Role.choices)


def national_detail(request, number):
    """The national round's page: its life with dates, and each person's way in."""
    edition = get_edition(number)
    national_round = NationalRound.objects.filter(edition=edition).first()
    context = {"edition": edition, "national_round": national_round, "can_open": can_open_national_round(request.user)}
    if national_round is not None:
        context.update(
            state=national.State(national.state_of(national_round)),
            timeline=national.timeline(national_round),
            is_national_organiser=is_national_organiser(request.user, national_round),
            is_national_judge=is_national_judge(request.user, national_round),
            province_rounds=[r for r in edition.rounds.select_related("province") if _organises(request.user, r)],
        )
    return render(request, "letters_contest/national/detail.html", context)


def _organises(user, round_) -> bool:
    from .permissions import is_organiser

    return user.is_authenticated and not user.is_superuser and is_organiser(user, round_)


@login_required
def national_open(request, number):
    edition = get_edition(number)
    if not can_open_national_round(request.user):
        raise PermissionDenied
    if NationalRound.objects.filter(edition=edition).exists():
        return redirect("letters_contest:national", number=edition.number)
    form = NationalRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            national.national_round_open(edition=edition, data=form.cleaned_data, actor=request.user)
        except national.NationalRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("The national round is open. Appoint its organisers and judges next."))
            return redirect("letters_contest:national_people", number=edition.number)
    return render(request, "letters_contest/national/open.html", {"edition": edition, "form": form})


@login_required
def national_people(request, number):
    national_round = get_national_round(number)
    require_national_organiser(request.user, national_round)
    form = NationalRoleForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            role_pk = request.POST.get("remove", "")
            if not is_id(role_pk):
                raise Http404
            try:
                national.national_role_remove(national_round=national_round, role_id=int(role_pk), actor=request.user)
            except national.NationalRefused as refused:
                messages.error(request, refused.message)
            return redirect("letters_contest:national_people", number=number)
        if form.is_valid():
            try:
                appointed = national.national_role_appoint(
                    national_round=national_round,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except national.NationalRefused as refused:
                form.add_error(refused.field, refused.message)
            else:
                messages.success(
                    request,
                    _("%(name)s: %(role)s.") % {"name": appointed.user, "role": appointed.get_role_display()},
                )
                return redirect("letters_contest:national_people", number=number)
    return render(
        request,
        "letters_contest/national/people.html",
        {
            "national_round": national_round,
            "form": form,
            "roles": national_round.roles.select_related("user").order_by("role", "user__email"),
            "refusal": national.refusal(national_round, national.Action.APPOINT),
        },
    )


@login_required
def national_forward(request, number, round_pk):
    """A province's organiser chooses the letters of its published ranking to forward."""
    edition = get_edition(number)
    national_round = NationalRound.objects.filter(edition=edition).first()
    if national_round is None:
        raise Http404
    round_ = get_round_for_forwarding(request.user, national_round, round_pk)
    refusal = national.forwarding_refusal(round_, national_round)
    rows = national.forwardable(round_)
    if request.method == "POST":
        chosen = request.POST.getlist("entries")
        if not all(is_id(pk) for pk in chosen):
            raise Http404
        entries = list(Entry.objects.filter(round=round_, pk__in=chosen))
        if not refusal and entries and not confirm.confirmed(request):
            return confirm.ask(request, _forward_confirmation(round_, national_round, entries))
        try:
            made = national.forward(round_=round_, entries=entries, actor=request.user)
        except national.NationalRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Forwarded to the national round: %(codes)s.") % {"codes": ", ".join(f.entry.code for f in made)},
            )
            return redirect(round_)
        return redirect("letters_contest:national_forward", number=number, round_pk=round_.pk)
    forwarded = len(national.forwarded_from(round_))
    return render(
        request,
        "letters_contest/national/forward.html",
        {
            "round": round_,
            "national_round": national_round,
            "rows": rows,
            "refusal": refusal,
            "quota": edition.forward_quota,
            "forwarded": forwarded,
            "left": max(edition.forward_quota - forwarded, 0),
        },
    )


def _forward_confirmation(round_, national_round, entries) -> confirm.Confirmation:
    return confirm.Confirmation(
        title=_("Forward %(count)s letters to the national round?") % {"count": len(entries)},
        what=[
            _("The national organisers see each letter's code, school, province and place in your ranking."),
            _("National judges see only the letter, under a national code."),
            _(
                "The pupil's name is shown only in the published national results, "
                "with a national award and the guardian's consent; "
                "date of birth, class, guardian and sensitive data stay in the province."
            ),
        ],
        cannot_undo=_("A forwarded letter stays forwarded and counts within the quota of %(quota)s.")
        % {"quota": round_.edition.forward_quota},
        action=_("Yes, forward these letters"),
        back=reverse("letters_contest:national_forward", args=[round_.edition.number, round_.pk]),
        details=[(_("Letters"), ", ".join(e.code for e in entries))],
        danger=False,
    )


@login_required
def national_judging(request, number):
    national_round = get_national_round(number)
    require_national_judge(request.user, national_round)
    forwardings = list(national.in_judging(national_round).only("pk", "national_round_id").order_by("pk"))
    scored = set(
        Score.objects.filter(
            stage=national.STAGE, judge=request.user, entry__forwarding__national_round=national_round
        ).values_list("entry__forwarding", flat=True)
    )
    letters = [{"pk": f.pk, "code": national.national_code(f), "scored": f.pk in scored} for f in forwardings]
    return render(
        request,
        "letters_contest/national/judging_list.html",
        {
            "national_round": national_round,
            "letters": letters,
            "scored": len(scored),
            "refusal": national.refusal(national_round, national.Action.SCORE),
        },
    )


@login_required
def national_judging_entry(request, number, pk):
    """A letter as a national judge sees it: its national code and the letter, nothing else."""
    national_round = get_national_round(number)
    require_national_judge(request.user, national_round)
    forwarding = get_forwarding_for_judging(national_round, pk)
    if forwarding.excluded_at:
        raise Http404
    forwarding.national_round = national_round
    criteria = national.criteria_of(national_round)
    mine = {
        s.criterion_id: s.value
        for s in Score.objects.filter(entry_id=forwarding.entry_id, judge=request.user, stage=national.STAGE)
    }
    refusal = national.refusal(national_round, national.Action.SCORE)
    form = ScoreForm(request.POST or None, criteria=criteria, initial={f"c{c.pk}": mine.get(c.pk) for c in criteria})
    if request.method == "POST" and form.is_valid():
        try:
            national.national_scores_save(forwarding=forwarding, judge=request.user, values=form.values())
        except national.NationalRefused as refused:
            messages.error(request, refused.message)
            return redirect("letters_contest:national_judging", number=number)
        code = national.national_code(forwarding)
        messages.success(request, _("Scores saved for %(code)s.") % {"code": code})
        following = national.in_judging(national_round).filter(pk__gt=forwarding.pk).order_by("pk").first()
        if following:
            return redirect("letters_contest:national_judging_entry", number=number, pk=following.pk)
        return redirect("letters_contest:national_judging", number=number)
    return render(
        request,
        "letters_contest/national/judging_entry.html",
        {
            "national_round": national_round,
            "forwarding": forwarding,
            "code": national.national_code(forwarding),
            "letter_text": forwarding.entry.letter_text,
            "has_scan": bool(forwarding.entry.letter_file),
            "word_count": forwarding.entry.word_count,
            "form": form,
            "refusal": refusal,
        },
    )


@login_required
def national_judging_letter(request, number, pk):
    national_round = get_national_round(number)
    require_national_judge(request.user, national_round)
    forwarding = get_forwarding_for_judging(national_round, pk)
    if not forwarding.entry.letter_file or forwarding.excluded_at:
        raise Http404
    national.judge_letter_opened(forwarding=forwarding, judge=request.user)
    return FileResponse(forwarding.entry.letter_file.open("rb"), as_attachment=False)


@login_required
def national_ranking(request, number):
    """The national organisers' page: the ranking, its awards in one form, exclusions,
    the UPU letter, publishing and, after it, corrections."""
    national_round = get_national_round(number)
    require_national_organiser(request.user, national_round)
    if request.method == "POST":
        return _ranking_post(request, national_round)
    rows = national.ranking(national_round)
    for row in rows:
        row["forwarding"].national_round = national_round
        row["name"] = national.public_name(row["forwarding"])
    return render(
        request,
        "letters_contest/national/ranking.html",
        {
            "national_round": national_round,
            "state": national.State(national.state_of(national_round)),
            "rows": rows,
            "excluded": national.excluded(national_round),
            "levels": Prize.choices,
            "can_decide": not national.refusal(national_round, national.Action.DECIDE),
            "can_mark_upu": not national.refusal(national_round, national.Action.UPU),
            "can_correct": not national.refusal(national_round, national.Action.CORRECT),
            "decide_refusal": national.refusal(national_round, national.Action.DECIDE),
            "problems": national.publish_problems(national_round),
            "corrections": national_round.corrections.select_related("decided_by"),
        },
    )


def _forwarding(national_round, pk) -> Forwarding:
    if not is_id(pk):
        raise Http404
    forwarding = get_object_or_404(Forwarding.objects.select_related("entry"), national_round=national_round, pk=pk)
    forwarding.national_round = national_round
    return forwarding


def _ranking_post(request, national_round):
    post = request.POST
    back = redirect("letters_contest:national_ranking", number=national_round.edition.number)
    try:
        if "awards" in post:
            levels = {}
            for name, value in post.items():
                if name.startswith("level-"):
                    key = name.removeprefix("level-")
                    if not is_id(key):
                        raise Http404
                    levels[int(key)] = value
            changed = national.national_awards_set(national_round=national_round, levels=levels, actor=request.user)
            messages.success(request, _("National awards saved (%(count)s changed).") % {"count": changed})
        elif "exclude" in post:
            forwarding = _forwarding(national_round, post.get("exclude"))
            national.national_exclude(forwarding=forwarding, reason=post.get("reason", ""), actor=request.user)
            messages.success(request, _("Saved."))
        elif "upu" in post:
            forwarding = _forwarding(national_round, post.get("upu"))
            national.mark_upu(
                national_round=national_round, forwarding=forwarding, actor=request.user, reason=post.get("reason", "")
            )
            messages.success(request, _("Marked as the letter sent to the UPU."))
        elif "correct" in post:
            forwarding = _forwarding(national_round, post.get("correct"))
            national.national_correct(
                forwarding=forwarding, level=post.get("level", ""), reason=post.get("reason", ""), actor=request.user
            )
            messages.success(request, _("The correction is recorded and shown with the results."))
        elif "publish" in post:
            problems = national.publish_problems(national_round)
            refusal = national.refusal(national_round, national.Action.PUBLISH)
            if not problems and not refusal and not confirm.confirmed(request):
                return confirm.ask(request, _publish_confirmation(national_round))
            national.national_publish(national_round=national_round, actor=request.user)
            messages.success(request, _("The national results are published."))
        else:
            raise Http404
    except national.NationalRefused as refused:
        messages.error(request, refused.message)
    return back


def _publish_confirmation(national_round) -> confirm.Confirmation:
    return confirm.Confirmation(
        title=_("Publish the national results of %(edition)s?") % {"edition": national_round.edition},
        what=[
            _("The national awards and the letter sent to the UPU become public on the national results page."),
            _("Each letter is shown with its code, province and school."),
            _("A pupil's name appears only with a national award and the guardian's consent to publish it."),
            _("Provinces see the outcome of the letters they forwarded."),
        ],
        cannot_undo=_("Everyone may have seen the results once they are public; later changes are corrections."),
        action=_("Yes, publish the national results"),
        back=reverse("letters_contest:national_ranking", args=[national_round.edition.number]),
        danger=False,
    )


def national_results(request, number):
    national_round = get_national_round(number)
    if not national_round.results_published_at and not is_national_organiser(request.user, national_round):
        raise Http404
    return render(
        request,
        "letters_contest/national/results.html",
        {
            "national_round": national_round,
            "rows": national.published_results(national_round),
            "corrections": national_round.corrections.all(),
        },
    )
