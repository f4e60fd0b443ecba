from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        # signals: the cache invalidation and the pledges' reactions to needs and e-mails.
        # tasks: the outbox hands mails to send_pledge_notice by its name (donations.outbox),
        # so the task must be registered in the web process too, not only in the worker.
        from . import signals, tasks  # noqa: F401
