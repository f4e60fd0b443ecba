from datetime import date, timedelta
from io import StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from donations.models import Pledge
from donations.services import DonorDetails, pledge_create
from needs.models import Need
from needs.services import need_transition
from oversight.digests import build_digest, period_bounds, recipients, send_digest
from oversight.models import DigestRun
from tests.campaigns.factories import TaskFactory
from tests.needs.factories import NeedFactory
from tests.oversight.factories import DigestPreferenceFactory, DigestRunFactory, DigestSettingsFactory

MONDAY = date(2026, 11, 23)


def test_a_weekly_run_reports_on_last_week_and_a_daily_one_on_yesterday():
    assert period_bounds("weekly", MONDAY) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_bounds("weekly", date(2026, 11, 25)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_bounds("daily", MONDAY) == (date(2026, 11, 22), date(2026, 11, 22))


def test_recipients_are_the_office_addresses_and_officers_who_chose_this_period(area):
    area.office_a.digest_emails = "pgd@example.vn"
    area.office_a.save()
    assert recipients(area.office_a, "weekly") == sorted(["pgd@example.vn", area.officer_a.email])
    DigestPreferenceFactory(user=area.officer_a, office=area.office_a, frequency="daily")
    assert recipients(area.office_a, "weekly") == ["pgd@example.vn"]
    assert recipients(area.office_a, "daily") == [area.officer_a.email]
    DigestSettingsFactory(office=area.office_a, frequency="off")
    assert recipients(area.office_a, "weekly") == []


@pytest.fixture
def week(area):
    """A week in district A: one need submitted 5 days ago, one verified and returned
    during the week, a pledge made during the week, an overdue pledge, a stale school,
    an overdue task."""
    now = timezone.now()
    waiting = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED, title="Nhà vệ sinh chờ xác minh")
    Need.objects.filter(pk=waiting.pk).update(submitted_at=now - timedelta(days=5))
    open_need = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED, items=[("Chăn", 40, "cái", 250_000)])
    need_transition(need=open_need, action="verify", actor=area.officer_a)
    returned = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED)
    need_transition(need=returned, action="return", actor=area.officer_a, note="Thiếu báo giá.")
    pledge_create(need=open_need, donor=DonorDetails(name="An", email="an@example.vn"), amount=2_000_000)
    late, _ = pledge_create(need=open_need, donor=DonorDetails(name="Bình", email="b@example.vn"), amount=1_000_000)
    Pledge.objects.filter(pk=late.pk).update(created_at=now - timedelta(days=20))
    TaskFactory(
        campaign__scope=area.district_a,
        campaign__lead_office=area.office_a,
        title="Tổng hợp số liệu",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    today = timezone.localdate()
    return today - timedelta(days=6), today


def test_the_digest_holds_what_the_office_must_act_on(area, week):
    start, end = week
    content = build_digest(area.office_a, "weekly", start, end).content
    assert content["awaiting_count"] == 1
    assert content["awaiting"][0]["title"] == "Nhà vệ sinh chờ xác minh"
    assert content["awaiting"][0]["age"] == 5
    assert content["awaiting"][0]["url"].endswith(f"/needs/{Need.objects.get(title='Nhà vệ sinh chờ xác minh').pk}/")
    assert content["moves"] == {"verified": 1, "returned": 1, "funded": 0, "delivered": 0}
    assert content["pledged"] == 2_000_000  # the late pledge was made before the period
    assert content["overdue_count"] == 1
    assert content["stale_count"] == 1
    assert [t["title"] for t in content["tasks"]] == ["Tổng hợp số liệu"] and content["tasks"][0]["overdue"]
    # A district office compares its communes; the department on the old map its districts.
    assert [place.name for place in content["comparison"].places] == ["Xã Pú Xi"]
    province = build_digest(area.office_province, "weekly", start, end).content["comparison"]
    assert [place.name for place in province.places] == ["Huyện Mường Ảng", "Huyện Tuần Giáo"]
    assert not province.of_communes
    # The pledge 20 days old puts Tuần Giáo behind; Mường Ảng has done nothing yet.
    assert [(place.name, place.late_pledges) for place in province.behind] == [("Huyện Tuần Giáo", 1)]
    assert province.ahead == []


def test_a_digest_is_sent_once_with_html_text_and_excel(area, week):
    assert send_digest(area.office_a, "weekly", MONDAY) == "sent"
    assert send_digest(area.office_a, "weekly", MONDAY) == "already"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [area.officer_a.email, "office1@example.vn"] or area.officer_a.email in message.to
    html = message.alternatives[0][0]
    assert "Nhu cầu chờ xác minh: 1" in html and "Nhà vệ sinh chờ xác minh" in html
    assert "http://" in html and "/needs/queue/" in html
    assert "Báo cáo tổng hợp tuần" in html
    assert message.attachments[0][0].endswith(".xlsx")
    run = DigestRun.objects.get()
    assert run.status == "sent" and run.html == html


def test_a_failed_send_is_recorded_and_the_next_attempt_sends_once(area, week):
    with (
        mock.patch("oversight.digests.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")),
        pytest.raises(OSError),
    ):
        send_digest(area.office_a, "weekly", MONDAY, claimant="task-1")
    run = DigestRun.objects.get()
    assert (run.status, run.error) == ("failed", "SMTP down")
    assert len(mail.outbox) == 0
    assert send_digest(area.office_a, "weekly", MONDAY, claimant="task-1") == "sent"
    assert send_digest(area.office_a, "weekly", MONDAY, claimant="task-2") == "already"
    assert len(mail.outbox) == 1
    assert DigestRun.objects.get().attempts == 2


def test_a_redelivered_task_finishes_its_own_claim_but_not_anothers(area, week):
    DigestRunFactory(office=area.office_a, status="sending", claimed_by="task-9", claimed_at=timezone.now())
    assert send_digest(area.office_a, "weekly", MONDAY, claimant="task-other") == "already"
    assert send_digest(area.office_a, "weekly", MONDAY, claimant="task-9") == "sent"
    assert len(mail.outbox) == 1


def test_an_abandoned_claim_is_taken_over_after_the_lease(area, week):
    DigestRunFactory(
        office=area.office_a, status="sending", claimed_by="dead", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert send_digest(area.office_a, "weekly", MONDAY) == "sent"


def test_an_office_with_nothing_new_gets_a_short_digest_or_none_as_it_chose(area):
    area.school_b.profile_confirmed_at = timezone.now()
    area.school_b.save()
    assert send_digest(area.office_b, "weekly", MONDAY) == "sent"
    assert "Không có gì mới trong kỳ này" in mail.outbox[0].body
    DigestSettingsFactory(office=area.office_b, send_when_empty=False)
    assert send_digest(area.office_b, "daily", MONDAY) in ("skipped",)


def test_the_command_runs_the_same_code_and_a_dry_run_sends_nothing(area, week):
    out = StringIO()
    call_command("send_digests", "--dry-run", "--date", "2026-11-23", stdout=out)
    assert "would send" in out.getvalue() and len(mail.outbox) == 0 and not DigestRun.objects.exists()
    out = StringIO()
    call_command("send_digests", "--office", area.office_a.code, "--date", "2026-11-23", stdout=out)
    assert f"{area.office_a.code}: sent" in out.getvalue()
    assert "mail goes to" in out.getvalue()
    assert len(mail.outbox) == 1


def test_officers_read_their_digests_and_ask_for_a_preview(client, area, week):
    send_digest(area.office_a, "weekly", MONDAY)
    run = DigestRun.objects.get()
    client.force_login(area.officer_a)
    page = client.get(reverse("dashboard:digests")).content.decode()
    assert run.subject.startswith("Báo cáo tuần 16/11–22/11/2026: Phòng GD&ĐT")
    assert "Báo cáo tuần 16/11–22/11/2026: Phòng GD&amp;ĐT" in page
    assert "Nhà vệ sinh chờ xác minh" in client.get(reverse("dashboard:digest", args=[run.pk])).content.decode()
    client.post(reverse("dashboard:digest_preview"), {"office": area.office_a.pk})
    assert mail.outbox[-1].to == [area.officer_a.email]
    assert DigestRun.objects.count() == 1  # a preview is not a run
    client.force_login(area.officer_b)
    assert client.get(reverse("dashboard:digest", args=[run.pk])).status_code == 404
    client.post(reverse("dashboard:digests"), {"office": area.office_b.pk, "scope": "mine", "frequency": "off"})
    assert area.officer_b.email not in recipients(area.office_b, "weekly")


def test_a_digest_sent_again_after_a_crash_carries_the_same_message_id(area, week, settings):
    """Issue 19, finding 4: a worker killed after the mail server accepted the digest and
    before the run was marked sent makes the digest go again; the copy must be droppable."""
    assert send_digest(area.office_a, "weekly", MONDAY) == "sent"
    # As if the worker had died before marking it: the claim is abandoned.
    DigestRun.objects.update(status="sending", claimed_at=timezone.now() - timedelta(hours=1))
    assert send_digest(area.office_a, "weekly", MONDAY) == "sent"
    first, again = (m.extra_headers["Message-ID"] for m in mail.outbox)
    assert first == again == f"<digest-{area.office_a.pk}-weekly-20261116@{urlsplit(settings.SITE_URL).hostname}>"
    # Another office, another period: another id.
    assert send_digest(area.office_b, "weekly", MONDAY) == "sent"
    assert send_digest(area.office_a, "weekly", MONDAY + timedelta(days=7)) == "sent"
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 4 and len(set(ids)) == 3


def test_a_preview_never_shares_the_real_digests_message_id(client, area, week):
    client.force_login(area.officer_a)
    client.post(reverse("dashboard:digest_preview"), {"office": area.office_a.pk})
    client.post(reverse("dashboard:digest_preview"), {"office": area.office_a.pk})
    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert len(ids) == 2 and len(set(ids)) == 2 and not any(i.startswith("<digest-") for i in ids)


def test_an_abandoned_digest_is_reclaimed_and_shown_sent_in_the_archive(client, area, week, settings):
    from oversight.tasks import reclaim_abandoned_digests

    lease = timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)
    dead = DigestRunFactory(
        office=area.office_a, status="sending", claimed_by="killed", claimed_at=timezone.now() - lease - timedelta(1)
    )
    alive = DigestRunFactory(office=area.office_b, status="sending", claimed_by="busy", claimed_at=timezone.now())
    stuck = DigestRunFactory(office=area.office_province, status="pending")
    DigestRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - lease - timedelta(1))

    assert reclaim_abandoned_digests() == {"done": 2, "failed": 0}
    assert reclaim_abandoned_digests() == {"done": 0, "failed": 0}  # nothing left to collect

    dead.refresh_from_db()
    alive.refresh_from_db()
    stuck.refresh_from_db()
    assert (dead.status, dead.claimed_by, dead.attempts) == ("sent", f"reclaim-{dead.pk}", 1)
    assert alive.status == "sending"  # within its lease: its worker is still at it
    assert stuck.status == "sent" and stuck.claimed_by == f"reclaim-{stuck.pk}"
    domain = urlsplit(settings.SITE_URL).hostname
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<digest-{area.office_a.pk}-weekly-20261116@{domain}>"
    client.force_login(area.officer_a)
    archive = client.get(reverse("dashboard:digests")).content.decode()
    assert "Báo cáo tuần 16/11–22/11/2026" in archive


def test_beat_collects_abandoned_digests_every_few_minutes_without_a_short_visibility_timeout(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reclaim-abandoned-digests"]
    assert entry["task"] == "oversight.tasks.reclaim_abandoned_digests"
    assert entry["schedule"] <= 600 and settings.DIGEST_CLAIM_LEASE_SECONDS <= 900
    # The broker's redelivery stays above the longest task.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 3600
