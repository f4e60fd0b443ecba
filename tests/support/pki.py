"""A throwaway certificate authority, built in memory for a test: a root, and
certificates it issues for a signer (a person) and an organisation (its seal). Nothing
is written to disk; PKCS#12 and PEM come back as bytes."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from documents.signing import (
    Box,
    Pkcs12Backend,
    SignatureRequest,
    decree30_boxes,
    person_appearance,
    seal_appearance,
    sign_document,
)


@dataclass
class Issued:
    key: object
    certificate: x509.Certificate
    chain: list  # the issuing CA's certificate(s), not including this one

    def pkcs12(self, password: str) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"test",
            self.key,
            self.certificate,
            self.chain,
            serialization.BestAvailableEncryption(password.encode()),
        )

    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


def _name(common_name: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


class ThrowawayCA:
    def __init__(self, name: str = "Throwaway Root CA"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        subject = _name(name, "Throwaway CA")
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def crl(self, revoked: list[x509.Certificate]) -> bytes:
        """The authority's certificate revocation list (DER), naming `revoked`."""
        now = datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=1))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        for certificate in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(certificate.serial_number)
                .revocation_date(now - timedelta(minutes=1))
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def issue(self, common_name: str, organisation: str = "", rsa_key: bool = True, crl_url: str = "") -> Issued:
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if rsa_key
            else ec.generate_private_key(ec.SECP256R1())
        )
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,  # non-repudiation: what a signing certificate carries
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        if crl_url:
            point = x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None, crl_issuer=None
            )
            certificate = certificate.add_extension(x509.CRLDistributionPoints([point]), critical=False)
        certificate = certificate.sign(self.key, hashes.SHA256())
        return Issued(key=key, certificate=certificate, chain=[self.certificate])


# The space a signature block leaves between the title and the name, bottom right of an
# A4 page (points from the bottom-left corner).
SIGNATURE_SPACE = Box(372, 612, 515, 668)


def sign_as_office(pdf: bytes, person: Issued, organisation: Issued) -> bytes:
    """`pdf` signed by the person and then the organisation, with PKCS#12 backends, at the
    places Decree 30 gives them."""
    person_box, seal_box = decree30_boxes(SIGNATURE_SPACE)
    return sign_document(
        pdf,
        [
            (
                Pkcs12Backend(person.pkcs12("mật-khẩu"), "mật-khẩu"),
                SignatureRequest("Signer", person_box, person_appearance("Nguyễn Văn An"), reason="Ký ban hành"),
            ),
            (
                Pkcs12Backend(organisation.pkcs12("mật-khẩu"), "mật-khẩu"),
                SignatureRequest("Organisation", seal_box, seal_appearance("Phòng GD&ĐT Tuần Giáo")),
            ),
        ],
    )
