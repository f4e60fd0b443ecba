"""Reads of the school registry, planned so a page's query count does not grow."""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import AdministrativeUnit, Membership, School, SchoolSite
from .permissions import roles_of


def memberships_for(user) -> list[Membership]:
    return roles_of(user).memberships


def with_list_columns(schools: QuerySet[School]) -> QuerySet[School]:
    """Place names and site figures for a list or table of schools."""
    return schools.select_related("commune", "district", "province").annotate(
        site_count=Count("sites", distinct=True),
        site_pupils=Coalesce(Sum("sites__pupils"), 0),
    )


def school_detail(pk) -> School:
    return (
        School.objects.select_related("commune", "district", "province", "profile_confirmed_by")
        .prefetch_related(Prefetch("sites", queryset=SchoolSite.objects.order_by("distance_km", "name")))
        .get(pk=pk)
    )


def schools_in_units(units: list[AdministrativeUnit]) -> QuerySet[School]:
    if not units:
        return School.objects.none()
    query = Q()
    for unit in units:
        query |= unit.school_filter()
    return School.objects.filter(query)


def units_for_filter(level: str, parent: AdministrativeUnit | None = None) -> QuerySet[AdministrativeUnit]:
    units = AdministrativeUnit.objects.filter(level=level, abolished_on__isnull=True)
    if parent is not None:
        units = units.filter(parent=parent)
    return units.order_by("name")


def registry_totals(schools: QuerySet[School]) -> dict:
    """Schools, satellite sites and pupils in a set of schools, in two queries."""
    school_figures = schools.aggregate(schools=Count("pk"), pupils=Coalesce(Sum("pupils"), 0))
    site_figures = SchoolSite.objects.filter(school__in=schools.values("pk")).aggregate(
        sites=Count("pk"),
        sites_lacking_power=Count("pk", filter=Q(electricity=SchoolSite.Electricity.NONE)),
        sites_lacking_toilets=Count("pk", filter=~Q(toilet=SchoolSite.Toilet.GOOD)),
    )
    return {**school_figures, **site_figures}
