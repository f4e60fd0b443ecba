"""How an office's documents read is part of the office, changed by an administrator in the
admin through `schools.services.office_save`, with its history."""

from datetime import date

from django.urls import reverse

from documents.issuers import issuer_of_office
from tests.accounts.factories import UserFactory


def test_it_saves_an_offices_document_overrides_with_who_changed_them(client, area):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    office = area.office_province
    url = reverse("admin:schools_office_change", args=[office.pk])
    assert "document_symbol" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "name": office.name,
            "short_name": "",
            "code": office.code,
            "kind": office.kind,
            "unit": office.unit_id,
            "address": "",
            "phone": "",
            "digest_emails": "so@example.vn",
            "document_parent_body": "",
            "document_name": "",
            "document_symbol": "SGDĐT-VP",
            "document_signer_title": "",
        },
    )

    assert response.status_code == 302
    office.refresh_from_db()
    assert office.document_symbol == "SGDĐT-VP"
    assert (office.history.first().history_user, office.history.first().document_symbol) == (admin, "SGDĐT-VP")
    assert issuer_of_office(office, on=date(2026, 3, 1)).number("KH", "4") == "4/KH-SGDĐT-VP"


def test_the_principal_is_part_of_the_school_profile(client, area):
    client.force_login(area.staff_a)
    page = client.get(reverse("schools:edit", args=[area.school_a.pk])).content.decode()

    assert 'name="principal_name"' in page
