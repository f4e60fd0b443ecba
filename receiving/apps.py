from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivingConfig(AppConfig):
    """Circular 16/2018/TT-BGDĐT, per need: the school's receiving team (tổ tiếp nhận tài
    trợ), the usage plan published for fifteen working days of public comment, the
    comments, the receipt record of each gift (biên bản tiếp nhận tài trợ) and the
    settlement report (báo cáo quyết toán) once the need is delivered."""

    name = "receiving"
    verbose_name = _("Receiving sponsorship (Circular 16)")

    def ready(self):
        from . import signals  # noqa: F401
