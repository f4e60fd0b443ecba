from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools.models import AdministrativeUnit
from schools.units import (
    PACKAGE_SOURCE,
    REFORM_DATE,
    MapError,
    csv_mapping_rows,
    csv_unit_rows,
    load_map,
    national_mapping_rows,
    package_rows,
    package_version,
)


class Command(BaseCommand):
    help = (
        "Load the official current map of administrative units (34 provinces and their "
        "3,321 communes, wards and special zones, from the vietnam-provinces package) over "
        "the registry, in one transaction. Units the map no longer has are abolished, never "
        "overwritten, and point to their successors; schools move to their new commune. "
        "Idempotent: a second run changes nothing. See schools/units.py for the rules."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="load only this province (repeatable, or comma-separated: --province 11,24)",
        )
        parser.add_argument(
            "--units", type=Path, help="CSV of the map instead of the package: code,name,level,parent_code"
        )
        parser.add_argument(
            "--mapping", type=Path, help="CSV of old communes to new ones: old_code,new_code[,school_id]"
        )
        parser.add_argument(
            "--no-national-mapping",
            action="store_true",
            help="do not fill in the successors of pre-2025 communes from the shipped national mapping "
            "(schools/data/communes_2025.csv); only --mapping and same codes count",
        )
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            default=REFORM_DATE,
            help=f"the date units are abolished on (default {REFORM_DATE.isoformat()})",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
        parser.add_argument("--list", action="store_true", help="list every unit created, renamed, abolished, moved")

    def handle(self, *args, province, units, mapping, no_national_mapping, on, dry_run, list: bool = False, **options):
        provinces = {
            AdministrativeUnit.padded_code(AdministrativeUnit.Level.PROVINCE, code)
            for value in province
            for code in value.split(",")
            if code.strip()
        } or None
        for path in (units, mapping):
            if path and not path.exists():
                raise CommandError(f"{path}: no such file")
        try:
            if units:
                rows, source = csv_unit_rows(units.read_bytes(), units.name, provinces), units.name
            else:
                rows, source = package_rows(provinces), f"{PACKAGE_SOURCE} {package_version()}"
            if provinces:
                known = {row.code for row in rows if row.level == AdministrativeUnit.Level.PROVINCE}
                unknown = sorted(provinces - known)
                if unknown:
                    raise MapError([("--province", f"unknown province code {code}") for code in unknown])
            mapping_rows = csv_mapping_rows(mapping.read_bytes(), mapping.name) if mapping else []
            national = [] if no_national_mapping else national_mapping_rows()
            report = load_map(
                rows=rows, mapping=mapping_rows, national=national, provinces=provinces, on=on, dry_run=dry_run
            )
        except MapError as error:
            for where, message in error.problems:
                self.stderr.write(self.style.ERROR(f"  {where}: {message}"))
            raise CommandError(f"{len(error.problems)} problem(s); nothing was loaded.", returncode=2) from None
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"Map: {source}, {len(rows)} units" + (f" of provinces {', '.join(sorted(provinces))}" if provinces else "")
        )
        self.stdout.write(
            f"units: {len(report.created)} {verb} created, {len(report.renamed)} {verb} renamed, "
            f"{len(report.abolished)} {verb} abolished (on {on.isoformat()}); "
            f"schools: {len(report.moved)} {verb} moved"
        )
        if list:
            for unit in report.created:
                self.stdout.write(f"  created   {unit.level:<8} {unit.code} {unit.name}")
            for unit, old in report.renamed:
                self.stdout.write(f"  renamed   {unit.level:<8} {unit.code} {old} -> {unit.name}")
            for unit in report.abolished:
                self.stdout.write(f"  abolished {unit.level:<8} {unit.code} {unit.name}")
            for school, old, new in report.moved:
                self.stdout.write(
                    f"  moved     school {school.code} {school.name}: {old.name} -> {new.name} ({new.code})"
                )
        for school, old, new in report.defaulted:
            self.stdout.write(
                self.style.WARNING(
                    f"  school {school.pk} {school.name}: {old.name} ({old.code}) was split; the school "
                    f"{'would go' if dry_run else 'went'} to {new.name} ({new.code}), its main successor. "
                    "If it is in another part, name that commune for it with --mapping (old_code,new_code,school_id)"
                )
            )
        for school, commune in report.stranded:
            self.stdout.write(
                self.style.WARNING(
                    f"  school {school.pk} {school.name} stays in the abolished {commune.name} ({commune.code}), "
                    "which has no successor: name its new commune with --mapping"
                )
            )
        if not report.changed:
            self.stdout.write("Nothing to change: the registry already holds this map.")
