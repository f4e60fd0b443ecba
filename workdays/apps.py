from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """Vietnam's working calendar, kept as data: public holidays (Tết by its lunar dates),
    compensatory days off, and weekend days declared working days. Deadlines counted in
    working days (Circular 16/2018's fifteen days of public comment) read it."""

    name = "workdays"
    verbose_name = _("Working calendar")
