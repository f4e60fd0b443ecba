"""Certificates issued at publishing are signed with the organiser's keys."""

import pytest
from django.urls import reverse

from documents.models import SigningKey
from documents.services import signing_key_add_pkcs12
from documents.verification import verify_pdf
from letters_contest import results
from letters_contest.lifecycle import StateRefused
from letters_contest.models import Award, ContestRound
from tests.documents.factories import SignerFactory
from tests.letters_contest.factories import AwardFactory, CriterionFactory, EntryFactory, JudgeFactory
from tests.support.contest import judging_today, score


def test_certificates_issued_at_publishing_are_signed(client, area, contest, pki, trusted_ca):
    round_, organiser = contest
    head = SignerFactory(office=round_.organiser, full_name="Lò Văn Minh")
    # A school of the round's province (a school of its own would make a new province,
    # whose factory code can meet Điện Biên's "11").
    judging_today(round_)
    ContestRound.objects.filter(pk=round_.pk).update(judges_required=1)
    round_.refresh_from_db()
    entry = EntryFactory(round=round_, school=area.school_a)
    score(entry, [JudgeFactory(round=round_).user], [CriterionFactory(round=round_)], (9,))
    AwardFactory(entry=entry)
    signing_key_add_pkcs12(
        owner=round_.organiser,
        holder=SigningKey.Holder.ORGANISATION,
        label="Con dấu",
        pkcs12_file=pki["organisation"].pkcs12("mật-khẩu"),
        password="mật-khẩu",
        actor=organiser,
    )
    client.force_login(organiser)
    client.post(
        reverse("letters_contest:rankings", args=[round_.pk]), {"publish": "1", "signer": head.pk, "confirmed": "yes"}
    )
    document = Award.objects.get().certificate
    assert document is not None and document.signed_at is not None
    with document.pdf.open("rb") as pdf:
        (signature,) = verify_pdf(pdf.read()).signatures
    assert signature.intact and signature.trusted
    with pytest.raises(StateRefused):  # published once: its certificates are not issued again
        results.results_publish(round_=round_, actor=organiser, signer=head)
