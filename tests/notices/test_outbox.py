"""The general outbox (notices.outbox): each notice's mail is written with the change,
sent once as text + HTML, and a failure leaves the row for a later try."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notices import outbox
from notices.models import Kind, Notice
from notices.services import Recipient, notify
from notices.tasks import sweep_notices

pytestmark = pytest.mark.django_db

TEMPLATE = "needs/email/ask"


def ask(need, people, **options):
    context = {"need": need, "school": need.school, "actor": None, "note": "Xin gửi báo giá của nhà cung cấp."}
    return notify(
        people, Kind.QUESTION_ASKED, template=TEMPLATE, context=context, link=need.get_absolute_url(), **options
    )


@pytest.fixture
def need(area):
    from tests.needs.factories import NeedFactory

    return NeedFactory(school=area.school_a, status="submitted", title="Chăn ấm cho học sinh bán trú")


def test_it_sends_each_mail_once_as_text_and_html(area, need, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = ask(need, [area.staff_a])
    (message,) = mail.outbox
    assert message.to == [area.staff_a.email]
    assert "Chăn ấm cho học sinh bán trú" in message.subject
    assert "Xin gửi báo giá của nhà cung cấp." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>Xin gửi báo giá của nhà cung cấp.</p>" in html
    assert settings.SITE_NAME in html and "Mở trên cổng" in html  # the layout, in Vietnamese
    assert f'href="{settings.SITE_URL}{need.get_absolute_url()}"' in html  # the button, absolute
    assert message.extra_headers["Message-ID"].startswith(f"<notice-{notice.pk}@")
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 1
    # The task redelivered, the sweep, a second worker: nothing goes twice.
    assert outbox.deliver(notice.pk) is False
    assert sweep_notices() == {"done": 0, "failed": 0}
    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_the_row_to_be_tried_again(area, need, django_capture_on_commit_callbacks):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    mail_down = mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    with mail_down, django_capture_on_commit_callbacks(execute=True):
        (notice,) = ask(need, [area.staff_a])
    notice.refresh_from_db()
    assert notice.sent_at is None and notice.attempts == 1 and "Connection refused" in notice.last_error
    assert notice.not_before > timezone.now()  # backing off
    assert outbox.sweep(older_than=timedelta(0)) == {"done": 0, "failed": 0}  # not yet
    Notice.objects.filter(pk=notice.pk).update(not_before=timezone.now() - timedelta(seconds=1))
    assert outbox.sweep(older_than=timedelta(0)) == {"done": 1, "failed": 0}
    assert outbox.sweep(older_than=timedelta(0)) == {"done": 0, "failed": 0}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [area.staff_a.email]


def test_with_the_broker_down_the_row_waits_for_the_sweep(area, need, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError as BrokerDown

    broker_down = mock.patch("notices.tasks.send_notice.delay", side_effect=BrokerDown("Connection refused"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        ask(need, [area.staff_a])
    assert len(mail.outbox) == 0
    assert outbox.sweep(older_than=timedelta(0)) == {"done": 1, "failed": 0}
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_no_notice(area, need, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        ask(need, [area.staff_a])
        raise RuntimeError("the change failed")
    assert not Notice.objects.exists() and len(mail.outbox) == 0


def test_each_address_once_and_a_key_once(area, need, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = ask(need, [area.staff_a, area.staff_a.email.upper(), "hieutruong@example.vn"], key="k-1")
        again = ask(need, [area.staff_a, "hieutruong@example.vn"], key="k-1")
    assert len(made) == 2 and again == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([area.staff_a.email, "hieutruong@example.vn"])
    guest = Notice.objects.get(email="hieutruong@example.vn")
    assert guest.user is None  # an address alone: mail only, no inbox
    area.staff_a.refresh_from_db()
    assert area.staff_a.unread_notices == 1


def test_an_inactive_account_is_not_told(area, need):
    area.staff_a.is_active = False
    area.staff_a.save(update_fields=["is_active"])
    assert ask(need, [Recipient(user=area.staff_a)]) == []
