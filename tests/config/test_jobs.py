"""Issue 19: every job that walks many rows treats one bad row as that row's failure.

Each test gives the job a real bad row first (an address with a line break written
behind the forms' back, a letter file that cannot be removed, or a row made to raise)
and proves that the job logs it with its id, counts it in its result, and still does
the rows after it (core.jobs.each_row)."""

import logging
from datetime import date, timedelta

from django.core import mail
from django.utils import timezone

from accounts.models import User
from donations import outbox, services
from donations.models import Pledge, PledgeNotice
from donations.tasks import remind_and_expire_pledges
from letters_contest.models import Entry
from letters_contest.tasks import delete_expired_entries
from needs import tasks as needs_tasks
from needs.models import Need
from oversight.models import DigestRun, ReminderLog
from oversight.tasks import reclaim_abandoned_digests, send_due_digests, send_reminders
from schools.models import Membership, School
from tests.donations.factories import PledgeFactory
from tests.letters_contest.factories import ContestRoundFactory, EntryFactory
from tests.needs.factories import NeedFactory
from tests.oversight.factories import DigestRunFactory

BAD_ADDRESS = "xuan@example.vn\r\nBcc: all@example.com"


def failed_rows(caplog, job):
    return [r.getMessage() for r in caplog.records if r.name == "portal.jobs" and r.getMessage().startswith(job)]


def test_a_school_with_a_broken_address_does_not_stop_the_other_schools_reminders(area, caplog):
    assert area.school_a.pk < area.school_b.pk  # the bad row comes first
    School.objects.filter(pk=area.school_a.pk).update(focal_point_email=BAD_ADDRESS)

    result = send_reminders()

    assert result["stale_schools"] == {"done": 1, "failed": 1}
    assert [m for m in mail.outbox if area.staff_b.email in m.to]
    assert not [m for m in mail.outbox if area.staff_a.email in m.to]
    assert f"reminders.stale_school: row {area.school_a.pk} failed" in " ".join(failed_rows(caplog, "reminders"))
    # Released, so the next run tries it again once the address is mended.
    assert not ReminderLog.objects.filter(kind="stale-school", key=str(area.school_a.pk)).exists()


def test_an_officer_with_a_broken_address_does_not_stop_the_other_officers_reminders(area, settings, caplog):
    settings.NEED_WAITING_REMINDER_DAYS = 7
    need = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED)
    Need.objects.filter(pk=need.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    first = Membership.objects.filter(role="officer", user__in=[area.officer_a, area.officer_province]).order_by("pk")[
        0
    ]
    User.objects.filter(pk=first.user_id).update(email=BAD_ADDRESS)

    result = send_reminders()

    assert result["waiting_needs"] == {"done": 1, "failed": 1}
    assert f"row {first.pk} failed" in " ".join(failed_rows(caplog, "reminders.waiting_needs"))


def test_an_office_whose_digest_raises_does_not_stop_the_other_offices(area, caplog):
    User.objects.filter(pk=area.officer_a.pk).update(email=BAD_ADDRESS)
    assert area.office_a.pk < area.office_b.pk

    result = send_due_digests("weekly", "2026-11-30")

    assert result == {"done": 2, "failed": 1}
    assert f"row {area.office_a.pk} failed" in " ".join(failed_rows(caplog, "digests.queue"))
    runs = dict(DigestRun.objects.values_list("office", "status"))
    assert runs == {area.office_a.pk: "failed", area.office_b.pk: "sent", area.office_province.pk: "sent"}


def test_an_abandoned_digest_that_raises_does_not_stop_the_other_reclaims(area, settings, caplog):
    long_ago = timezone.now() - timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS + 60)
    bad = DigestRunFactory(office=area.office_a, status="sending", claimed_by="dead-task", claimed_at=long_ago)
    good = DigestRunFactory(office=area.office_b, status="sending", claimed_by="dead-task", claimed_at=long_ago)
    User.objects.filter(pk=area.officer_a.pk).update(email=BAD_ADDRESS)

    assert reclaim_abandoned_digests() == {"done": 1, "failed": 1}

    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.status == "sent" and bad.status == "failed"
    assert f"row {bad.pk} failed" in " ".join(failed_rows(caplog, "digests.reclaim"))


def test_a_need_whose_expiry_raises_does_not_stop_the_other_expiries(area, settings, monkeypatch, caplog):
    settings.NEED_EXPIRY_GRACE_DAYS = 30
    overdue = timezone.localdate() - timedelta(days=31)
    first, second = (NeedFactory(school=area.school_a, wanted_by=overdue) for _ in range(2))
    real_transition = needs_tasks.need_transition

    def transition(*, need, **kwargs):
        if need.pk == first.pk:
            raise RuntimeError("a row that cannot be expired")
        return real_transition(need=need, **kwargs)

    monkeypatch.setattr(needs_tasks, "need_transition", transition)

    assert needs_tasks.expire_overdue_needs() == {"done": 1, "failed": 1}

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Need.Status.VERIFIED and second.status == Need.Status.EXPIRED
    assert f"row {first.pk} failed" in " ".join(failed_rows(caplog, "needs.expire"))


def test_an_entry_whose_letter_cannot_be_removed_does_not_stop_the_other_deletions(area, settings, tmp_path, caplog):
    settings.MEDIA_ROOT = tmp_path
    round_ = ContestRoundFactory(province=area.province, delete_entries_on=date(2020, 1, 1))
    stuck, gone = EntryFactory(round=round_, school=area.school_a), EntryFactory(round=round_, school=area.school_a)
    # The stored "file" is a folder with something in it: the storage cannot remove it.
    (tmp_path / "letters" / "stuck").mkdir(parents=True)
    (tmp_path / "letters" / "stuck" / "keep.txt").write_text("x")
    Entry.objects.filter(pk=stuck.pk).update(letter_file="letters/stuck")

    assert delete_expired_entries() == {"done": 1, "failed": 1}

    assert list(Entry.objects.filter(pk__in=[stuck.pk, gone.pk]).values_list("pk", flat=True)) == [stuck.pk]
    assert f"row {stuck.pk} failed" in " ".join(failed_rows(caplog, "letters_contest.retention"))


def test_a_pledge_whose_expiry_raises_does_not_stop_the_other_expiries(area, monkeypatch, caplog):
    yesterday = timezone.localdate() - timedelta(days=1)
    first, second = (PledgeFactory(need__school=area.school_a, expires_on=yesterday) for _ in range(2))
    for pledge in (first, second):  # as the pledge service leaves its need
        Need.objects.filter(pk=pledge.need_id).update(amount_pledged=pledge.amount)
    real_expire = services.pledge_expire

    def expire(*, pledge):
        if pledge.pk == first.pk:
            raise RuntimeError("a row that cannot be expired")
        return real_expire(pledge=pledge)

    monkeypatch.setattr(services, "pledge_expire", expire)

    result = remind_and_expire_pledges()

    assert result["expired"] == {"done": 1, "failed": 1}
    assert Pledge.objects.get(pk=second.pk).status == Pledge.Status.EXPIRED
    assert Pledge.objects.get(pk=first.pk).status == Pledge.Status.PLEDGED
    assert f"row {first.pk} failed" in " ".join(failed_rows(caplog, "pledges.expire"))


def test_a_mail_with_a_broken_address_does_not_stop_the_outbox_sweep(area, caplog):
    caplog.set_level(logging.WARNING)
    bad, good = (PledgeFactory(need__school=area.school_a) for _ in range(2))
    Pledge.objects.filter(pk=bad.pk).update(donor_email=BAD_ADDRESS)
    bad_notice = PledgeNotice.objects.create(pledge=bad, kind=PledgeNotice.Kind.PLEDGED)
    good_notice = PledgeNotice.objects.create(pledge=good, kind=PledgeNotice.Kind.PLEDGED)

    assert outbox.sweep(older_than=timedelta(0)) == {"done": 1, "failed": 1}

    bad_notice.refresh_from_db()
    good_notice.refresh_from_db()
    assert good_notice.sent_at is not None and [m.to for m in mail.outbox] == [[good.donor_email]]
    assert bad_notice.sent_at is None and bad_notice.last_error  # waits for its back-off, then again
    assert f"row {bad_notice.pk} failed" in " ".join(failed_rows(caplog, "outbox.sweep"))
