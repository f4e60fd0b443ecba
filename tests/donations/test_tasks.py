from datetime import timedelta

from django.core import mail
from django.utils import timezone

from donations.models import Pledge
from donations.services import DonorDetails, pledge_create
from donations.tasks import remind_and_expire_pledges
from needs.models import Need
from tests.needs.factories import NeedFactory


def test_reminders_go_once_and_late_pledges_expire(area, settings, django_capture_on_commit_callbacks):
    settings.PLEDGE_REMINDER_DAYS = 7
    need = NeedFactory(school=area.school_a, items=[("Chăn", 40, "cái", 250_000)])
    donor = DonorDetails(name="Lê Minh", email="minh@example.vn")
    waiting, _ = pledge_create(need=need, donor=donor, amount=3_000_000)
    fresh, _ = pledge_create(need=need, donor=donor, amount=1_000_000)
    late, _ = pledge_create(need=need, donor=donor, amount=6_000_000)
    need.refresh_from_db()
    assert need.status == Need.Status.FUNDED
    today = timezone.localdate()
    Pledge.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=8))
    Pledge.objects.filter(pk=late.pk).update(expires_on=today - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        first = remind_and_expire_pledges()
    with django_capture_on_commit_callbacks(execute=True):
        second = remind_and_expire_pledges()

    assert first == {"reminded": {"done": 1, "failed": 0}, "expired": {"done": 1, "failed": 0}}
    assert second == {"reminded": {"done": 0, "failed": 0}, "expired": {"done": 0, "failed": 0}}
    assert [m.subject for m in mail.outbox] == [f"Nhắc nhở về cam kết {waiting.reference}"]
    late.refresh_from_db()
    need.refresh_from_db()
    assert late.status == Pledge.Status.EXPIRED
    assert need.status == Need.Status.VERIFIED
    assert need.amount_pledged == 4_000_000
    fresh.refresh_from_db()
    assert fresh.reminder_sent_at is None
