"""Checking the signatures of a PDF anyone uploads, with pyHanko's validator.

For each signature: who signed (the certificate's name and organisation), when (the time
the signer's software stated), whether the signed bytes are intact, whether the
certificate chains to a trusted root (`SIGNATURE_TRUST_ROOTS`: files of PEM or DER
certificates, such as the national root CA's), and whether the document was changed
after signing beyond adding further signatures. Revocation (CRL, OCSP) is checked only
where the machine is online (`SIGNATURE_VALIDATION_ONLINE`); offline, a revoked
certificate cannot be told from a good one, and the page says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from django.conf import settings

from documents.signing import outside_event_loop


class NotAPdf(Exception):
    """The upload is not a PDF pyHanko can read."""


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    signer_name: str
    organisation: str
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged and the signature matches the certificate
    trusted: bool  # the certificate chains to a trusted root (and, online, is not revoked)
    revoked: bool
    changed_after: bool  # the document was changed after this signature beyond what is allowed
    covers_whole_file: bool

    @property
    def good(self) -> bool:
        return self.intact and self.trusted and not self.changed_after


@dataclass(frozen=True)
class VerificationResult:
    signatures: list[SignatureReport]
    revocation_checked: bool
    trust_roots_configured: bool

    @property
    def all_good(self) -> bool:
        return bool(self.signatures) and all(s.good for s in self.signatures)


def trust_roots() -> list:
    """The certificates named by SIGNATURE_TRUST_ROOTS (each file PEM, possibly several
    certificates, or DER), as asn1crypto certificates."""
    from asn1crypto import pem, x509

    roots = []
    for name in settings.SIGNATURE_TRUST_ROOTS:
        data = Path(name).read_bytes()
        if pem.detect(data):
            roots.extend(x509.Certificate.load(der) for _kind, _headers, der in pem.unarmor(data, multiple=True))
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def _name_part(name, key: str) -> str:
    return name.native.get(key, "") if name is not None else ""


def verify_pdf(pdf: bytes) -> VerificationResult:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not pdf.startswith(b"%PDF-"):
        raise NotAPdf
    online = settings.SIGNATURE_VALIDATION_ONLINE
    roots = trust_roots()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise NotAPdf from error

    reports = []
    for signature in embedded:
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=online,
            # Online, a certificate that names a CRL or OCSP responder must be checked
            # there; offline nothing can be fetched, so nothing is demanded.
            revocation_mode="hard-fail" if online else "soft-fail",
        )
        try:
            status = outside_event_loop(validate_pdf_signature, signature, context)
        except Exception:  # a malformed signature is a broken one, whatever pyHanko raises
            reports.append(
                SignatureReport(
                    field_name=signature.field_name or "",
                    signer_name="",
                    organisation="",
                    signed_at=None,
                    intact=False,
                    trusted=False,
                    revoked=False,
                    changed_after=False,
                    covers_whole_file=False,
                )
            )
            continue
        subject = status.signing_cert.subject if status.signing_cert is not None else None
        reports.append(
            SignatureReport(
                field_name=signature.field_name or "",
                signer_name=_name_part(subject, "common_name"),
                organisation=_name_part(subject, "organization_name"),
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact and status.valid),
                # The certificate's own standing, apart from the bytes: pyHanko's `trusted`
                # is false for any broken signature, and the page says both things apart.
                trusted=status.validation_path is not None and status.trust_problem_indic is None,
                revoked=status.revoked,
                changed_after=status.docmdp_ok is False,
                covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            )
        )
    return VerificationResult(signatures=reports, revocation_checked=online, trust_roots_configured=bool(roots))
