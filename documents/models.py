from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schools.models import Office, School


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
