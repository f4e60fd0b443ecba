"""Monthly lunch sponsorships (donations.sponsorships, issue 17): a school's lunch need of
45 pupils × 9 months × 300.000 ₫, sponsored pupil by pupil, month by month."""

import threading
import uuid
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from donations import sponsorships
from donations.models import Pledge, PledgeNotice, Sponsorship
from donations.permissions import guest_key
from donations.services import DonorDetails, PledgeRefused, pledge_create, pledge_receive
from donations.sponsorships import SponsorshipRefused, sponsorship_create, sponsorship_stop
from donations.tasks import lunch_sponsorships_nightly, remind_and_expire_pledges
from needs.models import LunchMonth, Need, NeedEvent
from notices import outbox as notice_outbox
from notices.models import Notice
from tests.support.lunch import FIRST, make_lunch_need

BEFORE = date(2027, 8, 25)  # "today" when the sponsorships are made
GUEST = DonorDetails(name="Lê Minh", email="minh@example.vn", phone="0912345678")
MONTHLY = Sponsorship.Schedule.MONTHLY
AT_ONCE = Sponsorship.Schedule.AT_ONCE


def sponsor(need, *, pupils=10, first=FIRST, months=9, schedule=MONTHLY, donor=GUEST, token=None, today=BEFORE):
    return sponsorship_create(
        need=need,
        donor=donor,
        pupils=pupils,
        first_month=first,
        months=months,
        schedule=schedule,
        message="",
        anonymous=False,
        submission_token=token,
        today=today,
    )


def pledged_pupils(need) -> list[int]:
    return list(LunchMonth.objects.filter(need=need).order_by("month").values_list("pupils_pledged", flat=True))


def test_the_need_asks_45_pupils_for_9_months_at_300_000(lunch_need):
    assert lunch_need.amount_requested == 121_500_000
    assert LunchMonth.objects.filter(need=lunch_need).count() == 9


def test_month_by_month_makes_nine_pledges_each_with_its_reference_and_due_date(lunch_need, settings):
    sponsorship, created = sponsor(lunch_need, pupils=10)
    assert created and sponsorship.is_active and sponsorship.total == 10 * 9 * 300_000
    instalments = list(sponsorships.instalments_of(sponsorship))
    assert len(instalments) == 9
    assert len({p.reference for p in instalments}) == 9
    assert [p.month for p in instalments] == [date(2027, m, 1) for m in range(9, 13)] + [
        date(2028, m, 1) for m in range(1, 6)
    ]
    assert {p.amount for p in instalments} == {3_000_000}
    assert [p.due_on for p in instalments] == [p.month for p in instalments]
    assert all(p.expires_on == p.due_on + timedelta(days=settings.PLEDGE_EXPIRY_DAYS) for p in instalments)
    lunch_need.refresh_from_db()
    assert lunch_need.amount_pledged == 27_000_000
    assert pledged_pupils(lunch_need) == [10] * 9
    # The first month's payment details go at once; the later months' when they fall due.
    assert list(PledgeNotice.objects.values_list("pledge_id", "kind")) == [(instalments[0].pk, "pledged")]


def test_the_first_month_already_begun_is_due_today(lunch_need):
    sponsorship, _ = sponsor(lunch_need, pupils=2, first=date(2027, 10, 1), months=3, today=date(2027, 10, 12))
    dues = [p.due_on for p in sponsorships.instalments_of(sponsorship)]
    assert dues == [date(2027, 10, 12), date(2027, 11, 1), date(2027, 12, 1)]


def test_paid_at_once_is_one_pledge_for_every_month(lunch_need):
    sponsorship, _ = sponsor(lunch_need, pupils=5, first=date(2027, 11, 1), months=4, schedule=AT_ONCE)
    (pledge,) = sponsorships.instalments_of(sponsorship)
    assert pledge.month is None and pledge.amount == 5 * 4 * 300_000 and pledge.due_on == BEFORE
    assert pledged_pupils(lunch_need) == [0, 0, 5, 5, 5, 5, 0, 0, 0]
    pledge_receive(pledge=pledge, actor=None, amount=pledge.amount, received_on=BEFORE)
    paid = list(LunchMonth.objects.filter(need=lunch_need).order_by("month").values_list("pupils_received", flat=True))
    assert paid == [0, 0, 5, 5, 5, 5, 0, 0, 0]


def test_a_double_submission_makes_one_sponsorship(lunch_need):
    token = uuid.uuid4()
    first, created = sponsor(lunch_need, token=token)
    again, created_again = sponsor(lunch_need, token=token)
    assert created and not created_again and again.pk == first.pk
    assert Sponsorship.objects.count() == 1 and Pledge.objects.count() == 9


def test_more_pupils_than_free_in_a_month_is_refused_by_name_and_nothing_is_saved(lunch_need):
    sponsor(lunch_need, pupils=40, first=date(2027, 12, 1), months=2)
    before = (Sponsorship.objects.count(), Pledge.objects.count(), pledged_pupils(lunch_need))
    with pytest.raises(SponsorshipRefused) as refused:
        sponsor(lunch_need, pupils=10, first=FIRST, months=9)
    assert refused.value.field == "pupils"
    assert refused.value.message == "Tháng 12/2027 chỉ còn 5 học sinh chưa có người đỡ đầu."
    assert (Sponsorship.objects.count(), Pledge.objects.count(), pledged_pupils(lunch_need)) == before
    lunch_need.refresh_from_db()
    assert lunch_need.amount_pledged == 40 * 2 * 300_000


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"pupils": 46}, "pupils", "tối đa 45 em"),
        ({"pupils": 0}, "pupils", "ít nhất một học sinh"),
        ({"first": date(2027, 8, 1)}, "first_month", "từ 09/2027 đến 05/2028"),
        ({"first": date(2028, 3, 1), "months": 4}, "months", "chỉ còn 3 tháng"),
        ({"first": FIRST, "today": date(2027, 11, 3)}, "first_month", "đã qua"),
    ],
)
def test_bad_requests_are_refused_with_a_message_by_the_field(lunch_need, changes, field, message):
    with pytest.raises(SponsorshipRefused) as refused:
        sponsor(lunch_need, **changes)
    assert refused.value.field == field and message in refused.value.message
    assert not Sponsorship.objects.exists() and not Pledge.objects.exists()


def test_an_ordinary_gift_to_a_lunch_need_is_sent_to_the_lunch_form(lunch_need, client):
    with pytest.raises(PledgeRefused):
        pledge_create(need=lunch_need, donor=GUEST, amount=300_000)
    response = client.get(reverse("donations:give", args=[lunch_need.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("donations:sponsor", args=[lunch_need.pk])


def test_a_month_confirmed_is_delivered_for_that_month_and_twice_changes_nothing(lunch_need, area):
    sponsorship, _ = sponsor(lunch_need, pupils=10)
    september = sponsorships.instalments_of(sponsorship).first()
    pledge_receive(pledge=september, actor=area.staff_a, amount=3_000_000, received_on=date(2027, 9, 3))
    september.refresh_from_db()
    assert september.status == Pledge.Status.DELIVERED
    assert [e.to_status for e in september.events.all()] == ["pledged", "received", "delivered"]
    month = LunchMonth.objects.get(need=lunch_need, month=FIRST)
    assert (month.pupils_pledged, month.pupils_received) == (10, 10)
    lunch_need.refresh_from_db()
    assert lunch_need.amount_received == 3_000_000

    with pytest.raises(PledgeRefused) as refused:
        pledge_receive(pledge=september, actor=area.staff_a, amount=3_000_000, received_on=date(2027, 9, 4))
    assert refused.value.message == "Khoản chuyển của tháng 09/2027 đã được xác nhận rồi."
    month.refresh_from_db()
    lunch_need.refresh_from_db()
    assert (month.pupils_received, lunch_need.amount_received) == (10, 3_000_000)
    assert september.events.count() == 3


def test_due_notices_go_once_each_with_that_months_reference(lunch_need, settings, django_capture_on_commit_callbacks):
    settings.SPONSORSHIP_NOTICE_DAYS = 5
    sponsorship, _ = sponsor(lunch_need, pupils=10)
    september, october, november = list(sponsorships.instalments_of(sponsorship))[:3]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sponsorships.send_due_notices(today=date(2027, 9, 20))["done"] == 0  # October is 11 days away
        assert sponsorships.send_due_notices(today=date(2027, 9, 26))["done"] == 1  # within 5 days
        assert sponsorships.send_due_notices(today=date(2027, 9, 27))["done"] == 0  # once
    # Through the general outbox (notices): one notice, keyed to this month's pledge.
    assert list(Notice.objects.filter(kind="sponsorship_due").values_list("key", flat=True)) == [
        f"pledge-due:{october.pk}"
    ]
    (message,) = mail.outbox
    assert message.to == ["minh@example.vn"]
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html" and october.reference in html and "<html" in html
    assert october.reference in message.subject and october.reference in message.body
    assert september.reference not in message.body and november.reference not in message.body
    assert "3.000.000" in message.body and "10/2027" in message.subject
    assert f"key={guest_key(october)}" in message.body


def test_a_due_notice_with_the_mail_server_down_is_sent_once_when_it_is_back(
    lunch_need, django_capture_on_commit_callbacks
):
    sponsorship, _ = sponsor(lunch_need, pupils=10)
    october = list(sponsorships.instalments_of(sponsorship))[1]
    PledgeNotice.objects.update(sent_at=timezone.now())  # the first month's mail went
    Notice.objects.update(sent_at=timezone.now())  # and the need's verification's
    mail.outbox.clear()

    def refused(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    mail_down = mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    with mail_down, django_capture_on_commit_callbacks(execute=True):
        assert sponsorships.send_due_notices(today=date(2027, 9, 28))["done"] == 1
    notice = Notice.objects.get(key=f"pledge-due:{october.pk}")
    assert notice.sent_at is None and notice.attempts == 1 and "Connection refused" in notice.last_error
    assert sponsorships.send_due_notices(today=date(2027, 9, 29))["done"] == 0  # no second row
    Notice.objects.filter(pk=notice.pk).update(not_before=timezone.now() - timedelta(seconds=1))
    assert notice_outbox.sweep(older_than=timedelta(0))["done"] == 1
    assert notice_outbox.sweep(older_than=timedelta(0))["done"] == 0
    assert len(mail.outbox) == 1 and october.reference in mail.outbox[0].body


def test_a_due_notice_with_the_broker_down_waits_for_the_sweep(lunch_need, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError as BrokerDown

    sponsor(lunch_need, pupils=10)
    PledgeNotice.objects.update(sent_at=timezone.now())  # the first month's mail went
    Notice.objects.update(sent_at=timezone.now())  # and the need's verification's
    mail.outbox.clear()
    broker_down = mock.patch("notices.tasks.send_notice.delay", side_effect=BrokerDown("Connection refused"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        assert sponsorships.send_due_notices(today=date(2027, 9, 28))["done"] == 1
    assert len(mail.outbox) == 0
    assert notice_outbox.sweep(older_than=timedelta(0))["done"] == 1
    assert len(mail.outbox) == 1


def test_a_later_month_is_neither_reminded_nor_expired_before_it_falls_due(lunch_need, settings):
    settings.PLEDGE_REMINDER_DAYS = 7
    sponsorship, _ = sponsor(lunch_need, pupils=10, today=timezone.localdate())
    # Made long ago, due in the future: counted from the due date, not from creation.
    Pledge.objects.filter(sponsorship=sponsorship).update(created_at=timezone.now() - timedelta(days=60))
    assert remind_and_expire_pledges() == {"reminded": {"done": 0, "failed": 0}, "expired": {"done": 0, "failed": 0}}


def test_a_missed_month_is_reminded_once_then_released_and_the_school_is_told(
    lunch_need, area, settings, django_capture_on_commit_callbacks
):
    settings.PLEDGE_REMINDER_DAYS = 7
    area.school_a.focal_point_email = "hieutruong@example.vn"
    area.school_a.save(update_fields=["focal_point_email"])
    sponsorship, _ = sponsor(lunch_need, pupils=10, today=timezone.localdate())
    september = sponsorships.instalments_of(sponsorship).first()
    today = timezone.localdate()
    # September fell due 8 days ago.
    Pledge.objects.filter(pk=september.pk).update(
        due_on=today - timedelta(days=8), expires_on=today + timedelta(days=6)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_and_expire_pledges() == {
            "reminded": {"done": 1, "failed": 0},
            "expired": {"done": 0, "failed": 0},
        }
        assert remind_and_expire_pledges() == {
            "reminded": {"done": 0, "failed": 0},
            "expired": {"done": 0, "failed": 0},
        }
    assert [m.to for m in mail.outbox] == [["minh@example.vn"]]

    Pledge.objects.filter(pk=september.pk).update(expires_on=today - timedelta(days=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_and_expire_pledges() == {
            "reminded": {"done": 0, "failed": 0},
            "expired": {"done": 1, "failed": 0},
        }
        assert remind_and_expire_pledges() == {
            "reminded": {"done": 0, "failed": 0},
            "expired": {"done": 0, "failed": 0},
        }
    september.refresh_from_db()
    assert september.status == Pledge.Status.EXPIRED
    assert pledged_pupils(lunch_need) == [0] + [10] * 8
    lunch_need.refresh_from_db()
    assert lunch_need.amount_pledged == 8 * 3_000_000
    (told,) = mail.outbox
    assert sorted(told.to) == sorted(["hieutruong@example.vn", area.staff_a.email])
    assert "minh@example.vn" not in told.to
    assert september.reference in told.body and "09/2027" in told.subject
    assert "key=" not in told.body  # the school never gets the donor's link


def test_the_donor_stops_and_the_months_not_yet_due_go_back(lunch_need, area):
    sponsorship, _ = sponsor(lunch_need, pupils=10)
    september = sponsorships.instalments_of(sponsorship).first()
    pledge_receive(pledge=september, actor=area.staff_a, amount=3_000_000, received_on=date(2027, 9, 2))
    cancelled = sponsorship_stop(sponsorship=sponsorship, actor=None, today=date(2027, 10, 5))
    # October fell due on 01/10: it stays open (to pay, or to cancel); November on goes back.
    assert cancelled == 7
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.STOPPED and sponsorship.stopped_at
    states = [p.status for p in sponsorships.instalments_of(sponsorship)]
    assert states == ["delivered", "pledged"] + ["cancelled"] * 7
    assert pledged_pupils(lunch_need) == [10, 10] + [0] * 7
    lunch_need.refresh_from_db()
    assert lunch_need.amount_pledged == 6_000_000
    assert sponsorship.history.first().status == "stopped"
    with pytest.raises(SponsorshipRefused):
        sponsorship_stop(sponsorship=sponsorship, actor=None, today=date(2027, 10, 6))


def test_the_guest_stops_from_the_pledge_page_after_a_confirm_step(lunch_need, client):
    sponsorship, _ = sponsor(lunch_need, pupils=10, today=timezone.localdate())
    first = sponsorships.instalments_of(sponsorship).first()
    key = guest_key(first)
    page = client.get(reverse("donations:detail", args=[first.reference]), {"key": key})
    assert reverse("donations:sponsorship_stop", args=[first.reference]) in page.content.decode()
    confirm = client.get(reverse("donations:sponsorship_stop", args=[first.reference]), {"key": key})
    assert confirm.status_code == 200 and Sponsorship.objects.get().is_active
    assert client.post(reverse("donations:sponsorship_stop", args=[first.reference])).status_code == 404
    response = client.post(reverse("donations:sponsorship_stop", args=[first.reference]), {"key": key})
    assert response.status_code == 302
    assert Sponsorship.objects.get().status == Sponsorship.Status.STOPPED


def test_the_year_end_closes_the_need_with_what_was_covered(lunch_need, area):
    first, _ = sponsor(lunch_need, pupils=10)
    second, _ = sponsor(lunch_need, pupils=5, first=date(2028, 1, 1), months=5, schedule=AT_ONCE)
    for pledge in first.instalments.all():
        if pledge.month <= date(2027, 11, 1):
            pledge_receive(pledge=pledge, actor=area.staff_a, amount=pledge.amount, received_on=pledge.month)
    pledge_receive(pledge=second.instalments.get(), actor=area.staff_a, amount=7_500_000, received_on=BEFORE)
    # The months not paid expire as usual; until then the year is not closed.
    assert sponsorships.close_ended_years(today=date(2028, 6, 2))["done"] == 0
    assert sponsorships.close_ended_years(today=date(2028, 5, 20))["done"] == 0  # May not over
    Pledge.objects.filter(sponsorship=first, status="pledged").update(expires_on=date(2000, 1, 1))
    assert remind_and_expire_pledges()["expired"]["done"] == 6

    assert sponsorships.close_ended_years(today=date(2028, 6, 2))["done"] == 1
    assert sponsorships.close_ended_years(today=date(2028, 6, 3))["done"] == 0
    lunch_need.refresh_from_db()
    assert lunch_need.status == Need.Status.CLOSED
    event = NeedEvent.objects.filter(need=lunch_need).latest("pk")
    assert event.to_status == "closed" and "55 trên 405 suất-tháng" in event.note  # 10 × 3 + 5 × 5
    assert {s.status for s in Sponsorship.objects.all()} == {"ended"}
    assert second.instalments.get().status == Pledge.Status.DELIVERED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
def test_two_donors_racing_for_the_last_pupils_never_feed_more_than_the_need(area):
    """Two threads, two connections, released at once, each asking for the last 5 pupils
    of the same months: one is refused, the months never hold more than 45."""
    lunch_need = make_lunch_need(area)
    sponsor(lunch_need, pupils=40, months=3)
    barrier = threading.Barrier(2)
    outcomes = []

    def donate(name):
        try:
            barrier.wait()
            sponsor(lunch_need, pupils=5, months=3, donor=DonorDetails(name=name, email=f"{name}@example.vn"))
            outcomes.append("ok")
        except SponsorshipRefused as refused:
            outcomes.append(refused.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=donate, args=(name,)) for name in ("an", "binh")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["Tháng 09/2027 đã có đủ người đỡ đầu.", "ok"]
    assert pledged_pupils(lunch_need) == [45] * 3 + [0] * 6
    lunch_need.refresh_from_db()
    assert lunch_need.amount_pledged == 45 * 3 * 300_000
    assert Sponsorship.objects.filter(need=lunch_need).count() == 2


def test_the_nightly_task_runs_both_and_twice_does_nothing_more(lunch_need):
    assert lunch_sponsorships_nightly() == {"due": {"done": 0, "failed": 0}, "closed": {"done": 0, "failed": 0}}


def test_only_the_donor_stops_a_sponsorship(lunch_need, client, area):
    from tests.accounts.factories import UserFactory

    donor = UserFactory()
    sponsorship, _ = sponsor(lunch_need, donor=DonorDetails(name="Hà", email=donor.email, user=donor))
    url = reverse("donations:sponsorship_stop", args=[sponsorship.instalments.order_by("month").first().reference])
    assert client.post(url).status_code == 404  # anonymous: the reference cannot be probed
    for user, status in [(area.outsider, 404), (area.staff_b, 404), (area.staff_a, 403), (area.officer_a, 403)]:
        client.force_login(user)
        assert client.post(url).status_code == status, user
        assert Sponsorship.objects.get().is_active
    client.force_login(donor)
    assert client.post(url).status_code == 302
    assert Sponsorship.objects.get().status == Sponsorship.Status.STOPPED


def test_erasing_the_donor_cancels_the_months_to_come_and_forgets_who_sponsored(lunch_need, area, client):
    from donations.services import donor_erase
    from tests.accounts.factories import UserFactory

    donor = UserFactory(email="xoa@example.vn")
    sponsorship, _ = sponsor(lunch_need, donor=DonorDetails(name="Xóa Tôi", email=donor.email, user=donor))
    september = sponsorships.instalments_of(sponsorship).first()
    pledge_receive(pledge=september, actor=area.staff_a, amount=3_000_000, received_on=date(2027, 9, 2))
    donor_erase(user=donor)
    sponsorship.refresh_from_db()
    assert sponsorship.donor is None and sponsorship.donor_name == "—" and "xoa" not in sponsorship.donor_email
    assert sponsorship.status == Sponsorship.Status.STOPPED
    assert [p.status for p in sponsorships.instalments_of(sponsorship)] == ["delivered"] + ["cancelled"] * 8
    assert pledged_pupils(lunch_need) == [10] + [0] * 8


def test_the_school_awaits_only_the_months_already_due(lunch_need, area, client):
    sponsor(lunch_need, pupils=10, today=timezone.localdate())
    Pledge.objects.filter(month=FIRST).update(due_on=timezone.localdate())
    client.force_login(area.staff_a)
    awaiting = client.get(reverse("needs:my_school")).context["awaiting"]
    assert [p.month for p in awaiting] == [FIRST]


def test_a_lunch_need_is_not_delivered_at_once_but_month_by_month(lunch_need, area):
    from needs.services import ActionInvalid, allowed_actions, need_transition

    sponsor(lunch_need, pupils=45)
    lunch_need.refresh_from_db()
    assert lunch_need.status == Need.Status.FUNDED
    assert "deliver" not in allowed_actions(lunch_need, area.staff_a)
    with pytest.raises(ActionInvalid):
        need_transition(need=lunch_need, action="deliver", actor=area.staff_a, note="Đã nấu")
