"""Who may see the offices' oversight pages. The dashboards, their lists and exports and
the change log are the officers' (a superuser's too); the digests are each office's own
mail, so an officer sees and sets those of their offices only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from schools.filters import is_id
from schools.models import AdministrativeUnit, Office
from schools.permissions import can_act_on_unit, roles_of

from .dashboard import Area
from .models import DigestRun


def area_for(request) -> Area:
    """The unit the officer looks at: ?unit= if they may, else their own office's unit;
    of its schools those the officer's offices handle (a commune office's levels)."""
    roles = roles_of(request.user)
    if not (roles.is_officer or roles.is_superuser):
        raise PermissionDenied
    unit_id = request.GET.get("unit")
    if unit_id:
        if not is_id(unit_id):
            raise Http404
        unit = get_object_or_404(AdministrativeUnit, pk=unit_id)
        if not can_act_on_unit(request.user, unit):
            raise PermissionDenied
    elif roles.officer_units:
        unit = roles.officer_units[0]
    else:
        unit = AdministrativeUnit.objects.filter(level="province", abolished_on=None).order_by("name").first()
        if unit is None:
            raise Http404
    return Area(unit, roles.school_levels_in(unit))


def officer_offices(user) -> list[Office]:
    """The offices the user is an officer of: the ones whose digests are theirs."""
    return [m.office for m in roles_of(user).memberships if m.role == "officer"]


def get_offices_for_digests(request) -> list[Office]:
    """The offices whose digests the user reads and sets; a superuser may open the page
    (with no office of their own), anyone else without an office may not (403)."""
    offices = officer_offices(request.user)
    if not offices and not request.user.is_superuser:
        raise PermissionDenied
    return offices


def get_office_for_digests(request) -> Office:
    """The office named by the posted `office`, if the user is its officer (else 403)."""
    office = next((o for o in officer_offices(request.user) if str(o.pk) == request.POST.get("office")), None)
    if office is None:
        raise PermissionDenied
    return office


def get_digest_run_for_viewing(request, pk) -> DigestRun:
    """A sent digest, for its office's officers and superusers; to anyone else it is not
    there (404), so the numbers of other offices' digests cannot be probed."""
    run = get_object_or_404(DigestRun, pk=pk, status=DigestRun.Status.SENT)
    if run.office not in officer_offices(request.user) and not request.user.is_superuser:
        raise Http404
    return run
