from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.unit_mapping import derive, to_csv
from schools.units import NATIONAL_MAPPING, package_rows


class Command(BaseCommand):
    help = (
        "Derive the national mapping of pre-2025 communes to the current ones "
        f"({NATIONAL_MAPPING.name}) from a vietnamadminunits wheel "
        "(pip download vietnamadminunits==1.0.4 --no-deps). Maintainers run it when either "
        "package publishes new data; load_units reads the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("wheel", type=Path, help="the vietnamadminunits .whl file")
        parser.add_argument("--out", type=Path, default=NATIONAL_MAPPING, help=f"default: {NATIONAL_MAPPING}")

    def handle(self, *args, wheel, out, **options):
        if not wheel.exists():
            raise CommandError(f"{wheel}: no such file")
        current = {row.code: (row.parent_code, row.name) for row in package_rows() if row.level == "commune"}
        try:
            derived = derive(wheel, current)
        except (KeyError, OSError, ValueError) as error:
            raise CommandError(f"{wheel}: not a vietnamadminunits wheel with its data ({error})") from error
        out.write_text(to_csv(derived.rows), encoding="utf-8")
        olds = {row.old_code for row in derived.rows}
        split = len(olds) - len({row.old_code for row in derived.rows if row.default})
        self.stdout.write(
            f"{len(derived.rows)} rows for {len(olds)} old communes into "
            f"{len({row.new_code for row in derived.rows})} new ones written to {out}; "
            f"{derived.recoded} new codes matched by name"
            + (f"; not in the current map: {', '.join(derived.unmatched)}" if derived.unmatched else "")
        )
        if split:
            self.stderr.write(self.style.WARNING(f"{split} old communes have no default successor"))
