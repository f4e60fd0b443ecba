"""Signing a real PDF twice (the signer, then the organisation) and checking it with
pyHanko's own validator against a throwaway CA."""

from io import BytesIO

import pytest
from asn1crypto import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from documents.signing import (
    POINTS_PER_MM,
    Box,
    Pkcs12Backend,
    SignatureRequest,
    SigningFailed,
    decree30_boxes,
    outside_event_loop,
    person_appearance,
    seal_appearance,
    sign_document,
)
from tests.support.pki import SIGNATURE_SPACE, ThrowawayCA, sign_as_office


def statuses(pdf: bytes, root) -> list:
    """pyHanko's verdict on each signature of `pdf`, with `root` as the only trust root."""
    anchor = x509.Certificate.load(root.public_bytes(Encoding.DER))
    return [
        outside_event_loop(
            validate_pdf_signature, signature, ValidationContext(trust_roots=[anchor], allow_fetching=False)
        )
        for signature in PdfFileReader(BytesIO(pdf)).embedded_signatures
    ]


@pytest.fixture(scope="module")
def signed(pki, document_pdf):
    return sign_as_office(document_pdf, pki["person"], pki["organisation"])


def test_it_signs_twice_and_both_signatures_are_intact_and_trusted(signed, pki, document_pdf):
    assert signed.startswith(document_pdf)  # incremental updates: the issued bytes stay as they were
    person, organisation = statuses(signed, pki["ca"].certificate)
    for status in (person, organisation):
        assert status.intact and status.valid and status.trusted
        assert status.bottom_line
    assert person.signing_cert.subject.native["common_name"] == "Nguyễn Văn An"
    assert organisation.signing_cert.subject.native["common_name"] == "Phòng Giáo dục và Đào tạo huyện Tuần Giáo"
    # The first signature covers its revision; adding the second is an allowed change.
    assert person.docmdp_ok and organisation.docmdp_ok
    assert organisation.coverage.name == "ENTIRE_FILE"


def test_each_signature_is_pades_in_its_own_visible_field_where_decree_30_puts_it(signed):
    page = PdfReader(BytesIO(signed)).pages[-1]
    widgets = {a.get_object()["/T"]: a.get_object() for a in page["/Annots"]}
    assert set(widgets) == {"Signer", "Organisation"}
    person_box, seal_box = decree30_boxes(SIGNATURE_SPACE)
    for name, box in (("Signer", person_box), ("Organisation", seal_box)):
        widget = widgets[name]
        assert [round(float(v)) for v in widget["/Rect"]] == list(box.as_tuple())
        assert widget["/V"].get_object()["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
        appearance = widget["/AP"]["/N"].get_object()
        assert any(x.get_object()["/Subtype"] == "/Image" for x in appearance["/Resources"]["/XObject"].values())


def test_the_seal_covers_the_left_third_of_the_signers_image_at_its_real_size():
    space = Box(360, 560, 510, 620)
    person, seal = decree30_boxes(space)
    assert person == space
    assert seal.x2 == pytest.approx(space.x1 + space.width / 3)
    assert seal.width == pytest.approx(36 * POINTS_PER_MM) == pytest.approx(seal.height)
    assert (seal.y1 + seal.y2) / 2 == pytest.approx((space.y1 + space.y2) / 2)


def test_a_changed_byte_inside_the_signed_range_breaks_the_signature(signed, pki):
    position = signed.index(b"WeasyPrint")  # the producer, in the first revision: signed by both
    tampered = signed[:position] + b"w" + signed[position + 1 :]
    for status in statuses(tampered, pki["ca"].certificate):
        assert not status.intact
        assert not status.bottom_line


def test_a_certificate_from_another_authority_is_not_trusted(document_pdf, pki):
    stranger = ThrowawayCA("Somebody Else's CA").issue("Kẻ Mạo Danh", "Không rõ")
    signed = sign_as_office(document_pdf, stranger, stranger)
    for status in statuses(signed, pki["ca"].certificate):
        assert status.intact  # the bytes are what that key signed...
        assert not status.trusted  # ...but nothing ties the key to a root we trust


def test_a_failing_second_signature_gives_no_document(document_pdf, pki):
    person_box, seal_box = decree30_boxes(SIGNATURE_SPACE)
    good = Pkcs12Backend(pki["person"].pkcs12("pw"), "pw")
    wrong_password = Pkcs12Backend(pki["organisation"].pkcs12("pw"), "not the password")
    with pytest.raises(SigningFailed, match="sai mật khẩu"):
        sign_document(
            document_pdf,
            [
                (good, SignatureRequest("Signer", person_box, person_appearance("Nguyễn Văn An"))),
                (wrong_password, SignatureRequest("Organisation", seal_box, person_appearance("x"))),
            ],
        )


def test_a_field_name_used_twice_is_refused(document_pdf, pki):
    backend = Pkcs12Backend(pki["person"].pkcs12("pw"), "pw")
    once = backend.sign(document_pdf, SignatureRequest("Signer", SIGNATURE_SPACE, person_appearance("A")))
    with pytest.raises(SigningFailed):
        backend.sign(once, SignatureRequest("Signer", SIGNATURE_SPACE, person_appearance("A")))


def test_a_signers_own_image_is_drawn_in_the_field(document_pdf, pki):
    from PIL import Image

    picture = BytesIO()
    Image.new("RGBA", (300, 120), (0, 51, 153, 255)).save(picture, "PNG")
    backend = Pkcs12Backend(pki["person"].pkcs12("pw"), "pw")
    appearance = person_appearance("Nguyễn Văn An", image=picture.getvalue())
    rendered = appearance.render(Box(360, 560, 500, 620))
    assert rendered.size == (560, 240)  # 4 px a point
    assert rendered.getpixel((280, 120)) == (0, 51, 153, 255)  # the picture, centred
    assert rendered.getpixel((5, 5))[3] == 0  # transparent around it
    signed = backend.sign(document_pdf, SignatureRequest("Signer", SIGNATURE_SPACE, appearance))
    assert len(statuses(signed, pki["ca"].certificate)) == 1


def test_it_signs_and_verifies_from_inside_a_running_event_loop(document_pdf, pki, settings, tmp_path):
    """An ASGI worker or a Playwright script runs a loop in its thread; pyHanko's
    synchronous API would refuse there."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from documents.verification import verify_pdf

    root = tmp_path / "root.pem"
    root.write_bytes(pki["ca"].pem())
    settings.SIGNATURE_TRUST_ROOTS = [str(root)]

    async def inside_a_loop():
        signed = sign_as_office(document_pdf, pki["person"], pki["organisation"])
        return verify_pdf(signed)

    # A thread of its own: the session's browser may already run a loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result().all_good


def test_without_a_seal_image_the_ring_names_the_body_and_the_time_in_vietnam():
    from datetime import UTC, datetime

    appearance = seal_appearance(
        "Phòng Giáo dục và Đào tạo huyện Tuần Giáo", datetime(2026, 11, 30, 3, 4, 5, tzinfo=UTC)
    )
    assert appearance.lines[-2:] == ("2026-11-30", "10:04:05+07:00")  # ISO 8601, Vietnam's zone
    assert " ".join(appearance.lines[:-2]) == "Phòng Giáo dục và Đào tạo huyện Tuần Giáo"
    image = appearance.render(Box(0, 0, 100, 100))
    reds = sum(1 for pixel in image.get_flattened_data() if pixel[3] and pixel[0] > 150 and pixel[1] < 60)
    assert reds > 1000  # the ring and the text, in red
