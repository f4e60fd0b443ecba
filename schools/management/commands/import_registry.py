from pathlib import Path

from django.contrib.auth import get_user_model
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
        parser.add_argument(
            "--by", metavar="EMAIL", help="the person running the import: the schools' history names them"
        )

    def handle(self, *args, units=None, schools=None, dry_run=False, by=None, **options):
        if not units and not schools:
            raise CommandError("Give --units FILE, --schools FILE, or both.")
        actor = None
        if by:
            actor = get_user_model().objects.filter(email__iexact=by).first()
            if actor is None:
                raise CommandError(f"--by {by}: no user has this e-mail address", returncode=2)
        failed = False
        for label, path, importer in (("units", units, import_units), ("schools", schools, import_schools)):
            if not path:
                continue
            if not path.exists():
                raise CommandError(f"{path}: no such file")
            extra = {"actor": actor, "reason": f"import_registry {path.name}"} if importer is import_schools else {}
            report = importer(path.read_bytes(), dry_run=dry_run, **extra)
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
