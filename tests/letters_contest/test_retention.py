"""Issue 19, finding 3: a round opened in the portal had no retention date, so its pupils'
data was kept forever. Every round now has one (the database refuses a round without it):
the organiser's date, or by default CONTEST_RETENTION_MONTHS after the results are
published (until then, counted from the last planned date)."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from letters_contest import results, services
from letters_contest.models import ContestRound
from tests.letters_contest.factories import during
from tests.support.contest import score

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year + 1  # a round of next year: its dates are all to come


def _round_data(**changes):
    values = {
        "number": "54", "year": str(YEAR), "theme": "Thư gửi tương lai", "guidance_document": "Công văn 12/BTTTT",
        "age_min": "9", "age_max": "15", "word_limit": "800", "launch_on": f"{YEAR}-01-10",
        "school_deadline": f"{YEAR}-03-31", "judging_from": "", "judging_to": f"{YEAR}-04-20", "forward_by": "",
        "judges_required": "2", "delete_entries_on": "",
    }  # fmt: skip
    values.update(changes)
    return values


def test_it_tells_the_organiser_the_default_on_the_form(client, contest, settings):
    settings.CONTEST_RETENTION_MONTHS = 4
    _round, organiser = contest
    client.force_login(organiser)
    html = client.get(reverse("letters_contest:round_create")).content.decode()
    assert 'name="delete_entries_on"' in html and 'name="delete_entries_on" value=' not in html
    assert "4 tháng sau khi công bố kết quả" in html


def test_a_round_opened_without_a_date_counts_it_from_its_last_planned_date(client, contest, settings):
    settings.CONTEST_RETENTION_MONTHS = 6
    _round, organiser = contest
    client.force_login(organiser)
    response = client.post(reverse("letters_contest:round_create"), _round_data())
    assert response.status_code == 302
    round_ = ContestRound.objects.get(edition__number=54)
    # Six months after the judging ends (20/04), the last date planned; not chosen.
    assert (round_.delete_entries_on, round_.retention_chosen) == (date(YEAR, 10, 20), False)
    assert round_.opens_on == date(YEAR, 1, 10)  # the launch ceremony, as none was given
    # The organiser and everyone else read it on the round's page, with how it is set.
    page = client.get(round_.get_absolute_url()).content.decode()
    assert f"20/10/{YEAR}" in page and "6 tháng sau khi công bố kết quả" in page


def test_a_round_keeps_the_date_its_organiser_chose(client, contest):
    _round, organiser = contest
    client.force_login(organiser)
    client.post(reverse("letters_contest:round_create"), _round_data(delete_entries_on=f"{YEAR}-09-30"))
    round_ = ContestRound.objects.get(edition__number=54)
    assert (round_.delete_entries_on, round_.retention_chosen) == (date(YEAR, 9, 30), True)


@pytest.mark.parametrize("too_early", [f"{YEAR}-03-31", f"{YEAR}-04-20", f"{YEAR - 2}-12-31"])
def test_entries_are_not_deleted_before_the_round_is_judged(client, contest, too_early):
    _round, organiser = contest
    client.force_login(organiser)
    response = client.post(reverse("letters_contest:round_create"), _round_data(delete_entries_on=too_early))
    assert response.status_code == 200
    assert "chọn ngày muộn hơn" in response.content.decode()
    assert not ContestRound.objects.filter(edition__number=54).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"launch_on": "", "opens_on": f"{YEAR}-04-01"}, "opens_on"),  # opens after the deadline
        ({"judging_from": f"{YEAR}-03-31"}, "judging_from"),  # judging on the deadline
        ({"judging_from": f"{YEAR}-04-10", "judging_to": f"{YEAR}-04-09"}, "judging_to"),
    ],
)
def test_the_dates_must_follow_each_other(client, contest, changes, field):
    _round, organiser = contest
    client.force_login(organiser)
    response = client.post(reverse("letters_contest:round_create"), _round_data(**changes))
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not ContestRound.objects.filter(edition__number=54).exists()


def test_publishing_the_results_moves_the_default_six_months_after_it(judged, settings):
    settings.CONTEST_RETENTION_MONTHS = 6
    round_, entries, criteria, judges, organiser = judged
    for entry in entries:
        score(entry, judges, criteria, (8, 7))
    with during(round_, "judging"):
        published_on = timezone.localdate()
        results.results_publish(round_=round_, actor=organiser)
    round_.refresh_from_db()
    assert (round_.delete_entries_on, round_.retention_chosen) == (published_on + relativedelta(months=6), False)
    assert round_.history.order_by("-history_id").first().history_user == organiser


def test_publishing_keeps_a_date_the_organiser_chose(judged):
    round_, entries, criteria, judges, organiser = judged
    for entry in entries:
        score(entry, judges, criteria, (8, 7))
    chosen = date(timezone.localdate().year + 2, 1, 31)
    services.round_dates_set(round_=round_, data={"delete_entries_on": chosen}, actor=organiser)
    results.results_publish(round_=round_, actor=organiser)
    round_.refresh_from_db()
    assert (round_.delete_entries_on, round_.retention_chosen) == (chosen, True)


def test_the_organiser_changes_the_dates_through_the_round_page(client, contest):
    round_, organiser = contest
    client.force_login(organiser)
    url = reverse("letters_contest:round_dates", args=[round_.pk])
    later = round_.school_deadline.replace(year=round_.school_deadline.year + 1)
    response = client.post(
        url,
        {
            "opens_on": round_.opens_on.isoformat(),
            "school_deadline": round_.school_deadline.isoformat(),
            "judging_from": "",
            "judging_to": "",
            "forward_by": "",
            "judges_required": "3",
            "delete_entries_on": later.isoformat(),
        },
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.judges_required, round_.delete_entries_on, round_.retention_chosen) == (3, later, True)
    assert round_.history.order_by("-history_id").first().history_user == organiser
    # Back to the default: an empty date.
    client.post(url, {"opens_on": round_.opens_on.isoformat(), "school_deadline": round_.school_deadline.isoformat(),
                      "judges_required": "3", "delete_entries_on": ""})  # fmt: skip
    round_.refresh_from_db()
    assert not round_.retention_chosen
    assert round_.delete_entries_on == round_.school_deadline + relativedelta(months=6)


def test_the_database_refuses_a_round_without_a_date(contest):
    round_, _organiser = contest
    with pytest.raises(IntegrityError), transaction.atomic():
        ContestRound.objects.filter(pk=round_.pk).update(delete_entries_on=None)
    round_.refresh_from_db()
    assert round_.delete_entries_on is not None


def test_no_deletion_date_in_the_past(contest):
    round_, organiser = contest
    before = round_.delete_entries_on
    with pytest.raises(ValidationError) as refused:
        services.round_dates_set(
            round_=round_, data={"delete_entries_on": timezone.localdate() - timedelta(days=1)}, actor=organiser
        )
    assert "delete_entries_on" in refused.value.message_dict
    round_.refresh_from_db()
    assert round_.delete_entries_on == before
