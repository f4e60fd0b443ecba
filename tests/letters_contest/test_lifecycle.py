"""Issue 21, part 1: a round's life follows the clock. The clock is frozen on a day of each
state (time_machine) and every role tries what it may do: the school registers and
withdraws an entry, the organiser appoints a judge and changes the dates, the judge
scores, a visitor reads the round's page. Actions outside their state are refused with
a message that says why and since when; nothing is written."""

import os
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from letters_contest import lifecycle
from letters_contest.models import (
    Award,
    ContestRound,
    Entry,
    Forwarding,
    Judge,
    NationalRound,
    ResultCorrection,
    Score,
)
from letters_contest.tasks import delete_expired_entries
from tests.accounts.factories import UserFactory
from tests.letters_contest.factories import (
    AwardFactory,
    ContestRoundFactory,
    CriterionFactory,
    EntryFactory,
    JudgeFactory,
)
from tests.schools.factories import MembershipFactory
from tests.support.forms import entry_data
from tests.support.images import letter_photo

pytestmark = pytest.mark.django_db

# One round of 2030: entries from 01/02 to 31/03, judging 05/04–20/04, the pupils' data
# deleted on 31/12 (the organiser's date). A day in each state, at 10:00 in Vietnam.
DAYS = {
    "draft": date(2030, 1, 20),
    "open": date(2030, 2, 15),
    "closed": date(2030, 4, 2),
    "judging": date(2030, 4, 10),
    "published": date(2030, 5, 10),
    "archived": date(2030, 12, 31),
}
# What each role may do in each state.
MAY = {
    #             register withdraw appoint score  dates  deletion date
    "draft": (False, True, True, False, True, True),
    "open": (True, True, True, False, True, True),
    "closed": (False, True, True, False, True, True),
    "judging": (False, True, True, True, True, True),
    "published": (False, True, False, False, False, True),
    "archived": (False, False, False, False, False, False),
}
LABELS = {
    "draft": "Chưa mở",
    "open": "Đang nhận bài",
    "closed": "Đã hết hạn nhận bài",
    "judging": "Chấm thi",
    "published": "Đã công bố kết quả",
    "archived": "Đã lưu trữ",
}


def at(day: date):
    return time_machine.travel(
        datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone()).astimezone(UTC), tick=False
    )


class Round:
    """The round, its organiser, a judge with the rubric, and two entries of school A: the
    first awarded (its letter kept with consent), the second not."""


@pytest.fixture
def life(area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = Round()
    r.round = ContestRoundFactory(
        edition__number=59,
        province=area.province,
        opens_on=date(2030, 2, 1),
        school_deadline=date(2030, 3, 31),
        judging_from=date(2030, 4, 5),
        judging_to=date(2030, 4, 20),
        delete_entries_on=date(2030, 12, 31),
        retention_chosen=True,
    )
    r.organiser = MembershipFactory(role="organiser", office=r.round.organiser).user
    r.judge = JudgeFactory(round=r.round).user
    r.criterion = CriterionFactory(round=r.round, name="Nội dung", weight=100)
    r.awarded, r.unawarded = (
        EntryFactory(
            round=r.round,
            school=area.school_a,
            pupil_name=name,
            ethnic_group="Thái" if keep else "",
            sensitive_consent=keep,
            consent_keep_letter=keep,
            letter_file=SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4 a letter"),
        )
        for n, name, keep in [(1, "Lò Thị Mai", True), (2, "Quàng Văn Nam", False)]
    )
    AwardFactory(entry=r.awarded, level="first")
    return r


def _into(r, state):
    """Bring the round into `state` on its day: publishing is the organiser's act, the
    archive the nightly task's."""
    if state in ("published", "archived"):
        with at(DAYS["judging"]):
            ContestRound.objects.filter(pk=r.round.pk).update(
                results_published=True, results_published_at=timezone.now()
            )
    if state == "archived":
        with at(DAYS["archived"]):
            delete_expired_entries()
    r.round.refresh_from_db()


@pytest.mark.parametrize("state", list(DAYS))
def test_each_role_may_do_what_the_state_allows(client, area, life, state):
    r = life
    _into(r, state)
    may_register, may_withdraw, may_appoint, may_score, may_date, may_delete_date = MAY[state]
    with at(DAYS[state]):
        assert lifecycle.state_of(r.round) == state

        # Anyone reads the state and the timeline on the round's page.
        client.logout()
        page = client.get(r.round.get_absolute_url()).content.decode()
        assert LABELS[state] in page
        assert page.count('aria-current="step"') == (state != "draft")
        assert "31/12/2030" in page  # the deletion date, for everyone
        # Not signed in, nobody registers.
        assert client.post(reverse("letters_contest:entry_create", args=[r.round.pk])).status_code == 302

        # The school registers a letter: the form while open, else when it opens or closed.
        client.force_login(area.staff_a)
        url = reverse("letters_contest:entry_create", args=[r.round.pk])
        form = client.get(url).content.decode()
        before = Entry.objects.count()
        response = client.post(url, {**entry_data(area, pupil_name="Lường Thị Duyên"), "letter_file": letter_photo()})
        if may_register:
            assert 'name="pupil_name"' in form
            assert response.status_code == 302 and Entry.objects.count() == before + 1
        else:
            closed = (
                "Bắt đầu nhận bài từ ngày 01/02/2030." if state == "draft" else "Đã hết hạn nhận bài ngày 31/03/2030."
            )
            assert 'name="pupil_name"' not in form and closed in form
            assert closed in response.content.decode() and Entry.objects.count() == before
            assert closed in client.get(r.round.get_absolute_url()).content.decode()

        # The judge scores the unawarded letter only while judging; the list is always readable.
        client.force_login(r.judge)
        scoring = reverse("letters_contest:judging_entry", args=[r.round.pk, r.unawarded.pk])
        if state != "archived":  # by then the unawarded letter is gone
            response = client.post(scoring, {f"c{r.criterion.pk}": "8"}, follow=True)
            assert Score.objects.filter(entry=r.unawarded).exists() == may_score
            if not may_score:
                html = response.content.decode()
                expected = {
                    "published": "Kết quả đã được công bố ngày 10/04/2030",
                }.get(state, "Việc chấm bài bắt đầu từ ngày 05/04/2030.")
                assert expected in html and f'name="c{r.criterion.pk}"' not in html
        assert client.get(reverse("letters_contest:judging", args=[r.round.pk])).status_code == 200

        # The organiser appoints a judge and changes the round's dates.
        client.force_login(r.organiser)
        newcomer = UserFactory(email=f"giamkhao-{state}@example.vn")
        judges = reverse("letters_contest:judges", args=[r.round.pk])
        response = client.post(judges, {"email": newcomer.email}, follow=True)
        assert Judge.objects.filter(round=r.round, user=newcomer).exists() == may_appoint
        if not may_appoint:
            assert LABELS[state] in response.content.decode()
        dates = reverse("letters_contest:round_dates", args=[r.round.pk])
        response = client.post(
            dates,
            {
                "opens_on": "2030-02-01",
                "school_deadline": "2030-03-31",
                "judging_from": "2030-04-05",
                "judging_to": "2030-04-25",  # five days more for the judges
                "forward_by": "",
                "judges_required": "3",
                "delete_entries_on": "2031-01-31",
            },
            follow=True,
        )
        r.round.refresh_from_db()
        assert (r.round.judges_required == 3) == may_date
        assert (r.round.delete_entries_on == date(2031, 1, 31)) == may_delete_date
        if state == "archived":
            assert "dữ liệu học sinh đã được xóa ngày 31/12/2030" in response.content.decode()

        # The school withdraws the awarded pupil's consent: the award goes with it; once
        # published, that is a correction on the record.
        client.force_login(area.staff_a)
        withdraw = reverse("letters_contest:entry_withdraw", args=[r.round.pk, r.awarded.pk])
        response = client.post(withdraw, {"confirmed": "yes"}, follow=True)
        r.awarded.refresh_from_db()
        assert (r.awarded.status == Entry.Status.WITHDRAWN) == may_withdraw
        assert Award.objects.filter(entry=r.awarded).exists() == (not may_withdraw)
        assert ResultCorrection.objects.filter(round=r.round, entry=r.awarded).exists() == (state == "published")
        if not may_withdraw:
            assert "Vòng thi đã được lưu trữ" in response.content.decode()


def test_the_round_closes_at_its_deadline_by_the_clock_alone(client, area, life):
    """Nobody acts: at midnight after the deadline the school sees "closed on …"."""
    r = life
    client.force_login(area.staff_a)
    url = reverse("letters_contest:entry_create", args=[r.round.pk])
    with at(date(2030, 3, 31)) as traveller:
        client.force_login(area.staff_a)
        assert 'name="pupil_name"' in client.get(url).content.decode()
        traveller.move_to(datetime(2030, 3, 31, 23, 59, tzinfo=timezone.get_current_timezone()))
        assert 'name="pupil_name"' in client.get(url).content.decode()
        traveller.move_to(datetime(2030, 4, 1, 0, 0, tzinfo=timezone.get_current_timezone()))
        html = client.get(url).content.decode()
        assert 'name="pupil_name"' not in html and "Đã hết hạn nhận bài ngày 31/03/2030." in html


def test_the_nightly_task_archives_the_round_on_its_deletion_date(life):
    r = life
    kept_file, gone_file = r.awarded.letter_file.path, r.unawarded.letter_file.path
    with at(date(2030, 12, 30)):
        assert delete_expired_entries() == {"done": 0, "failed": 0}
    assert Entry.objects.filter(round=r.round).count() == 2

    with at(DAYS["archived"]):
        assert delete_expired_entries() == {"done": 2, "failed": 0}
        assert delete_expired_entries() == {"done": 0, "failed": 0}  # twice is once
        r.round.refresh_from_db()
        assert r.round.archived_at == timezone.now()
        assert lifecycle.state_of(r.round) == "archived"

    # The unawarded entry is gone whole, its letter too.
    assert not Entry.objects.filter(pk=r.unawarded.pk).exists() and not os.path.exists(gone_file)
    # The awarded one is the record of the prize: name, school, code, award; the letter kept
    # with the consent given at entry; nothing else of the pupil.
    entry = Entry.objects.get(pk=r.awarded.pk)
    assert (entry.pupil_name, entry.school, entry.award.level) == ("Lò Thị Mai", r.awarded.school, "first")
    assert (entry.date_of_birth, entry.class_name, entry.consent_guardian, entry.ethnic_group) == (None, "", "", "")
    assert entry.letter_file and os.path.exists(kept_file) and entry.letter_text
    assert entry.archived_at is not None


def test_an_awarded_letter_without_the_consent_to_keep_it_is_erased(area, life):
    r = life
    Entry.objects.filter(pk=r.awarded.pk).update(consent_keep_letter=False)
    path = r.awarded.letter_file.path
    with at(DAYS["archived"]):
        delete_expired_entries()
    entry = Entry.objects.get(pk=r.awarded.pk)
    assert (entry.pupil_name, bool(entry.letter_file), entry.letter_text) == ("Lò Thị Mai", False, "")
    assert not os.path.exists(path)


def test_a_letter_in_the_national_round_waits_for_its_results_then_stays_as_its_record(life):
    r = life
    national = NationalRound.objects.create(edition=r.round.edition, forward_by=date(2030, 6, 30))
    Forwarding.objects.create(entry=r.unawarded, national_round=national, province_rank=2)
    with at(DAYS["archived"]):
        # The national judges still read it: it is not touched, and the round waits.
        assert delete_expired_entries() == {"done": 1, "failed": 0}
        assert Entry.objects.get(pk=r.unawarded.pk).archived_at is None
        r.round.refresh_from_db()
        assert r.round.archived_at is None
        NationalRound.objects.filter(pk=national.pk).update(results_published_at=timezone.now())
        assert delete_expired_entries() == {"done": 1, "failed": 0}
    # Forwarded (so part of the national record) without a provincial award: kept as a record.
    entry = Entry.objects.get(pk=r.unawarded.pk)
    assert entry.archived_at is not None and entry.date_of_birth is None and entry.pupil_name
    r.round.refresh_from_db()
    assert r.round.archived_at is not None
