"""The documents pages that write (a body's signers, signing an issued document again)
go through documents.services, and each change leaves a history row naming who made it."""

from django.urls import reverse

from documents.issuers import issuer_of_office
from documents.models import IssuedDocument, Signer, SigningKey
from documents.services import Rendered, issue_document, signing_key_add_pkcs12
from tests.documents.factories import SignerFactory

WRITING_VIEWS = {
    "documents:signers",
    "documents:signer_edit",
    "documents:signer_active",
    "documents:sign_again",
}


def history_of(instance):
    return [
        (row.history_type, row.history_user)
        for row in type(instance).history.filter(id=instance.pk).order_by("history_id")
    ]


def test_adding_editing_and_deactivating_a_signer_is_in_its_history(client, area):
    client.force_login(area.officer_a)
    client.post(
        reverse("documents:signers", args=["office", area.office_a.pk]),
        {"full_name": "Lò Văn Minh", "title": "", "authority": "head"},
    )
    signer = Signer.objects.get()
    client.force_login(area.officer_province)  # the department above keeps its own signers, not these: refused
    client.post(reverse("documents:signer_edit", args=[signer.pk]), {"full_name": "X", "authority": "q"})
    client.force_login(area.officer_a)
    client.post(reverse("documents:signer_edit", args=[signer.pk]), {"full_name": "Lò Văn Minh", "authority": "q"})
    client.post(reverse("documents:signer_active", args=[signer.pk]), {"active": "0"})
    signer.refresh_from_db()
    assert (signer.full_name, signer.authority, signer.is_active) == ("Lò Văn Minh", "q", False)
    assert history_of(signer) == [("+", area.officer_a), ("~", area.officer_a), ("~", area.officer_a)]


def test_signing_again_records_who_signed(client, area, pki, document_pdf, trusted_ca):
    signer = SignerFactory(office=area.office_a)
    issuer = issuer_of_office(area.office_a, on=trusted_ca.certificate.not_valid_before_utc.date()).with_signer(signer)
    space = {"page": 0, "box": [372, 612, 515, 668]}
    document = issue_document(
        kind="QĐ",
        issuer=issuer,
        title="Quyết định phân bổ",
        user=area.officer_a,
        render=lambda document: Rendered(pdf=document_pdf, signature_spaces=[space]),
    )
    signing_key_add_pkcs12(
        owner=area.office_a,
        holder=SigningKey.Holder.ORGANISATION,
        label="Con dấu",
        pkcs12_file=pki["organisation"].pkcs12("mật-khẩu"),
        password="mật-khẩu",
        actor=area.officer_a,
    )
    client.force_login(area.officer_province)
    response = client.post(reverse("documents:sign_again", args=[document.pk]))
    assert response.url == reverse("documents:register", args=["office", area.office_a.pk])
    document = IssuedDocument.objects.get()
    assert document.signed_at is not None and document.signature_space == space
    assert history_of(document)[-2:] == [("~", area.officer_province), ("~", area.officer_province)]
