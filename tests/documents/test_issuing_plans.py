"""Issuing an event's plan: a KH number of the lead office's register, the signer's lines
and name in the PDF kept as issued, signed with the office's keys; issued once."""

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Event
from documents.models import IssuedDocument
from documents.verification import verify_pdf
from tests.campaigns.factories import EventFactory
from tests.documents.factories import SignerFactory
from tests.documents.test_issuing_reviews import add_keys
from tests.support.documents import pdf_text


@pytest.fixture
def event(campaign):
    return EventFactory(campaign=campaign, kind=Event.Kind.CEREMONY, title="Lễ trao quà Tết cho học sinh")


@pytest.fixture
def head(area):
    return SignerFactory(office=area.office_a, full_name="Lò Văn Minh")


def issue(client, event, signer):
    return client.post(
        reverse("campaigns:event_plan_issue", args=[event.campaign.slug, event.pk]),
        {"signer": signer.pk, "confirmed": "yes"},
    )


def stored(document) -> bytes:
    document.refresh_from_db()
    with document.pdf.open("rb") as pdf:
        return pdf.read()


def test_issuing_the_plan_takes_a_kh_number_and_prints_the_signer(client, area, event, head):
    client.force_login(area.officer_a)
    response = issue(client, event, head)
    assert response.url == reverse("campaigns:event", args=[event.campaign.slug, event.pk])

    event.refresh_from_db()
    document = event.plan_document
    assert (document.number_text, document.kind, document.register.office) == ("01/KH-PGDĐT", "KH", area.office_a)
    assert document.title == "Tổ chức Lễ trao quà Tết cho học sinh"
    text = pdf_text(stored(document))
    assert "Số: 01/KH-PGDĐT" in text
    assert "TRƯỞNG PHÒNG Lò Văn Minh" in text
    assert "…/KH" not in text

    download = client.get(reverse("campaigns:event_plan", args=[event.campaign.slug, event.pk]))
    assert b"".join(download.streaming_content) == stored(document)
    page = client.get(response.url).content.decode()
    assert (
        "01/KH-PGDĐT" in page
        and reverse("campaigns:event_plan_issue", args=[event.campaign.slug, event.pk]) not in page
    )


def test_a_plan_is_issued_once_and_editing_the_event_keeps_it(client, area, event, head):
    client.force_login(area.officer_a)
    issue(client, event, head)
    issue(client, event, head)
    with pytest.raises(services.PlanIssued):
        services.event_plan_issue(event=Event.objects.get(pk=event.pk), signer=head, user=area.officer_a)
    assert IssuedDocument.objects.count() == 1

    stale = Event.objects.get(pk=event.pk)
    stale.plan_document = None  # a copy read before the plan was issued
    stale.title = "Lễ trao quà"
    services.event_save(event=stale, formsets=(), user=area.officer_a)
    event.refresh_from_db()
    assert event.title == "Lễ trao quà" and event.plan_document == IssuedDocument.objects.get()


def test_without_a_signer_chosen_nothing_is_issued(client, area, event):
    client.force_login(area.officer_a)
    client.post(reverse("campaigns:event_plan_issue", args=[event.campaign.slug, event.pk]), {})
    event.refresh_from_db()
    assert event.plan_document is None and not IssuedDocument.objects.exists()
    page = client.get(reverse("campaigns:event", args=[event.campaign.slug, event.pk])).content.decode()
    assert reverse("documents:signers", args=["office", area.office_a.pk]) in page


def test_with_the_offices_keys_the_issued_plan_is_signed(client, area, event, head, pki, trusted_ca):
    add_keys(area, pki, head)
    client.force_login(area.officer_a)
    issue(client, event, head)
    event.refresh_from_db()
    report = verify_pdf(stored(event.plan_document))
    assert [(s.intact, s.trusted) for s in report.signatures] == [(True, True), (True, True)]
    assert event.plan_document.signed_at is not None
