from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The offices' oversight, at the top of the portal: dashboards and their exports,
    digests, reminders, the change log. It reads every app below it; none reads it."""

    name = "oversight"
    verbose_name = _("Oversight")
