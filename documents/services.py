"""Writes of the documents app. Issuing a document takes the next number of its body's
register for the year under the register's row lock, so two officers issuing at the same
moment never get one number twice; the number is never given back, even if what follows
in the caller's transaction fails before it commits (then nothing was issued at all).

Every write of the documents app, with its history row (`_history_user`)."""

from dataclasses import dataclass
from datetime import date

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from documents import keystore
from documents.models import SigningKey
from documents.signing import RemoteSigningClient, SigningFailed

from .models import DocumentKind, IssuedDocument, Register


def _register_for_update(*, office, school, year: int) -> Register:
    body = {"office": office} if office is not None else {"school": school}
    for _attempt in range(2):
        register = Register.objects.select_for_update().filter(year=year, **body).first()
        if register is not None:
            return register
        try:
            with transaction.atomic():  # a savepoint: another transaction may create it first
                Register.objects.create(year=year, **body)
        except IntegrityError:
            pass
    return Register.objects.select_for_update().get(year=year, **body)


def register_document(
    *,
    kind: str,
    body_symbol: str,
    title: str,
    issued_on: date,
    user,
    office=None,
    school=None,
    signer_name: str = "",
    signer_title: str = "",
    pdf: bytes | None = None,
) -> IssuedDocument:
    """Enter a document in its body's register and give it the next number. `body_symbol`
    is the issuing body's abbreviation ("UBND", "SGDĐT"): the document's symbol is the
    kind's abbreviation and it ("KH-UBND"). Exactly one of `office` and `school`."""
    if (office is None) == (school is None):
        raise ValueError("A document is issued by one office or one school.")
    if kind not in DocumentKind.values:
        raise ValueError(f"Unknown document kind: {kind!r}")
    with transaction.atomic():
        register = _register_for_update(office=office, school=school, year=issued_on.year)
        register.last_number += 1
        register.save(update_fields=["last_number"])
        document = IssuedDocument(
            register=register,
            number=register.last_number,
            kind=kind,
            symbol=f"{kind}-{body_symbol}",
            title=title,
            issued_on=issued_on,
            signer_name=signer_name,
            signer_title=signer_title,
            issued_by=user,
        )
        document._history_user = user
        if pdf is not None:
            document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        document.save()
    return document


def attach_pdf(*, document: IssuedDocument, pdf: bytes, user) -> IssuedDocument:
    """Keep the PDF as issued (or as signed, which replaces the unsigned one)."""
    with transaction.atomic():
        old = document.pdf.name if document.pdf else ""
        document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        document._history_user = user
        document.save(update_fields=["pdf"])
        if old:
            transaction.on_commit(lambda: document.pdf.storage.delete(old))
    return document


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
