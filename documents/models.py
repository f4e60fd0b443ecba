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
    signer = models.ForeignKey(
        "Signer", verbose_name=_("signer"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    # Where the signature block leaves room for the signature, so the stored PDF can be
    # signed (again) without rendering it anew: {"page": 0, "box": [x1, y1, x2, y2]} in points.
    signature_space = models.JSONField(null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
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


class SigningKey(models.Model):
    """A key an office or a school signs documents with: a person's (the signer with
    authority) or the organisation's (its seal).

    Either a PKCS#12 file kept here, encrypted with its password (`documents.keystore`),
    or a key held by the remote signing service, named by its id there. The certificate's
    subject, serial and validity are copied on registration so officers can see which key
    is which without opening it."""

    class Holder(models.TextChoices):
        PERSON = "person", _("Person (the signer)")
        ORGANISATION = "organisation", _("Organisation (the seal)")

    class Kind(models.TextChoices):
        PKCS12 = "pkcs12", _("PKCS#12 file kept by the portal")
        REMOTE = "remote", _("Remote signing service")

    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT, related_name="signing_keys"
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), null=True, blank=True, on_delete=models.PROTECT, related_name="signing_keys"
    )
    holder = models.CharField(_("whose signature"), max_length=20, choices=Holder.choices)
    kind = models.CharField(_("where the key is kept"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=200)
    # Encrypted (Fernet tokens); never in the history, so a retired key leaves no copy.
    pkcs12_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    password_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    remote_key_id = models.CharField(_("key id at the signing service"), max_length=200, blank=True)
    certificate_subject = models.CharField(_("certificate subject"), max_length=500)
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=500)
    certificate_serial = models.CharField(_("certificate serial number"), max_length=100)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("in use"), default=True)
    signer = models.ForeignKey(
        "Signer",
        verbose_name=_("signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_keys",
        help_text=_("For a person's key: the signer whose key it is."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["pkcs12_encrypted", "password_encrypted"])

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(office__isnull=False, school__isnull=True) | Q(office__isnull=True, school__isnull=False)),
                name="documents_signingkey_one_owner",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="pkcs12", pkcs12_encrypted__isnull=False, password_encrypted__isnull=False, remote_key_id="")
                    | (
                        Q(kind="remote", pkcs12_encrypted__isnull=True, password_encrypted__isnull=True)
                        & ~Q(remote_key_id="")
                    )
                ),
                name="documents_signingkey_material_by_kind",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.owner})"

    @property
    def owner(self):
        return self.office or self.school


class Signer(models.Model):
    """Someone who may sign an issuing body's documents, with their own title and the
    authority they sign with (Decree 30/2020/NĐ-CP, Article 13 and Appendix I). What the
    signature block then reads follows from the body and this row: documents.signers."""

    class Authority(models.TextChoices):
        HEAD = "head", _("Head, in their own right")
        COLLECTIVE_HEAD = "tm", _("Head, on behalf of the collective body (TM.)")
        COLLECTIVE_DEPUTY = "tm_kt", _("Deputy, for the head on behalf of the collective body (TM. + KT.)")
        DEPUTY = "kt", _("Deputy, signing for the head (KT.)")
        ACTING = "q", _("Acting head (Q.)")
        DELEGATED = "tl", _("By delegation of the head (TL.)")
        AUTHORISED = "tuq", _("By authorisation of the head (TUQ.)")

    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT, related_name="signers"
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), null=True, blank=True, on_delete=models.PROTECT, related_name="signers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: the signer's own account in the portal."),
    )
    full_name = models.CharField(_("full name"), max_length=120)
    title = models.CharField(
        pgettext_lazy("signer", "position"),
        max_length=200,
        blank=True,
        help_text=_("The signer's own title in capitals, e.g. PHÓ GIÁM ĐỐC, CHÁNH VĂN PHÒNG; empty for the head."),
    )
    authority = models.CharField(_("signs as"), max_length=10, choices=Authority.choices, default=Authority.HEAD)
    is_active = models.BooleanField(_("may sign"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        ordering = ["-is_active", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=False, school__isnull=True) | Q(office__isnull=True, school__isnull=False),
                name="documents_signer_one_body",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.title or self.get_authority_display()})"

    @property
    def body(self):
        return self.office or self.school
