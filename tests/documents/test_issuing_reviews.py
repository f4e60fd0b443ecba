"""Issuing a campaign review: the next number of the lead office's register, the chosen
signer's lines in the PDF kept as issued, signed with the office's keys after; a signing
failure leaves the document issued, numbered and unsigned, to be signed again."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from campaigns import services
from campaigns.models import Review
from documents.models import IssuedDocument, SigningKey
from documents.services import register_document, signing_key_add_pkcs12
from documents.verification import verify_pdf
from tests.campaigns.factories import ReviewFactory
from tests.documents.factories import SignerFactory
from tests.support.documents import pdf_text


@pytest.fixture
def deputy(area):
    return SignerFactory(office=area.office_a, full_name="Lò Văn Minh", authority="kt", title="PHÓ TRƯỞNG PHÒNG")


@pytest.fixture
def review(campaign):
    return ReviewFactory(campaign=campaign, kind=Review.Kind.FINAL, assessment="Các nhà hảo tâm đã chung tay.")


def add_keys(area, pki, signer):
    """The deputy's own key and the office's seal, as PKCS#12 files kept by the portal."""
    for holder, issued, owner_signer in (
        (SigningKey.Holder.PERSON, pki["person"], signer),
        (SigningKey.Holder.ORGANISATION, pki["organisation"], None),
    ):
        signing_key_add_pkcs12(
            owner=area.office_a,
            holder=holder,
            label=holder,
            pkcs12_file=issued.pkcs12("mật-khẩu"),
            password="mật-khẩu",
            actor=area.officer_a,
            signer=owner_signer,
        )


def issue(client, review, signer):
    return client.post(
        reverse("campaigns:review", args=[review.campaign.slug, review.pk]),
        {"issue": "1", "signer": signer.pk, "confirmed": "yes"},
    )


def stored(review) -> bytes:
    review.refresh_from_db()
    with review.document.pdf.open("rb") as pdf:
        return pdf.read()


def test_issuing_takes_the_registers_next_number_and_prints_it_with_the_signers_lines(
    client, area, campaign, review, deputy
):
    # Another document of the office this year: the review takes the number after it.
    register_document(
        kind="QĐ", body_symbol="PGDĐT", title="Quyết định", issued_on=review_today(), user=area.officer_a,
        office=area.office_a,
    )  # fmt: skip
    client.force_login(area.officer_a)
    response = issue(client, review, deputy)
    assert response.status_code == 302

    review.refresh_from_db()
    document = review.document
    assert (document.number, document.number_text, document.kind) == (2, "02/BC-PGDĐT", "BC")
    assert document.register.office == area.office_a
    assert document.title == "Tổng kết thực hiện Điều ước cho em – huyện Tuần Giáo"
    assert (document.signer, document.signer_name) == (deputy, "Lò Văn Minh")
    assert document.signer_title == "KT. TRƯỞNG PHÒNG – PHÓ TRƯỞNG PHÒNG"
    assert document.signed_at is None  # the office has no key: issued, not signed
    text = pdf_text(stored(review))
    assert "Số: 02/BC-PGDĐT" in text
    assert "KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG" in text
    assert "Các nhà hảo tâm đã chung tay." in text

    # The download is the document as issued, not a new rendering.
    download = client.get(reverse("campaigns:review_document", args=[campaign.slug, review.pk]))
    assert b"".join(download.streaming_content) == stored(review)
    assert "02-BC-PGDĐT.pdf" in download["Content-Disposition"] or "02-BC-PGD" in download["Content-Disposition"]


def review_today():
    from django.utils import timezone

    return timezone.localdate()


def test_the_issued_review_is_signed_with_the_signers_name(client, area, review, deputy):
    client.force_login(area.officer_a)
    issue(client, review, deputy)
    text = pdf_text(stored(review))
    assert "PHÓ TRƯỞNG PHÒNG Lò Văn Minh" in text


def test_issuing_twice_is_refused_and_takes_no_second_number(client, area, review, deputy):
    client.force_login(area.officer_a)
    issue(client, review, deputy)
    first = Review.objects.get(pk=review.pk).document
    issue(client, review, deputy)
    stale = Review.objects.get(pk=review.pk)
    stale.issued_at = None
    with pytest.raises(services.ReviewIssued):
        services.review_issue(review=stale, signer=deputy, user=area.officer_a)
    assert list(IssuedDocument.objects.all()) == [first]
    assert first.register.last_number == 1


def test_a_signer_of_another_body_or_no_longer_signing_cannot_be_chosen(client, area, review, deputy):
    elsewhere = SignerFactory(office=area.office_province)
    client.force_login(area.officer_a)
    response = issue(client, review, elsewhere)
    assert response.status_code == 200 and "signer" in response.context["issue_form"].errors
    deputy.is_active = False
    deputy.save()
    with pytest.raises(ValidationError):
        services.review_issue(review=review, signer=deputy, user=area.officer_a)
    review.refresh_from_db()
    assert review.issued_at is None and not IssuedDocument.objects.exists()


def test_without_signers_the_page_says_where_to_add_them(client, area, review):
    client.force_login(area.officer_a)
    page = client.get(reverse("campaigns:review", args=[review.campaign.slug, review.pk])).content.decode()
    assert reverse("documents:signers", args=["office", area.office_a.pk]) in page
    assert 'name="issue"' not in page


def test_with_the_offices_keys_the_stored_document_is_signed_by_the_signer_then_the_seal(
    client, area, review, deputy, pki, trusted_ca
):
    add_keys(area, pki, deputy)
    client.force_login(area.officer_a)
    issue(client, review, deputy)

    pdf = stored(review)
    assert review.document.signed_at is not None
    report = verify_pdf(pdf)
    assert [(s.signer_name, s.intact, s.trusted) for s in report.signatures] == [
        ("Nguyễn Văn An", True, True),
        ("Phòng Giáo dục và Đào tạo huyện Tuần Giáo", True, True),
    ]
    assert "Số: 01/BC-PGDĐT" in pdf_text(pdf)
    # Each image stands in the space the signature block leaves, on its page.
    space = review.document.signature_space
    page = PdfReader(BytesIO(pdf)).pages[space["page"]]
    signer_box = next(a.get_object()["/Rect"] for a in page["/Annots"] if a.get_object()["/T"] == "Signer")
    assert [round(float(v)) for v in signer_box] == [round(v) for v in space["box"]]
    assert len(PdfFileReader(BytesIO(pdf)).embedded_signatures) == 2


def test_a_signing_failure_leaves_the_document_issued_numbered_and_unsigned_then_it_signs_again(
    client, area, review, deputy, pki, trusted_ca, settings
):
    add_keys(area, pki, deputy)
    secret = settings.SIGNING_KEYS_SECRET
    settings.SIGNING_KEYS_SECRET = "not the secret the keys were kept with"
    client.force_login(area.officer_a)
    response = issue(client, review, deputy)
    assert response.status_code == 302

    review.refresh_from_db()
    document = review.document
    assert review.issued_at is not None and document.number_text == "01/BC-PGDĐT"
    assert document.signed_at is None
    assert verify_pdf(stored(review)).signatures == []
    page = client.get(response.url)
    assert any("chưa được ký số" in str(m) for m in page.context["messages"])
    assert reverse("documents:sign_again", args=[document.pk]) in page.content.decode()

    settings.SIGNING_KEYS_SECRET = secret
    client.post(reverse("documents:sign_again", args=[document.pk]), {"next": response.url})
    document.refresh_from_db()
    assert document.signed_at is not None and document.number_text == "01/BC-PGDĐT"
    assert len(verify_pdf(stored(review)).signatures) == 2
    assert IssuedDocument.objects.count() == 1
