from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import EntryForm
from .models import ContestRound, Entry, EntryAccess
from .permissions import get_entry_for_person, get_round, is_organiser, staff_schools_in


def contest_home(request):
    rounds = ContestRound.objects.select_related("edition", "province", "organiser")
    return render(request, "letters_contest/home.html", {"rounds": rounds})


def round_detail(request, pk):
    round_ = get_round(pk)
    return render(
        request,
        "letters_contest/round.html",
        {
            "round": round_,
            "edition": round_.edition,
            "is_organiser": is_organiser(request.user, round_),
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
        EntryAccess.objects.bulk_create(
            [EntryAccess(entry=e, entry_code=e.code, user=request.user, action="list") for e in entries]
        )
    for entry in entries:
        entry.is_duplicate = entry.duplicate_key in repeated
        entry.age = entry.age_on(round_.school_deadline) if entry.date_of_birth else None
    return render(
        request, "letters_contest/entries.html", {"round": round_, "entries": entries, "organiser": organiser}
    )


@login_required
def entry_create(request, pk):
    round_ = get_round(pk)
    schools = staff_schools_in(request.user, round_)
    if not schools:
        raise PermissionDenied
    form = EntryForm(request.POST or None, request.FILES or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_register(round_=round_, entry=form.instance, actor=request.user)
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
    return render(request, "letters_contest/entry_form.html", {"round": round_, "form": form})


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
    return FileResponse(entry.letter_file.open("rb"), as_attachment=False)


@login_required
@require_POST
def entry_withdraw(request, pk, entry_pk):
    round_ = get_round(pk)
    entry = get_entry_for_person(request, round_, entry_pk)
    services.entry_withdraw(entry=entry, actor=request.user)
    messages.success(request, _("Consent withdrawn: the pupil's data and letter have been erased."))
    return redirect("letters_contest:entries", pk=round_.pk)
