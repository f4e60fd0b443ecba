from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from schools.services import SCHOOL_COLUMNS, import_schools, import_units


class Command(BaseCommand):
    help = (
        "Import administrative units and schools from CSV files (UTF-8, with a header row). "
        "Units: code,name,level,parent_code. Schools: " + ",".join(SCHOOL_COLUMNS) + ". "
        "Rows are matched by official code: new ones are created, known ones updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=Path, help="CSV of administrative units")
        parser.add_argument("--schools", type=Path, help="CSV of schools")
        parser.add_argument("--dry-run", action="store_true", help="check every row, change nothing")

    def handle(self, *args, units=None, schools=None, dry_run=False, **options):
        if not units and not schools:
            raise CommandError("Give --units FILE, --schools FILE, or both.")
        failed = False
        for label, path, importer in (("units", units, import_units), ("schools", schools, import_schools)):
            if not path:
                continue
            if not path.exists():
                raise CommandError(f"{path}: no such file")
            report = importer(path.read_bytes(), dry_run=dry_run)
            verb = "would be" if dry_run else "were"
            self.stdout.write(
                f"{label}: {report.created} {verb} created, {report.updated} {verb} updated, "
                f"{len(report.rejected)} rejected"
            )
            for line, reason in report.rejected:
                self.stdout.write(self.style.WARNING(f"  {path.name} line {line}: {reason}"))
            failed = failed or bool(report.rejected)
        if failed:
            # A non-zero exit lets a script notice rejected rows; accepted ones are kept.
            raise CommandError("Some rows were rejected; see the lines above.", returncode=2)
