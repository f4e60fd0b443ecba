"""Every place of a dashboard's area, ranked by what it still lacks, and laid out as a
tile map.

No package on PyPI or npm ships the boundaries of the current (July 2025) map, and
nothing may be fetched at run time, so the map is a schematic: one tile per place,
placed on a grid by the mean position of its schools (a tile cartogram). Three grouped
queries whatever the number of places or schools.
"""

import itertools
import math
from dataclasses import dataclass

from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from needs.models import Need
from schools.models import AdministrativeUnit, stale_filter

S = Need.Status

# The colour classes of the map, by money still missing (whole VND): nothing, then
# under each bound, then at or above the last one.
MISSING_BOUNDS = (20_000_000, 100_000_000)


def _place_column(level: str, prefix: str):
    if level == AdministrativeUnit.Level.PROVINCE:
        # A commune directly under its province (the current map) stands for itself.
        return Coalesce(f"{prefix}district_id", f"{prefix}commune_id")
    if level == AdministrativeUnit.Level.DISTRICT:
        return F(f"{prefix}commune_id")
    return F(f"{prefix}id")  # a commune's places are its schools


def places(area) -> list[dict]:
    """Every current place directly inside the area (a province's districts and communes,
    a district's communes, a commune's schools), those with nothing included, ranked."""
    unit = area.unit
    level = unit.level
    if level == AdministrativeUnit.Level.COMMUNE:
        listed = [(pk, name, "school") for pk, name in area.schools().order_by("name").values_list("pk", "name")]
        link = reverse("schools:detail", args=[0])[:-2]
        url = lambda pk: f"{link}{pk}/"  # noqa: E731
    else:
        listed = (
            AdministrativeUnit.objects.filter(parent=unit, abolished_on=None)
            .order_by("name")
            .values_list("pk", "name", "level")
        )
        # The provincial dashboard opens a place's own dashboard; a district's lists its needs.
        target = reverse("dashboard:home" if level == AdministrativeUnit.Level.PROVINCE else "dashboard:needs")
        url = lambda pk: f"{target}?unit={pk}"  # noqa: E731
    public = Q(status__in=Need.PUBLIC_STATUSES)
    needs = {
        row.pop("place_id"): row
        for row in area.needs()
        .annotate(place_id=_place_column(level, "school__"))
        .values("place_id")
        .annotate(
            count=Count("pk", filter=public),
            open=Count("pk", filter=Q(status=S.VERIFIED)),
            requested=Coalesce(Sum("amount_requested", filter=public), 0),
            pledged=Coalesce(Sum("amount_pledged", filter=public), 0),
            received=Coalesce(Sum("amount_received", filter=public), 0),
            missing=Coalesce(Sum(F("amount_requested") - F("amount_pledged"), filter=Q(status=S.VERIFIED)), 0),
            delivered=Count("pk", filter=Q(status__in=Need.DELIVERED_STATUSES)),
            queue=Count("pk", filter=Q(status=S.SUBMITTED)),
        )
    }
    schools = {
        row.pop("place_id"): row
        for row in area.schools()
        .annotate(
            place_id=_place_column(level, ""),
            is_stale=ExpressionWrapper(stale_filter(), output_field=BooleanField()),
        )
        .values("place_id")
        .annotate(
            schools=Count("pk"),
            stale=Count("pk", filter=Q(is_stale=True)),
            latitude=Avg("latitude"),
            longitude=Avg("longitude"),
        )
    }
    empty = {
        "count": 0,
        "open": 0,
        "requested": 0,
        "pledged": 0,
        "received": 0,
        "missing": 0,
        "delivered": 0,
        "queue": 0,
    }
    rows = []
    for pk, name, kind in listed:
        money = needs.get(pk, empty)
        located = schools.get(pk, {})
        requested = money["requested"]
        rows.append(
            {
                "unit_id": pk,
                "name": name,
                "kind": kind,
                "url": url(pk),
                **money,
                "missing": max(money["missing"], 0),
                "share_funded": money["pledged"] / requested if requested else 0,
                "schools": located.get("schools", 0),
                "stale": located.get("stale", 0),
                "latitude": located.get("latitude"),
                "longitude": located.get("longitude"),
                "tone": tone(max(money["missing"], 0)),
            }
        )
    return rank(rows)


def tone(missing: int) -> int:
    """0 for nothing missing, then 1, 2, 3 by `MISSING_BOUNDS`."""
    if missing <= 0:
        return 0
    return 1 + sum(missing >= bound for bound in MISSING_BOUNDS)


def rank(rows: list[dict]) -> list[dict]:
    """Most money still missing on needs open for gifts first; equal money, more open
    needs first; places equal on both share a rank (1, 2, 2, 4) and are listed by name."""
    ordered = sorted(rows, key=lambda r: (-r["missing"], -r["open"], r["name"]))
    previous = None
    for position, row in enumerate(ordered, start=1):
        key = (row["missing"], row["open"])
        if key != previous:
            row["rank"] = position
            previous = key
        else:
            row["rank"] = ordered[position - 2]["rank"]
        row["tied"] = False
    for before, after in itertools.pairwise(ordered):
        if before["rank"] == after["rank"]:
            before["tied"] = after["tied"] = True
    return ordered


@dataclass(frozen=True)
class Grid:
    columns: int
    rows: int


def grid_for(count: int, max_columns: int = 8) -> Grid:
    """A grid a little wider than tall, with room for every place."""
    if count <= 0:
        return Grid(1, 1)
    columns = min(max_columns, max(1, math.ceil(math.sqrt(count * 1.5))))
    # A spare row when there are several, so that places keep nearer their position.
    return Grid(columns, math.ceil(count / columns) + (1 if count > columns else 0))


def tile_map(rows: list[dict], max_columns: int = 8) -> dict:
    """The located places on a grid, each in a cell of its own (`row`, `column`, from 1):
    the most in need first, each to the free cell nearest its schools' mean position
    (north up). Places with no located school are kept apart (`unlocated`), in rank
    order, rather than put where they are not."""
    located = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    unlocated = [r for r in rows if r["latitude"] is None or r["longitude"] is None]
    grid = grid_for(len(located), max_columns)
    free = {(row, column) for row in range(1, grid.rows + 1) for column in range(1, grid.columns + 1)}
    tiles = []
    if located:
        lats = [float(r["latitude"]) for r in located]
        lons = [float(r["longitude"]) for r in located]
        lat_span = (max(lats) - min(lats)) or 1
        lon_span = (max(lons) - min(lons)) or 1
        for place in located:
            want_row = 1 + (max(lats) - float(place["latitude"])) / lat_span * (grid.rows - 1)
            want_column = 1 + (float(place["longitude"]) - min(lons)) / lon_span * (grid.columns - 1)
            cell = min(free, key=lambda c: ((c[0] - want_row) ** 2 + (c[1] - want_column) ** 2, c))
            free.discard(cell)
            tiles.append({**place, "row": cell[0], "column": cell[1]})
    return {
        "columns": grid.columns,
        "rows": grid.rows,
        "tiles": tiles,
        "unlocated": unlocated,
        "unlocated_columns": min(max_columns, max(len(unlocated), 1)),
    }
