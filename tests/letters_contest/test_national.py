"""The national round (letters_contest.national): provinces forward their best letters
within the edition's quota, national judges score them blind, the national organisers
publish the results and mark the one letter sent to the UPU; provinces see the outcome.
Time is frozen (time_machine) at explicit dates of the 2024 edition."""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters_contest import lifecycle, national
from letters_contest.models import (
    EntryAccess,
    Forwarding,
    NationalRole,
    NationalRound,
    ResultCorrection,
    Score,
)
from tests.accounts.factories import UserFactory
from tests.letters_contest.factories import ContestRoundFactory, CriterionFactory, EntryFactory, ScoreFactory
from tests.schools.factories import CommuneFactory, DistrictFactory, MembershipFactory, ProvinceFactory, SchoolFactory
from tests.support.confirm import asks_to_confirm

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FORWARDING_DAY = datetime(2024, 6, 1, 9, 0, tzinfo=HANOI)  # provinces forward by 15/06
JUDGING_DAY = datetime(2024, 6, 25, 9, 0, tzinfo=HANOI)  # national judging from 20/06


@pytest.fixture
def clock():
    with time_machine.travel(FORWARDING_DAY, tick=False) as traveller:
        yield traveller


def _published_round(province, edition_number, schools, names, judges):
    """A province's round with its results published, and its letters ranked by two
    judges (best first, as named)."""
    round_ = ContestRoundFactory(
        edition__number=edition_number,
        edition__forward_quota=2,
        province=province,
        opens_on=date(2024, 1, 15),
        school_deadline=date(2024, 3, 31),
        judging_from=date(2024, 4, 5),
        forward_by=date(2024, 6, 10),
        delete_entries_on=date(2025, 6, 30),
        results_published=True,
        results_published_at=datetime(2024, 5, 10, 9, 0, tzinfo=HANOI),
    )
    criterion = CriterionFactory(round=round_, weight=100)
    entries = []
    for position, (name, publish) in enumerate(names):
        entry = EntryFactory(
            round=round_,
            school=schools[position % len(schools)],
            code=f"{province.code}-{edition_number}-{position + 1:05d}",
            pupil_name=name,
            date_of_birth=date(2012, 7, 19),
            class_name="6A9",
            consent_guardian="Giám hộ Lường Văn Pọm",
            letter_text=f"Lá thư số {position + 1} gửi tương lai…",
            consent_publish_name=publish,
        )
        for judge in judges:
            ScoreFactory(entry=entry, judge=judge, criterion=criterion, value=9 - position)
        entries.append(entry)
    return round_, entries


@pytest.fixture
def world(area, clock):
    w = SimpleNamespace(area=area)
    provincial_judges = [UserFactory(), UserFactory()]
    w.round, w.entries = _published_round(
        area.province,
        53,
        [area.school_a],
        [("Lò Thị Mai", True), ("Quàng Văn Nam", False), ("Cà Thị Ban", True)],
        provincial_judges,
    )
    # An unscored letter is not in the ranking.
    w.unranked = EntryFactory(round=w.round, school=area.school_a, code="11-53-00009", pupil_name="Chưa Chấm")
    w.organiser = MembershipFactory(role="organiser", office=w.round.organiser).user
    other = ProvinceFactory(name="Tỉnh Lai Châu", code="12")
    w.other_school = SchoolFactory(
        commune=CommuneFactory(parent=DistrictFactory(parent=other, code="105"), code="03390"),
        name="Trường Tiểu học Sìn Hồ",
    )
    w.other_round, w.other_entries = _published_round(
        other, 53, [w.other_school], [("Tẩn Láo Lở", True)], provincial_judges
    )
    w.other_organiser = MembershipFactory(role="organiser", office=w.other_round.organiser).user
    w.national_round = NationalRound.objects.create(
        edition=w.round.edition, forward_by=date(2024, 6, 15), judging_from=date(2024, 6, 20), judges_required=2
    )
    w.national_criterion = CriterionFactory(round=None, national_round=w.national_round, weight=100)
    w.national_organiser = UserFactory(email="btc.quocgia@example.vn")
    w.judges = [UserFactory(email="gk.qg1@example.vn"), UserFactory(email="gk.qg2@example.vn")]
    NationalRole.objects.create(
        national_round=w.national_round, user=w.national_organiser, role=NationalRole.Role.ORGANISER
    )
    for judge in w.judges:
        NationalRole.objects.create(national_round=w.national_round, user=judge, role=NationalRole.Role.JUDGE)
    w.clock = clock
    return w


def _forward(client, w, entries, round_=None, organiser=None):
    round_ = round_ or w.round
    client.force_login(organiser or w.organiser)
    return client.post(
        reverse("letters_contest:national_forward", args=[53, round_.pk]),
        {"entries": [e.pk for e in entries], "confirmed": "yes"},
    )


def _forwarded(w):
    """Both provinces forwarded: Điện Biên its first two letters, Lai Châu its one."""
    made = national.forward(round_=w.round, entries=w.entries[:2], actor=w.organiser)
    made += national.forward(round_=w.other_round, entries=w.other_entries, actor=w.other_organiser)
    w.clock.move_to(JUDGING_DAY)
    return made


def _score_all(w, forwardings, value=8):
    for judge in w.judges:
        for position, forwarding in enumerate(forwardings):
            national.national_scores_save(
                forwarding=forwarding, judge=judge, values={w.national_criterion.pk: Decimal(value - position)}
            )


# Forwarding ----------------------------------------------------------------------------------


def test_the_province_forwards_its_ranked_letters_after_a_confirmation(client, world):
    w = world
    url = reverse("letters_contest:national_forward", args=[53, w.round.pk])
    client.force_login(w.organiser)
    page = client.get(url).content.decode()
    assert w.entries[0].code in page and w.unranked.code not in page
    assert "Lò Thị Mai" not in page  # the page shows codes, not pupils

    asks_to_confirm(client, url, {"entries": str(w.entries[1].pk)})
    assert not Forwarding.objects.exists()

    response = _forward(client, w, [w.entries[1], w.entries[0]])
    assert response.status_code == 302 and response.url == w.round.get_absolute_url()
    rows = list(Forwarding.objects.order_by("province_rank"))
    assert [(f.entry, f.province_rank, f.forwarded_by, f.national_round) for f in rows] == [
        (w.entries[0], 1, w.organiser, w.national_round),
        (w.entries[1], 2, w.organiser, w.national_round),
    ]
    assert [(h.history_type, h.history_user) for h in Forwarding.history.order_by("history_id")] == [
        ("+", w.organiser),
        ("+", w.organiser),
    ]


def test_the_quota_of_the_edition_is_kept(client, world):
    w = world
    assert _forward(client, w, w.entries[:1]).status_code == 302
    response = _forward(client, w, w.entries[1:3])  # 1 + 2 > 2
    assert response.status_code == 302
    assert list(Forwarding.objects.values_list("entry", flat=True)) == [w.entries[0].pk]
    with pytest.raises(national.NationalRefused, match="2"):
        national.forward(round_=w.round, entries=w.entries[1:3], actor=w.organiser)
    national.forward(round_=w.round, entries=w.entries[1:2], actor=w.organiser)
    assert Forwarding.objects.filter(entry__round=w.round).count() == 2


def test_only_ranked_letters_not_yet_forwarded_go(world):
    w = world
    with pytest.raises(national.NationalRefused):
        national.forward(round_=w.round, entries=[w.unranked], actor=w.organiser)
    national.forward(round_=w.round, entries=w.entries[:1], actor=w.organiser)
    with pytest.raises(national.NationalRefused):
        national.forward(round_=w.round, entries=w.entries[:1], actor=w.organiser)
    with pytest.raises(national.NationalRefused):  # a letter excluded in the province
        w.entries[2].excluded_at = w.round.results_published_at
        w.entries[2].save()
        national.forward(round_=w.round, entries=w.entries[2:3], actor=w.organiser)
    assert Forwarding.objects.count() == 1


def test_forwarding_is_refused_before_the_province_publishes_and_after_the_date(client, world):
    w = world
    w.round.results_published, w.round.results_published_at = False, None
    w.round.judging_to = None
    w.round.save()
    with pytest.raises(national.NationalRefused) as refused:
        national.forward(round_=w.round, entries=w.entries[:1], actor=w.organiser)
    assert refused.value.message == lifecycle.refusal(w.round, lifecycle.Action.FORWARD) != ""
    w.round.results_published_at = datetime(2024, 5, 10, 9, 0, tzinfo=HANOI)
    w.round.save()

    w.clock.move_to(datetime(2024, 6, 16, 9, 0, tzinfo=HANOI))
    assert _forward(client, w, w.entries[:1]).status_code == 302
    assert not Forwarding.objects.exists()
    page = client.get(reverse("letters_contest:national_forward", args=[53, w.round.pk])).content.decode()
    assert "15/06/2024" in page and 'name="entries"' in page and "disabled" in page


def test_only_the_provinces_organiser_forwards(client, world):
    w = world
    url = reverse("letters_contest:national_forward", args=[53, w.round.pk])
    for user in (w.national_organiser, w.area.staff_a, w.other_organiser, w.judges[0], w.area.officer_province):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"entries": [w.entries[0].pk], "confirmed": "yes"}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert not Forwarding.objects.exists()
    # Another province's letter cannot be slipped into this province's forwarding.
    _forward(client, w, w.other_entries)
    assert not Forwarding.objects.exists()


# Judging -------------------------------------------------------------------------------------


def test_national_judges_score_blind(client, world, settings, tmp_path):
    w = world
    settings.MEDIA_ROOT = tmp_path
    w.entries[0].letter_file = SimpleUploadedFile("thu.jpg", b"\xff\xd8 a scanned letter")
    w.entries[0].save()
    forwardings = _forwarded(w)
    first = forwardings[0]
    client.force_login(w.judges[0])
    listing = client.get(reverse("letters_contest:national_judging", args=[53])).content.decode()
    page = client.get(reverse("letters_contest:national_judging_entry", args=[53, first.pk])).content.decode()
    for html in (listing, page):
        assert national.national_code(first) in html
        for secret in ("Lò Thị Mai", w.area.school_a.name, w.area.province.name, "Lai Châu", first.entry.code, "11-53"):
            assert secret not in html, secret
    assert "Lá thư số 1" in page

    response = client.post(
        reverse("letters_contest:national_judging_entry", args=[53, first.pk]), {f"c{w.national_criterion.pk}": "8.5"}
    )
    assert response.status_code == 302
    assert list(Score.objects.filter(judge=w.judges[0]).values_list("entry", "stage", "value")) == [
        (first.entry_id, 2, Decimal("8.5"))
    ]
    letter = client.get(reverse("letters_contest:national_judging_letter", args=[53, first.pk]))
    assert letter.status_code == 200
    assert list(EntryAccess.objects.values_list("user", "action", "entry_code")) == [
        (w.judges[0].pk, "national-judge", first.entry.code)
    ]


def test_scoring_waits_for_national_judging_and_others_cannot_judge(client, world):
    w = world
    forwarding = national.forward(round_=w.round, entries=w.entries[:1], actor=w.organiser)[0]
    url = reverse("letters_contest:national_judging_entry", args=[53, forwarding.pk])
    client.force_login(w.judges[0])
    assert "20/06/2024" in client.get(url).content.decode()
    client.post(url, {f"c{w.national_criterion.pk}": "8"})
    assert not Score.objects.filter(stage=2).exists()
    for user in (w.national_organiser, w.organiser, w.area.staff_a):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(reverse("letters_contest:national_judging", args=[53])).status_code == 403


# Publishing ----------------------------------------------------------------------------------


def test_publishing_needs_every_letter_scored_awards_and_the_upu_letter(client, world):
    w = world
    forwardings = _forwarded(w)
    url = reverse("letters_contest:national_ranking", args=[53])
    client.force_login(w.national_organiser)
    client.post(url, {"publish": "1", "confirmed": "yes"})
    w.national_round.refresh_from_db()
    assert w.national_round.results_published_at is None
    assert len(national.publish_problems(w.national_round)) == 3

    _score_all(w, forwardings[:2])
    # The third letter is left out with a recorded reason instead of its scores.
    client.post(url, {"exclude": forwardings[2].pk, "reason": "Bài chép lại từ sách"})
    forwardings[2].refresh_from_db()
    assert (forwardings[2].excluded_by, forwardings[2].excluded_reason) == (
        w.national_organiser,
        "Bài chép lại từ sách",
    )
    # The whole ranking's awards in one form.
    client.post(url, {"awards": "1", f"level-{forwardings[0].pk}": "first", f"level-{forwardings[1].pk}": "second"})
    assert dict(Forwarding.objects.values_list("pk", "national_level")) == {
        forwardings[0].pk: "first",
        forwardings[1].pk: "second",
        forwardings[2].pk: "",
    }
    client.post(url, {"upu": forwardings[0].pk})
    w.national_round.refresh_from_db()
    assert national.publish_problems(w.national_round) == []

    asks_to_confirm(client, url, {"publish": "1"})
    w.national_round.refresh_from_db()
    assert w.national_round.results_published_at is None
    assert client.post(url, {"publish": "1", "confirmed": "yes"}).status_code == 302
    w.national_round.refresh_from_db()
    assert w.national_round.results_published_at == JUDGING_DAY
    assert w.national_round.upu_entry == forwardings[0].entry
    changes = list(w.national_round.history.order_by("history_id"))
    assert [(h.history_user, h.upu_entry_id, bool(h.results_published_at)) for h in changes[-2:]] == [
        (w.national_organiser, forwardings[0].entry_id, False),
        (w.national_organiser, forwardings[0].entry_id, True),
    ]
    # Published: awards change only through a recorded correction.
    client.post(url, {"awards": "1", f"level-{forwardings[1].pk}": "third"})
    assert Forwarding.objects.get(pk=forwardings[1].pk).national_level == "second"


def test_exactly_one_letter_goes_to_the_upu_among_the_awards(client, world):
    w = world
    forwardings = _forwarded(w)
    _score_all(w, forwardings)
    nr = w.national_round
    with pytest.raises(national.NationalRefused):
        national.mark_upu(national_round=nr, forwarding=forwardings[0], actor=w.national_organiser)
    national.national_awards_set(
        national_round=nr, levels={forwardings[0].pk: "first", forwardings[1].pk: "second"}, actor=w.national_organiser
    )
    national.mark_upu(national_round=nr, forwarding=forwardings[0], actor=w.national_organiser)
    national.mark_upu(national_round=nr, forwarding=forwardings[1], actor=w.national_organiser)
    nr.refresh_from_db()
    assert nr.upu_entry == forwardings[1].entry
    # Taking its award back unmarks it: the UPU letter always has a national award.
    national.national_awards_set(national_round=nr, levels={forwardings[1].pk: ""}, actor=w.national_organiser)
    nr.refresh_from_db()
    assert nr.upu_entry is None

    national.national_awards_set(national_round=nr, levels={forwardings[1].pk: "second"}, actor=w.national_organiser)
    national.mark_upu(national_round=nr, forwarding=forwardings[0], actor=w.national_organiser)
    national.national_publish(national_round=nr, actor=w.national_organiser)
    with pytest.raises(national.NationalRefused):  # after publishing: with a reason only
        national.mark_upu(national_round=nr, forwarding=forwardings[1], actor=w.national_organiser)
    national.mark_upu(
        national_round=nr, forwarding=forwardings[1], actor=w.national_organiser, reason="Bài QG-1 vi phạm thể lệ"
    )
    nr.refresh_from_db()
    assert nr.upu_entry == forwardings[1].entry
    correction = ResultCorrection.objects.get()
    assert (correction.national_round, correction.entry_code, correction.decided_by, correction.reason) == (
        nr,
        forwardings[1].entry.code,
        w.national_organiser,
        "Bài QG-1 vi phạm thể lệ",
    )


def test_a_published_award_is_corrected_with_its_reason(client, world):
    w = world
    forwardings = _forwarded(w)
    _score_all(w, forwardings)
    national.national_awards_set(
        national_round=w.national_round, levels={forwardings[0].pk: "first"}, actor=w.national_organiser
    )
    national.mark_upu(national_round=w.national_round, forwarding=forwardings[0], actor=w.national_organiser)
    national.national_publish(national_round=w.national_round, actor=w.national_organiser)
    client.force_login(w.national_organiser)
    url = reverse("letters_contest:national_ranking", args=[53])
    client.post(url, {"correct": forwardings[1].pk, "level": "third", "reason": ""})
    assert not ResultCorrection.objects.exists()
    client.post(url, {"correct": forwardings[1].pk, "level": "third", "reason": "Sót khi tổng hợp điểm"})
    forwardings[1].refresh_from_db()
    assert forwardings[1].national_level == "third"
    assert forwardings[1].history.order_by("-history_id").first().history_user == w.national_organiser
    results = client.get(reverse("letters_contest:national_results", args=[53])).content.decode()
    assert "Sót khi tổng hợp điểm" in results


# What crosses, and what the province sees ----------------------------------------------------


def test_names_cross_only_with_the_published_award_and_consent(client, world):
    w = world
    forwardings = _forwarded(w)
    _score_all(w, forwardings)
    ranking_url = reverse("letters_contest:national_ranking", args=[53])
    results_url = reverse("letters_contest:national_results", args=[53])
    client.force_login(w.national_organiser)
    page = client.get(ranking_url).content.decode()
    assert w.entries[0].code in page and w.area.school_a.name in page and "Lai Châu" in page
    for secret in ("Lò Thị Mai", "Quàng Văn Nam", "Tẩn Láo Lở", "6A9", "19/07/2012", "Lường Văn Pọm"):
        assert secret not in page, secret
    client.logout()
    assert client.get(results_url).status_code == 404

    national.national_awards_set(
        national_round=w.national_round,
        levels={forwardings[0].pk: "first", forwardings[1].pk: "second"},
        actor=w.national_organiser,
    )
    national.mark_upu(national_round=w.national_round, forwarding=forwardings[0], actor=w.national_organiser)
    national.national_publish(national_round=w.national_round, actor=w.national_organiser)
    public = client.get(results_url).content.decode()
    client.force_login(w.national_organiser)
    page = client.get(ranking_url).content.decode()
    for html in (public, page):
        assert "Lò Thị Mai" in html  # first prize, consent to publish
        assert "Quàng Văn Nam" not in html  # second prize, no consent
        assert "Tẩn Láo Lở" not in html  # consent, but no national award
        for secret in ("6A9", "19/07/2012", "Lường Văn Pọm"):
            assert secret not in html


def test_the_province_sees_what_became_of_its_letters(client, world):
    w = world
    forwardings = _forwarded(w)
    round_page = reverse("letters_contest:round", args=[w.round.pk])
    client.force_login(w.organiser)
    page = client.get(round_page).content.decode()
    assert w.entries[0].code in page and w.entries[1].code in page and w.other_entries[0].code not in page
    assert "Giải Nhất" not in page

    _score_all(w, forwardings)
    national.national_awards_set(
        national_round=w.national_round, levels={forwardings[0].pk: "first"}, actor=w.national_organiser
    )
    national.mark_upu(national_round=w.national_round, forwarding=forwardings[0], actor=w.national_organiser)
    national.national_publish(national_round=w.national_round, actor=w.national_organiser)
    page = client.get(round_page).content.decode()
    assert "Giải Nhất" in page and "Gửi UPU" in page and "Không đạt giải quốc gia" in page
    # The public and the school do not see the province's forwarding table.
    client.force_login(w.area.staff_a)
    assert w.entries[1].code not in client.get(round_page).content.decode()


# People and opening --------------------------------------------------------------------------


def test_national_judges_are_appointed_by_email_with_the_history(client, world):
    w = world
    newcomer = UserFactory(email="gk.moi@example.vn")
    url = reverse("letters_contest:national_people", args=[53])
    client.force_login(w.national_organiser)
    assert client.post(url, {"email": "GK.Moi@example.vn", "role": "judge"}).status_code == 302
    appointed = NationalRole.objects.get(user=newcomer)
    assert client.post(url, {"remove": appointed.pk}).status_code == 302
    assert not NationalRole.objects.filter(user=newcomer).exists()
    assert [
        (h.history_type, h.history_user) for h in NationalRole.history.filter(id=appointed.pk).order_by("history_id")
    ] == [
        ("+", w.national_organiser),
        ("-", w.national_organiser),
    ]
    client.force_login(w.organiser)
    assert client.get(url).status_code == 403


def test_the_superuser_opens_the_national_round_with_its_rubric(client, world):
    w = world
    admin = UserFactory(is_superuser=True, is_staff=True)
    edition = ContestRoundFactory(edition__number=54, province=w.area.province).edition
    url = reverse("letters_contest:national_open", args=[54])
    client.force_login(w.national_organiser)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    response = client.post(url, {"forward_by": "2025-06-15", "judging_from": "2025-06-20", "judges_required": "3"})
    assert response.status_code == 302
    opened = NationalRound.objects.get(edition=edition)
    assert (opened.forward_by, opened.judges_required, opened.criteria.count()) == (date(2025, 6, 15), 3, 3)
    assert opened.history.get().history_user == admin
    # Once open, its page says so and shows its dates.
    page = client.get(reverse("letters_contest:national", args=[54])).content.decode()
    assert "15/06/2025" in page


def test_the_ranking_page_reads_in_a_fixed_number_of_queries(client, world):
    w = world
    forwardings = _forwarded(w)
    _score_all(w, forwardings)
    client.force_login(w.national_organiser)
    url = reverse("letters_contest:national_ranking", args=[53])
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    # One more letter, forwarded past the quota by hand: the page asks no more of the database.
    extra = Forwarding.objects.create(entry=w.entries[2], national_round=w.national_round, province_rank=3)
    _score_all(w, [extra])
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert national.national_code(extra) in page
    assert len(four) == len(three)


def test_the_contest_home_lists_the_national_round_with_its_state(client, world):
    html = client.get(reverse("letters_contest:home")).content.decode()
    link = reverse("letters_contest:national", args=[world.national_round.edition.number])
    assert f'href="{link}"' in html and "Vòng thi cấp quốc gia" in html
    assert "Các tỉnh gửi bài" in html and "15/06/2024" in html
