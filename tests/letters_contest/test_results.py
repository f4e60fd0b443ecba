"""Fair, safe results (issue 21): publishing needs every entry scored by the required
judges or excluded with a reason, and asks to confirm what becomes public; equal scores
share a rank; a prize that separates tied entries needs a recorded tie-break; the awards
of a whole ranking are saved in one post, all or none; special prizes on sensitive data
need the consent and the data, and publish the name only with the consent to that; after
publishing, awards change only through a recorded correction, shown on the results page."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from letters_contest import judging, results
from letters_contest.lifecycle import StateRefused
from letters_contest.models import Award, ContestRound, Entry, ResultCorrection, TieBreak
from letters_contest.results import Choice
from tests.letters_contest.factories import EntryFactory
from tests.support.confirm import asks_to_confirm
from tests.support.contest import judging_today, score


class Results:
    """The province's round, judging today: two judges required; entry 1 scores 90,
    entries 2 and 3 both 80 (a tie), entry 4 is scored by one judge only."""


@pytest.fixture
def world(area, judged):
    round_, (first, second), criteria, judges, organiser = judged
    w = Results()
    w.round = judging_today(round_)
    third = EntryFactory(round=round_, school=area.school_a, code="11-53-00003", pupil_name="Vì Thị Hoa")
    fourth = EntryFactory(round=round_, school=area.school_a, code="11-53-00004", pupil_name="Mùa A Sử")
    w.entries = [first, second, third, fourth]
    score(first, judges, criteria, (9, 9))
    score(second, judges, criteria, (8, 8))
    score(third, judges, criteria, (8, 8))
    score(fourth, judges[:1], criteria, (7, 7))
    w.judges, w.organiser, w.area = judges, organiser, area
    w.url = reverse("letters_contest:rankings", args=[round_.pk])
    return w


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def _awards(w, **levels) -> dict:
    """The awards form's post: level-<pk> for every ranked entry (entries 1–3)."""
    data = {"action": "awards"}
    for index, entry in enumerate(w.entries[:3], start=1):
        data[f"level-{entry.pk}"] = levels.get(f"e{index}", "")
    return data


def _given(w) -> dict:
    return dict(Award.objects.filter(entry__round=w.round).values_list("entry__code", "level"))


def test_it_ranks_equal_scores_together_and_shows_the_tie(client, world):
    w = world
    rows = judging.ranking(w.round)
    assert [(r["entry"].code, r["rank"], r["tied"]) for r in rows] == [
        ("11-53-00001", 1, 1),
        ("11-53-00002", 2, 2),
        ("11-53-00003", 2, 2),
        ("11-53-00004", None, 0),
    ]
    client.force_login(w.organiser)
    html = client.get(w.url).content.decode()
    assert html.count('<strong>=2</strong> <span class="badge text-bg-info">đồng hạng</span>') == 2
    assert "<strong>1</strong>" in html
    unscored = html[html.index('data-testid="unscored"') :]
    assert "11-53-00004" in unscored and "1/2" in unscored


def test_it_refuses_to_publish_listing_the_entries_without_their_judges(client, world):
    w = world
    client.force_login(w.organiser)
    response = client.post(w.url, {"publish": "1"})
    assert response.status_code == 302
    (error,) = _errors(response)
    assert "11-53-00004" in error and "1/2" not in error and "11-53-00001" not in error
    w.round.refresh_from_db()
    assert not w.round.results_published and w.round.results_published_at is None
    with pytest.raises(results.ResultRefused) as refused:
        results.results_publish(round_=w.round, actor=w.organiser)
    assert refused.value.problems == ["11-53-00004 mới có điểm của 1 trên 2 giám khảo."]


def test_an_exclusion_with_its_reason_lets_it_publish_once_confirmed(client, world):
    w = world
    fourth = w.entries[3]
    client.force_login(w.organiser)
    response = client.post(w.url, {"action": "exclude", "entry": fourth.pk, "reason": " "})
    assert response.status_code == 200 and 'data-testid="refused"' in response.content.decode()
    fourth.refresh_from_db()
    assert not fourth.is_excluded

    response = client.post(w.url, {"action": "exclude", "entry": fourth.pk, "reason": "Bài viết quá 800 chữ"})
    assert response.status_code == 302
    fourth.refresh_from_db()
    assert (fourth.excluded_reason, fourth.excluded_by) == ("Bài viết quá 800 chữ", w.organiser)
    latest = fourth.history.latest()
    assert (latest.history_user, latest.excluded_reason) == (w.organiser, "Bài viết quá 800 chữ")
    html = client.get(w.url).content.decode()
    excluded = html[html.index('data-testid="excluded"') :]
    assert "11-53-00004" in excluded and "Bài viết quá 800 chữ" in excluded

    client.post(w.url, _awards(w, e1="first", e2="second", e3="second"))
    confirmation = asks_to_confirm(client, w.url, {"publish": "1"}).content.decode()
    assert "Lò Thị Mai (Giải Nhất)" in confirmation  # her name will be public
    assert "11-53-00002" in confirmation and "Quàng Văn Nam" not in confirmation  # withheld
    w.round.refresh_from_db()
    assert not w.round.results_published

    assert client.post(w.url, {"publish": "1", "confirmed": "yes"}).status_code == 302
    w.round.refresh_from_db()
    assert w.round.results_published and w.round.results_published_at is not None
    assert w.round.history.latest().history_user == w.organiser


def test_an_entry_is_included_again_with_the_history(client, world):
    w = world
    fourth = w.entries[3]
    results.entry_exclude(entry=fourth, reason="Trùng bài", actor=w.organiser)
    client.force_login(w.organiser)
    assert client.post(w.url, {"action": "include", "entry": fourth.pk}).status_code == 302
    fourth.refresh_from_db()
    assert not fourth.is_excluded and fourth.excluded_reason == ""
    assert [h.excluded_reason for h in fourth.history.order_by("history_date", "history_id")][-2:] == ["Trùng bài", ""]
    assert fourth.history.latest().history_user == w.organiser


def test_the_awards_of_the_whole_ranking_are_saved_in_one_post(client, world):
    w = world
    client.force_login(w.organiser)
    response = client.post(w.url, _awards(w, e1="first", e2="second", e3="second"))
    assert response.status_code == 302
    assert _given(w) == {"11-53-00001": "first", "11-53-00002": "second", "11-53-00003": "second"}
    award = Award.objects.get(entry=w.entries[0])
    assert (award.decided_by, award.history.get().history_user) == (w.organiser, w.organiser)

    client.post(w.url, _awards(w, e1="first", e2="consolation", e3="consolation"))
    assert _given(w) == {"11-53-00001": "first", "11-53-00002": "consolation", "11-53-00003": "consolation"}
    assert award.history.count() == 1  # unchanged: not written again
    second = Award.objects.get(entry=w.entries[1])
    assert [h.level for h in second.history.order_by("history_date", "history_id")] == ["second", "consolation"]


def test_a_prize_that_separates_tied_entries_needs_a_tie_break(client, world):
    w = world
    _first, second, third, _fourth = w.entries
    client.force_login(w.organiser)
    response = client.post(w.url, _awards(w, e1="first", e2="second", e3="third"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "11-53-00002, 11-53-00003" in html and "phân định" in html
    assert _given(w) == {}  # all or none: not even the first prize

    tie = {"action": "tie_break", "order": [second.pk, third.pk], f"position-{second.pk}": "2"}
    tie |= {f"position-{third.pk}": "1", "reason": "Hội đồng chấm lại: bài 00003 sáng tạo hơn"}
    assert client.post(w.url, tie).status_code == 302
    assert dict(TieBreak.objects.values_list("entry__code", "position")) == {"11-53-00002": 2, "11-53-00003": 1}
    assert TieBreak.objects.get(entry=third).history.get().history_user == w.organiser
    rows = judging.ranking(w.round)
    assert [(r["entry"].code, r["rank"]) for r in rows[:3]] == [
        ("11-53-00001", 1),
        ("11-53-00003", 2),  # first within the tie, the rank still shared
        ("11-53-00002", 2),
    ]

    # The better prize must go to the entry the tie-break places first.
    response = client.post(w.url, _awards(w, e1="first", e2="second", e3="third"))
    assert response.status_code == 200 and _given(w) == {}
    assert client.post(w.url, _awards(w, e1="first", e2="third", e3="second")).status_code == 302
    assert _given(w) == {"11-53-00001": "first", "11-53-00002": "third", "11-53-00003": "second"}


def test_a_tie_break_must_order_exactly_one_tie(client, world):
    w = world
    first, second, _third, _fourth = w.entries
    with pytest.raises(results.ResultRefused):
        results.tie_break_save(round_=w.round, entries=[first, second], reason="?", actor=w.organiser)
    client.force_login(w.organiser)
    tie = {"action": "tie_break", "order": [second.pk, first.pk], f"position-{second.pk}": "1"}
    response = client.post(w.url, tie | {f"position-{first.pk}": "1", "reason": "x"})
    assert response.status_code == 200 and not TieBreak.objects.exists()


def test_an_award_goes_only_to_a_ranked_entry(world):
    w = world
    with pytest.raises(results.ResultRefused) as refused:
        results.awards_save(round_=w.round, choices={w.entries[3].pk: Choice("first")}, actor=w.organiser)
    assert "11-53-00004" in refused.value.message
    results.entry_exclude(entry=w.entries[1], reason="Sao chép", actor=w.organiser)
    with pytest.raises(results.ResultRefused):
        results.awards_save(round_=w.round, choices={w.entries[1].pk: Choice("third")}, actor=w.organiser)
    assert not Award.objects.exists()


def test_a_special_prize_on_sensitive_data_needs_the_consent_and_the_data(client, world):
    w = world
    first = w.entries[0]
    client.force_login(w.organiser)
    data = _awards(w) | {f"level-{first.pk}": "special", f"special-{first.pk}": "ethnic_minority"}
    response = client.post(w.url, data)
    assert response.status_code == 200 and "11-53-00001" in response.content.decode()
    assert not Award.objects.exists()

    Entry.objects.filter(pk=first.pk).update(sensitive_consent=True, ethnic_group="Kinh")
    assert client.post(w.url, data).status_code == 200 and not Award.objects.exists()  # the majority
    disability = data | {f"special-{first.pk}": "disability"}
    assert client.post(w.url, disability).status_code == 200 and not Award.objects.exists()

    Entry.objects.filter(pk=first.pk).update(ethnic_group="Thái")
    assert client.post(w.url, data).status_code == 302
    award = Award.objects.get()
    assert (award.level, award.special, award.special_title) == ("special", "ethnic_minority", "")

    other = data | {f"special-{first.pk}": "other", f"title-{first.pk}": ""}
    assert client.post(w.url, other).status_code == 200  # another special prize needs its name
    named = other | {f"title-{first.pk}": "Giải Thư hay nhất về biển"}
    assert client.post(w.url, named).status_code == 302
    award.refresh_from_db()
    assert (award.special, award.special_title) == ("other", "Giải Thư hay nhất về biển")


def test_the_published_name_is_withheld_without_the_consent_to_publish_sensitive_data(client, world):
    w = world
    first = w.entries[0]  # her guardian agreed to publish her name
    Entry.objects.filter(pk=first.pk).update(sensitive_consent=True, has_disability=True)
    results.entry_exclude(entry=w.entries[3], reason="Không đủ điều kiện", actor=w.organiser)
    results.awards_save(
        round_=w.round,
        choices={
            first.pk: Choice("special", "disability"),
            w.entries[1].pk: Choice("consolation"),
            w.entries[2].pk: Choice("consolation"),
        },
        actor=w.organiser,
    )
    results.results_publish(round_=w.round, actor=w.organiser)

    page = client.get(reverse("letters_contest:results", args=[w.round.pk])).content.decode()
    assert "Giải Đặc biệt – dành cho học sinh khuyết tật" in page
    assert "Lò Thị Mai" not in page and "Bài 11-53-00001 (không công bố tên)" in page
    assert "Quàng Văn Nam" not in page  # no consent to publish his name at all

    Entry.objects.filter(pk=first.pk).update(sensitive_publish_consent=True)
    page = client.get(reverse("letters_contest:results", args=[w.round.pk])).content.decode()
    assert "Lò Thị Mai" in page
    assert [(row["code"], row["rank"], row["tied"]) for row in judging.published_results(w.round)] == [
        ("11-53-00002", 2, True),
        ("11-53-00003", 2, True),
        ("11-53-00001", 1, False),
    ]


@pytest.fixture
def published(world):
    w = world
    results.entry_exclude(entry=w.entries[3], reason="Không đủ điều kiện", actor=w.organiser)
    results.awards_save(
        round_=w.round,
        choices={
            w.entries[0].pk: Choice("first"),
            w.entries[1].pk: Choice("second"),
            w.entries[2].pk: Choice("second"),
        },
        actor=w.organiser,
    )
    results.results_publish(round_=w.round, actor=w.organiser)
    w.round.refresh_from_db()
    return w


def test_after_publishing_an_award_changes_only_through_a_recorded_correction(client, published):
    w = published
    client.force_login(w.organiser)
    response = client.post(w.url, _awards(w, e1="second", e2="second", e3="second"))
    assert response.status_code == 200 and "đính chính" in response.content.decode()
    assert _given(w)["11-53-00001"] == "first"
    with pytest.raises(StateRefused):
        results.awards_save(round_=w.round, choices={w.entries[0].pk: Choice("third")}, actor=w.organiser)
    with pytest.raises(StateRefused):
        results.entry_exclude(entry=w.entries[0], reason="x", actor=w.organiser)
    assert client.post(w.url, {"publish": "1", "confirmed": "yes"}).status_code == 302  # refused, said so
    assert ResultCorrection.objects.count() == 0

    correct = {"action": "correct", "entry": w.entries[0].pk, "level": "second", "reason": ""}
    assert client.post(w.url, correct).status_code == 200  # a correction needs its reason
    reason = "Phát hiện bài 00001 sao chép một phần"
    assert client.post(w.url, correct | {"reason": reason}).status_code == 302

    correction = ResultCorrection.objects.get()
    assert (correction.entry, correction.decided_by, correction.reason) == (w.entries[0], w.organiser, reason)
    assert correction.what == "11-53-00001: Giải Nhất → Giải Nhì"
    award = Award.objects.get(entry=w.entries[0])
    assert award.level == "second" and award.history.latest().history_user == w.organiser

    client.logout()
    page = client.get(reverse("letters_contest:results", args=[w.round.pk])).content.decode()
    corrections = page[page.index('data-testid="corrections"') :]
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"{today} – 11-53-00001: Giải Nhất → Giải Nhì" in corrections and reason in corrections


def test_a_correction_keeps_the_rules_of_the_awards(published):
    w = published
    with pytest.raises(results.ResultRefused):  # tied with 00003, which keeps its second prize
        results.result_correct(
            round_=w.round, entry=w.entries[1], choice=Choice("first"), reason="?", actor=w.organiser
        )
    with pytest.raises(results.ResultRefused):
        results.result_correct(
            round_=w.round, entry=w.entries[0], choice=Choice("first"), reason="no change", actor=w.organiser
        )
    assert not ResultCorrection.objects.exists()


def test_nothing_is_awarded_or_published_before_judging(world):
    w = world
    today = timezone.localdate()
    ContestRound.objects.filter(pk=w.round.pk).update(
        school_deadline=today + timedelta(days=5), judging_from=today + timedelta(days=6)
    )
    w.round.refresh_from_db()
    with pytest.raises(StateRefused) as refused:
        results.awards_save(round_=w.round, choices={w.entries[0].pk: Choice("first")}, actor=w.organiser)
    assert (today + timedelta(days=6)).strftime("%d/%m/%Y") in refused.value.message
    with pytest.raises(StateRefused):
        results.results_publish(round_=w.round, actor=w.organiser)
    assert not Award.objects.exists()


def test_only_the_organiser_decides_the_results(client, world):
    w = world
    data = _awards(w, e1="first")
    client.force_login(w.judges[0])
    assert client.post(w.url, data).status_code == 403
    client.force_login(w.area.outsider)
    assert client.post(w.url, data).status_code == 403
    client.force_login(w.area.staff_a)
    assert client.post(w.url, {"publish": "1", "confirmed": "yes"}).status_code == 403
    client.logout()
    assert client.post(w.url, data).status_code == 302  # to the login page
    assert not Award.objects.exists()
    client.force_login(w.organiser)
    assert client.post(w.url, {"action": "delete_everything"}).status_code == 404
    assert client.post(w.url, {"action": "exclude", "entry": "abc", "reason": "x"}).status_code == 404


def test_unpublished_results_are_the_organisers_only(client, world):
    w = world
    url = reverse("letters_contest:results", args=[w.round.pk])
    assert client.get(url).status_code == 404
    client.force_login(w.organiser)
    assert client.get(url).status_code == 200


def test_the_rankings_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    w = world
    results.awards_save(round_=w.round, choices={w.entries[0].pk: Choice("first")}, actor=w.organiser)
    client.force_login(w.organiser)
    client.get(w.url)
    with django_assert_max_num_queries(30) as before:
        client.get(w.url)
    for n in range(5, 12):
        entry = EntryFactory(round=w.round, school=w.area.school_a, code=f"11-53-{n:05d}")
        if n % 2:
            results.entry_exclude(entry=entry, reason="Trùng bài", actor=w.organiser)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(w.url)


def test_the_award_label_names_the_special_prize():
    assert Choice("special", "other", "Giải Thư hay nhất").label() == "Giải Đặc biệt – Giải Thư hay nhất"
    assert Choice("first", "disability", "x").cleaned() == Choice("first")
