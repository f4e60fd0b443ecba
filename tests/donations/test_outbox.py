"""The outbox of pledge mails (donations.outbox), in process. tests/config/test_faults.py
proves the same with Redis, the worker and the mail server really stopped."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from core.outbox import backoff
from donations import outbox
from donations.models import PledgeNotice
from donations.services import DonorDetails, donor_erase, pledge_create
from tests.accounts.factories import UserFactory
from tests.support.forms import give


def failing_backend_send(*args, **kwargs):
    raise ConnectionRefusedError(111, "Connection refused")


def test_the_mail_is_written_with_the_pledge_and_sent_once_after_commit(
    client,
    need,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        give(client, need)
    notice = PledgeNotice.objects.get()
    assert notice.kind == "pledged" and notice.sent_at is None  # in the outbox before anything is sent
    assert len(mail.outbox) == 0
    for callback in callbacks:
        callback()
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<pledge-notice-{notice.pk}@")
    assert outbox.deliver(notice.pk) is False and outbox.sweep(older_than=timedelta(0))["done"] == 0
    assert len(mail.outbox) == 1


def test_with_the_broker_down_the_donor_still_gets_their_pledge_and_the_sweep_sends_the_mail(
    client,
    need,
    django_capture_on_commit_callbacks,
):
    broker_down = mock.patch("donations.tasks.send_pledge_notice.delay", side_effect=BrokerDown("Connection refused"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        response = give(client, need)
    assert response.status_code == 302
    notice = PledgeNotice.objects.get()
    assert notice.sent_at is None and notice.attempts == 0 and len(mail.outbox) == 0

    assert outbox.sweep()["done"] == 0  # younger than a minute: left to the worker it was handed to
    assert outbox.sweep(older_than=timedelta(0))["done"] == 1
    notice.refresh_from_db()
    assert notice.sent_at is not None and len(mail.outbox) == 1


def test_a_failed_send_waits_longer_each_time_and_is_never_dropped(need, settings):
    settings.PLEDGE_MAIL_RETRY_SECONDS = 30
    pledge, _ = pledge_create(need=need, donor=DonorDetails(name="Hà", email="ha@example.vn"), amount=500_000)
    notice = PledgeNotice.objects.get(pledge=pledge)
    waits = []
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", failing_backend_send):
        for _ in range(4):
            PledgeNotice.objects.filter(pk=notice.pk).update(not_before=timezone.now() - timedelta(seconds=1))
            before = timezone.now()
            assert outbox.deliver(notice.pk) is False
            notice.refresh_from_db()
            waits.append(round((notice.not_before - before).total_seconds() / 30))
    assert waits == [1, 2, 4, 8]
    assert notice.attempts == 4 and "Connection refused" in notice.last_error and notice.sent_at is None
    assert outbox.sweep(older_than=timedelta(0))["done"] == 0  # still waiting out its back-off

    PledgeNotice.objects.filter(pk=notice.pk).update(not_before=timezone.now() - timedelta(seconds=1))
    assert outbox.sweep(older_than=timedelta(0))["done"] == 1
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.last_error == "" and len(mail.outbox) == 1


def test_a_mail_claimed_by_a_worker_is_not_sent_by_another_until_the_claim_runs_out(need, settings):
    settings.PLEDGE_MAIL_LEASE_SECONDS = 600
    pledge, _ = pledge_create(need=need, donor=DonorDetails(name="Hà", email="ha@example.vn"), amount=500_000)
    notice = PledgeNotice.objects.get(pledge=pledge)
    # A worker claimed it and died before sending.
    PledgeNotice.objects.filter(pk=notice.pk).update(not_before=timezone.now() + timedelta(minutes=10), attempts=1)
    assert outbox.deliver(notice.pk) is False and outbox.sweep(older_than=timedelta(0))["done"] == 0
    PledgeNotice.objects.filter(pk=notice.pk).update(not_before=timezone.now() - timedelta(seconds=1))
    assert outbox.sweep(older_than=timedelta(0))["done"] == 1
    assert len(mail.outbox) == 1


def test_erasing_a_donor_drops_the_mails_still_waiting_for_them(need):
    donor = UserFactory(email="nham@example.vn")
    pledge, _ = pledge_create(need=need, donor=DonorDetails(name="Nhâm", email=donor.email, user=donor), amount=500_000)
    assert PledgeNotice.objects.filter(pledge=pledge, sent_at__isnull=True).exists()
    donor_erase(user=donor)
    assert not PledgeNotice.objects.filter(pledge=pledge).exists()
    assert outbox.sweep(older_than=timedelta(0))["done"] == 0 and len(mail.outbox) == 0


@pytest.mark.parametrize("attempts, seconds", [(1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)])
def test_the_back_off_doubles_up_to_an_hour(attempts, seconds):
    assert backoff(attempts) == timedelta(seconds=seconds)
