"""Who may act on what. Every app asks these helpers; views never test roles raw.

A school's staff act on their school; an education officer acts on the units inside
their office's unit and on the schools their office handles (`School.handled_by`: a
district's or the province's office every school of its area, a commune's office the
preschools, primary and lower-secondary schools of its commune); a superuser acts
everywhere. Organisers act on their
contest round, which the letters-contest app decides with `organiser_units`.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import AdministrativeUnit, Membership, School


@dataclass
class Roles:
    memberships: list[Membership] = field(default_factory=list)
    is_superuser: bool = False

    def of(self, role: str) -> list[Membership]:
        return [m for m in self.memberships if m.role == role]

    @property
    def staff_schools(self) -> list[School]:
        return [m.school for m in self.of(Membership.Role.SCHOOL_STAFF)]

    @property
    def officer_units(self) -> list[AdministrativeUnit]:
        return [m.office.unit for m in self.of(Membership.Role.OFFICER)]

    def handles_school(self, school: School) -> bool:
        """Is the school handled by one of the user's offices (as officer)?"""
        return any(school.handled_by(unit) for unit in self.officer_units)

    def officer_schools_filter(self, prefix: str = "") -> Q:
        """The schools the user's offices handle, as a filter (nothing when none)."""
        query = Q(pk__in=[])
        for unit in self.officer_units:
            query |= unit.office_school_filter(prefix)
        return query

    def school_levels_in(self, unit: AdministrativeUnit) -> tuple[str, ...] | None:
        """The levels of the unit's schools the user acts on: None for all of them (a
        superuser, or an office of the unit or above it that is not a commune's)."""
        if self.is_superuser:
            return None
        areas = [area for area in self.officer_units if area.contains(unit)]
        if not areas or any(School.levels_handled_in(area) is None for area in areas):
            return None
        return School.levels_handled_in(areas[0])

    @property
    def organiser_units(self) -> list[AdministrativeUnit]:
        return [m.office.unit for m in self.of(Membership.Role.ORGANISER)]

    @property
    def is_school_staff(self) -> bool:
        return bool(self.of(Membership.Role.SCHOOL_STAFF))

    @property
    def is_officer(self) -> bool:
        return bool(self.of(Membership.Role.OFFICER))

    @property
    def is_organiser(self) -> bool:
        return bool(self.of(Membership.Role.ORGANISER))


def roles_of(user) -> Roles:
    """The user's memberships, loaded once per user object (so once per request)."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        memberships = list(
            Membership.objects.filter(user=user).select_related("school__commune", "office__unit").order_by("pk")
        )
        cached = Roles(memberships=memberships, is_superuser=user.is_superuser)
        user._portal_roles = cached
    return cached


def can_act_on_unit(user, unit: AdministrativeUnit) -> bool:
    """May this user act (verify, edit, report) on this unit and what lies inside it?"""
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    return any(area.contains(unit) for area in roles.officer_units)


def can_act_on_school(user, school: School) -> bool:
    """May this user act on this school: edit its profile and sites, post its needs?"""
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    if any(s.pk == school.pk for s in roles.staff_schools):
        return True
    return roles.handles_school(school)


def is_officer_of_school(user, school: School) -> bool:
    """Is the user an officer of an office that handles this school (or a superuser)?"""
    roles = roles_of(user)
    return roles.is_superuser or roles.handles_school(school)


def get_school_for_editing(request, pk) -> School:
    """The school, if this user may edit it: 404 when it does not exist, 403 otherwise.

    School pages are public, so existence is no secret and a plain 403 is honest.
    """
    school = get_object_or_404(School.objects.select_related("commune", "district", "province"), pk=pk)
    if not can_act_on_school(request.user, school):
        raise PermissionDenied
    return school
