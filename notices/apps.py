from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # The outbox hands a notice to send_notice by its name (notices.outbox), so the
        # task must be registered in the web process too, not only in the worker.
        from . import tasks  # noqa: F401
