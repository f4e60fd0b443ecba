"""The remote signing backend against a real HTTP signing service started by the test
(tests/support/remote_signer.py): it signs what verifies, and every failure of the
service stops signing with a clear error and no document."""

import pytest

from documents.models import SigningKey
from documents.services import signing_key_add_remote
from documents.signing import (
    RemoteSigningBackend,
    RemoteSigningClient,
    SignatureRequest,
    SigningFailed,
    backend_for,
    decree30_boxes,
    person_appearance,
    seal_appearance,
    sign_document,
)
from documents.verification import verify_pdf
from tests.support.pki import SIGNATURE_SPACE
from tests.support.remote_signer import RemoteSigningService


@pytest.fixture
def service(pki, settings):
    service = RemoteSigningService({"an-nguyen": pki["person"], "phong-gd-seal": pki["organisation"]}).start()
    settings.REMOTE_SIGNING_URL = service.url + "/"
    settings.REMOTE_SIGNING_TOKEN = service.token
    settings.REMOTE_SIGNING_TIMEOUT = 5
    yield service
    service.stop()


def sign_remotely(pdf: bytes) -> bytes:
    person_box, seal_box = decree30_boxes(SIGNATURE_SPACE)
    return sign_document(
        pdf,
        [
            (
                RemoteSigningBackend("an-nguyen"),
                SignatureRequest("Signer", person_box, person_appearance("Nguyễn Văn An")),
            ),
            (
                RemoteSigningBackend("phong-gd-seal"),
                SignatureRequest("Organisation", seal_box, seal_appearance("Phòng GD&ĐT Tuần Giáo")),
            ),
        ],
    )


def test_it_signs_through_the_service_and_both_signatures_verify(service, document_pdf, trusted_ca):
    signed = sign_remotely(document_pdf)
    reports = verify_pdf(signed).signatures
    assert [(r.signer_name, r.intact, r.trusted) for r in reports] == [
        ("Nguyễn Văn An", True, True),
        ("Phòng Giáo dục và Đào tạo huyện Tuần Giáo", True, True),
    ]
    # The document never left: the service saw key ids and 32-byte hashes only.
    sign_calls = [body for path, body in service.requests if path == "/sign"]
    assert [body["key_id"] for body in sign_calls] == ["an-nguyen", "phong-gd-seal"]
    assert all(set(body) == {"key_id", "hash_algorithm", "hash"} and len(body["hash"]) == 44 for body in sign_calls)


def test_an_ec_key_signs_too(service, pki, document_pdf, trusted_ca):
    service.keys["ec"] = trusted_ca.issue("Lò Thị Mai", "Trường PTDTBT Tiểu học Pú Xi", rsa_key=False)
    signed = RemoteSigningBackend("ec").sign(
        document_pdf, SignatureRequest("Signer", SIGNATURE_SPACE, person_appearance("Lò Thị Mai"))
    )
    (report,) = verify_pdf(signed).signatures
    assert (report.signer_name, report.intact, report.trusted) == ("Lò Thị Mai", True, True)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("refuse", "HTTP 500"),
        ("not_json", "không phải JSON"),
        ("wrong_signature", "không khớp với chứng thư"),
    ],
)
def test_a_bad_answer_stops_signing_with_no_document(service, document_pdf, answer, message):
    service.answer = answer
    result = None
    with pytest.raises(SigningFailed, match=message):
        result = sign_remotely(document_pdf)
    assert result is None


def test_a_second_signature_failing_gives_no_document_either(service, document_pdf):
    backend = RemoteSigningBackend("an-nguyen")
    # The signer's key works; the seal's id is unknown to the service (HTTP 404).
    person_box, seal_box = decree30_boxes(SIGNATURE_SPACE)
    with pytest.raises(SigningFailed, match="HTTP 404"):
        sign_document(
            document_pdf,
            [
                (backend, SignatureRequest("Signer", person_box, person_appearance("Nguyễn Văn An"))),
                (
                    RemoteSigningBackend("no-such-key"),
                    SignatureRequest("Organisation", seal_box, person_appearance("x")),
                ),
            ],
        )
    assert [path for path, _body in service.requests] == ["/certificate", "/sign", "/certificate"]


def test_a_service_that_is_down_gives_a_clear_error(service, document_pdf):
    service.stop()
    with pytest.raises(SigningFailed, match="Không kết nối được"):
        sign_remotely(document_pdf)


def test_a_wrong_token_is_refused(service, settings, document_pdf):
    settings.REMOTE_SIGNING_TOKEN = "stolen"
    with pytest.raises(SigningFailed, match="HTTP 401"):
        sign_remotely(document_pdf)


def test_without_a_configured_service_nothing_is_attempted(settings):
    settings.REMOTE_SIGNING_URL = ""
    with pytest.raises(SigningFailed, match="REMOTE_SIGNING_URL"):
        RemoteSigningClient.from_settings()


@pytest.mark.django_db
def test_a_remote_key_is_registered_with_its_certificate_and_signs(service, area, pki, document_pdf, trusted_ca):
    key = signing_key_add_remote(
        owner=area.school_a, holder=SigningKey.Holder.ORGANISATION, label="Con dấu trường", key_id="phong-gd-seal"
    )
    assert key.certificate_serial == format(pki["organisation"].certificate.serial_number, "X")
    assert key.pkcs12_encrypted is None
    signed = backend_for(key).sign(
        document_pdf, SignatureRequest("Organisation", SIGNATURE_SPACE, seal_appearance("Trường Pú Xi"))
    )
    assert verify_pdf(signed).all_good


def test_only_a_web_address_is_called(settings):
    settings.REMOTE_SIGNING_URL = "file:///etc"
    with pytest.raises(SigningFailed, match="https://"):
        RemoteSigningClient.from_settings().certificate_chain("any")
