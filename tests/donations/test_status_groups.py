"""The groups of pledge statuses, named once on the model, and what templates ask."""

import pytest

from donations.models import Pledge

P = Pledge.Status


def test_received_pledges_are_a_part_of_the_active_ones():
    assert set(Pledge.RECEIVED_STATUSES) == {P.RECEIVED, P.DELIVERED}
    assert set(Pledge.RECEIVED_STATUSES) < set(Pledge.ACTIVE_STATUSES)


@pytest.mark.parametrize("status", P.values)
@pytest.mark.parametrize("kind", Pledge.Kind.values)
def test_it_answers_what_templates_ask(status, kind):
    pledge = Pledge(status=status, kind=kind)
    assert pledge.is_active is (status in {"pledged", "received", "delivered"})
    assert pledge.awaits_receipt is (status == "pledged")
    assert pledge.can_be_cancelled is (status == "pledged")
    assert pledge.awaits_transfer is (status == "pledged" and kind == "money")
    assert pledge.is_received is (status in {"received", "delivered"})
    assert pledge.awaits_delivery is (status == "received")
