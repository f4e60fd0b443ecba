from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops import scale_data


class Command(BaseCommand):
    help = (
        "Generate synthetic data at national scale for the benchmark: by default the current map (34 provinces "
        "with their real numbers of communes, no districts, an education office per commune with schools and a "
        "department per province; --shape three-tier for the old map with districts), schools and sites, needs "
        "in every status with items and history, pledges adding up to every need's figures, donors, contest "
        "rounds and entries. Deterministic from --seed and --as-of. Every generated "
        "user (officer-<unit id>@scale.test, school-<n>@scale.test, donor-<n>@scale.test) has --password."
    )

    def add_arguments(self, parser):
        defaults = scale_data.Sizes()
        parser.add_argument("--schools", type=int, default=defaults.schools)
        parser.add_argument("--sites-per-school", type=float, default=defaults.sites_per_school)
        parser.add_argument("--needs-per-school", type=float, default=defaults.needs_per_school)
        parser.add_argument("--pledges-per-need", type=float, default=defaults.pledges_per_need)
        parser.add_argument("--entries", type=int, default=defaults.entries)
        parser.add_argument("--provinces", type=int, default=defaults.provinces)
        parser.add_argument(
            "--communes",
            type=int,
            default=defaults.communes,
            help="in all; default the real numbers (3,321 for the 34 provinces). Shared between the provinces "
            "in proportion to their real numbers of communes",
        )
        parser.add_argument(
            "--communes-per-district", type=int, default=defaults.communes_per_district, help="three-tier only"
        )
        parser.add_argument(
            "--shape",
            choices=scale_data.SHAPES,
            default=defaults.shape,
            help="two-tier: the current map (default); three-tier: the map before 1 July 2025, with districts",
        )
        parser.add_argument("--donors", type=int, default=defaults.donors)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD; default today")
        parser.add_argument("--password", default="bench12345")
        parser.add_argument(
            "--reset", action="store_true", help="empty every table first (destroys all data in this database)"
        )

    def handle(self, *args, **options):
        sizes = scale_data.Sizes(
            **{key: options[key] for key in scale_data.Sizes.__dataclass_fields__},
        )
        too_few_communes = sizes.communes is not None and sizes.communes < sizes.provinces
        if sizes.provinces < 1 or too_few_communes or sizes.schools < 1 or sizes.communes_per_district < 1:
            raise CommandError("Need at least one province, one commune per province and one school.")
        if options["reset"]:
            scale_data.reset_database()
        elif scale_data.already_generated():
            raise CommandError("Generated data is already in this database; use --reset to start again.")
        generator = scale_data.Generator(
            sizes,
            seed=options["seed"],
            as_of=options["as_of"] or timezone.localdate(),
            password=options["password"],
            log=self.stdout.write,
        )
        report = generator.run()
        self.stdout.write(self.style.SUCCESS(f"Done in {report.seconds['total']:.0f} s"))
        for table, count in sorted(report.counts.items()):
            self.stdout.write(f"  {table:32} {count:>12,}")
