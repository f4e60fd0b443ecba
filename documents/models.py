"""The document register (sổ đăng ký văn bản đi): every document an office or a school
issues gets the next number of that body's register for the year, once, never reused
(Decree 30/2020/NĐ-CP, Article 15: numbers run from 01 on 1 January to 31 December).
A draft has no number; issuing is what takes one (documents.services.register_document)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from schools.models import Office, School


class DocumentKind(models.TextChoices):
    """Kinds of administrative document with their abbreviations (Decree 30, Appendix III)."""

    DECISION = "QĐ", _("Decision")
    PLAN = "KH", _("Plan")
    REPORT = "BC", _("Report")
    NOTICE = "TB", _("Notice")
    RECORD = "BB", pgettext_lazy("document kind", "Record")
    SUBMISSION = "TTr", _("Submission")
    CERTIFICATE = "GCN", _("Certificate")


class Register(models.Model):
    """One issuing body's register for one year: the counter of its numbers."""

    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="registers")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="registers")
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=False, school__isnull=True) | Q(office__isnull=True, school__isnull=False),
                name="documents_register_one_body",
            ),
            models.UniqueConstraint(fields=["office", "year"], name="documents_register_office_year"),
            models.UniqueConstraint(fields=["school", "year"], name="documents_register_school_year"),
        ]

    def __str__(self):
        return f"{self.body} – {self.year}"

    @property
    def body(self):
        return self.office or self.school


def _issued_path(instance, filename):
    # Private (core.media serves nothing under documents/); a random name, never reused.
    return f"documents/issued/{instance.register.year}/{secrets.token_hex(16)}.pdf"


class IssuedDocument(models.Model):
    """A document as issued: its number in the register, its symbol ("KH-UBND"), what it
    is about, who signed and who issued it in the portal, and the PDF as issued."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="documents")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=5, choices=DocumentKind.choices)
    symbol = models.CharField(_("symbol"), max_length=40)
    title = models.CharField(_("summary"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(_("document"), upload_to=_issued_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="documents_issueddocument_number_once"),
        ]

    def __str__(self):
        return f"{self.number_text} – {self.title}"

    @property
    def number_text(self) -> str:
        """ "05/KH-UBND": the number with at least two digits (Decree 30), then the symbol."""
        return f"{self.number:02d}/{self.symbol}"
