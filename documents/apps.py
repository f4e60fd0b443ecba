from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Official documents (Decree 30/2020/NĐ-CP): who issues a document and how its header,
    number and signature block read (`issuers.py`). It sits just above `schools`, whose
    offices and schools are the issuing bodies, and below every app that prints."""

    name = "documents"
    verbose_name = _("Official documents")
