"""The mail preferences write through notices.services with their history (issue 14)."""

import pytest
from django.urls import reverse

from notices.models import Kind, MailOptOut

pytestmark = pytest.mark.django_db

WRITING_VIEWS = {
    "notices:preferences",
}


def test_choosing_fewer_mails_records_who_chose(client, area):
    client.force_login(area.staff_a)
    wanted = [k for k in Kind.values if k != Kind.NEED_VERIFIED]

    response = client.post(reverse("notices:preferences"), {"kinds": wanted})

    assert response.status_code == 302
    row = MailOptOut.objects.get(user=area.staff_a)
    assert row.kind == Kind.NEED_VERIFIED
    assert [(h.history_type, h.history_user) for h in row.history.all()] == [("+", area.staff_a)]

    client.post(reverse("notices:preferences"), {"kinds": Kind.values})

    assert not MailOptOut.objects.filter(user=area.staff_a).exists()
    history = MailOptOut.history.filter(id=row.pk).order_by("history_id")
    assert [(h.history_type, h.history_user) for h in history] == [("+", area.staff_a), ("-", area.staff_a)]
