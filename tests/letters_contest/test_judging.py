from decimal import Decimal

from django.urls import reverse

from letters_contest.judging import ranking
from letters_contest.models import Award, EntryAccess, Score
from tests.letters_contest.factories import ScoreFactory
from tests.support.contest import judging_today, score
from tests.support.documents import pdf_text


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
        ScoreFactory(entry=entry, judge=judge, criterion=content, value=c)
        ScoreFactory(entry=entry, judge=judge, criterion=style, value=s)

    rows = ranking(round_)

    # Entry 1: (9*0.6+8*0.4)*10 = 86 and (8*0.6+9*0.4)*10 = 84 -> 85, judges agree.
    # Entry 2: 90 and 46 -> 68, a 44-point spread.
    assert [(r["entry"].code, r["score"], r["disagreement"]) for r in rows] == [
        ("11-53-00001", 85.0, False),
        ("11-53-00002", 68.0, True),
    ]


def test_awards_certificates_and_results_within_consent(client, area, judged):
    round_, entries, criteria, judges, organiser = judged
    judging_today(round_)
    score(entries[0], judges, criteria, (9, 9))
    score(entries[1], judges, criteria, (7, 7))
    client.force_login(organiser)
    rankings = reverse("letters_contest:rankings", args=[round_.pk])
    awards = {"action": "awards", f"level-{entries[0].pk}": "first", f"level-{entries[1].pk}": "third"}
    assert client.post(rankings, awards).status_code == 302
    assert client.get(reverse("letters_contest:results", args=[round_.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("letters_contest:results", args=[round_.pk])).status_code == 404

    client.force_login(organiser)
    client.post(rankings, {"publish": "1", "confirmed": "yes"})
    client.logout()
    page = client.get(reverse("letters_contest:results", args=[round_.pk])).content.decode()
    assert "Giải Nhất" in page and "Lò Thị Mai" in page
    assert "Giải Ba" in page and "Quàng Văn Nam" not in page and "11-53-00002" in page

    client.force_login(organiser)
    certificate = client.get(reverse("letters_contest:certificate", args=[round_.pk, entries[0].pk]))
    assert certificate["Content-Type"] == "application/pdf"
    text = pdf_text(certificate.content)
    assert "GIẤY CHỨNG NHẬN" in text and "Giải Nhất" in text and "Lò Thị Mai" in text
    assert Award.objects.count() == 2
