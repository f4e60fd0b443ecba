"""Every write of the documents app, with its history row (`_history_user`)."""

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from documents import keystore
from documents.models import SigningKey
from documents.signing import RemoteSigningClient, SigningFailed


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    serial: str
    valid_from: object
    valid_until: object

    @classmethod
    def of(cls, certificate: x509.Certificate) -> "CertificateFacts":
        return cls(
            subject=certificate.subject.rfc4514_string(),
            issuer=certificate.issuer.rfc4514_string(),
            serial=format(certificate.serial_number, "X"),
            valid_from=certificate.not_valid_before_utc,
            valid_until=certificate.not_valid_after_utc,
        )


def _owner_fields(owner) -> dict:
    from schools.models import Office, School

    if isinstance(owner, Office):
        return {"office": owner, "school": None}
    if isinstance(owner, School):
        return {"office": None, "school": owner}
    raise TypeError("a signing key belongs to an office or a school")


def _save(key: SigningKey, actor) -> SigningKey:
    key._history_user = actor
    key.save()
    return key


@transaction.atomic
def signing_key_add_pkcs12(
    *, owner, holder: str, label: str, pkcs12_file: bytes, password: str, actor=None
) -> SigningKey:
    """Keeps a PKCS#12 file and its password, both encrypted. The file must open with the
    password and hold a key and its certificate."""
    try:
        private_key, certificate, _others = pkcs12.load_key_and_certificates(
            pkcs12_file, password.encode() if password else None
        )
    except ValueError as error:
        raise ValidationError(
            _("The PKCS#12 file does not open with this password, or is not a PKCS#12 file.")
        ) from error
    if private_key is None or certificate is None:
        raise ValidationError(_("The PKCS#12 file holds no private key with its certificate."))
    facts = CertificateFacts.of(certificate)
    key = SigningKey(
        **_owner_fields(owner),
        holder=holder,
        kind=SigningKey.Kind.PKCS12,
        label=label,
        pkcs12_encrypted=keystore.seal(pkcs12_file),
        password_encrypted=keystore.seal(password.encode()),
        certificate_subject=facts.subject,
        certificate_issuer=facts.issuer,
        certificate_serial=facts.serial,
        valid_from=facts.valid_from,
        valid_until=facts.valid_until,
        added_by=actor,
    )
    return _save(key, actor)


@transaction.atomic
def signing_key_add_remote(
    *, owner, holder: str, label: str, key_id: str, actor=None, client: RemoteSigningClient | None = None
) -> SigningKey:
    """Registers a key held by the remote signing service; its certificate is fetched
    from the service now, so a wrong id is refused here rather than at signing time."""
    from cryptography.x509 import load_der_x509_certificate

    client = client or RemoteSigningClient.from_settings()
    try:
        chain = client.certificate_chain(key_id)
    except SigningFailed as error:
        raise ValidationError(str(error)) from error
    facts = CertificateFacts.of(load_der_x509_certificate(chain[0].dump()))
    key = SigningKey(
        **_owner_fields(owner),
        holder=holder,
        kind=SigningKey.Kind.REMOTE,
        label=label,
        remote_key_id=key_id,
        certificate_subject=facts.subject,
        certificate_issuer=facts.issuer,
        certificate_serial=facts.serial,
        valid_from=facts.valid_from,
        valid_until=facts.valid_until,
        added_by=actor,
    )
    return _save(key, actor)


@transaction.atomic
def signing_key_retire(*, key: SigningKey, actor=None) -> SigningKey:
    """Stops using a key and drops its key material; the row and its history stay."""
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    key.is_active = False
    if key.kind == SigningKey.Kind.PKCS12:
        # The material goes; the constraint wants it for a PKCS#12 row, so keep an
        # encrypted empty value rather than the key.
        key.pkcs12_encrypted = keystore.seal(b"")
        key.password_encrypted = keystore.seal(b"")
    return _save(key, actor)
