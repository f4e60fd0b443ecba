"""Setting a signal aside goes through trust.services and keeps its history (issue 14)."""

import pytest
from django.urls import reverse

from needs.models import Need
from tests.needs.factories import NeedFactory
from trust.models import SignalDismissal

WRITING_VIEWS = {"trust:dismiss"}


@pytest.mark.django_db
def test_it_records_who_set_a_signal_aside_and_each_note(client, area, settings):
    settings.TRUST_MANY_NEEDS_COUNT = 1
    need = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED)
    Need.objects.filter(pk=need.pk).update(submitted_at=need.created_at)
    client.force_login(area.officer_a)
    url = reverse("trust:dismiss", args=[need.pk])

    client.post(url, {"kind": "pace", "key": "", "note": "Trường mới sáp nhập."})
    client.post(url, {"kind": "pace", "key": "", "note": "Đã gọi điện xác nhận."})

    dismissal = SignalDismissal.objects.get()
    rows = list(dismissal.history.order_by("history_id").values_list("history_type", "history_user", "note"))
    assert rows == [
        ("+", area.officer_a.pk, "Trường mới sáp nhập."),
        ("~", area.officer_a.pk, "Đã gọi điện xác nhận."),
    ]
