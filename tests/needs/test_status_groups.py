"""The groups of statuses, named once on the model, and the questions templates ask."""

import pytest

from needs.models import Need

S = Need.Status


def test_the_groups_are_the_statuses_the_programme_counts():
    assert set(Need.PUBLIC_STATUSES) == {S.VERIFIED, S.FUNDED, S.DELIVERED, S.CLOSED}
    assert set(Need.FUNDING_STATUSES) == {S.VERIFIED, S.FUNDED}
    assert set(Need.COVERED_STATUSES) == {S.FUNDED, S.DELIVERED, S.CLOSED}
    assert set(Need.DELIVERED_STATUSES) == {S.DELIVERED, S.CLOSED}
    # Each narrower group lies inside the public one: only published needs are counted.
    for group in (Need.FUNDING_STATUSES, Need.COVERED_STATUSES, Need.DELIVERED_STATUSES):
        assert set(group) <= set(Need.PUBLIC_STATUSES)


@pytest.mark.parametrize("status", S.values)
def test_it_answers_what_templates_ask(status):
    need = Need(status=status)
    assert need.accepts_gifts is (status == "verified")
    assert need.is_returned is (status == "returned")
    assert need.is_public is (status in {"verified", "funded", "delivered", "closed"})
