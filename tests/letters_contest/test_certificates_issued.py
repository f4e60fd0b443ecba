"""Certificates are issued when the organiser publishes the results with a signer: each
award gets the next GCN number of the organiser's register, once; an award whose
certificate is issued is no longer changed; before that a certificate prints as a draft."""

import pytest
from django.urls import reverse

from documents.issuers import issuer_of_office
from documents.models import IssuedDocument
from letters_contest import results, services
from letters_contest.lifecycle import StateRefused
from letters_contest.models import Award, ResultCorrection
from letters_contest.results import Choice
from tests.documents.factories import SignerFactory
from tests.support.confirm import asks_to_confirm
from tests.support.contest import judging_today, score
from tests.support.documents import pdf_text


@pytest.fixture
def awarded(client, judged):
    round_, entries, criteria, judges, organiser = judged
    judging_today(round_)
    score(entries[0], judges, criteria, (9, 9))
    score(entries[1], judges, criteria, (7, 7))
    client.force_login(organiser)
    awards = {"action": "awards", f"level-{entries[0].pk}": "first", f"level-{entries[1].pk}": "third"}
    client.post(reverse("letters_contest:rankings", args=[round_.pk]), awards)
    deputy = SignerFactory(office=round_.organiser, full_name="Lò Văn Minh", authority="kt", title="PHÓ GIÁM ĐỐC")
    return round_, entries, organiser, deputy


def certificate(client, round_, entry) -> bytes:
    response = client.get(reverse("letters_contest:certificate", args=[round_.pk, entry.pk]))
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_publishing_with_a_signer_numbers_each_certificate_once(client, awarded):
    round_, entries, organiser, deputy = awarded
    symbol = issuer_of_office(round_.organiser, on=deputy.created_at.date()).symbol
    assert "Số: …/GCN" in pdf_text(certificate(client, round_, entries[0]))  # a draft before publishing

    rankings = reverse("letters_contest:rankings", args=[round_.pk])
    asks_to_confirm(client, rankings, {"publish": "1", "signer": deputy.pk})
    round_.refresh_from_db()
    assert not round_.results_published and not Award.objects.filter(certificate__isnull=False).exists()
    client.post(rankings, {"publish": "1", "signer": deputy.pk, "confirmed": "yes"})

    first, third = (Award.objects.get(entry=entry).certificate for entry in entries)
    assert (first.number_text, third.number_text) == (f"01/GCN-{symbol}", f"02/GCN-{symbol}")
    assert first.register.office == round_.organiser and first.issued_by == organiser
    text = pdf_text(certificate(client, round_, entries[0]))
    assert f"Số: 01/GCN-{symbol}" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Lò Văn Minh" in text
    assert "Giải Nhất" in text and "Lò Thị Mai" in text

    # Published once: publishing again is refused, no certificate is numbered twice.
    client.post(rankings, {"publish": "1", "signer": deputy.pk, "confirmed": "yes"})
    with pytest.raises(StateRefused):
        results.results_publish(round_=round_, actor=organiser, signer=deputy)
    assert IssuedDocument.objects.count() == 2


def test_an_award_whose_certificate_is_issued_is_not_changed(client, awarded):
    round_, entries, organiser, deputy = awarded
    results.results_publish(round_=round_, actor=organiser, signer=deputy)
    rankings = reverse("letters_contest:rankings", args=[round_.pk])
    correction = {"action": "correct", "entry": entries[0].pk, "level": "second", "reason": "Nhầm giải"}
    response = client.post(rankings, correction)
    assert response.status_code == 200 and "01/GCN" in response.content.decode()
    with pytest.raises(services.AwardCertified):
        results.result_correct(round_=round_, entry=entries[0], choice=Choice(), reason="Thu hồi", actor=organiser)
    assert Award.objects.get(entry=entries[0]).level == "first"
    assert not ResultCorrection.objects.exists()


def test_publishing_without_a_signer_numbers_nothing(client, awarded):
    round_, entries, _organiser, _deputy = awarded
    client.post(reverse("letters_contest:rankings", args=[round_.pk]), {"publish": "1", "confirmed": "yes"})
    round_.refresh_from_db()
    assert round_.results_published and not IssuedDocument.objects.exists()
    assert "Số: …/GCN" in pdf_text(certificate(client, round_, entries[0]))
