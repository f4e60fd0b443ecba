"""Digital signatures on issued documents (PAdES, with pyHanko).

Decree 30/2020/NĐ-CP puts two signatures on a document issued electronically: the
signer's (the person with authority) and the organisation's (its seal). Each is a PAdES
signature in a visible field of its own, applied one after the other as incremental
updates, so the first stays valid under the second.

Agencies keep their keys on tokens or with a remote signing service; the portal signs
through one interface, `SigningBackend`, with two implementations:

- `Pkcs12Backend`: a PKCS#12 file and its password, kept encrypted in a `SigningKey`
  row (`documents.keystore`); for small deployments and tests.
- `RemoteSigningBackend`: a signing service configured in settings
  (`REMOTE_SIGNING_URL`, `REMOTE_SIGNING_TOKEN`, `REMOTE_SIGNING_TIMEOUT`). The document
  never leaves the portal: the service gets the hash to sign and answers the raw
  signature. The protocol is JSON over HTTPS, in the manner of the CA providers'
  "ký số từ xa" services:

      POST {url}/certificate   {"key_id": "..."}
        -> 200 {"certificate_chain": ["<base64 DER>", ...]}   signer's certificate first
      POST {url}/sign          {"key_id": "...", "hash_algorithm": "sha256",
                                "hash": "<base64 of the digest>"}
        -> 200 {"signature": "<base64 of the raw signature>"}

  with `Authorization: Bearer <REMOTE_SIGNING_TOKEN>`. For an RSA key the raw signature
  is PKCS#1 v1.5 over the digest (as a DigestInfo); for an EC key, ECDSA over the digest,
  DER-encoded. Any other answer (refused, timed out, malformed) raises `SigningFailed`.

Signing works on bytes in memory and hands back a document only when every signature
is in: a failure raises `SigningFailed`, never a half-signed document.

Where Decree 30 puts the images (Appendix I, part II): the signer's image centred
between the signer's title and full name (the space the signature block leaves for it);
the organisation's seal, at its real size, covering about the left third of the signer's
image. `decree30_boxes` computes both from the signature block's box.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import textwrap
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# The real size of a seal (Decree 99/2016/NĐ-CP: round seals of 35–42 mm for most
# agencies and schools); the organisation's image is drawn at this size by default.
SEAL_DIAMETER_MM = 36
POINTS_PER_MM = 72 / 25.4
BLUE = (0, 51, 153)  # the signer's signature: blue, as on paper
RED = (204, 0, 0)  # the seal: red
PIXELS_PER_POINT = 4  # appearance images at 288 dpi


class SigningFailed(Exception):
    """Signing did not happen; no signed document exists. The message says why."""


@dataclass(frozen=True)
class Box:
    """A rectangle on a page in PDF points, from the bottom-left corner."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))


def outside_event_loop(function, *args, **kwargs):
    """Calls `function`, which runs pyHanko's synchronous API (asyncio.run inside), in a
    thread of its own when this thread already runs an event loop (an ASGI worker, a
    Playwright script), where asyncio.run would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def decree30_boxes(signature_space: Box, seal_diameter_mm: float = SEAL_DIAMETER_MM) -> tuple[Box, Box]:
    """The signer's box and the organisation's, as Decree 30 places them.

    `signature_space` is the space the signature block leaves between the signer's title
    and full name: the signer's image fills it. The seal is a square of its real size,
    centred on the same line, its right edge a third of the way into the signer's image,
    so it covers the left third of it."""
    side = seal_diameter_mm * POINTS_PER_MM
    right = signature_space.x1 + signature_space.width / 3
    middle = (signature_space.y1 + signature_space.y2) / 2
    seal = Box(right - side, middle - side / 2, right, middle + side / 2)
    return signature_space, seal


@dataclass(frozen=True)
class Appearance:
    """What a signature field shows: an image (a transparent PNG of the signature as
    signed on paper, or of the seal) if the signer has one, else its lines of text drawn
    in its colour (in a ring, for a seal)."""

    lines: tuple[str, ...]
    image: bytes | None = None
    colour: tuple[int, int, int] = BLUE
    ring: bool = False

    def render(self, box: Box):
        """The appearance as a Pillow RGBA image the size of `box`."""
        from PIL import Image, ImageDraw, ImageFont

        width = max(1, round(box.width * PIXELS_PER_POINT))
        height = max(1, round(box.height * PIXELS_PER_POINT))
        canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
        if self.image:
            picture = Image.open(BytesIO(self.image)).convert("RGBA")
            picture.thumbnail((width, height))
            canvas.alpha_composite(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
            return canvas
        draw = ImageDraw.Draw(canvas)
        inset = 0
        if self.ring:
            stroke = max(2, width // 40)
            draw.ellipse((stroke, stroke, width - stroke, height - stroke), outline=self.colour, width=stroke)
            inset = width // 7
        lines = [line for line in self.lines if line]
        if not lines:
            return canvas
        size = height // (len(lines) + 2)
        font = ImageFont.truetype(settings.SIGNATURE_FONT, size)
        # Shrink until the longest line fits inside the box (or the ring).
        while size > 6 and max(draw.textlength(line, font=font) for line in lines) > width - 2 * inset - 8:
            size -= 2
            font = ImageFont.truetype(settings.SIGNATURE_FONT, size)
        step = size * 1.25
        top = (height - step * len(lines)) / 2
        for index, line in enumerate(lines):
            draw.text((width / 2, top + step * (index + 0.5)), line, fill=self.colour, font=font, anchor="mm")
        return canvas


def person_appearance(name: str, image: bytes | None = None) -> Appearance:
    return Appearance(lines=(name,), image=image, colour=BLUE)


def seal_appearance(organisation: str, signed_at: datetime | None = None, image: bytes | None = None) -> Appearance:
    """The organisation's seal image, or a red ring with its name and the signing time
    (ISO 8601, Vietnam's time zone: Decree 30's form for the organisation's signature)."""
    day, time_of_day = timezone.localtime(signed_at or timezone.now()).isoformat(timespec="seconds").split("T")
    # Short lines, so the text stays legible inside the ring.
    lines = (*textwrap.wrap(organisation, 16)[:4], day, time_of_day)
    return Appearance(lines=lines, image=image, colour=RED, ring=True)


@dataclass(frozen=True)
class SignatureRequest:
    """One signature to add: its field, where its image goes, and what it says."""

    field_name: str
    box: Box
    appearance: Appearance
    page: int = -1  # from 0; -1 is the last page, where the signature block is
    reason: str = ""
    location: str = ""
    signer_label: str = ""


class SigningBackend(ABC):
    """Where a key lives. A backend gives pyHanko a `Signer`; `sign` does the rest."""

    @abstractmethod
    def pyhanko_signer(self):
        """A pyhanko.sign.signers.Signer holding the certificate, ready to sign."""

    def sign(self, pdf: bytes, request: SignatureRequest) -> bytes:
        """`pdf` with one more signature, as an incremental update."""
        from pyhanko.pdf_utils.images import PdfImage
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import StaticStampStyle

        signer = self.pyhanko_signer()  # raises SigningFailed itself
        style = StaticStampStyle(
            background=PdfImage(request.appearance.render(request.box)),
            background_opacity=1.0,
            border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID, margins=Margins.uniform(0)
            ),
        )
        metadata = signers.PdfSignatureMetadata(
            field_name=request.field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=request.reason or None,
            location=request.location or None,
            name=request.signer_label or None,
        )
        pdf_signer = signers.PdfSigner(
            metadata,
            signer=signer,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(
                sig_field_name=request.field_name, on_page=request.page, box=request.box.as_tuple()
            ),
        )
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
            output = BytesIO()
            outside_event_loop(pdf_signer.sign_pdf, writer, output=output)
        except SigningFailed:
            raise
        except Exception as error:
            raise SigningFailed(_("The document could not be signed: %(error)s") % {"error": error}) from error
        return output.getvalue()


def sign_document(pdf: bytes, signatures: list[tuple[SigningBackend, SignatureRequest]]) -> bytes:
    """`pdf` with every signature in `signatures`, in order (the signer's, then the
    organisation's). All or nothing: the signed bytes come back only when all are in."""
    for backend, request in signatures:
        pdf = backend.sign(pdf, request)
    return pdf


# PKCS#12 ------------------------------------------------------------------------------


class Pkcs12Backend(SigningBackend):
    def __init__(self, pkcs12: bytes, password: str):
        self._pkcs12 = pkcs12
        self._password = password

    @classmethod
    def for_key(cls, key) -> Pkcs12Backend:
        """The backend of a `SigningKey` holding a PKCS#12 file (decrypted here, in memory)."""
        from documents import keystore

        try:
            return cls(
                keystore.unseal(bytes(key.pkcs12_encrypted)), keystore.unseal(bytes(key.password_encrypted)).decode()
            )
        except keystore.KeyUnreadable as error:
            raise SigningFailed(
                _(
                    "The signing key “%(label)s” cannot be decrypted: "
                    "SIGNING_KEYS_SECRET is not the one it was stored with."
                )
                % {"label": key.label}
            ) from error

    def pyhanko_signer(self):
        from pyhanko.sign import signers

        try:
            return signers.SimpleSigner.load_pkcs12_data(
                self._pkcs12, other_certs=(), passphrase=self._password.encode() if self._password else None
            )
        except ValueError as error:
            raise SigningFailed(_("The PKCS#12 file could not be opened: wrong password or not a key file.")) from error


# Remote signing service ---------------------------------------------------------------


@dataclass
class RemoteSigningClient:
    """Talks to the remote signing service (the protocol is in this module's docstring)."""

    url: str
    token: str = ""
    timeout: float = 30

    @classmethod
    def from_settings(cls) -> RemoteSigningClient:
        if not settings.REMOTE_SIGNING_URL:
            raise SigningFailed(_("No remote signing service is configured (REMOTE_SIGNING_URL)."))
        return cls(
            url=settings.REMOTE_SIGNING_URL.rstrip("/"),
            token=settings.REMOTE_SIGNING_TOKEN,
            timeout=settings.REMOTE_SIGNING_TIMEOUT,
        )

    def post(self, endpoint: str, payload: dict) -> dict:
        if not self.url.startswith(("https://", "http://")):
            raise SigningFailed(_("The remote signing service's address must be an https:// (or http://) URL."))
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked just above)
            f"{self.url}/{endpoint}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"}
            | ({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (checked above)
                body = response.read()
        except urllib.error.HTTPError as error:
            raise SigningFailed(
                _("The remote signing service refused (%(endpoint)s, HTTP %(status)s).")
                % {"endpoint": endpoint, "status": error.code}
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SigningFailed(
                _("The remote signing service cannot be reached: %(reason)s")
                % {"reason": getattr(error, "reason", error)}
            ) from error
        try:
            answer = json.loads(body)
            if not isinstance(answer, dict):
                raise ValueError("not an object")
        except ValueError as error:
            raise SigningFailed(
                _("The remote signing service gave an answer that is not JSON (%(endpoint)s).") % {"endpoint": endpoint}
            ) from error
        return answer

    def certificate_chain(self, key_id: str) -> list:
        """The key's certificate (first) and the rest of its chain, as asn1crypto certificates."""
        from asn1crypto import x509

        answer = self.post("certificate", {"key_id": key_id})
        try:
            chain = [
                x509.Certificate.load(base64.b64decode(item, validate=True)) for item in answer["certificate_chain"]
            ]
            if not chain:
                raise ValueError("empty chain")
            chain[0].subject  # noqa: B018 (parses it: a malformed certificate fails here, not mid-signing)
        except (KeyError, TypeError, ValueError) as error:
            raise SigningFailed(
                _("The remote signing service sent no usable certificate for key “%(key)s”.") % {"key": key_id}
            ) from error
        return chain

    def sign_digest(self, key_id: str, hash_algorithm: str, digest: bytes) -> bytes:
        answer = self.post(
            "sign", {"key_id": key_id, "hash_algorithm": hash_algorithm, "hash": base64.b64encode(digest).decode()}
        )
        try:
            signature = base64.b64decode(answer["signature"], validate=True)
            if not signature:
                raise ValueError("empty signature")
        except (KeyError, TypeError, ValueError) as error:
            raise SigningFailed(_("The remote signing service sent no signature.")) from error
        return signature


def _remote_signer_class():
    from pyhanko.sign.signers import Signer

    class RemoteSigner(Signer):
        """pyHanko's Signer whose raw signature comes from the remote service: pyHanko
        builds the CMS signed attributes, we hash them and send the hash."""

        def __init__(self, client: RemoteSigningClient, key_id: str, chain: list):
            from pyhanko_certvalidator.registry import SimpleCertificateStore

            registry = SimpleCertificateStore()
            registry.register_multiple(chain[1:])
            super().__init__(signing_cert=chain[0], cert_registry=registry)
            self.client = client
            self.key_id = key_id

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            public_key = self.signing_cert.public_key
            if dry_run:
                # Room for the signature when pyHanko sizes the field: an RSA signature is
                # as long as the modulus; a DER ECDSA one at most 2 × (key size) + 9.
                size = public_key.byte_size if public_key.algorithm == "rsa" else 2 * public_key.byte_size + 9
                return bytes(size)
            digest = hashlib.new(digest_algorithm, data).digest()
            loop = asyncio.get_running_loop()
            signature = await loop.run_in_executor(None, self.client.sign_digest, self.key_id, digest_algorithm, digest)
            _check_raw_signature(self.signing_cert, digest_algorithm, digest, signature)
            return signature

    return RemoteSigner


def _check_raw_signature(certificate, digest_algorithm: str, digest: bytes, signature: bytes) -> None:
    """A signature that does not verify under the certificate the service named is
    refused before it goes into the document: a wrong key, or a mangled answer, would
    otherwise make a document that carries a broken signature."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
    from cryptography.x509 import load_der_x509_certificate

    public_key = load_der_x509_certificate(certificate.dump()).public_key()
    prehashed = utils.Prehashed(getattr(hashes, digest_algorithm.upper())())
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, digest, padding.PKCS1v15(), prehashed)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, digest, ec.ECDSA(prehashed))
        else:
            raise SigningFailed(_("The remote signing service's key type is not supported (RSA or EC only)."))
    except InvalidSignature as error:
        raise SigningFailed(
            _("The remote signing service returned a signature that does not match its certificate.")
        ) from error


class RemoteSigningBackend(SigningBackend):
    def __init__(self, key_id: str, client: RemoteSigningClient | None = None):
        self.key_id = key_id
        self.client = client or RemoteSigningClient.from_settings()

    @classmethod
    def for_key(cls, key) -> RemoteSigningBackend:
        return cls(key.remote_key_id)

    def pyhanko_signer(self):
        return _remote_signer_class()(self.client, self.key_id, self.client.certificate_chain(self.key_id))


def backend_for(key) -> SigningBackend:
    """The backend that signs with a `SigningKey`."""
    if not key.is_active:
        raise SigningFailed(_("The signing key “%(label)s” is retired.") % {"label": key.label})
    if key.kind == key.Kind.REMOTE:
        return RemoteSigningBackend.for_key(key)
    return Pkcs12Backend.for_key(key)
