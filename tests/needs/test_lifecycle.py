"""Every (status, role, action) triple: allowed ones change the status and write history,
every other one is refused and changes nothing."""

import pytest

from needs.models import Need, NeedEvent
from needs.services import ACTIONS, ActionInvalid, ActionNotAllowed, allowed_actions, need_transition
from tests.needs.factories import NeedFactory

S = Need.Status
STATUSES = list(S.values)
ROLES = ["staff_own", "staff_other", "officer_area", "officer_outside", "officer_province", "donor", "system"]
OFFICERS = {"officer_area", "officer_province"}

# Written out by hand from the issue, independently of needs.services.ACTIONS.
EXPECTED = {
    "submit": ({"draft", "returned"}, {"staff_own"} | OFFICERS, "submitted"),
    "verify": ({"submitted"}, OFFICERS, "verified"),
    "return": ({"submitted"}, OFFICERS, "returned"),
    "ask": ({"submitted"}, OFFICERS, None),
    "answer": ({"submitted", "returned"}, {"staff_own"}, None),
    "cancel": ({"draft", "submitted", "returned", "verified"}, {"staff_own"} | OFFICERS, "cancelled"),
    "fund": ({"verified"}, {"system"} | OFFICERS, "funded"),
    "reopen": ({"funded"}, {"system"}, "verified"),
    "deliver": ({"funded"}, {"staff_own"} | OFFICERS, "delivered"),
    "close": ({"delivered"}, OFFICERS, "closed"),
    "expire": ({"verified"}, {"system"}, "expired"),
    "close_year": ({"verified", "funded"}, {"system"}, "closed"),
}


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(ACTIONS)


def _actor(area, role):
    return {
        "staff_own": area.staff_a,
        "staff_other": area.staff_b,
        "officer_area": area.officer_a,
        "officer_outside": area.officer_b,
        "officer_province": area.officer_province,
        "donor": area.outsider,
        "system": None,
    }[role]


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_status_and_role(area, action):
    allowed_statuses, allowed_roles, to_status = EXPECTED[action]
    for status in STATUSES:
        for role in ROLES:
            need = NeedFactory(school=area.school_a, status=status)
            events_before = NeedEvent.objects.filter(need=need).count()
            allowed = status in allowed_statuses and role in allowed_roles
            case = f"{action} on {status} by {role}"
            if allowed:
                need_transition(need=need, action=action, actor=_actor(area, role), note="Ghi chú")
                need.refresh_from_db()
                assert need.status == (to_status or status), case
                event = NeedEvent.objects.filter(need=need).latest("pk")
                assert (event.from_status, event.to_status, event.actor) == (status, need.status, _actor(area, role))
            else:
                with pytest.raises((ActionNotAllowed, ActionInvalid)):
                    need_transition(need=need, action=action, actor=_actor(area, role), note="Ghi chú")
                need.refresh_from_db()
                assert need.status == status, case
                assert NeedEvent.objects.filter(need=need).count() == events_before, case


def test_allowed_actions_offers_the_officer_verify_return_ask_cancel(area):
    need = NeedFactory(school=area.school_a, status=S.SUBMITTED)
    assert allowed_actions(need, area.officer_a) == ["verify", "return", "ask", "cancel"]
    assert allowed_actions(need, area.staff_a) == ["answer", "cancel"]
    assert allowed_actions(need, area.officer_b) == []


def test_returning_needs_a_reason(area):
    need = NeedFactory(school=area.school_a, status=S.SUBMITTED)
    with pytest.raises(ActionInvalid) as error:
        need_transition(need=need, action="return", actor=area.officer_a, note="  ")
    assert error.value.message == "Vui lòng ghi rõ lý do để bên kia được biết."
    need.refresh_from_db()
    assert need.status == S.SUBMITTED


def test_a_need_without_items_cannot_be_submitted(area):
    need = NeedFactory(school=area.school_a, status=S.DRAFT, items=[])
    with pytest.raises(ActionInvalid):
        need_transition(need=need, action="submit", actor=area.staff_a)
    need.refresh_from_db()
    assert need.status == S.DRAFT


def test_a_need_with_pledges_cannot_be_cancelled(area):
    need = NeedFactory(school=area.school_a, status=S.VERIFIED)
    Need.objects.filter(pk=need.pk).update(amount_pledged=1_000_000)
    with pytest.raises(ActionInvalid):
        need_transition(need=need, action="cancel", actor=area.officer_a)


def test_verifying_records_who_and_when(area):
    need = NeedFactory(school=area.school_a, status=S.SUBMITTED)
    need_transition(need=need, action="verify", actor=area.officer_a)
    assert need.verified_by == area.officer_a
    assert need.verified_at is not None
    assert need.is_public
