"""Issue 19, finding 3: a round opened in the portal had no retention date, so its pupils'
data was kept forever. Every round now has one, proposed from CONTEST_RETENTION_DAYS, and
the database refuses a round without it."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from letters_contest.models import ContestRound

pytestmark = pytest.mark.django_db


def _round_data(**changes):
    values = {
        "number": "54", "year": "2025", "theme": "Thư gửi tương lai", "guidance_document": "Công văn 12/BTTTT",
        "age_min": "9", "age_max": "15", "word_limit": "800", "launch_on": "2025-01-10",
        "school_deadline": "2025-03-31", "judging_from": "", "judging_to": "2025-04-20", "forward_by": "",
        "delete_entries_on": "",
    }  # fmt: skip
    values.update(changes)
    return values


def test_it_shows_the_organiser_the_default_date_prefilled(client, contest, settings):
    settings.CONTEST_RETENTION_DAYS = 200
    _round, organiser = contest
    client.force_login(organiser)
    response = client.get(reverse("letters_contest:round_create"))
    proposed = timezone.localdate() + timedelta(days=200)
    assert f'name="delete_entries_on" value="{proposed.isoformat()}"' in response.content.decode()
    assert "200 ngày sau hạn nộp bài của trường" in response.content.decode()


def test_a_round_opened_without_a_date_gets_the_default_after_the_deadline(client, contest, settings):
    settings.CONTEST_RETENTION_DAYS = 200
    _round, organiser = contest
    client.force_login(organiser)
    response = client.post(reverse("letters_contest:round_create"), _round_data())
    assert response.status_code == 302
    round_ = ContestRound.objects.get(edition__number=54)
    assert round_.delete_entries_on == date(2025, 3, 31) + timedelta(days=200)
    # The organiser and everyone else read it on the round's page.
    assert "17/10/2025" in client.get(round_.get_absolute_url()).content.decode()


def test_a_round_keeps_the_date_its_organiser_chose(client, contest):
    _round, organiser = contest
    client.force_login(organiser)
    client.post(reverse("letters_contest:round_create"), _round_data(delete_entries_on="2025-09-30"))
    assert ContestRound.objects.get(edition__number=54).delete_entries_on == date(2025, 9, 30)


@pytest.mark.parametrize("too_early", ["2025-03-31", "2025-04-20", "2024-12-31"])
def test_entries_are_not_deleted_before_the_round_is_judged(client, contest, too_early):
    _round, organiser = contest
    client.force_login(organiser)
    response = client.post(reverse("letters_contest:round_create"), _round_data(delete_entries_on=too_early))
    assert response.status_code == 200
    assert "chọn ngày muộn hơn" in response.content.decode()
    assert not ContestRound.objects.filter(edition__number=54).exists()


def test_the_database_refuses_a_round_without_a_date(contest):
    round_, _organiser = contest
    with pytest.raises(IntegrityError), transaction.atomic():
        ContestRound.objects.filter(pk=round_.pk).update(delete_entries_on=None)
    round_.refresh_from_db()
    assert round_.delete_entries_on is not None
