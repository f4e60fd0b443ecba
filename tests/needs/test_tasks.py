from datetime import timedelta

from django.utils import timezone

from needs.models import Need, NeedEvent
from needs.tasks import expire_overdue_needs
from tests.needs.factories import NeedFactory


def test_overdue_verified_needs_expire_once(area, settings):
    settings.NEED_EXPIRY_GRACE_DAYS = 30
    today = timezone.localdate()
    overdue = NeedFactory(school=area.school_a, wanted_by=today - timedelta(days=31))
    within_grace = NeedFactory(school=area.school_a, wanted_by=today - timedelta(days=10))
    funded = NeedFactory(school=area.school_a, status=Need.Status.FUNDED, wanted_by=today - timedelta(days=90))
    no_date = NeedFactory(school=area.school_a, wanted_by=None)

    assert expire_overdue_needs()["done"] == 1
    assert expire_overdue_needs()["done"] == 0  # a second run changes nothing

    statuses = {n.pk: Need.objects.get(pk=n.pk).status for n in (overdue, within_grace, funded, no_date)}
    assert statuses == {
        overdue.pk: "expired",
        within_grace.pk: "verified",
        funded.pk: "funded",
        no_date.pk: "verified",
    }
    event = NeedEvent.objects.get(need=overdue, to_status="expired")
    assert event.actor is None
