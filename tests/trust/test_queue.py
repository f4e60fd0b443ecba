"""The verification queue shows each need's trust signals compactly, in a fixed number
of queries; signals inform and never block; each can be set aside with a note, by the
officers who may verify the need (issue 18)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolFactory
from trust.models import SignalDismissal
from trust.services import benchmarks_refresh

from .support import CHANGES, real_photos, store

pytestmark = pytest.mark.django_db
S = Need.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def photos():
    return real_photos()


def submitted(school, **kwargs):
    return NeedFactory(school=school, status=S.SUBMITTED, submitted_at=timezone.now() - timedelta(days=1), **kwargs)


def desk_benchmark(area):
    """What five other schools asked for a desk with its chairs."""
    for cost in (1_200_000, 1_500_000, 1_800_000, 2_000_000, 2_500_000):
        school = SchoolFactory(commune=area.commune_b)
        NeedFactory(school=school, category="equipment", items=[("Bàn ghế", 10, "bộ", cost)])
    benchmarks_refresh()


def reused_photo_pair(area, photos, captured):
    """A verified need elsewhere with a photo, and a need in A's queue posting it again."""
    elsewhere = NeedFactory(school=area.school_b, title="Sửa lớp học Ẳng Tở")
    queued = submitted(area.school_a, title="Sửa lớp học Pú Xi")
    with captured(execute=True):
        theirs = store(photos["camera"], need=elsewhere)
        mine = store(CHANGES["re-encoded at quality 30"](photos["camera"]), need=queued)
    return queued, mine, theirs


def test_it_shows_a_reused_photo_side_by_side_with_both_needs_named(
    client, area, photos, django_capture_on_commit_callbacks
):
    queued, mine, theirs = reused_photo_pair(area, photos, django_capture_on_commit_callbacks)
    client.force_login(area.officer_a)

    response = client.get(reverse("needs:queue"))

    [need] = response.context["queue"]
    assert need == queued
    [signal] = need.trust_signals
    assert signal.is_photo and signal.alarming
    html = response.content.decode()
    assert "Ảnh này giống ảnh của một nhu cầu khác" in html
    assert mine.thumb.url in html and theirs.thumb.url in html
    assert "Sửa lớp học Ẳng Tở" in html and area.school_b.name in html
    assert theirs.need.get_absolute_url() in html


def test_it_shows_an_outlier_cost_with_the_typical_range(client, area):
    desk_benchmark(area)
    submitted(area.school_a, category="equipment", items=[("Bàn ghế học sinh", 10, "Bộ", 9_000_000)])
    client.force_login(area.officer_a)

    html = client.get(reverse("needs:queue")).content.decode()

    assert "Đơn giá cao hơn nhiều so với các trường khác" in html
    assert "thường từ 1.500.000\u00a0₫ đến 2.000.000\u00a0₫" in html


def test_it_points_out_a_school_sending_many_needs_in_a_short_time(client, area, settings):
    settings.TRUST_MANY_NEEDS_COUNT = 3
    settings.TRUST_MANY_NEEDS_DAYS = 7
    for _ in range(3):
        submitted(area.school_a)
    NeedFactory(school=area.school_a, status=S.VERIFIED, submitted_at=timezone.now() - timedelta(days=20))
    for _ in range(2):
        submitted(area.school_b)
    client.force_login(area.officer_province)

    queue = client.get(reverse("needs:queue")).context["queue"]

    paced = {need.school_id: [s.count for s in need.trust_signals if s.is_pace] for need in queue}
    assert paced == {area.school_a.pk: [3], area.school_b.pk: []}


def test_signals_never_block_verifying(client, area, photos, django_capture_on_commit_callbacks):
    queued, _mine, _theirs = reused_photo_pair(area, photos, django_capture_on_commit_callbacks)
    client.force_login(area.officer_a)
    client.post(reverse("needs:queue"), {"need": [queued.pk]})
    queued.refresh_from_db()
    assert queued.status == S.VERIFIED


@pytest.mark.parametrize("count", [1, 5])
def test_the_queue_runs_a_fixed_number_of_queries_with_signals(
    client, area, photos, count, django_assert_num_queries, django_capture_on_commit_callbacks
):
    desk_benchmark(area)
    for index in range(count):
        need = submitted(area.school_a, category="equipment", items=[("Bàn ghế", 10, "bộ", 9_000_000)])
        other = NeedFactory(school=SchoolFactory(commune=area.commune_b))
        with django_capture_on_commit_callbacks(execute=True):
            store(photos["coffee"] if index % 2 else photos["rocket"], need=other)
            store(CHANGES["halved"](photos["coffee"] if index % 2 else photos["rocket"]), need=need)
        SignalDismissal.objects.create(
            need=need, kind="pace", key="", note="Đã kiểm tra", dismissed_by=area.officer_a, dismissed_at=timezone.now()
        )
    client.force_login(area.officer_a)
    # the page as it was (session, user, roles, the queue with its photos, sites and
    # items), then four for the signals: photo matches with both needs, the
    # benchmarks of the queue's categories, the schools' pace, the dismissals; and one for
    # the photos whose blurred public copy waits for the officer (needs.selectors.photos_waiting)
    with django_assert_num_queries(12):
        response = client.get(reverse("needs:queue"))
    assert all(need.trust_alarms >= 2 for need in response.context["queue"])


def test_an_officer_sets_a_signal_aside_with_a_note_that_stays(
    client, area, photos, django_capture_on_commit_callbacks
):
    queued, mine, theirs = reused_photo_pair(area, photos, django_capture_on_commit_callbacks)
    client.force_login(area.officer_a)
    url = reverse("trust:dismiss", args=[queued.pk])

    response = client.post(url, {"kind": "photo", "key": f"{mine.pk}-{theirs.pk}", "note": "", "next": "queue"})
    assert response.status_code == 400
    assert "Vui lòng ghi lý do có thể bỏ qua tín hiệu này." in response.content.decode()
    assert not SignalDismissal.objects.exists()

    response = client.post(
        url,
        {"kind": "photo", "key": f"{mine.pk}-{theirs.pk}", "note": "Hai điểm trường chung một nhà.", "next": "queue"},
    )
    assert response.status_code == 302 and response.url == reverse("needs:queue")

    dismissal = SignalDismissal.objects.get()
    assert (dismissal.need, dismissal.dismissed_by, dismissal.note) == (
        queued,
        area.officer_a,
        "Hai điểm trường chung một nhà.",
    )
    [row] = dismissal.history.all()
    assert row.history_user == area.officer_a
    page = client.get(reverse("needs:queue"))
    [need] = page.context["queue"]
    [signal] = need.trust_signals
    assert not signal.alarming and need.trust_alarms == 0
    assert "Hai điểm trường chung một nhà." in page.content.decode()


def test_a_signal_that_is_not_raised_cannot_be_set_aside(client, area):
    need = submitted(area.school_a)
    client.force_login(area.officer_a)
    response = client.post(
        reverse("trust:dismiss", args=[need.pk]), {"kind": "photo", "key": "1-2", "note": "x"}, follow=True
    )
    assert "Nhu cầu này không còn tín hiệu đó nữa." in response.content.decode()
    assert not SignalDismissal.objects.exists()


def test_only_the_officers_who_may_verify_may_set_aside(client, area, photos, django_capture_on_commit_callbacks):
    queued, mine, theirs = reused_photo_pair(area, photos, django_capture_on_commit_callbacks)
    url = reverse("trust:dismiss", args=[queued.pk])
    data = {"kind": "photo", "key": f"{mine.pk}-{theirs.pk}", "note": "ổn"}

    client.force_login(area.staff_a)  # the school itself sees its need: 403
    assert client.post(url, data).status_code == 403
    client.force_login(area.officer_b)  # another district's officer: the need is not theirs to see
    assert client.post(url, data).status_code == 404
    client.force_login(area.outsider)
    assert client.post(url, data).status_code == 404
    client.logout()
    assert client.post(url, data).status_code == 302  # to the sign-in page
    assert not SignalDismissal.objects.exists()

    client.force_login(area.officer_province)  # the department handles the school too
    assert client.post(url, data).status_code == 302
    assert SignalDismissal.objects.get().dismissed_by == area.officer_province


def test_a_new_cost_is_a_new_signal(client, area):
    desk_benchmark(area)
    need = submitted(area.school_a, category="equipment", items=[("Bàn ghế", 10, "bộ", 9_000_000)])
    item = need.items.get()
    client.force_login(area.officer_a)
    client.post(
        reverse("trust:dismiss", args=[need.pk]), {"kind": "cost", "key": f"{item.pk}-9000000", "note": "Bàn inox"}
    )
    item.unit_cost = 15_000_000
    item.save()
    [need_in_queue] = client.get(reverse("needs:queue")).context["queue"]
    [signal] = need_in_queue.trust_signals
    assert signal.alarming
