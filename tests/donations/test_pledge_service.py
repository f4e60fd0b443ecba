import threading
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections
from django.utils import timezone

from donations.models import Pledge
from donations.services import (
    DonorDetails,
    PledgeRefused,
    claim_guest_pledges,
    pledge_cancel,
    pledge_create,
    pledge_expire,
    pledge_receive,
)
from needs.models import Need
from needs.services import need_transition
from tests.accounts.factories import UserFactory
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory

GUEST = DonorDetails(name="Lê Minh", email="minh@example.vn", phone="0912345678")


def ten_million_need(school):
    return NeedFactory(school=school, items=[("Chăn ấm", 40, "cái", 250_000)])


def test_a_pledge_counts_against_the_need(area):
    need = ten_million_need(area.school_a)
    pledge, created = pledge_create(need=need, donor=GUEST, amount=4_000_000)
    need.refresh_from_db()
    assert created
    assert need.amount_pledged == 4_000_000
    assert need.status == Need.Status.VERIFIED
    assert pledge.reference.startswith("DU") and len(pledge.reference) == 8
    assert pledge.events.get().to_status == "pledged"


def test_the_last_part_funds_the_need_and_a_cancel_reopens_it(area):
    need = ten_million_need(area.school_a)
    pledge_create(need=need, donor=GUEST, amount=6_000_000)
    last, _ = pledge_create(need=need, donor=GUEST, amount=4_000_000)
    need.refresh_from_db()
    assert need.status == Need.Status.FUNDED

    pledge_cancel(pledge=last, actor=None)

    need.refresh_from_db()
    assert need.status == Need.Status.VERIFIED
    assert need.amount_pledged == 6_000_000


def test_over_funding_is_refused_with_what_is_still_needed(area):
    need = ten_million_need(area.school_a)
    pledge_create(need=need, donor=GUEST, amount=9_000_000)
    with pytest.raises(PledgeRefused) as refused:
        pledge_create(need=need, donor=GUEST, amount=2_000_000)
    assert refused.value.still_needed == 1_000_000
    assert "1.000.000" in refused.value.message
    need.refresh_from_db()
    assert need.amount_pledged == 9_000_000
    assert Pledge.objects.count() == 1


def test_the_database_refuses_over_funding_even_behind_the_services_back(area):
    from django.db import transaction
    from django.db.models import F

    need = ten_million_need(area.school_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(amount_pledged=F("amount_requested") + 1)


def test_a_double_submitted_form_makes_one_pledge(area):
    need = ten_million_need(area.school_a)
    token = uuid.uuid4()
    first, created_first = pledge_create(need=need, donor=GUEST, amount=1_000_000, submission_token=token)
    second, created_second = pledge_create(need=need, donor=GUEST, amount=1_000_000, submission_token=token)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    need.refresh_from_db()
    assert need.amount_pledged == 1_000_000


def test_needs_not_open_for_gifts_refuse_pledges(area):
    for status in ("draft", "submitted", "funded", "delivered", "closed", "cancelled", "expired"):
        need = NeedFactory(school=area.school_a, status=status)
        with pytest.raises(PledgeRefused):
            pledge_create(need=need, donor=GUEST, amount=1_000)


def test_receiving_records_what_arrived_and_delivery_follows_the_need(area):
    need = ten_million_need(area.school_a)
    pledge, _ = pledge_create(need=need, donor=GUEST, amount=10_000_000)
    pledge_receive(pledge=pledge, actor=area.staff_a, amount=9_800_000, received_on=timezone.localdate())
    need.refresh_from_db()
    assert need.amount_received == 9_800_000
    with pytest.raises(PledgeRefused):
        pledge_cancel(pledge=pledge, actor=None)

    need_transition(need=need, action="deliver", actor=area.staff_a, note="Đã nhận 40 chăn.")

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DELIVERED
    assert list(pledge.events.values_list("to_status", flat=True)) == ["pledged", "received", "delivered"]


def test_expiry_releases_the_amount_once(area):
    need = ten_million_need(area.school_a)
    pledge, _ = pledge_create(need=need, donor=GUEST, amount=10_000_000)
    Pledge.objects.filter(pk=pledge.pk).update(expires_on=timezone.localdate() - timedelta(days=1))

    assert pledge_expire(pledge=pledge) is True
    assert pledge_expire(pledge=pledge) is False

    need.refresh_from_db()
    assert need.status == Need.Status.VERIFIED
    assert need.amount_pledged == 0


def test_guest_pledges_are_claimed_by_the_owner_of_the_email(area):
    need = ten_million_need(area.school_a)
    pledge, _ = pledge_create(need=need, donor=GUEST, amount=1_000_000)
    user = UserFactory(email="minh@example.vn")
    assert claim_guest_pledges(user=user, email="MINH@example.vn") == 1
    pledge.refresh_from_db()
    assert pledge.donor == user


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
def test_two_donors_racing_for_the_last_million_exactly_one_wins(area):
    """Two threads, two real database connections, released at the same instant."""
    need = ten_million_need(area.school_a)
    pledge_create(need=need, donor=GUEST, amount=9_000_000)
    barrier = threading.Barrier(2)
    outcomes = []

    def donate(name):
        try:
            barrier.wait()
            pledge_create(need=need, donor=DonorDetails(name=name, email=f"{name}@example.vn"), amount=1_000_000)
            outcomes.append("ok")
        except PledgeRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=donate, args=(name,)) for name in ("an", "binh")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "refused"]
    need.refresh_from_db()
    assert need.amount_pledged == 10_000_000
    assert need.status == Need.Status.FUNDED
    assert Pledge.objects.filter(need=need).count() == 2


def test_a_reference_that_is_already_taken_is_drawn_again(area, monkeypatch):
    """At millions of pledges a random reference can repeat: the donor's pledge still goes in."""
    need = NeedFactory(school=area.school_a, status="verified", items=[("Chăn", 10, "cái", 100_000)])
    taken = PledgeFactory(need=need, amount=100_000).reference
    draws = iter([taken, taken, "DUFRESH2"])
    monkeypatch.setattr("donations.services.new_reference", lambda: next(draws))
    pledge, created = pledge_create(need=need, donor=GUEST, amount=200_000)
    assert created
    assert pledge.reference == "DUFRESH2"
    need.refresh_from_db()
    assert need.amount_pledged == 200_000  # the factory pledge did not go through the service
