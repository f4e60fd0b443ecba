"""Figures for the officer dashboards, for one administrative unit.

Every figure is one aggregate query (or a grouped one), so a dashboard runs the same
number of queries whatever the number of schools. The provincial dashboard adds a
league table with one grouped query per table.
"""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Task
from core.cache import area as area_namespace
from core.cache import cached
from donations.models import AllocationPlan, Pledge, Sponsorship
from donations.selectors import funds_in_unit
from needs.models import Category, LunchMonth, Need
from schools.models import AdministrativeUnit, School, SchoolSite, stale_filter

from . import places

S = Need.Status


@dataclass
class Area:
    """A unit's schools, or, with `levels`, only those of these levels (a commune office's
    desk: `School.COMMUNE_OFFICE_LEVELS`)."""

    unit: AdministrativeUnit
    levels: tuple[str, ...] | None = None

    @classmethod
    def of_office(cls, office) -> "Area":
        """The schools the office handles (`AdministrativeUnit.office_school_filter`)."""
        return cls(office.unit, School.levels_handled_in(office.unit))

    def school_filter(self, prefix: str = "") -> Q:
        query = self.unit.school_filter(prefix)
        if self.levels is not None:
            query &= Q(**{f"{prefix}level__in": self.levels})
        return query

    def schools(self):
        return School.objects.filter(self.school_filter())

    def needs(self):
        return Need.objects.filter(self.school_filter("school__"))

    def pledges(self):
        return Pledge.objects.filter(self.school_filter("need__school__"))


def figures(area: Area) -> dict:
    """Everything the dashboard page shows, cached per unit until something in its
    province changes (or DASHBOARD_CACHE_SECONDS pass, for figures that age by the clock)."""
    unit = area.unit
    provincial = unit.level == AdministrativeUnit.Level.PROVINCE

    def compute():
        return {
            "provincial": provincial,
            "headline": headline(area),
            "categories": needs_by_category(area),
            # Every place of the area, ranked (oversight/places.py): the map and its table.
            "places": places.places(area),
            "attention": attention(area),
            "funds_and_lunches": funds_and_lunches(area),
            "series": weekly_series(area),
        }

    return cached(
        "dashboard",
        (area_namespace(unit.province_id or unit.pk),),
        compute,
        timeout=settings.DASHBOARD_CACHE_SECONDS,
        parts=(unit.pk, ",".join(area.levels or ()), timezone.localdate()),
    )


def _median_days(pairs) -> float | None:
    days = [(end - start).total_seconds() / 86400 for start, end in pairs if start and end and end >= start]
    return round(statistics.median(days), 1) if days else None


def headline(area: Area) -> dict:
    schools = area.schools().aggregate(schools=Count("pk"), pupils=Coalesce(Sum("pupils"), 0))
    sites = SchoolSite.objects.filter(area.school_filter("school__")).aggregate(
        sites=Count("pk"), site_pupils=Coalesce(Sum("pupils"), 0)
    )
    needs = area.needs()
    # Needs that ask for money now or did (the public ones): the base of the money figures.
    money = needs.public().aggregate(
        requested=Coalesce(Sum("amount_requested"), 0),
        pledged=Coalesce(Sum("amount_pledged"), 0),
        received=Coalesce(Sum("amount_received"), 0),
    )
    by_status = dict(needs.values_list("status").annotate(n=Count("pk")))
    timings = list(needs.exclude(submitted_at=None).values_list("submitted_at", "verified_at", "funded_at"))
    return {
        **schools,
        **sites,
        **money,
        "share_funded": money["pledged"] / money["requested"] if money["requested"] else 0,
        "needs_by_status": [(status, S(status).label, by_status.get(status, 0)) for status in S.values],
        "queue": by_status.get(S.SUBMITTED, 0),
        "median_days_to_verify": _median_days((sub, ver) for sub, ver, _f in timings),
        "median_days_to_fund": _median_days((ver, fund) for _s, ver, fund in timings),
    }


def needs_by_category(area: Area) -> list[dict]:
    rows = {
        row["category"]: row
        for row in area.needs()
        .public()
        .values("category")
        .annotate(
            count=Count("pk"),
            requested=Sum("amount_requested"),
            pledged=Sum("amount_pledged"),
            received=Sum("amount_received"),
            pupils=Sum("pupils_benefiting"),
        )
    }
    empty = {"count": 0, "requested": 0, "pledged": 0, "received": 0, "pupils": 0}
    return [{"category": value, "label": label, **(rows.get(value) or empty)} for value, label in Category.choices]


def place_column(level: str, prefix: str = "school__"):
    """The column a table groups by: the commune, or the district, where a commune
    directly under its province (the map since the 2025 reform) stands for itself."""
    if level == "district":
        return Coalesce(f"{prefix}district_id", f"{prefix}commune_id")
    return F(f"{prefix}{level}_id")


def needs_by_place(area: Area, level: str) -> list[dict]:
    """Per commune (district or commune dashboard) or per district (provincial league
    table); on the new map, with no districts, the provincial table compares communes."""
    name = (
        Coalesce("school__district__name", "school__commune__name")
        if level == "district"
        else F(f"school__{level}__name")
    )
    rows = (
        area.needs()
        .public()
        .annotate(
            place_id=place_column(level),
            place_name=name,
            in_district=ExpressionWrapper(Q(school__district__isnull=False), output_field=BooleanField()),
        )
        .values("place_id", "place_name", "in_district")
        .annotate(
            count=Count("pk"),
            requested=Sum("amount_requested"),
            pledged=Sum("amount_pledged"),
            received=Sum("amount_received"),
            delivered=Count("pk", filter=Q(status__in=Need.DELIVERED_STATUSES)),
        )
        .order_by("place_name", "place_id")
    )
    result = []
    for row in rows:
        requested = row["requested"] or 0
        result.append(
            {
                "unit_id": row["place_id"],
                "name": row["place_name"],
                "is_commune": level == "commune" or not row["in_district"],
                "count": row["count"],
                "requested": requested,
                "pledged": row["pledged"] or 0,
                "received": row["received"] or 0,
                "delivered": row["delivered"],
                "share_funded": (row["pledged"] or 0) / requested if requested else 0,
            }
        )
    return result


def league_table(area: Area) -> list[dict]:
    """Districts, or on the new map communes, ranked by the share of requested money
    already pledged, then deliveries."""
    rows = needs_by_place(area, "district")
    waiting = dict(
        area.needs()
        .filter(status=S.SUBMITTED)
        .annotate(place_id=place_column("district"))
        .values_list("place_id")
        .annotate(n=Count("pk"))
    )
    stale = dict(
        area.schools()
        .stale()
        .annotate(place_id=place_column("district", ""))
        .values_list("place_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        row["queue"] = waiting.get(row["unit_id"], 0)
        row["stale"] = stale.get(row["unit_id"], 0)
    return sorted(rows, key=lambda r: (-r["share_funded"], -r["delivered"], r["name"]))


def attention(area: Area) -> dict:
    """What waits for the office: stale profiles, silent schools, pledges and tasks."""
    today = timezone.localdate()
    schools = area.schools()
    silent = schools.annotate(posted=Exists(Need.objects.filter(school=OuterRef("pk")))).filter(posted=False)
    pledges = area.pledges().filter(Pledge.waiting_q(today))
    # Tasks of campaigns held in this area, and tasks its own units owe to any campaign.
    tasks = Task.objects.filter(
        area.unit.unit_filter("campaign__scope__") | area.unit.unit_filter("owner__unit__"),
        status__in=Task.OPEN_STATUSES,
    ).distinct()
    return {
        "stale_schools": schools.stale().count(),
        "silent_schools": list(silent.order_by("name").values("pk", "name")[:50]),
        "pledges_waiting": pledges.count(),
        "pledges_overdue": pledges.filter(Pledge.overdue_q(timezone.now())).count(),
        "tasks_overdue": list(
            tasks.filter(due_on__lt=today).select_related("owner", "campaign").order_by("due_on")[:20]
        ),
        "tasks_due_soon": tasks.filter(due_on__gte=today, due_on__lte=today + timedelta(days=14)).count(),
    }


def funds_and_lunches(area: Area) -> dict:
    """The programme funds of the area's offices (money in, allocated, left, plans
    waiting for approval) and its lunch sponsorships (instalments due soon and overdue,
    sponsorships running, pupil-months paid): four queries."""
    today = timezone.localdate()
    funds = [
        {
            "name": fund.name,
            "url": fund.get_absolute_url(),
            "plans_url": reverse("donations:fund_plans", args=[fund.slug]),
            "office": fund.office.name,
            "received": fund.amount_received,
            "allocated": fund.amount_allocated,
            "balance": fund.balance,
            "plans_waiting": fund.plans_waiting,
        }
        for fund in funds_in_unit(area.unit).annotate(
            plans_waiting=Count("plans", filter=Q(plans__status=AllocationPlan.Status.DRAFT))
        )
    ]
    instalments = area.pledges().filter(sponsorship__isnull=False, status=Pledge.Status.PLEDGED)
    soon = today + timedelta(days=settings.SPONSORSHIP_NOTICE_DAYS)
    due = instalments.aggregate(
        due_soon=Count("pk", filter=Q(due_on__lte=soon, due_on__gte=today)),
        due_soon_amount=Coalesce(Sum("amount", filter=Q(due_on__lte=soon, due_on__gte=today)), 0),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    months = LunchMonth.objects.filter(area.school_filter("need__school__"), need__status__in=Need.PUBLIC_STATUSES)
    lunches = months.aggregate(
        pupil_months=Coalesce(Sum("pupils"), 0),
        pledged=Coalesce(Sum("pupils_pledged"), 0),
        paid=Coalesce(Sum("pupils_received"), 0),
    )
    return {"funds": funds, "instalments": due, "lunches": lunches}


def fund_report(area: Area) -> list[dict]:
    """Every programme fund of the area's offices, for its export: money pledged, in,
    allocated and left, and how many approved plans and lines placed it."""
    funds = funds_in_unit(area.unit).annotate(
        plans_approved=Count("plans", filter=Q(plans__status=AllocationPlan.Status.APPROVED), distinct=True),
        gifts_received=Count("gifts", filter=Q(gifts__status__in=Pledge.RECEIVED_STATUSES), distinct=True),
    )
    return [
        {
            "name": fund.name,
            "office": fund.office.name,
            "gifts": fund.gifts_received,
            "pledged": fund.amount_pledged,
            "received": fund.amount_received,
            "allocated": fund.amount_allocated,
            "balance": fund.balance,
            "plans": fund.plans_approved,
        }
        for fund in funds
    ]


def sponsorship_report(area: Area) -> list[dict]:
    """Every lunch sponsorship on the area's schools, for its export: pupils, months,
    schedule, status and money, never who the donor is."""
    sponsorships = (
        Sponsorship.objects.filter(area.school_filter("need__school__"))
        .select_related("need__school")
        .annotate(
            paid=Coalesce(
                Sum("instalments__received_amount", filter=Q(instalments__status__in=Pledge.RECEIVED_STATUSES)), 0
            ),
        )
        .order_by("need__school__name", "first_month", "pk")
    )
    return [
        {
            "school": sponsorship.need.school.name,
            "need": sponsorship.need.title,
            "pupils": sponsorship.pupils,
            "first_month": sponsorship.first_month,
            "months": sponsorship.months,
            "schedule": str(sponsorship.get_schedule_display()),
            "status": str(sponsorship.get_status_display()),
            "total": sponsorship.total,
            "paid": sponsorship.paid,
        }
        for sponsorship in sponsorships
    ]


def weekly_series(area: Area, weeks: int = 12) -> list[dict]:
    """Money pledged and needs delivered per week, the last `weeks` weeks."""
    start = timezone.localdate() - timedelta(weeks=weeks)
    pledged = dict(
        area.pledges()
        .filter(created_at__date__gte=start, status__in=Pledge.ACTIVE_STATUSES)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(total=Sum("amount"))
    )
    delivered = dict(
        area.needs()
        .filter(delivered_at__date__gte=start)
        .annotate(week=TruncWeek("delivered_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
    )
    by_week_pledged = {key.date() if hasattr(key, "date") else key: value for key, value in pledged.items()}
    by_week_delivered = {key.date() if hasattr(key, "date") else key: value for key, value in delivered.items()}
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    series = []
    for offset in range(weeks - 1, -1, -1):
        week = monday - timedelta(weeks=offset)
        series.append(
            {"week": week, "pledged": by_week_pledged.get(week, 0), "delivered": by_week_delivered.get(week, 0)}
        )
    return series


def school_report(area: Area) -> list[dict]:
    """One row per school: profile, sites, and its needs' money. Two grouped queries."""
    schools = list(
        area.schools()
        .annotate(site_count=Count("sites"), stale=ExpressionWrapper(stale_filter(), output_field=BooleanField()))
        .values("pk", "code", "name", "commune__name", "district__name", "pupils", "site_count", "stale")
        .order_by("district__name", "commune__name", "name")
    )
    money = {
        row["school_id"]: row
        for row in area.needs()
        .public()
        .values("school_id")
        .annotate(
            needs=Count("pk"),
            requested=Sum("amount_requested"),
            pledged=Sum("amount_pledged"),
            received=Sum("amount_received"),
        )
    }
    for school in schools:
        row = money.get(school["pk"], {})
        for key in ("needs", "requested", "pledged", "received"):
            school[key] = row.get(key) or 0
    return schools
