"""The administrative map: loading a current map over the one in the registry.

`load_map` takes the units of a map (by default the official two-tier map of 1 July 2025
from the `vietnam-provinces` package: 34 provinces, 3,321 communes, wards and special
zones directly under them) and an optional mapping of old communes to new ones, and
changes the registry in one transaction, or not at all.

When is a matching code the same unit? A unit in the registry and a unit of the loaded
map with the same level and code are **the same unit** only when

- they are of the same kind (the name's leading word: "Xã", "Phường", "Thị trấn",
  "Đặc khu"; "Tỉnh" or "Thành phố"),
- they hang under the same parent (a commune that was under a district and is now under
  the province is a unit of a new map, not the old one moved), and
- the territory is unchanged: no other old commune goes into it, and it goes nowhere else
  (from the mapping; a province whose communes come from or go to another province has
  changed too).

A province under another name is always a new unit: every province that took another name
in 2025 did so by merging ("Tỉnh Bắc Giang", 24, and "Tỉnh Bắc Ninh", 24 since the reform).

The same unit with another name is **renamed**: the row is kept and the old name goes to
`former_names`. Anything else is an **abolished unit and a new one**: the old row keeps its
name, code and records, gets `abolished_on`, and points to its successors. So the township
"Thị trấn Tuần Giáo" (03253, under huyện Tuần Giáo) and "Xã Tuần Giáo" (03253, under the
province) are two rows, the first abolished with the second as its successor.

Successors of an abolished commune: the operator's mapping rows for it when it has any;
else, for a commune of the three-tier map, the shipped national mapping's
(`schools/data/communes_2025.csv`, every pre-2025 commune by official code, derived from
the `vietnamadminunits` data by `ops/unit_mapping.py`); else the new commune with the same
code, if there is one; else none (reported). A commune split between several new ones
sends its schools to the successor the national mapping marks as main, unless a mapping
row names another for the school; those schools are listed for the operator to check. A district's are its
communes' successors; a province's the provinces of its communes' successors. Schools of an
abolished commune move to its only successor, or to the commune the mapping names for the
school; each move is a history row of the school.
"""

import csv
import io
import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from core.cache import area, bump

from .models import AdministrativeUnit, School

Level = AdministrativeUnit.Level
PACKAGE_SOURCE = "vietnam-provinces"
# Every pre-2025 commune's successors by official code (derived by ops/unit_mapping.py).
NATIONAL_MAPPING = Path(__file__).resolve().parent / "data" / "communes_2025.csv"
# The day the two-tier map took effect; the default date of abolition when it is loaded.
REFORM_DATE = date(2025, 7, 1)

KINDS = ("thành phố", "tỉnh", "thị trấn", "thị xã", "đặc khu", "phường", "quận", "huyện", "xã")


class MapError(Exception):
    """Bad input: every problem as (where, message); nothing was written."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))


@dataclass
class UnitRow:
    where: str  # "file line 12" or "vietnam-provinces ward 03253", for reports
    code: str
    name: str
    level: str
    parent_code: str = ""


@dataclass
class MappingRow:
    where: str
    old_code: str
    new_code: str
    school_id: int | None = None
    # Of a commune split between several: the one its schools go to unless a row names
    # another for them (the national mapping marks one; an operator's mapping none).
    default: bool = False


@dataclass
class MapReport:
    created: list[AdministrativeUnit] = field(default_factory=list)
    renamed: list[tuple[AdministrativeUnit, str]] = field(default_factory=list)  # (unit, old name)
    abolished: list[AdministrativeUnit] = field(default_factory=list)
    moved: list[tuple[School, AdministrativeUnit, AdministrativeUnit]] = field(default_factory=list)
    # Schools left in an abolished commune that has no successor: the mapping should name one.
    stranded: list[tuple[School, AdministrativeUnit]] = field(default_factory=list)
    # Schools of a split commune sent to its default successor (school, old commune, new
    # commune): the operator checks them and names another in a mapping where needed.
    defaulted: list[tuple[School, AdministrativeUnit, AdministrativeUnit]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.abolished or self.moved)


def kind_of(name: str) -> str:
    """The unit type that opens an official name ("Thị trấn Tuần Giáo" -> "thị trấn")."""
    lowered = name.strip().lower()
    for kind in KINDS:
        if lowered.startswith(kind + " ") or lowered == kind:
            return kind
    return ""


# --- sources -------------------------------------------------------------------------


def package_rows(provinces: set[str] | None = None) -> list[UnitRow]:
    """The official current map shipped by `vietnam-provinces` (read from its data files)."""
    from vietnam_provinces import Province, Ward

    rows = []
    for province in Province.iter_all():
        code = AdministrativeUnit.padded_code(Level.PROVINCE, province.code.value)
        if provinces and code not in provinces:
            continue
        name = province.name if kind_of(province.name) else f"Tỉnh {province.name}"
        rows.append(UnitRow(f"{PACKAGE_SOURCE} province {code}", code, name, Level.PROVINCE))
    for ward in Ward.iter_all():
        parent = AdministrativeUnit.padded_code(Level.PROVINCE, ward.province_code.value)
        if provinces and parent not in provinces:
            continue
        code = AdministrativeUnit.padded_code(Level.COMMUNE, ward.code.value)
        rows.append(UnitRow(f"{PACKAGE_SOURCE} ward {code}", code, ward.name, Level.COMMUNE, parent))
    return rows


def package_version() -> str:
    from importlib.metadata import version

    return version("vietnam-provinces")


def _csv_rows(source) -> list[tuple[int, dict]]:
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        source = source.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(source.lstrip("\ufeff")))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    return [
        (index + 2, {key: (value or "").strip() for key, value in row.items() if key})
        for index, row in enumerate(reader)
    ]


def csv_unit_rows(source, name: str = "units", provinces: set[str] | None = None) -> list[UnitRow]:
    """A map from CSV: code,name,level,parent_code (level: province or commune)."""
    rows = []
    for line, row in _csv_rows(source):
        level = row.get("level", "").lower()
        code = AdministrativeUnit.padded_code(level, row.get("code", ""))
        parent = AdministrativeUnit.padded_code(Level.PROVINCE, row.get("parent_code", ""))
        if provinces and (parent or code) not in provinces:
            continue
        rows.append(UnitRow(f"{name} line {line}", code, row.get("name", ""), level, parent))
    return rows


def national_mapping_rows(path: Path = NATIONAL_MAPPING) -> list[MappingRow]:
    """The shipped mapping of every pre-2025 commune: old_code,new_code,default."""
    return [
        MappingRow(f"{path.name} line {line}", row["old_code"], row["new_code"], default=row.get("default") == "1")
        for line, row in _csv_rows(path.read_bytes())
    ]


def csv_mapping_rows(source, name: str = "mapping") -> list[MappingRow]:
    """Old communes to new ones: old_code,new_code[,school_id]."""
    rows, problems = [], []
    for line, row in _csv_rows(source):
        where = f"{name} line {line}"
        school = row.get("school_id", "")
        if school and not (school.isascii() and school.isdigit()):
            problems.append((where, f"school_id {school!r} is not a number"))
            continue
        rows.append(
            MappingRow(
                where,
                AdministrativeUnit.padded_code(Level.COMMUNE, row.get("old_code", "")),
                AdministrativeUnit.padded_code(Level.COMMUNE, row.get("new_code", "")),
                int(school) if school else None,
            )
        )
    if problems:
        raise MapError(problems)
    return rows


# --- the load ------------------------------------------------------------------------


def _check_rows(rows: list[UnitRow], problems) -> dict[tuple[str, str], UnitRow]:
    """The map's own consistency: codes, levels, parents, duplicates."""
    by_key: dict[tuple[str, str], UnitRow] = {}
    for row in rows:
        width = AdministrativeUnit.CODE_WIDTH.get(row.level)
        if row.level not in (Level.PROVINCE, Level.COMMUNE):
            problems.append((row.where, f"level {row.level!r} is not province or commune"))
            continue
        if not (row.code.isascii() and row.code.isdigit() and len(row.code) == width):
            problems.append((row.where, f"code {row.code!r} is not a {row.level} code ({width} digits)"))
            continue
        if not row.name:
            problems.append((row.where, "the name is empty"))
            continue
        key = (row.level, row.code)
        if key in by_key:
            problems.append((row.where, f"code {row.code} is also on {by_key[key].where}"))
            continue
        by_key[key] = row
    for row in by_key.values():
        if row.level == Level.PROVINCE and row.parent_code:
            problems.append((row.where, "a province has no parent unit"))
        if row.level == Level.COMMUNE and (Level.PROVINCE, row.parent_code) not in by_key:
            problems.append((row.where, f"unknown province code {row.parent_code!r}"))
    return by_key


def load_map(
    *,
    rows: list[UnitRow],
    mapping: list[MappingRow] = (),
    national: list[MappingRow] = (),
    provinces: set[str] | None = None,
    on: date = REFORM_DATE,
    dry_run: bool = False,
) -> MapReport:
    """Bring the registry to the map in `rows` (see the module's docstring for the rules).

    `mapping` is the operator's: every row must make sense, or nothing is loaded.
    `national` (`national_mapping_rows()`) fills in the successors of the communes of the
    three-tier map (those under a district) that `mapping` does not name; its rows for
    communes the registry does not hold, or into communes the map does not have, are
    passed over, and a split commune's schools go to its `default` successor (listed in
    `report.defaulted` for the operator to check).

    `provinces` limits the change to those provinces (the rows must be of them): units of
    other provinces are neither compared nor abolished. Raises MapError, with nothing
    written, on any bad input.
    """
    problems: list[tuple[str, str]] = []
    by_key = _check_rows(rows, problems)
    new_communes = {code: row for (level, code), row in by_key.items() if level == Level.COMMUNE}
    new_provinces = {code: row for (level, code), row in by_key.items() if level == Level.PROVINCE}
    if problems:
        raise MapError(problems)
    report = MapReport()
    with transaction.atomic():
        scope = Q()
        if provinces:
            scope = Q(level=Level.PROVINCE, code__in=provinces) | Q(province__code__in=provinces)
        current = list(
            AdministrativeUnit.objects.select_for_update(of=("self",))
            .filter(scope, abolished_on__isnull=True)
            .select_related("parent", "province")
        )
        current_by_key = {(unit.level, unit.code): unit for unit in current}
        edges, school_targets = _read_mapping(mapping, current_by_key, new_communes, problems)
        if problems:
            raise MapError(problems)

        # Then the national mapping, for the three-tier communes the operator's leaves out.
        defaults: dict[int, str] = {}
        national_by_code: dict[str, list[MappingRow]] = {}
        for row in national:
            if row.new_code in new_communes:
                national_by_code.setdefault(row.old_code, []).append(row)
        for unit in current:
            if unit.level == Level.COMMUNE and unit.district_id and unit.pk not in edges:
                for row in national_by_code.get(unit.code, ()):
                    edges.setdefault(unit.pk, set()).add(row.new_code)
                    if row.default:
                        defaults[unit.pk] = row.new_code

        # Default successors: a commune that no mapping names goes to the new commune
        # with its code, if any.
        for unit in current:
            if unit.level == Level.COMMUNE and unit.pk not in edges and unit.code in new_communes:
                edges[unit.pk] = {unit.code}
        into: dict[str, set[int]] = {}
        for old_pk, codes in edges.items():
            for code in codes:
                into.setdefault(code, set()).add(old_pk)
        units_by_pk = {unit.pk: unit for unit in current}

        # Which provinces are the same unit as before.
        kept: dict[tuple[str, str], AdministrativeUnit] = {}
        for code, row in new_provinces.items():
            old = current_by_key.get((Level.PROVINCE, code))
            if old is None or old.name != row.name:
                # Every province that took another name in 2025 did so by merging.
                continue
            crossing = any(
                units_by_pk[old_pk].province_id != old.pk
                for c, pks in into.items()
                if new_communes[c].parent_code == code
                for old_pk in pks
            ) or any(
                new_communes[c].parent_code != code
                for old_pk, codes in edges.items()
                if units_by_pk[old_pk].province_id == old.pk
                for c in codes
            )
            if not crossing:
                kept[(Level.PROVINCE, code)] = old
        for code, row in new_communes.items():
            old = current_by_key.get((Level.COMMUNE, code))
            province = kept.get((Level.PROVINCE, row.parent_code))
            if (
                old is None
                or province is None
                or old.parent_id != province.pk
                or kind_of(old.name) != kind_of(row.name)
                or into.get(code, set()) != {old.pk}
                or edges.get(old.pk) != {code}
            ):
                continue
            kept[(Level.COMMUNE, code)] = old
        kept_pks = {unit.pk for unit in kept.values()}
        abolished = [unit for unit in current if unit.pk not in kept_pks]

        # Schools of abolished communes: where each goes, checked before anything is written.
        abolished_communes = {unit.pk for unit in abolished if unit.level == Level.COMMUNE}
        moves: list[tuple[School, str | None]] = []
        defaulted: list[tuple[School, str]] = []
        for school in School.objects.filter(commune_id__in=abolished_communes).select_related("commune"):
            target = school_targets.get(school.pk)
            if target is None:
                codes = edges.get(school.commune_id, set())
                if len(codes) > 1 and school.commune_id in defaults:
                    target = defaults[school.commune_id]
                    defaulted.append((school, target))
                elif len(codes) > 1:
                    problems.append(
                        (
                            f"school {school.pk}",
                            f"{school.name} is in {school.commune.name} ({school.commune.code}), split into "
                            f"{', '.join(sorted(codes))}: name its new commune in the mapping",
                        )
                    )
                    continue
                else:
                    target = next(iter(codes), None)
            moves.append((school, target))
        if problems:
            raise MapError(problems)

        # Writes: abolish first (current codes are unique), then create, rename, link, move.
        for unit in abolished:
            unit.abolished_on = on
        AdministrativeUnit.objects.bulk_update(abolished, ["abolished_on"], batch_size=500)
        report.abolished = abolished

        result: dict[tuple[str, str], AdministrativeUnit] = dict(kept)
        for level, source in ((Level.PROVINCE, new_provinces), (Level.COMMUNE, new_communes)):
            fresh = []
            for code, row in source.items():
                if (level, code) in kept:
                    continue
                unit = AdministrativeUnit(code=code, name=row.name, level=level)
                if level == Level.COMMUNE:
                    parent = result[(Level.PROVINCE, row.parent_code)]
                    unit.parent_id = unit.province_id = parent.pk
                fresh.append(unit)
            created = AdministrativeUnit.objects.bulk_create(fresh, batch_size=500)
            if created and created[0].pk is None:  # a database that returns no ids
                created = list(
                    AdministrativeUnit.objects.filter(
                        level=level, code__in=[u.code for u in fresh], abolished_on__isnull=True
                    )
                )
            for unit in created:
                result[(level, unit.code)] = unit
            report.created += created

        renamed = []
        for key, unit in kept.items():
            row = by_key[key]
            if unit.name != row.name:
                report.renamed.append((unit, unit.name))
                unit.former_names = [*unit.former_names, {"name": unit.name, "until": on.isoformat()}]
                unit.name = row.name
                renamed.append(unit)
        AdministrativeUnit.objects.bulk_update(renamed, ["name", "former_names"], batch_size=500)

        links = _successor_links(abolished, edges, result)
        Through = AdministrativeUnit.successors.through
        Through.objects.bulk_create(
            [Through(from_administrativeunit_id=a, to_administrativeunit_id=b) for a, b in sorted(links)],
            batch_size=1000,
            ignore_conflicts=True,
        )

        moved = []
        defaulted_pks = {school.pk for school, _code in defaulted}
        for school, target in moves:
            if target is None:
                report.stranded.append((school, school.commune))
                continue
            new = result[(Level.COMMUNE, target)]
            report.moved.append((school, school.commune, new))
            if school.pk in defaulted_pks:
                report.defaulted.append((school, school.commune, new))
            school.commune = new
            school.province_id, school.district_id = new.province_id, None
            moved.append(school)
        bulk_update_with_history(
            moved,
            School,
            ["commune", "province", "district"],
            batch_size=500,
            default_change_reason="administrative map",
        )
        # A school is found by its commune's names, old and new: refresh where they changed.
        _refresh_search_text(
            {unit.pk for unit in renamed} | {new_id for _old_id, new_id in links} | {s.commune_id for s in moved}
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _refresh_search_text(unit_ids: set[int]) -> None:
    """Recompute the search text of the schools of these communes (a few queries), and
    drop what the cache keeps of them after the commit (bulk writes send no signals)."""
    schools = list(
        School.objects.filter(commune_id__in=unit_ids).only(
            "pk", "name", "code", "address", "commune_id", "province_id"
        )
    )
    communes = AdministrativeUnit.with_place_names(
        AdministrativeUnit.objects.filter(pk__in={school.commune_id for school in schools})
    )
    names = {commune.pk: commune.place_names() for commune in communes}
    for school in schools:
        school.search_text = school.folded_search_text(names[school.commune_id])
    School.objects.bulk_update(schools, ["search_text"], batch_size=500)
    if schools:
        provinces = {area(school.province_id) for school in schools}
        bump("registry", *sorted(provinces), *(f"school:{school.pk}" for school in schools))


def _read_mapping(mapping, current_by_key, new_communes, problems):
    """Check the mapping against the registry and the map; return the commune edges
    {old commune pk: {new codes}} and {school pk: new code}. Rows already applied by an
    earlier load are skipped, so loading twice with the same file changes nothing."""
    edges: dict[int, set[str]] = {}
    school_targets: dict[int, str] = {}
    school_lines: dict[int, tuple[str, str]] = {}
    code_graph: dict[str, set[str]] = {}
    applied = set(
        AdministrativeUnit.successors.through.objects.filter(
            from_administrativeunit__level=Level.COMMUNE,
            from_administrativeunit__code__in={row.old_code for row in mapping},
            to_administrativeunit__abolished_on__isnull=True,
        ).values_list("from_administrativeunit__code", "to_administrativeunit__code")
    )
    for row in mapping:
        if (row.old_code, row.new_code) in applied:
            if row.school_id and School.objects.filter(pk=row.school_id, commune__code=row.new_code).exists():
                continue
            if not row.school_id:
                continue
        old = current_by_key.get((Level.COMMUNE, row.old_code))
        if old is None:
            problems.append((row.where, f"unknown old commune code {row.old_code!r}"))
            continue
        if row.new_code not in new_communes:
            problems.append((row.where, f"successor {row.new_code!r} does not exist in the map"))
            continue
        if row.old_code != row.new_code:
            code_graph.setdefault(row.old_code, set()).add(row.new_code)
        edges.setdefault(old.pk, set()).add(row.new_code)
        if row.school_id is not None:
            school = School.objects.filter(pk=row.school_id).only("pk", "commune_id").first()
            if school is None or school.commune_id != old.pk:
                problems.append((row.where, f"school {row.school_id} is not in commune {row.old_code}"))
                continue
            if row.school_id in school_lines and school_lines[row.school_id][1] != row.new_code:
                first = school_lines[row.school_id]
                problems.append(
                    (
                        row.where,
                        f"school {row.school_id} is mapped to two communes: {first[1]} ({first[0]}) and {row.new_code}",
                    )
                )
                continue
            school_lines[row.school_id] = (row.where, row.new_code)
            school_targets[row.school_id] = row.new_code
    where_of = {(row.old_code, row.new_code): row.where for row in mapping}
    for start in sorted(code_graph):
        cycle = _cycle_from(start, code_graph)
        if cycle and cycle[0] == min(cycle[:-1]):
            lines = ", ".join(where_of[(a, b)] for a, b in itertools.pairwise(cycle))
            problems.append((lines, f"successors form a cycle: {' -> '.join(cycle)}"))
    return edges, school_targets


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path start -> ... -> start through the graph, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for following in sorted(graph.get(node, ())):
            if following == start:
                return [*path, start]
            if following not in seen:
                seen.add(following)
                stack.append((following, [*path, following]))
    return None


def _successor_links(abolished, edges, result) -> set[tuple[int, int]]:
    links: set[tuple[int, int]] = set()
    commune_successors: dict[int, set[AdministrativeUnit]] = {}
    for unit in abolished:
        if unit.level == Level.COMMUNE:
            successors = {result[(Level.COMMUNE, code)] for code in edges.get(unit.pk, ())}
            commune_successors[unit.pk] = successors
            links |= {(unit.pk, successor.pk) for successor in successors}
    inside: dict[int, set[AdministrativeUnit]] = {}
    for unit in abolished:
        if unit.level == Level.COMMUNE:
            for container in (unit.district_id, unit.province_id):
                inside.setdefault(container, set()).update(commune_successors[unit.pk])
    for unit in abolished:
        if unit.level == Level.COMMUNE:
            continue
        successors = inside.get(unit.pk, set())
        if unit.level == Level.PROVINCE:
            successors = {s.province_id for s in successors}
            same_code = result.get((Level.PROVINCE, unit.code))
            if not successors and same_code is not None:
                successors = {same_code.pk}
            links |= {(unit.pk, pk) for pk in successors}
        else:
            links |= {(unit.pk, s.pk) for s in successors}
    return links
