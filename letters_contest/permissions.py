"""Who sees what of the contest. Pupils' personal data: the school that registered the
entry, and the organisers of the province's round (every access recorded). Judges see
entries only through the anonymous judging pages; the public sees no entry at all."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from schools.permissions import roles_of

from .models import ContestRound, Entry
from .services import entry_access_record


def is_organiser(user, round_: ContestRound) -> bool:
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    return any(
        unit.pk == round_.province_id or unit.province_id == round_.province_id for unit in roles.organiser_units
    )


def staff_schools_in(user, round_: ContestRound) -> list:
    return [s for s in roles_of(user).staff_schools if s.province_id == round_.province_id]


def get_round(pk) -> ContestRound:
    return get_object_or_404(ContestRound.objects.select_related("edition", "province", "organiser", "campaign"), pk=pk)


def get_entry_for_person(request, round_: ContestRound, pk) -> Entry:
    """An entry with its pupil's data: its school's staff, or an organiser (logged)."""
    entry = get_object_or_404(Entry.objects.select_related("school"), pk=pk, round=round_)
    if any(s.pk == entry.school_id for s in roles_of(request.user).staff_schools):
        return entry
    if is_organiser(request.user, round_):
        entry_access_record(entry=entry, user=request.user, what="view")
        return entry
    # Those with a role in the round's province know its entries exist (403); to anyone
    # else, another province's staff and officers included, an entry id is not there.
    if staff_schools_in(request.user, round_) or any(
        unit.pk == round_.province_id or unit.province_id == round_.province_id
        for unit in roles_of(request.user).officer_units
    ):
        raise PermissionDenied
    raise Http404
