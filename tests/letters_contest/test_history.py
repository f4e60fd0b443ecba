"""Every view of the contest that changes data goes through a service that keeps the
history of the change with the user who made it (issue 14), and every view that opens
pupils' data records who opened it. Each test makes one valid change as the user allowed
to make it, then checks the rows and their history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from letters_contest import results, services
from letters_contest.models import (
    Award,
    ContestRound,
    Criterion,
    Edition,
    Entry,
    EntryAccess,
    Judge,
    ResultCorrection,
    Score,
    TieBreak,
)
from letters_contest.results import Choice
from letters_contest.urls import urlpatterns
from tests.accounts.factories import UserFactory
from tests.letters_contest.factories import during
from tests.schools.factories import MembershipFactory, OfficeFactory
from tests.support.contest import judging_today, score
from tests.support.documents import blank_pdf

# The views of the contest that change data, each covered below.
WRITING_VIEWS = {
    "letters_contest:round_create",
    "letters_contest:round_dates",
    "letters_contest:judges",
    "letters_contest:judging_entry",
    "letters_contest:rankings",
    "letters_contest:entry_create",
    "letters_contest:entry_withdraw",
    # The national round (tests/letters_contest/test_national.py checks each one's history).
    "letters_contest:national_open",
    "letters_contest:national_people",
    "letters_contest:national_forward",
    "letters_contest:national_judging_entry",
    "letters_contest:national_ranking",
}
# The views that record who opened pupils' data (EntryAccess, itself the record).
RECORDING_VIEWS = {
    "letters_contest:entries",
    "letters_contest:entry",
    "letters_contest:entry_letter",
    "letters_contest:certificate",
    "letters_contest:judging_letter",
    "letters_contest:rankings",
    "letters_contest:national_judging_letter",
}
# The views that only read.
READING_VIEWS = {
    "letters_contest:home",
    "letters_contest:round",
    "letters_contest:judging",
    "letters_contest:results",
    "letters_contest:participation",
    "letters_contest:national",
    "letters_contest:national_judging",
    "letters_contest:national_results",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Contest:
    """A round with its rubric, two registered entries (the first with a scanned letter),
    a judge, and the organiser of the province."""


@pytest.fixture
def contest(area):
    c = Contest()
    edition = Edition.objects.create(number=53, year=2024, theme="Thư gửi tương lai", guidance_document="31/BTTTT-HTQT")
    c.office = OfficeFactory(unit=area.province, kind="information_department")
    campaign = Campaign.objects.create(
        name="UPU 53",
        slug="upu-53",
        kind="contest",
        scope=area.province,
        lead_office=c.office,
        starts_on=date(2024, 1, 8),
        purpose="Hưởng ứng cuộc thi",
    )
    c.round = ContestRound.objects.create(
        edition=edition,
        province=area.province,
        organiser=c.office,
        campaign=campaign,
        # Open for entries today; judging after the deadline (tests travel there: `during`).
        opens_on=timezone.localdate() - timedelta(days=30),
        school_deadline=timezone.localdate() + timedelta(days=30),
        delete_entries_on=timezone.localdate() + timedelta(days=400),
    )
    c.content = Criterion.objects.create(round=c.round, name="Nội dung", weight=60, max_score=10)
    c.style = Criterion.objects.create(round=c.round, name="Ngôn ngữ", weight=40, max_score=10)
    c.entries = [
        Entry.objects.create(
            round=c.round,
            school=area.school_a,
            code=f"11-53-0000{n}",
            pupil_name=name,
            date_of_birth=date(2012, 1, 1),
            class_name="6A",
            letter_text="Gửi tương lai…",
            letter_file=SimpleUploadedFile("thu.jpg", b"\xff\xd8 a scanned letter") if n == 1 else "",
            word_count=400,
            consent_given=True,
            consent_guardian="PH",
        )
        for n, name in [(1, "Lò Thị Mai"), (2, "Quàng Văn Nam")]
    ]
    c.judge = UserFactory(email="giamkhao@example.vn")
    Judge.objects.create(round=c.round, user=c.judge)
    c.organiser = MembershipFactory(role="organiser", office=c.office).user
    return c


def _in_order(history):
    return list(history.order_by("history_date", "history_id"))


def test_every_view_of_the_contest_is_listed_as_writing_recording_or_reading():
    assert {f"letters_contest:{pattern.name}" for pattern in urlpatterns} == (
        WRITING_VIEWS | RECORDING_VIEWS | READING_VIEWS
    )


def test_opening_a_round_keeps_who_opened_it(client, contest):
    client.force_login(contest.organiser)
    response = client.post(
        reverse("letters_contest:round_create"),
        {
            "number": "54",
            "year": "2025",
            "theme": "Thư gửi tương lai",
            "guidance_document": "Công văn 12/BTTTT",
            "age_min": "9",
            "age_max": "15",
            "word_limit": "800",
            "school_deadline": "2025-03-31",
        },
    )
    assert response.status_code == 302
    round_ = ContestRound.objects.get(edition__number=54)
    round_.refresh_from_db()
    assert (round_.organiser, round_.school_deadline) == (contest.office, date(2025, 3, 31))
    assert [(r.history_type, r.history_user) for r in round_.history.all()] == [("+", contest.organiser)]
    assert [(r.history_type, r.history_user) for r in round_.edition.history.all()] == [("+", contest.organiser)]
    assert {(r.history_type, r.history_user) for r in Criterion.history.filter(round_id=round_.pk)} == {
        ("+", contest.organiser)
    }
    assert Criterion.history.filter(round_id=round_.pk).count() == round_.criteria.count() == 3


def test_judges_are_appointed_and_removed_with_the_history(client, contest):
    new_judge = UserFactory(email="giamkhao2@example.vn")
    url = reverse("letters_contest:judges", args=[contest.round.pk])
    client.force_login(contest.organiser)

    assert client.post(url, {"email": "GiamKhao2@example.vn"}).status_code == 302
    judge = Judge.objects.get(round=contest.round, user=new_judge)
    assert client.post(url, {"remove": judge.pk}).status_code == 302

    assert not Judge.objects.filter(pk=judge.pk).exists()
    assert [(r.history_type, r.history_user, r.user_id) for r in _in_order(Judge.history.filter(id=judge.pk))] == [
        ("+", contest.organiser, new_judge.pk),
        ("-", contest.organiser, new_judge.pk),
    ]


def test_a_judges_marks_and_their_changes_are_kept(client, contest):
    entry = contest.entries[0]
    url = reverse("letters_contest:judging_entry", args=[contest.round.pk, entry.pk])
    with during(contest.round, "judging"):
        client.force_login(contest.judge)  # a session of that day
        client.post(url, {f"c{contest.content.pk}": "8.5", f"c{contest.style.pk}": "7"})
        client.post(url, {f"c{contest.content.pk}": "9", f"c{contest.style.pk}": "7"})  # one mark changed

    content = Score.objects.get(entry=entry, judge=contest.judge, criterion=contest.content)
    style = Score.objects.get(entry=entry, judge=contest.judge, criterion=contest.style)
    content.refresh_from_db()
    assert (content.value, style.value) == (Decimal("9.0"), Decimal("7.0"))
    assert [(r.history_type, r.history_user, r.value) for r in _in_order(content.history)] == [
        ("+", contest.judge, Decimal("8.5")),
        ("~", contest.judge, Decimal("9.0")),
    ]
    assert [(r.history_type, r.history_user) for r in style.history.all()] == [("+", contest.judge)]


def _judged_today(contest):
    """The round judging today, both entries scored by the judges it requires (one)."""
    judging_today(contest.round)
    ContestRound.objects.filter(pk=contest.round.pk).update(judges_required=1)
    contest.round.refresh_from_db()
    for entry, mark in zip(contest.entries, (9, 7), strict=True):
        score(entry, [contest.judge], [contest.content, contest.style], (mark, mark))


def test_awards_given_changed_and_taken_back_are_kept(client, contest):
    _judged_today(contest)
    entry = contest.entries[0]
    url = reverse("letters_contest:rankings", args=[contest.round.pk])
    client.force_login(contest.organiser)

    client.post(url, {"action": "awards", f"level-{entry.pk}": "third"})
    award = Award.objects.get(entry=entry)
    client.post(url, {"action": "awards", f"level-{entry.pk}": "first"})
    award.refresh_from_db()
    assert (award.level, award.decided_by) == ("first", contest.organiser)
    client.post(url, {"action": "awards", f"level-{entry.pk}": ""})

    assert not Award.objects.exists()
    assert [(r.history_type, r.history_user, r.level) for r in _in_order(Award.history.filter(id=award.pk))] == [
        ("+", contest.organiser, "third"),
        ("~", contest.organiser, "first"),
        ("-", contest.organiser, "first"),
    ]


def test_exclusions_tie_breaks_and_corrections_are_kept(client, contest):
    _judged_today(contest)
    first, second = contest.entries
    url = reverse("letters_contest:rankings", args=[contest.round.pk])
    client.force_login(contest.organiser)
    client.post(url, {"action": "exclude", "entry": second.pk, "reason": "Trùng bài"})
    client.post(url, {"action": "include", "entry": second.pk})
    assert [(r.history_user, r.excluded_reason) for r in _in_order(second.history)][-2:] == [
        (contest.organiser, "Trùng bài"),
        (contest.organiser, ""),
    ]
    score(second, [contest.judge], [contest.content, contest.style], (9, 9))  # now tied with the first
    tie = {"action": "tie_break", "order": [first.pk, second.pk], f"position-{first.pk}": "1"}
    client.post(url, tie | {f"position-{second.pk}": "2", "reason": "Hội đồng bỏ phiếu"})
    assert {(r.history_user, r.position) for r in TieBreak.history.all()} == {
        (contest.organiser, 1),
        (contest.organiser, 2),
    }
    client.post(url, {"action": "awards", f"level-{first.pk}": "first", f"level-{second.pk}": "second"})
    client.post(url, {"publish": "1", "confirmed": "yes"})
    client.post(url, {"action": "correct", "entry": second.pk, "level": "first", "reason": "Cộng sai điểm"})
    correction = ResultCorrection.objects.get()
    assert (correction.decided_by, correction.entry_code) == (contest.organiser, second.code)
    award = Award.objects.get(entry=second)
    assert [(r.history_user, r.level) for r in _in_order(award.history)] == [
        (contest.organiser, "second"),
        (contest.organiser, "first"),
    ]


def test_publishing_the_results_is_kept(client, contest):
    _judged_today(contest)
    url = reverse("letters_contest:rankings", args=[contest.round.pk])
    client.force_login(contest.organiser)

    client.post(url, {"publish": "1", "confirmed": "yes"})
    contest.round.refresh_from_db()
    assert contest.round.results_published and contest.round.results_published_at is not None

    changes = [r for r in _in_order(contest.round.history) if r.history_type == "~" and r.results_published_at]
    assert [(r.history_user, r.results_published) for r in changes] == [(contest.organiser, True)]


def test_registering_and_withdrawing_an_entry_is_kept_with_the_school_staff(client, area, contest):
    client.force_login(area.staff_a)
    response = client.post(
        reverse("letters_contest:entry_create", args=[contest.round.pk]),
        {
            "school": area.school_a.pk,
            "pupil_name": "Lò Văn Pọm",
            "date_of_birth": "2013-05-10",
            "class_name": "5A",
            "letter_text": "Gửi các bạn của tương lai…",
            "word_count": "420",
            "consent_given": "on",
            "consent_guardian": "Lò Văn Pọm",
            "letter_file": SimpleUploadedFile("thu.pdf", blank_pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(pupil_name="Lò Văn Pọm")
    withdraw = reverse("letters_contest:entry_withdraw", args=[contest.round.pk, entry.pk])
    assert client.post(withdraw, {"confirmed": "yes"}).status_code == 302

    entry.refresh_from_db()
    assert (entry.status, entry.pupil_name, entry.created_by) == (Entry.Status.WITHDRAWN, "", area.staff_a)
    assert [(r.history_type, r.history_user, r.status) for r in _in_order(entry.history)] == [
        ("+", area.staff_a, Entry.Status.REGISTERED),
        ("~", area.staff_a, Entry.Status.WITHDRAWN),
    ]


def test_every_opening_of_pupils_data_is_recorded(client, contest):
    first, second = contest.entries
    ContestRound.objects.filter(pk=contest.round.pk).update(judges_required=1)  # the first is ranked
    Score.objects.create(entry=first, judge=contest.judge, criterion=contest.content, value=8)
    Award.objects.create(entry=first, level="first", decided_by=contest.organiser)
    round_pk = contest.round.pk
    client.force_login(contest.organiser)
    for name, args in [
        ("letters_contest:entries", [round_pk]),
        ("letters_contest:entry", [round_pk, first.pk]),
        ("letters_contest:entry_letter", [round_pk, first.pk]),
        ("letters_contest:certificate", [round_pk, first.pk]),
        ("letters_contest:rankings", [round_pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    client.force_login(contest.judge)
    assert client.get(reverse("letters_contest:judging_letter", args=[round_pk, first.pk])).status_code == 200

    recorded = sorted(EntryAccess.objects.values_list("user", "action", "entry_code", "entry"))
    assert recorded == sorted(
        [
            (contest.organiser.pk, "list", first.code, first.pk),
            (contest.organiser.pk, "list", second.code, second.pk),
            (contest.organiser.pk, "view", first.code, first.pk),  # the entry page
            (contest.organiser.pk, "view", first.code, first.pk),  # its letter
            (contest.organiser.pk, "view", first.code, first.pk),  # its certificate
            (contest.organiser.pk, "ranking", first.code, first.pk),
            (contest.judge.pk, "judge-letter", first.code, first.pk),
        ]
    )


def test_the_services_keep_the_acting_user_outside_a_request(contest):
    """A command or a task has no request for the history middleware: the services put
    the acting user on the instance themselves."""
    entry = contest.entries[1]
    judges_before = Judge.history.count()
    judge = services.judge_appoint(round_=contest.round, email="giamkhao@example.vn", actor=contest.organiser)
    assert judge.user == contest.judge  # already a judge: nothing new
    other = UserFactory(email="khac@example.vn")
    appointed = services.judge_appoint(round_=contest.round, email=other.email, actor=contest.organiser)
    _judged_today(contest)
    [mark] = services.scores_save(
        entry=entry, judge=contest.judge, stage=1, values={contest.content.pk: Decimal("6.5")}
    )
    results.awards_save(
        round_=contest.round, choices={entry.pk: Choice("special", "other", "Giải Ấn tượng")}, actor=contest.organiser
    )
    award = Award.objects.get(entry=entry)
    results.results_publish(round_=contest.round, actor=contest.organiser)
    services.entry_access_record(entry=entry, user=contest.organiser, what="view")

    assert appointed.history.get().history_user == contest.organiser
    assert mark.history.latest().history_user == contest.judge
    assert award.history.get().history_user == contest.organiser
    assert contest.round.history.order_by("-history_date", "-history_id").first().history_user == contest.organiser
    assert EntryAccess.objects.get(entry=entry).user == contest.organiser
    assert Judge.history.count() == judges_before + 1  # the judge appointed twice is written once


def test_appointing_an_unknown_email_is_refused(contest):
    judges_before = Judge.history.count()
    with pytest.raises(services.JudgeRefused):
        services.judge_appoint(round_=contest.round, email="nobody@example.vn", actor=contest.organiser)
    assert Judge.history.count() == judges_before


def test_changing_the_rounds_dates_is_kept_with_the_organiser(client, contest):
    client.force_login(contest.organiser)
    round_ = contest.round
    later = round_.school_deadline + timedelta(days=7)
    response = client.post(
        reverse("letters_contest:round_dates", args=[round_.pk]),
        {
            "opens_on": round_.opens_on.isoformat(),
            "school_deadline": later.isoformat(),
            "judges_required": "2",
            "delete_entries_on": "",
        },
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.school_deadline == later and not round_.retention_chosen
    change = round_.history.order_by("-history_id").first()
    assert (change.history_type, change.history_user, change.school_deadline) == ("~", contest.organiser, later)
