from datetime import timedelta

from django.core import mail
from django.utils import timezone

from needs.models import Need
from oversight.tasks import send_reminders
from tests.needs.factories import NeedFactory


def test_stale_schools_and_officers_with_waiting_needs_are_reminded_once(area, settings):
    settings.NEED_WAITING_REMINDER_DAYS = 7
    area.school_b.profile_confirmed_at = timezone.now()
    area.school_b.save()
    need = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED, title="Nhà vệ sinh chờ lâu")
    Need.objects.filter(pk=need.pk).update(submitted_at=timezone.now() - timedelta(days=9))

    first = send_reminders()
    second = send_reminders()

    assert first == {
        "stale_schools": {"done": 1, "failed": 0},
        "waiting_needs": {"done": 2, "failed": 0},
    }  # the district officer and the provincial one
    assert second == {"stale_schools": {"done": 0, "failed": 0}, "waiting_needs": {"done": 0, "failed": 0}}
    to_school = [m for m in mail.outbox if area.staff_a.email in m.to]
    assert len(to_school) == 1 and area.school_a.name in to_school[0].subject
    to_officer = [m for m in mail.outbox if m.to == [area.officer_a.email]]
    assert len(to_officer) == 1 and "Nhà vệ sinh chờ lâu" in to_officer[0].body
    assert not [m for m in mail.outbox if area.officer_b.email in m.to]


def test_a_reminder_the_mail_server_refused_is_sent_on_the_next_run(area, settings):
    from unittest import mock

    settings.NEED_WAITING_REMINDER_DAYS = 7
    area.school_b.profile_confirmed_at = timezone.now()
    area.school_b.save()
    need = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED)
    Need.objects.filter(pk=need.pk).update(submitted_at=timezone.now() - timedelta(days=9))

    refused = ConnectionRefusedError(111, "Connection refused")
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused):
        # Counted as failed (and logged), and released for the next run.
        assert send_reminders() == {
            "stale_schools": {"done": 0, "failed": 1},
            "waiting_needs": {"done": 0, "failed": 2},
        }
    assert mail.outbox == []
    assert send_reminders() == {"stale_schools": {"done": 1, "failed": 0}, "waiting_needs": {"done": 2, "failed": 0}}
    assert send_reminders() == {"stale_schools": {"done": 0, "failed": 0}, "waiting_needs": {"done": 0, "failed": 0}}
