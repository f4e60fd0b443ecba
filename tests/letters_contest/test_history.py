"""Every view of the contest that changes data goes through a service that keeps the
history of the change with the user who made it (issue 14), and every view that opens
pupils' data records who opened it. Each test makes one valid change as the user allowed
to make it, then checks the rows and their history."""

import io
from datetime import date
from decimal import Decimal

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Campaign
from letters_contest import services
from letters_contest.models import Award, ContestRound, Criterion, Edition, Entry, EntryAccess, Judge, Score
from letters_contest.urls import urlpatterns
from tests.accounts.factories import UserFactory
from tests.schools.factories import MembershipFactory, OfficeFactory

# The views of the contest that change data, each covered below.
WRITING_VIEWS = {
    "letters_contest:round_create",
    "letters_contest:judges",
    "letters_contest:judging_entry",
    "letters_contest:rankings",
    "letters_contest:entry_create",
    "letters_contest:entry_withdraw",
}
# The views that record who opened pupils' data (EntryAccess, itself the record).
RECORDING_VIEWS = {
    "letters_contest:entries",
    "letters_contest:entry",
    "letters_contest:entry_letter",
    "letters_contest:certificate",
    "letters_contest:judging_letter",
    "letters_contest:rankings",
}
# The views that only read.
READING_VIEWS = {
    "letters_contest:home",
    "letters_contest:round",
    "letters_contest:judging",
    "letters_contest:results",
    "letters_contest:participation",
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
        opens_on=date(2024, 1, 15),
        school_deadline=date(2024, 3, 31),
        delete_entries_on=date(2025, 6, 30),
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
    client.force_login(contest.judge)

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


def test_awards_given_changed_and_taken_back_are_kept(client, contest):
    entry = contest.entries[0]
    url = reverse("letters_contest:rankings", args=[contest.round.pk])
    client.force_login(contest.organiser)

    client.post(url, {"entry": entry.pk, "level": "third"})
    award = Award.objects.get(entry=entry)
    client.post(url, {"entry": entry.pk, "level": "first"})
    award.refresh_from_db()
    assert (award.level, award.decided_by) == ("first", contest.organiser)
    client.post(url, {"entry": entry.pk, "level": ""})

    assert not Award.objects.exists()
    assert [(r.history_type, r.history_user, r.level) for r in _in_order(Award.history.filter(id=award.pk))] == [
        ("+", contest.organiser, "third"),
        ("~", contest.organiser, "first"),
        ("-", contest.organiser, "first"),
    ]


def test_publishing_and_withdrawing_results_is_kept(client, contest):
    url = reverse("letters_contest:rankings", args=[contest.round.pk])
    client.force_login(contest.organiser)

    client.post(url, {"publish": "1", "confirmed": "yes"})
    contest.round.refresh_from_db()
    assert contest.round.results_published
    client.post(url, {"publish": "0"})
    contest.round.refresh_from_db()
    assert not contest.round.results_published

    changes = [r for r in _in_order(contest.round.history) if r.history_type == "~"]
    assert [(r.history_user, r.results_published) for r in changes] == [
        (contest.organiser, True),
        (contest.organiser, False),
    ]


def _scanned_letter() -> bytes:
    """A one-page PDF (the form keeps only what opens as one: letters_contest.uploads)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


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
            "letter_file": SimpleUploadedFile("thu.pdf", _scanned_letter(), content_type="application/pdf"),
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
    [score] = services.scores_save(
        entry=entry, judge=contest.judge, stage=1, values={contest.content.pk: Decimal("6.5")}
    )
    award = services.award_set(entry=entry, level="special", actor=contest.organiser)
    services.results_publish(round_=contest.round, published=True, actor=contest.organiser)
    services.entry_access_record(entry=entry, user=contest.organiser, what="view")

    assert appointed.history.get().history_user == contest.organiser
    assert score.history.get().history_user == contest.judge
    assert award.history.get().history_user == contest.organiser
    assert contest.round.history.order_by("-history_date", "-history_id").first().history_user == contest.organiser
    assert EntryAccess.objects.get(entry=entry).user == contest.organiser
    assert Judge.history.count() == judges_before + 1  # the judge appointed twice is written once


def test_appointing_an_unknown_email_is_refused(contest):
    judges_before = Judge.history.count()
    with pytest.raises(services.JudgeRefused):
        services.judge_appoint(round_=contest.round, email="nobody@example.vn", actor=contest.organiser)
    assert Judge.history.count() == judges_before
