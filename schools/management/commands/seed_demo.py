from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand

from schools.demo import DEMO_PASSWORD, USERS


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run changes nothing) and print the demo logins."

    def handle(self, *args, **options):
        # Each app that has a `demo` module adds its own records, in INSTALLED_APPS order,
        # so needs come after schools and pledges after needs.
        logins = [(email, full_name) for email, full_name, *_rest in USERS]
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if not config.name.startswith("django") and util.find_spec(name) is not None:
                self.stdout.write(f"{config.verbose_name}:")
                module = import_module(name)
                module.load(self.stdout.write)
                logins += getattr(module, "EXTRA_LOGINS", [])
        self.stdout.write(self.style.SUCCESS(f"Demo data is loaded. Demo logins (password: {DEMO_PASSWORD}):"))
        for email, full_name in logins:
            self.stdout.write(f"  {email:<20} {full_name}")
