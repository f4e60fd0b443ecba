"""Who may see and act on a pledge. The donor sees it through their account or, for a
pledge made without one, through a signed link; the school and its officers see it to
confirm receipt. Everyone else gets 404, so references cannot be probed."""

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from needs.permissions import need_roles
from schools.models import School
from schools.permissions import is_officer_of_school, roles_of
from schools.selectors import schools_in_units

from .models import Pledge

_SALT = "donations.pledge-link"


def guest_key(pledge: Pledge) -> str:
    return signing.Signer(salt=_SALT).sign(pledge.reference).split(":", 1)[1]


def pledge_url(pledge: Pledge) -> str:
    """The pledge's page for its donor: with the signed key when they gave as a guest."""
    url = reverse("donations:detail", args=[pledge.reference])
    return url if pledge.donor_id else f"{url}?key={guest_key(pledge)}"


def is_donor(request, pledge: Pledge) -> bool:
    if request.user.is_authenticated and pledge.donor_id == request.user.pk:
        return True
    key = request.GET.get("key") or request.POST.get("key") or ""
    try:
        signing.Signer(salt=_SALT).unsign(f"{pledge.reference}:{key}")
    except signing.BadSignature:
        return False
    return True


def can_confirm(user, pledge: Pledge) -> bool:
    return bool(need_roles(user, pledge.need) & {"staff", "officer"})


def get_pledge_for_viewing(request, reference) -> Pledge:
    pledge = get_object_or_404(Pledge.objects.select_related("need__school__district", "donor"), reference=reference)
    if not (is_donor(request, pledge) or can_confirm(request.user, pledge)):
        raise Http404
    return pledge


def pledges_in_officer_area(user):
    """Pledges for schools in the officer's area; 403 for anyone who is not an officer."""
    roles = roles_of(user)
    if roles.is_superuser:
        return Pledge.objects.all()
    if not roles.is_officer:
        raise PermissionDenied
    return Pledge.objects.filter(need__school__in=schools_in_units(roles.officer_units))


def get_school_for_routing(request, pk) -> School:
    """A school whose receiving account the user may choose: the officers of the offices
    that handle it (`School.handled_by`)."""
    school = get_object_or_404(School.objects.select_related("commune", "district", "province"), pk=pk)
    if not is_officer_of_school(request.user, school):
        raise PermissionDenied
    return school
