"""How a digest compares the places of an office's area: the communes of a department on
the current map (98 on average, 168 in Hồ Chí Minh City), the districts of a department
on the map before 2025, the communes of a district office. A commune office's digest
compares nothing.

The rule the mail ranks by is here and only here:

- **Behind** (the worst): places with overdue work, that is needs waiting for
  verification longer than `NEED_WAITING_REMINDER_DAYS` (the officers' reminder) plus
  pledges waiting for their receipt to be confirmed longer than `PLEDGE_REMINDER_DAYS`
  (the digest's "overdue pledges"). Most overdue items first, then the longest wait for
  verification, then the name. Work an officer can do this week, and nobody else will.
- **Ahead** (the best): places with nothing overdue and something achieved (money
  pledged or a need delivered), by the share of the requested money pledged, then the
  needs delivered, then the name: the dashboard's league table order.

A place with no activity is in neither list. Each list names at most `LIST_SIZE`
places; every place, with all its figures, is a row of the digest's Excel file.

Every figure comes from four queries, whatever the number of places.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from core.text import fold
from donations.models import Pledge
from needs.models import Need
from schools.models import AdministrativeUnit, stale_filter

from .dashboard import Area, place_column

# How many places each list of the mail names.
LIST_SIZE = 5


@dataclass
class Place:
    unit_id: int
    name: str
    is_commune: bool
    schools: int = 0
    stale_schools: int = 0
    needs: int = 0  # public needs (verified and after), the base of the money figures
    requested: int = 0
    pledged: int = 0
    received: int = 0
    delivered: int = 0
    waiting: int = 0  # needs awaiting verification
    longest_wait: int | None = None  # days the oldest of them has waited
    late_needs: int = 0
    late_pledges: int = 0

    @property
    def share_funded(self) -> float:
        return self.pledged / self.requested if self.requested else 0

    @property
    def overdue(self) -> int:
        return self.late_needs + self.late_pledges

    @property
    def achieved(self) -> bool:
        return bool(self.pledged or self.delivered)


@dataclass
class Comparison:
    places: list[Place]  # every place, by name
    behind: list[Place]
    ahead: list[Place]

    @property
    def of_communes(self) -> bool:
        return all(place.is_commune for place in self.places)


def place_level(unit: AdministrativeUnit) -> str | None:
    """What an office of this unit compares: a province its districts (or, with no
    districts, its communes), a district its communes, a commune nothing."""
    return {AdministrativeUnit.Level.PROVINCE: "district", AdministrativeUnit.Level.DISTRICT: "commune"}.get(unit.level)


def behind(places: list[Place], size: int = LIST_SIZE) -> list[Place]:
    late = [place for place in places if place.overdue]
    return sorted(late, key=lambda p: (-p.overdue, -(p.longest_wait or 0), fold(p.name)))[:size]


def ahead(places: list[Place], size: int = LIST_SIZE) -> list[Place]:
    doing_well = [place for place in places if place.achieved and not place.overdue]
    return sorted(doing_well, key=lambda p: (-p.share_funded, -p.delivered, fold(p.name)))[:size]


def compare(area: Area) -> Comparison | None:
    """Every place of the area with its figures, and the two short lists. None for a
    commune. Four queries: the places, and the schools, needs and pledges grouped by place."""
    level = place_level(area.unit)
    if level is None:
        return None
    now = timezone.now()
    today = timezone.localdate()
    place = place_column(level)
    # The current units under this one, and any other that still holds one of its schools.
    units = AdministrativeUnit.objects.filter(parent=area.unit).filter(
        Q(abolished_on=None) | Q(pk__in=area.schools().annotate(place_id=place_column(level, "")).values("place_id"))
    )
    places = {
        unit_id: Place(unit_id=unit_id, name=name, is_commune=unit_level == AdministrativeUnit.Level.COMMUNE)
        for unit_id, name, unit_level in units.values_list("pk", "name", "level")
    }

    schools = (
        area.schools()
        .annotate(place_id=place_column(level, ""))
        .values("place_id")
        .annotate(schools=Count("pk"), stale_schools=Count("pk", filter=stale_filter()))
    )
    waiting = Q(status=Need.Status.SUBMITTED)
    public = Q(status__in=Need.PUBLIC_STATUSES)
    late_since = now - timedelta(days=settings.NEED_WAITING_REMINDER_DAYS)
    needs = (
        area.needs()
        .annotate(place_id=place)
        .values("place_id")
        .annotate(
            needs=Count("pk", filter=public),
            requested=Sum("amount_requested", filter=public),
            pledged=Sum("amount_pledged", filter=public),
            received=Sum("amount_received", filter=public),
            delivered=Count("pk", filter=Q(status__in=Need.DELIVERED_STATUSES)),
            waiting=Count("pk", filter=waiting),
            oldest=Min("submitted_at", filter=waiting),
            late_needs=Count("pk", filter=waiting & Q(submitted_at__lt=late_since)),
        )
    )
    pledges = (
        area.pledges()
        .filter(status=Pledge.Status.PLEDGED, created_at__lt=now - timedelta(days=settings.PLEDGE_REMINDER_DAYS))
        .annotate(place_id=place_column(level, "need__school__"))
        .values("place_id")
        .annotate(late_pledges=Count("pk"))
    )
    for rows in (schools, needs, pledges):
        for row in rows:
            target = places[row.pop("place_id")]
            oldest = row.pop("oldest", None)
            if oldest is not None:
                target.longest_wait = (today - timezone.localdate(oldest)).days
            for key, value in row.items():
                setattr(target, key, value or 0)
    every = sorted(places.values(), key=lambda p: (fold(p.name), p.unit_id))
    return Comparison(places=every, behind=behind(every), ahead=ahead(every))
