from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import confirm
from core.documents import pdf_response
from core.ratelimit import limit_posts
from documents.issuers import NoIssuer
from schools.filters import is_id
from schools.permissions import roles_of

from . import judging, lifecycle, national, services, uploads
from .certificates import certificate_pdf
from .forms import EntryForm, JudgeForm, RoundDatesForm, RoundForm, ScoreForm
from .lifecycle import Action
from .models import Award, ContestRound, Criterion, Entry, NationalRound, Score
from .participation import participation
from .permissions import get_entry_for_person, get_round, is_organiser, staff_schools_in


def contest_home(request):
    rounds = list(ContestRound.objects.select_related("edition", "province", "organiser"))
    for round_ in rounds:
        round_.state = lifecycle.state_of(round_)
        round_.state_label = lifecycle.State(round_.state).label
        round_.key_label, round_.key_date = lifecycle.key_date(round_)
    # Each edition's national round, with its state (letters_contest.national).
    nationals = list(NationalRound.objects.select_related("edition").order_by("-edition__number"))
    for national_round in nationals:
        national_round.state_label = national.State(national.state_of(national_round)).label
    return render(request, "letters_contest/home.html", {"rounds": rounds, "nationals": nationals})


def _life(round_) -> dict:
    """What every page of a round shows of its life: its state and the dates."""
    state = lifecycle.state_of(round_)
    return {"state": state, "state_label": lifecycle.State(state).label}


def round_detail(request, pk):
    round_ = get_round(pk)
    organiser = is_organiser(request.user, round_)
    return render(
        request,
        "letters_contest/round.html",
        {
            "round": round_,
            "edition": round_.edition,
            **_life(round_),
            "timeline": lifecycle.timeline(round_),
            "entries_refused": lifecycle.refusal(round_, Action.REGISTER),
            "can_change_dates": organiser
            and (lifecycle.allows(round_, Action.EDIT_ROUND) or lifecycle.allows(round_, Action.SET_RETENTION)),
            "retention_months": settings.CONTEST_RETENTION_MONTHS,
            "is_organiser": organiser,
            "is_judge": judging.is_judge(request.user, round_),
            "schools": staff_schools_in(request.user, round_) if request.user.is_authenticated else [],
            "units": round_.campaign.responsibilities.select_related("office"),
        },
    )


@login_required
def entry_list(request, pk):
    round_ = get_round(pk)
    organiser = is_organiser(request.user, round_)
    schools = staff_schools_in(request.user, round_)
    if not organiser and not schools:
        raise PermissionDenied
    entries = Entry.objects.filter(round=round_).select_related("school__district").order_by("code")
    if not organiser:
        entries = entries.filter(school__in=schools)
    entries = list(entries)
    keys = [e.duplicate_key for e in entries if e.duplicate_key]
    repeated = {k for k in keys if keys.count(k) > 1}
    if organiser:
        services.entries_access_record(entries=entries, user=request.user, what="list")
    for entry in entries:
        entry.is_duplicate = entry.duplicate_key in repeated
        entry.age = entry.age_on(round_.school_deadline) if entry.date_of_birth else None
    return render(
        request,
        "letters_contest/entries.html",
        {
            "round": round_,
            "entries": entries,
            "organiser": organiser,
            **_life(round_),
            "entries_refused": lifecycle.refusal(round_, Action.REGISTER),
        },
    )


@login_required
@limit_posts("upload_letter")
def entry_create(request, pk):
    round_ = get_round(pk)
    schools = staff_schools_in(request.user, round_)
    if not schools:
        raise PermissionDenied
    refused = lifecycle.refusal(round_, Action.REGISTER)
    if refused:  # "Entries closed on …" instead of the form
        return render(
            request, "letters_contest/entry_closed.html", {"round": round_, "refused": refused, **_life(round_)}
        )
    # A letter accepted by a post with another error waits under the form's token.
    posted = request.method == "POST"
    token = uploads.upload_token(request)
    letter = uploads.pending_letter(round_=round_, user=request.user, token=token) if posted else None
    form = EntryForm(
        request.POST if posted else None, request.FILES if posted else None, schools=schools, letter=letter
    )
    if posted:
        valid = form.is_valid()
        if form.cleaned_data.get("letter_file"):  # a new letter, checked: kept whatever else is wrong
            letter = uploads.letter_keep(
                round_=round_, actor=request.user, token=token, letter=form.cleaned_data["letter_file"]
            )
            form.fields["letter_file"].required = False
        if valid:
            try:
                entry = uploads.entry_register_with_letter(
                    round_=round_, entry=form.instance, actor=request.user, letter=letter
                )
            except lifecycle.StateRefused as closed:  # the deadline passed while the form was filled in
                return render(
                    request,
                    "letters_contest/entry_closed.html",
                    {"round": round_, "refused": closed.message, **_life(round_)},
                )
            except services.EntryRefused as refused:
                form.add_error(refused.field, refused.message)
            else:
                duplicates = services.possible_duplicates(round_, entry)
                if duplicates.exists():
                    messages.warning(
                        request,
                        _("Possible duplicate: this pupil already has an entry (%(codes)s).")
                        % {"codes": ", ".join(d.code for d in duplicates)},
                    )
                messages.success(request, _("Entry %(code)s is registered.") % {"code": entry.code})
                return redirect("letters_contest:entries", pk=round_.pk)
    return render(
        request,
        "letters_contest/entry_form.html",
        {"round": round_, "form": form, "upload_token": token, "letter": letter},
    )


@login_required
def entry_detail(request, pk, entry_pk):
    round_ = get_round(pk)
    entry = get_entry_for_person(request, round_, entry_pk)
    return render(
        request,
        "letters_contest/entry.html",
        {"round": round_, "entry": entry, "age": entry.age_on(round_.school_deadline) if entry.date_of_birth else None},
    )


@login_required
def entry_letter(request, pk, entry_pk):
    round_ = get_round(pk)
    entry = get_entry_for_person(request, round_, entry_pk)
    if not entry.letter_file:
        raise Http404
    return uploads.letter_response(entry)


@login_required
@require_POST
def entry_withdraw(request, pk, entry_pk):
    round_ = get_round(pk)
    entry = get_entry_for_person(request, round_, entry_pk)
    refused = lifecycle.refusal(round_, Action.WITHDRAW)
    if refused:
        messages.error(request, refused)
        return redirect("letters_contest:entry", pk=round_.pk, entry_pk=entry.pk)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Withdraw consent for entry %(code)s?") % {"code": entry.code},
                what=[_("The pupil's data and letter are erased from the portal."), _("The entry leaves the contest.")],
                cannot_undo=_("Erased data and letters cannot be recovered."),
                action=_("Yes, withdraw and erase"),
                back=reverse("letters_contest:entry", args=[round_.pk, entry.pk]),
            ),
        )
    try:
        services.entry_withdraw(entry=entry, actor=request.user)
    except lifecycle.StateRefused as refused:
        messages.error(request, refused.message)
        return redirect("letters_contest:entry", pk=round_.pk, entry_pk=entry.pk)
    messages.success(request, _("Consent withdrawn: the pupil's data and letter have been erased."))
    return redirect("letters_contest:entries", pk=round_.pk)


@login_required
def judging_list(request, pk):
    round_ = get_round(pk)
    if not judging.is_judge(request.user, round_):
        raise PermissionDenied
    scored = set(Score.objects.filter(entry__round=round_, judge=request.user).values_list("entry_id", flat=True))
    entries = list(judging.entries_for_judging(round_).order_by("code"))
    return render(
        request,
        "letters_contest/judging_list.html",
        {
            "round": round_,
            "entries": entries,
            "scored": scored,
            **_life(round_),
            "refused": lifecycle.refusal(round_, Action.SCORE),
        },
    )


@login_required
def judging_entry(request, pk, entry_pk):
    """An entry as a judge sees it: code and letter only, never the pupil or the school."""
    round_ = get_round(pk)
    if not judging.is_judge(request.user, round_):
        raise PermissionDenied
    entry = judging.get_entry_for_judging(round_, entry_pk)
    criteria = list(Criterion.objects.filter(round=round_))
    mine = {s.criterion_id: s.value for s in Score.objects.filter(entry=entry, judge=request.user, stage=1)}
    form = ScoreForm(request.POST or None, criteria=criteria, initial={f"c{c.pk}": mine.get(c.pk) for c in criteria})
    refused = lifecycle.refusal(round_, Action.SCORE)
    if refused:  # the letter may be read, not scored
        if request.method == "POST":
            messages.error(request, refused)
            return redirect("letters_contest:judging_entry", pk=round_.pk, entry_pk=entry.pk)
        form = None
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(entry=entry, judge=request.user, stage=1, values=form.values())
        except lifecycle.StateRefused as closed:
            messages.error(request, closed.message)
            return redirect("letters_contest:judging_entry", pk=round_.pk, entry_pk=entry.pk)
        messages.success(request, _("Scores saved for %(code)s.") % {"code": entry.code})
        following = judging.entries_for_judging(round_).filter(code__gt=entry.code).order_by("code").first()
        return (
            redirect("letters_contest:judging_entry", pk=round_.pk, entry_pk=following.pk)
            if following
            else redirect("letters_contest:judging", pk=round_.pk)
        )
    return render(
        request,
        "letters_contest/judging_entry.html",
        {"round": round_, "entry": entry, "form": form, "refused": refused, **_life(round_)},
    )


@login_required
def judging_letter(request, pk, entry_pk):
    round_ = get_round(pk)
    if not judging.is_judge(request.user, round_):
        raise PermissionDenied
    entry = judging.get_entry_for_judging(round_, entry_pk)
    if not entry.letter_file:
        raise Http404
    services.entry_access_record(entry=entry, user=request.user, what="judge-letter")
    return uploads.letter_response(entry)


@login_required
def certificate(request, pk, entry_pk):
    round_ = get_round(pk)
    entry = get_entry_for_person(request, round_, entry_pk)
    award = Award.objects.filter(entry=entry).select_related("certificate").first()
    if award is None:
        raise Http404
    if award.certificate_id and award.certificate.pdf:
        name = award.certificate.number_text.replace("/", "-")
        return FileResponse(
            award.certificate.pdf.open("rb"), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
        )
    try:
        pdf = certificate_pdf(entry, award)
    except NoIssuer as problem:  # the organiser's unit was abolished and nobody took over
        messages.error(request, str(problem))
        return redirect("letters_contest:round", pk=round_.pk)
    return pdf_response(pdf, f"giay-chung-nhan-{entry.code}.pdf")


@login_required
def round_create(request):
    offices = [m.office for m in roles_of(request.user).memberships if m.role == "organiser"]
    if not offices:
        raise PermissionDenied
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(office=offices[0], data=form.cleaned_data, actor=request.user)
        except services.EntryRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("The round is open. Plan its conference and launch ceremony next."))
            return redirect(round_)
    return render(request, "letters_contest/round_form.html", {"form": form, "office": offices[0]})


@login_required
def judges(request, pk):
    round_ = get_round(pk)
    if not is_organiser(request.user, round_):
        raise PermissionDenied
    form = JudgeForm(request.POST or None)
    refused = lifecycle.refusal(round_, Action.APPOINT_JUDGE)
    if request.method == "POST":
        if "remove" in request.POST:
            judge_pk = request.POST.get("remove", "")
            if is_id(judge_pk):
                try:
                    services.judge_remove(round_=round_, judge_id=int(judge_pk), actor=request.user)
                except lifecycle.StateRefused as closed:
                    messages.error(request, closed.message)
            return redirect("letters_contest:judges", pk=round_.pk)
        if form.is_valid():
            try:
                judge = services.judge_appoint(round_=round_, email=form.cleaned_data["email"], actor=request.user)
            except lifecycle.StateRefused as closed:
                messages.error(request, closed.message)
                return redirect("letters_contest:judges", pk=round_.pk)
            except services.JudgeRefused as refused:
                form.add_error(refused.field, refused.message)
            else:
                messages.success(request, _("%(name)s can now judge this round.") % {"name": judge.user})
                return redirect("letters_contest:judges", pk=round_.pk)
    return render(
        request,
        "letters_contest/judges.html",
        {
            "round": round_,
            "form": form,
            "judges": round_.judges.select_related("user"),
            "refused": refused,
            **_life(round_),
        },
    )


@login_required
def round_dates(request, pk):
    """The organiser changes the round's dates and the day its pupils' data is deleted,
    as far as the round's state allows."""
    round_ = get_round(pk)
    if not is_organiser(request.user, round_):
        raise PermissionDenied
    dates_allowed = lifecycle.allows(round_, Action.EDIT_ROUND)
    retention_allowed = lifecycle.allows(round_, Action.SET_RETENTION)
    refused = "" if retention_allowed else lifecycle.refusal(round_, Action.SET_RETENTION)
    form = None
    if dates_allowed or retention_allowed:
        form = RoundDatesForm(request.POST or None, round_=round_, dates=dates_allowed, retention=retention_allowed)
    elif request.method == "POST":
        messages.error(request, refused)
        return redirect(round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_dates_set(round_=round_, data=form.cleaned_data, actor=request.user)
        except lifecycle.StateRefused as closed:
            messages.error(request, closed.message)
            return redirect(round_)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The round's dates are saved."))
            return redirect(round_)
    return render(
        request,
        "letters_contest/round_dates.html",
        {
            "round": round_,
            "form": form,
            "refused": refused,
            "dates_refused": "" if dates_allowed else lifecycle.refusal(round_, Action.EDIT_ROUND),
            **_life(round_),
        },
    )


@login_required
def participation_view(request, pk):
    round_ = get_round(pk)
    if not is_organiser(request.user, round_):
        raise PermissionDenied
    return render(request, "letters_contest/participation.html", {"round": round_, "figures": participation(round_)})
