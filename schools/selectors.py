"""Reads of the school registry, planned so a page's query count does not grow."""

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from core.cache import cached, query_key

from .models import AdministrativeUnit, Membership, School, SchoolSite
from .permissions import roles_of


def memberships_for(user) -> list[Membership]:
    return roles_of(user).memberships


def with_list_columns(schools: QuerySet[School]) -> QuerySet[School]:
    """Place names and site figures for a list or table of schools."""
    # Subqueries, not a join and GROUP BY: the database then works out the figures only
    # for the page's rows instead of grouping every school of the country first.
    sites = SchoolSite.objects.filter(school=OuterRef("pk")).order_by().values("school")
    return schools.select_related("commune", "district", "province").annotate(
        site_count=Coalesce(Subquery(sites.annotate(n=Count("pk")).values("n")), 0),
        site_pupils=Coalesce(Subquery(sites.annotate(n=Sum("pupils")).values("n")), 0),
    )


def school_detail(pk) -> School:
    return (
        School.objects.select_related("commune", "district", "province", "profile_confirmed_by")
        .prefetch_related(Prefetch("sites", queryset=SchoolSite.objects.order_by("distance_km", "name")))
        .get(pk=pk)
    )


def schools_in_units(units: list[AdministrativeUnit]) -> QuerySet[School]:
    """The schools the education offices of these units handle (`School.handled_by`)."""
    if not units:
        return School.objects.none()
    query = Q()
    for unit in units:
        query |= unit.office_school_filter()
    return School.objects.filter(query)


def schools_ever_in(unit: AdministrativeUnit) -> QuerySet[School]:
    """Schools that stand in the unit, or stood there once (their history): the schools
    of a campaign kept in its scope after they moved to a new map (schools/units.py)."""
    stood = School.history.filter(unit.school_filter()).values("id")
    return School.objects.filter(unit.school_filter() | Q(pk__in=stood))


def units_for_filter(level: str, parent: AdministrativeUnit | None = None) -> QuerySet[AdministrativeUnit]:
    units = AdministrativeUnit.objects.filter(level=level, abolished_on__isnull=True)
    if parent is not None:
        units = units.filter(parent=parent)
    return units.order_by("name")


def cached_registry_totals(schools: QuerySet[School]) -> dict:
    """registry_totals, kept until a school or site changes (see core.cache)."""
    return cached(
        "registry-totals",
        ("registry",),
        lambda: registry_totals(schools),
        timeout=settings.PUBLIC_CACHE_SECONDS,
        parts=query_key(schools),
    )


def registry_totals(schools: QuerySet[School]) -> dict:
    """Schools, satellite sites and pupils in a set of schools, in two queries."""
    school_figures = schools.aggregate(schools=Count("pk"), pupils=Coalesce(Sum("pupils"), 0))
    site_figures = SchoolSite.objects.filter(school__in=schools.values("pk")).aggregate(
        sites=Count("pk"),
        sites_lacking_power=Count("pk", filter=Q(electricity=SchoolSite.Electricity.NONE)),
        sites_lacking_toilets=Count("pk", filter=~Q(toilet=SchoolSite.Toilet.GOOD)),
    )
    return {**school_figures, **site_figures}


def school_people(school: School) -> list:
    """Who hears of a school's own matters: its staff with an active account, then its
    focal point's address (notices.services takes users and addresses, each once)."""
    people = [
        m.user
        for m in Membership.objects.filter(
            school=school, role=Membership.Role.SCHOOL_STAFF, user__is_active=True
        ).select_related("user")
    ]
    if school.focal_point_email:
        people.append(school.focal_point_email)
    return people


def officers_of_school(school: School) -> list:
    """The active officers of the education offices that handle the school
    (`School.handled_by`), each once, nearest office first."""
    memberships = Membership.objects.filter(
        role=Membership.Role.OFFICER, office__unit_id__in=school.office_unit_ids, user__is_active=True
    ).select_related("user", "office__unit")
    order = {unit_id: index for index, unit_id in enumerate(school.office_unit_ids)}
    handling = [m for m in memberships if school.handled_by(m.office.unit)]
    handling.sort(key=lambda m: (order.get(m.office.unit_id, 99), m.pk))
    return list({m.user.pk: m.user for m in handling}.values())
