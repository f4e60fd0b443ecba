from importlib import import_module, util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schools.demo import DEMO_PASSWORD, USERS, USERS_TODAY

# The demo is loaded in two eras, each app in INSTALLED_APPS order (needs after schools,
# pledges after needs): first the portal as it stood before 1 July 2025 (the old map,
# the 2021 Tuần Giáo campaign closed with its final review, the 2024 contest), then the
# reform (the current map of the demo's provinces; the schools move to their new
# communes) and the programme as it runs today. An app's demo module has a function per
# era, `load_before_reform(out)` and `load(out)`, either optional.
ERAS = ("load_before_reform", "load")


def demo_modules_of(config) -> list[str]:
    """An app's demo modules: `demo` (a module or a package), then any `demo_<part>.py`
    beside it in name order, for an app whose demo is built in parts (receiving's
    records, `receiving/demo_records.py`)."""
    names = [f"{config.name}.demo"] if util.find_spec(f"{config.name}.demo") is not None else []
    parts = sorted(Path(config.path).glob("demo_*.py"))
    return names + [f"{config.name}.{part.stem}" for part in parts]


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent: a second run changes nothing) and print the demo logins. "
        "The demo starts before the reform of 1 July 2025 and moves to today's map."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before-reform",
            action="store_true",
            help="load only the demo as it stood before 1 July 2025 (the old map); a later run without it "
            "brings it to today",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load the demo even in the production profile (DJANGO_DEBUG=0): only on a throwaway "
            "database, since it creates an administrator with a published password",
        )

    def handle(self, *args, before_reform=False, allow_production=False, **options):
        # The demo's logins, the administrator's among them, share a password printed in
        # README: on a real portal that is an open door.
        if settings.PRODUCTION_PROFILE and not allow_production:
            raise CommandError(
                "seed_demo refused: this is the production profile (DJANGO_DEBUG=0), and the demo creates "
                f"admin@demo.vn and other accounts with the published password {DEMO_PASSWORD}. "
                "On a throwaway database only, run it with --allow-production."
            )
        modules = []
        for config in apps.get_app_configs():
            if config.name.startswith("django"):
                continue
            for name in demo_modules_of(config):
                modules.append((config, import_module(name)))
        logins = [(email, full_name) for email, full_name, *_rest in USERS]
        eras = ERAS[:1] if before_reform else ERAS
        for era in eras:
            self.stdout.write("Before 1 July 2025:" if era == ERAS[0] else "Today:")
            for config, module in modules:
                load = getattr(module, era, None)
                if load is not None:
                    self.stdout.write(f" {config.verbose_name}:")
                    load(self.stdout.write)
            if era == ERAS[1]:
                logins += [(email, full_name) for email, full_name, *_rest in USERS_TODAY]
        for _config, module in modules:
            logins += getattr(module, "EXTRA_LOGINS", [])
        self.stdout.write(self.style.SUCCESS(f"Demo data is loaded. Demo logins (password: {DEMO_PASSWORD}):"))
        for email, full_name in logins:
            self.stdout.write(f"  {email:<22} {full_name}")
