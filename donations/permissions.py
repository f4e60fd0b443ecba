"""Who may see and act on a pledge. The donor sees it through their account or, for a
pledge made without one, through a signed link; the school and its officers see it to
confirm receipt. Everyone else gets 404, so references cannot be probed."""

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from needs.permissions import need_roles
from schools.models import Membership, Office, School
from schools.permissions import is_officer_of_school, roles_of
from schools.selectors import schools_in_units

from .models import Fund, Pledge

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
    """The school and its officers confirm a gift to a need; the officers of the fund's
    office a gift to a fund."""
    if pledge.fund_id:
        return may_manage_fund(user, pledge.fund.office)
    return bool(need_roles(user, pledge.need) & {"staff", "officer"})


def may_manage_fund(user, office: Office) -> bool:
    """Create, change a fund of `office`, and confirm its gifts: the office's own officers
    (not the offices above it: the fund is the office's money), and the superuser."""
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    return any(m.office_id == office.pk for m in roles.of(Membership.Role.OFFICER))


def offices_managing_funds(user) -> list[Office]:
    """The offices whose funds the user keeps (every office for the superuser is not
    listed here: they act through the fund's own page)."""
    return [m.office for m in roles_of(user).of(Membership.Role.OFFICER)]


def get_fund_for_managing(request, slug) -> Fund:
    """A fund the user may change: 404 when there is none, 403 for anyone who is not an
    officer of its office (a fund's page is public, so its existence is no secret)."""
    fund = get_object_or_404(Fund.objects.select_related("office__unit"), slug=slug)
    if not may_manage_fund(request.user, fund.office):
        raise PermissionDenied
    return fund


def get_pledge_for_viewing(request, reference) -> Pledge:
    pledge = get_object_or_404(
        Pledge.objects.select_related("need__school__district", "fund__office__unit", "donor"), reference=reference
    )
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
    # The needs of the officer's area, and the gifts to their own offices' funds.
    offices = [office.pk for office in offices_managing_funds(user)]
    return Pledge.objects.filter(
        Q(need__school__in=schools_in_units(roles.officer_units)) | Q(fund__office_id__in=offices)
    )


def get_school_for_routing(request, pk) -> School:
    """A school whose receiving account the user may choose: the officers of the offices
    that handle it (`School.handled_by`)."""
    school = get_object_or_404(School.objects.select_related("commune", "district", "province"), pk=pk)
    if not is_officer_of_school(request.user, school):
        raise PermissionDenied
    return school


# --- programme funds' allocation plans (donations.allocations) --------------------------


def _officer_memberships(user, office) -> list:
    from schools.models import Membership

    return [m for m in roles_of(user).of(Membership.Role.OFFICER) if m.office_id == office.pk]


def office_above(office):
    """The education department above an office: the province's education office or
    department, or None for an office of the province itself."""
    from schools.models import Office

    province_id = office.unit.province_id
    if province_id is None or province_id == office.unit_id:
        return None
    return (
        Office.objects.filter(unit_id=province_id, kind__in=Office.EDUCATION_KINDS)
        .order_by("kind", "pk")  # the department before an education office
        .first()
    )


def may_draft_plan(user, fund) -> bool:
    """Officers of the fund's office draft its plans (and a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles_of(user).is_superuser or bool(_officer_memberships(user, fund.office))


def has_second_approver(office, drafter_id) -> bool:
    """Does the office have an officer marked as an approver other than the drafter?"""
    from schools.models import Membership

    return (
        Membership.objects.filter(role=Membership.Role.OFFICER, office=office, approves_allocations=True)
        .exclude(user_id=drafter_id)
        .exists()
    )


def may_approve_plan(user, plan) -> bool:
    """The second person: never the drafter; an officer of the fund's office marked as an
    approver (Membership.approves_allocations), or, where the office has no approver other
    than the drafter, an officer of the education department above it; or a superuser."""
    if not getattr(user, "is_authenticated", False) or not plan.is_draft:
        return False
    if plan.drafted_by_id == user.pk:
        return False
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    office = plan.fund.office
    if any(m.approves_allocations for m in _officer_memberships(user, office)):
        return True
    if has_second_approver(office, plan.drafted_by_id):
        return False
    above = office_above(office)
    return above is not None and bool(_officer_memberships(user, above))


def may_see_plans(user, fund) -> bool:
    """The plans of a fund are its office's, and the department's above it (it may have
    to approve them)."""
    if may_draft_plan(user, fund):
        return True
    above = office_above(fund.office)
    return above is not None and bool(_officer_memberships(user, above))


def get_fund_for_plans(request, slug):
    """A fund whose plans the user may see: 404 when it does not exist; 403 otherwise (a
    fund and its page are public: its existence is no secret)."""
    from .models import Fund

    fund = get_object_or_404(Fund.objects.select_related("office__unit"), slug=slug)
    if not may_see_plans(request.user, fund):
        raise PermissionDenied
    return fund


def get_plan_for_viewing(request, pk):
    """A plan is its office's paper: an officer of another office gets 403, someone with
    no office at all 404, so plans cannot be probed."""
    from .models import AllocationPlan

    plan = get_object_or_404(
        AllocationPlan.objects.select_related(
            "fund__office__unit", "drafted_by", "approved_by", "document", "reverses"
        ),
        pk=pk,
    )
    if may_see_plans(request.user, plan.fund):
        return plan
    if roles_of(request.user).is_officer:
        raise PermissionDenied
    raise Http404


# --- bank statements (donations.statements) ------------------------------------------------


def get_statement_for_matching(request, pk):
    """A statement import is its uploader's work in progress: 403 for anyone who is not
    an officer, 404 for another officer's import. Returns it with the pledges of the
    officer's area, the only ones its lines may be matched to."""
    from .models import StatementImport

    pledges_in_area = pledges_in_officer_area(request.user)
    statement = get_object_or_404(StatementImport, pk=pk, uploaded_by=request.user)
    return statement, pledges_in_area


def get_pledge_for_matching(request, pledges_in_area, pk) -> Pledge:
    """A pledge outside the officer's area is not found (404); one they may see but not
    confirm is refused (403)."""
    pledge = get_object_or_404(pledges_in_area.select_related("need__school", "fund__office"), pk=pk)
    if not can_confirm(request.user, pledge):
        raise PermissionDenied
    return pledge


def office_for_column_maps(user):
    """Whose statement column names an officer reads and saves: their (first) office's;
    the superuser's are those of every office (None). 403 for anyone else."""
    roles = roles_of(user)
    if roles.is_superuser:
        return None
    offices = offices_managing_funds(user)
    if not offices:
        raise PermissionDenied
    return sorted(offices, key=lambda office: office.pk)[0]
