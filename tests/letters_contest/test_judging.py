from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from letters_contest.judging import ranking
from letters_contest.models import Award, ContestRound, Criterion, Edition, Entry, EntryAccess, Judge, Score
from tests.accounts.factories import UserFactory
from tests.schools.factories import MembershipFactory, OfficeFactory


@pytest.fixture
def judged(area):
    edition = Edition.objects.create(number=53, year=2024, theme="Thư gửi tương lai", guidance_document="31/BTTTT-HTQT")
    office = OfficeFactory(unit=area.province, kind="information_department")
    campaign = Campaign.objects.create(
        name="UPU",
        slug="upu",
        kind="contest",
        scope=area.province,
        lead_office=office,
        starts_on=date(2024, 1, 8),
        purpose="x",
    )
    round_ = ContestRound.objects.create(
        edition=edition, province=area.province, organiser=office, campaign=campaign, school_deadline=date(2024, 3, 31)
    )
    content = Criterion.objects.create(round=round_, name="Nội dung", weight=60, max_score=10)
    style = Criterion.objects.create(round=round_, name="Ngôn ngữ", weight=40, max_score=10)
    entries = [
        Entry.objects.create(
            round=round_,
            school=area.school_a,
            code=f"11-53-0000{n}",
            pupil_name=name,
            date_of_birth=date(2012, 1, 1),
            class_name="6A",
            letter_text="Gửi tương lai…",
            word_count=400,
            consent_given=True,
            consent_guardian="PH",
            consent_publish_name=publish,
        )
        for n, name, publish in [(1, "Lò Thị Mai", True), (2, "Quàng Văn Nam", False)]
    ]
    judge_a, judge_b = UserFactory(), UserFactory()
    for judge in (judge_a, judge_b):
        Judge.objects.create(round=round_, user=judge)
    organiser = MembershipFactory(role="organiser", office=office).user
    return round_, entries, (content, style), (judge_a, judge_b), organiser


def test_a_judge_scores_an_entry_without_seeing_the_pupil_or_the_school(client, area, judged):
    round_, entries, (content, style), (judge, _other), _organiser = judged
    client.force_login(judge)
    page = client.get(reverse("letters_contest:judging_entry", args=[round_.pk, entries[0].pk])).content.decode()
    assert entries[0].code in page
    assert "Lò Thị Mai" not in page and area.school_a.name not in page

    response = client.post(
        reverse("letters_contest:judging_entry", args=[round_.pk, entries[0].pk]),
        {f"c{content.pk}": "8.5", f"c{style.pk}": "7"},
    )
    assert response.status_code == 302
    assert {s.criterion_id: s.value for s in Score.objects.filter(judge=judge)} == {
        content.pk: Decimal("8.5"),
        style.pk: Decimal("7.0"),
    }


def test_a_judge_cannot_open_a_pupils_identity(client, judged):
    round_, entries, _criteria, (judge, _other), _organiser = judged
    client.force_login(judge)
    assert client.get(reverse("letters_contest:entry", args=[round_.pk, entries[0].pk])).status_code == 404
    assert client.get(reverse("letters_contest:entries", args=[round_.pk])).status_code == 403
    assert client.get(reverse("letters_contest:rankings", args=[round_.pk])).status_code == 403
    assert not EntryAccess.objects.filter(user=judge, action="view").exists()


def test_a_score_above_the_rubric_is_refused(client, judged):
    round_, entries, (content, style), (judge, _other), _organiser = judged
    client.force_login(judge)
    response = client.post(
        reverse("letters_contest:judging_entry", args=[round_.pk, entries[0].pk]),
        {f"c{content.pk}": "11", f"c{style.pk}": "7"},
    )
    assert response.status_code == 200 and f'id="id_c{content.pk}_error"' in response.content.decode()
    assert not Score.objects.exists()


def test_ranking_weighs_the_rubric_and_flags_disagreeing_judges(judged):
    round_, entries, (content, style), (judge_a, judge_b), _organiser = judged
    marks = {
        (entries[0], judge_a): (9, 8),
        (entries[0], judge_b): (8, 9),
        (entries[1], judge_a): (9, 9),
        (entries[1], judge_b): (5, 4),
    }
    for (entry, judge), (c, s) in marks.items():
        Score.objects.create(entry=entry, judge=judge, criterion=content, value=c)
        Score.objects.create(entry=entry, judge=judge, criterion=style, value=s)

    rows = ranking(round_)

    # Entry 1: (9*0.6+8*0.4)*10 = 86 and (8*0.6+9*0.4)*10 = 84 -> 85, judges agree.
    # Entry 2: 90 and 46 -> 68, a 44-point spread.
    assert [(r["entry"].code, r["score"], r["disagreement"]) for r in rows] == [
        ("11-53-00001", 85.0, False),
        ("11-53-00002", 68.0, True),
    ]


def test_awards_certificates_and_results_within_consent(client, area, judged):
    round_, entries, _criteria, _judges, organiser = judged
    client.force_login(organiser)
    client.post(reverse("letters_contest:rankings", args=[round_.pk]), {"entry": entries[0].pk, "level": "first"})
    client.post(reverse("letters_contest:rankings", args=[round_.pk]), {"entry": entries[1].pk, "level": "third"})
    assert client.get(reverse("letters_contest:results", args=[round_.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("letters_contest:results", args=[round_.pk])).status_code == 404

    client.force_login(organiser)
    client.post(reverse("letters_contest:rankings", args=[round_.pk]), {"publish": "1"})
    client.logout()
    page = client.get(reverse("letters_contest:results", args=[round_.pk])).content.decode()
    assert "Giải Nhất" in page and "Lò Thị Mai" in page
    assert "Giải Ba" in page and "Quàng Văn Nam" not in page and "11-53-00002" in page

    client.force_login(organiser)
    certificate = client.get(reverse("letters_contest:certificate", args=[round_.pk, entries[0].pk]))
    assert certificate["Content-Type"] == "application/pdf"
    import io

    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate.content)).pages).split())
    assert "GIẤY CHỨNG NHẬN" in text and "Giải Nhất" in text and "Lò Thị Mai" in text
    assert Award.objects.count() == 2
