"""The public page that checks a downloaded document's signatures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.support.pki import ThrowawayCA, sign_as_office

pytestmark = pytest.mark.django_db
URL = reverse("documents:verify")


@pytest.fixture(scope="module")
def signed(pki, document_pdf):
    return sign_as_office(document_pdf, pki["person"], pki["organisation"])


def upload(client, content: bytes, name: str = "quyet-dinh.pdf"):
    return client.post(URL, {"document": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_it_is_open_to_everyone_and_says_revocation_is_not_checked_offline(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kiểm tra văn bản đã ký" in html
    assert "không kiểm tra việc thu hồi chứng thư" in html


def test_a_signed_document_shows_its_signers_intact_and_trusted(client, signed, trusted_ca):
    response = upload(client, signed)
    assert response.status_code == 200
    result = response.context["result"]
    assert [(s.signer_name, s.intact, s.trusted) for s in result.signatures] == [
        ("Nguyễn Văn An", True, True),
        ("Phòng Giáo dục và Đào tạo huyện Tuần Giáo", True, True),
    ]
    html = response.content.decode()
    assert "Nguyễn Văn An" in html and "Phòng Giáo dục và Đào tạo huyện Tuần Giáo" in html
    assert html.count("Nguyên vẹn") == 2 and html.count("Tin cậy") == 2
    assert "Cả 2 chữ ký đều hợp lệ" in html
    assert "Bị hỏng" not in html


def test_a_tampered_document_shows_the_signatures_broken(client, signed, trusted_ca):
    position = signed.index(b"WeasyPrint")
    response = upload(client, signed[:position] + b"X" + signed[position + 1 :])
    html = response.content.decode()
    assert html.count("Bị hỏng") == 2
    assert html.count("Tin cậy") == 2  # the certificates are still the office's own
    assert "Không nên tin cậy văn bản này" in html
    assert not response.context["result"].all_good


def test_a_certificate_from_another_authority_shows_not_trusted(client, document_pdf, trusted_ca):
    stranger = ThrowawayCA("Somebody Else's CA").issue("Kẻ Mạo Danh")
    html = upload(client, sign_as_office(document_pdf, stranger, stranger)).content.decode()
    assert html.count("Không được tin cậy") == 2
    assert html.count("Nguyên vẹn") == 2


def test_without_trust_roots_the_page_says_so(client, signed, settings):
    settings.SIGNATURE_TRUST_ROOTS = []
    html = upload(client, signed).content.decode()
    assert "Máy chủ này chưa cấu hình chứng thư gốc tin cậy" in html


def test_a_pdf_without_signatures_says_so(client, document_pdf, trusted_ca):
    html = upload(client, document_pdf).content.decode()
    assert "Tệp PDF này không có chữ ký số nào." in html


def test_a_file_that_is_not_a_pdf_is_refused_next_to_the_field(client):
    response = upload(client, b"\x89PNG\r\n\x1a\n not a document", name="anh.pdf")
    assert response.status_code == 200
    assert response.context["result"] is None
    html = response.content.decode()
    assert 'id="id_document_error"' in html
    assert "Tệp này không phải PDF" in html


def test_a_damaged_pdf_is_refused_next_to_the_field(client):
    html = upload(client, b"%PDF-1.7\n garbage without any objects").content.decode()
    assert 'id="id_document_error"' in html
    assert "Tệp PDF này bị hỏng" in html


def test_a_file_over_the_limit_is_refused(client, settings, signed):
    settings.SIGNATURE_VERIFY_MAX_BYTES = 1024 * 1024
    html = upload(client, signed + b"\n%" + b"x" * (1024 * 1024)).content.decode()
    assert "Tệp lớn hơn 1 MB." in html


def test_an_empty_post_asks_for_the_file(client):
    html = client.post(URL, {}).content.decode()
    assert 'id="id_document_error"' in html


def test_posting_is_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify_signature": "3/m/ip"}
    statuses = [client.post(URL, {}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(URL).status_code == 200  # looking at the form is never limited


def test_in_english_too(client, signed, trusted_ca):
    response = client.post("/en/documents/verify/", {"document": SimpleUploadedFile("d.pdf", signed)})
    html = response.content.decode()
    assert "Intact" in html and "Trusted" in html
