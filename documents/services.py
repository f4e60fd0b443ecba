"""Writes of the documents app. Issuing a document takes the next number of its body's
register for the year under the register's row lock, so two officers issuing at the same
moment never get one number twice; the number is never given back, even if what follows
in the caller's transaction fails before it commits (then nothing was issued at all).

Every write of the documents app, with its history row (`_history_user`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import keystore, signers
from documents.issuers import Issuer, NoIssuer, signing_body_of
from documents.models import Signer, SigningKey
from documents.signing import (
    Box,
    RemoteSigningClient,
    SignatureRequest,
    SigningFailed,
    backend_for,
    decree30_boxes,
    person_appearance,
    seal_appearance,
    sign_document,
)

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


def _check_key_signer(owner, holder: str, signer: Signer | None) -> None:
    """A person's key may name the signer whose key it is, one of the same body's."""
    if signer is None:
        return
    if holder != SigningKey.Holder.PERSON:
        raise ValidationError({"signer": _("Only a person's key belongs to a signer; the seal is the body's.")})
    if signer.body != owner:
        raise ValidationError({"signer": _("This signer signs for another body.")})


@transaction.atomic
def signing_key_add_pkcs12(
    *, owner, holder: str, label: str, pkcs12_file: bytes, password: str, actor=None, signer: Signer | None = None
) -> SigningKey:
    """Keeps a PKCS#12 file and its password, both encrypted. The file must open with the
    password and hold a key and its certificate. A person's key names its signer."""
    _check_key_signer(owner, holder, signer)
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
        signer=signer,
    )
    return _save(key, actor)


@transaction.atomic
def signing_key_add_remote(
    *,
    owner,
    holder: str,
    label: str,
    key_id: str,
    actor=None,
    client: RemoteSigningClient | None = None,
    signer: Signer | None = None,
) -> SigningKey:
    """Registers a key held by the remote signing service; its certificate is fetched
    from the service now, so a wrong id is refused here rather than at signing time."""
    from cryptography.x509 import load_der_x509_certificate

    _check_key_signer(owner, holder, signer)

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
        signer=signer,
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


# --- Signers --------------------------------------------------------------------------


def signer_problems(signer: Signer) -> dict[str, str]:
    """Why `signer` cannot sign for its body (documents.signers), by field."""
    try:
        body = signing_body_of(signer.body, on=timezone.localdate())
    except NoIssuer as problem:
        return {"__all__": str(problem)}
    return signers.problems(body, signer.authority, signer.title)


def signer_save(*, signer: Signer, user) -> Signer:
    """Add or change a body's signer (its body set by the caller), the title in capitals;
    a combination the rules refuse raises ValidationError by field."""
    signer.full_name = " ".join(signer.full_name.split())
    signer.title = signers.normalise_title(signer.title)
    found = signer_problems(signer)
    if found:
        raise ValidationError(found)
    with transaction.atomic():
        signer._history_user = user
        signer.save()
    return signer


def signer_set_active(*, signer: Signer, active: bool, user) -> Signer:
    """A signer who leaves (or comes back) is kept, with the documents they signed."""
    with transaction.atomic():
        locked = Signer.objects.select_for_update().get(pk=signer.pk)
        locked.is_active = active
        locked._history_user = user
        locked.save(update_fields=["is_active", "updated_at"])
    signer.is_active = active
    return signer


# --- Issuing --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """A document rendered for issuing: its PDF, and the places its signature block left
    for the signature (core.documents.render_pdf_locating)."""

    pdf: bytes
    signature_spaces: list


def issue_document(
    *, kind: str, issuer: Issuer, title: str, user, render: Callable[[IssuedDocument], Rendered]
) -> IssuedDocument:
    """Issue a document: the next number of the issuer's register, the PDF rendered with
    that number and the chosen signer (`render(document)`, given the numbered document)
    and kept as issued, all in one transaction (the caller's, when it has one): a
    failure leaves no number taken and nothing issued. Signing comes after
    (`sign_issued`), so a signing failure never loses a number."""
    if issuer.signer is None:
        raise ValueError("A document is issued with its signer chosen (Issuer.with_signer).")
    if not issuer.signer.is_active or issuer.signer.body != (issuer.office or issuer.school):
        raise ValidationError({"signer": _("This person does not sign for %(body)s.") % {"body": issuer.text_name}})
    with transaction.atomic():
        document = register_document(
            kind=kind,
            body_symbol=issuer.symbol,
            title=title,
            issued_on=issuer.on,
            user=user,
            office=issuer.office,
            school=issuer.school,
            signer_name=issuer.signer_name,
            signer_title=" – ".join(issuer.signature_lines),
        )
        rendered = render(document)
        document.signer = issuer.signer
        # The signature block is the last thing on the document: its space is the last one.
        document.signature_space = rendered.signature_spaces[-1] if rendered.signature_spaces else None
        document.pdf.save("document.pdf", ContentFile(rendered.pdf), save=False)
        document._history_user = user
        document.save(update_fields=["signer", "signature_space", "pdf"])
    return document


def signing_keys_for(document: IssuedDocument) -> tuple[SigningKey | None, SigningKey | None]:
    """The keys an issued document is signed with: its signer's own (a person's key
    linked to that signer) and the body's seal, each the newest in use, or None."""
    register = document.register
    keys = SigningKey.objects.filter(office=register.office, school=register.school, is_active=True).order_by(
        "-created_at", "-pk"
    )
    person = (
        keys.filter(holder=SigningKey.Holder.PERSON, signer=document.signer).first() if document.signer_id else None
    )
    organisation = keys.filter(holder=SigningKey.Holder.ORGANISATION).first()
    return person, organisation


def sign_issued(*, document: IssuedDocument, user) -> bool:
    """Sign an issued document's stored PDF with its signer's key, then the body's seal
    (whichever the body has in use), and keep the signed PDF in its place. True when the
    document is signed (now or before), False when the body has no key in use; raises
    SigningFailed, with the document left as it was (issued, numbered, unsigned)."""
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().select_related("register").get(pk=document.pk)
        if locked.signed_at:
            return True
        person_key, organisation_key = signing_keys_for(locked)
        if person_key is None and organisation_key is None:
            return False
        if not locked.signature_space or not locked.pdf:
            raise SigningFailed(_("This document has no place for a signature: it cannot be signed."))
        person_box, seal_box = decree30_boxes(Box(*locked.signature_space["box"]))
        page = locked.signature_space["page"]
        body = locked.register.body
        signatures = []
        if person_key is not None:
            signatures.append(
                (
                    backend_for(person_key),
                    SignatureRequest(
                        "Signer",
                        person_box,
                        person_appearance(locked.signer_name),
                        page=page,
                        reason=_("Signed to issue %(number)s") % {"number": locked.number_text},
                        signer_label=locked.signer_name,
                    ),
                )
            )
        if organisation_key is not None:
            signatures.append(
                (
                    backend_for(organisation_key),
                    SignatureRequest(
                        "Organisation", seal_box, seal_appearance(body.name), page=page, signer_label=body.name
                    ),
                )
            )
        with locked.pdf.open("rb") as stored:
            unsigned = stored.read()
        signed = sign_document(unsigned, signatures)
        attach_pdf(document=locked, pdf=signed, user=user)
        locked.signed_at = timezone.now()
        locked._history_user = user
        locked.save(update_fields=["signed_at"])
    document.pdf, document.signed_at = locked.pdf, locked.signed_at
    return True
