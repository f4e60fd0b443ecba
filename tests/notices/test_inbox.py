"""The inbox: a person's notices, opening one marks it read and goes to its link, the
navigation's unread badge costs no query."""

import pytest
from django.urls import reverse

from notices import services
from notices.models import Kind, MailOptOut
from tests.notices.factories import NoticeFactory

pytestmark = pytest.mark.django_db


def told(user, **fields):
    """A notice as notify() leaves it: the counter moved with it."""
    notice = NoticeFactory(user=user, **fields)
    type(user).objects.filter(pk=user.pk).update(unread_notices=user.unread_notices + 1)
    user.refresh_from_db()
    return notice


def test_it_lists_ones_own_notices_newest_first_with_the_unread_badge(client, area):
    older = told(area.staff_a, subject="Câu hỏi cũ")
    newer = told(area.staff_a, subject="Câu hỏi mới")
    NoticeFactory(user=area.staff_b, subject="Của trường khác")
    client.force_login(area.staff_a)

    response = client.get(reverse("notices:inbox"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(newer.subject) < html.index(older.subject)
    assert "Của trường khác" not in html
    assert "2 chưa đọc" in html  # the page's heading
    assert 'href="/inbox/"' in html and "text-bg-warning" in html  # the navigation's badge


def test_opening_a_notice_marks_it_read_and_goes_to_its_link(client, area):
    notice = told(area.staff_a, link="/needs/")
    client.force_login(area.staff_a)

    response = client.get(reverse("notices:open", args=[notice.pk]))

    assert response.status_code == 302 and response.url == "/needs/"
    notice.refresh_from_db()
    area.staff_a.refresh_from_db()
    assert notice.read_at is not None and area.staff_a.unread_notices == 0
    client.get(reverse("notices:open", args=[notice.pk]))  # again: the counter stays at 0
    area.staff_a.refresh_from_db()
    assert area.staff_a.unread_notices == 0


def test_a_link_elsewhere_is_not_followed(client, area):
    notice = told(area.staff_a, link="https://evil.example/")
    client.force_login(area.staff_a)
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 200 and notice.subject in response.content.decode()


def test_another_persons_notice_is_a_404(client, area):
    notice = told(area.staff_b)
    client.force_login(area.staff_a)
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_as_read(client, area):
    told(area.staff_a)
    told(area.staff_a)
    client.force_login(area.staff_a)
    assert client.get(reverse("notices:read_all")).status_code == 405
    response = client.post(reverse("notices:read_all"))
    assert response.status_code == 302
    area.staff_a.refresh_from_db()
    assert area.staff_a.unread_notices == 0
    assert not area.staff_a.notices.filter(read_at__isnull=True).exists()


def test_the_badge_costs_no_query(client, area, django_assert_num_queries):
    told(area.staff_a)
    client.force_login(area.staff_a)
    url = reverse("accounts:profile")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert "text-bg-warning" in response.content.decode()
    assert not [q for q in queries.captured_queries if "notices_notice" in q["sql"]]


def test_the_inbox_mends_a_counter_that_went_wrong(client, area):
    told(area.staff_a)
    type(area.staff_a).objects.filter(pk=area.staff_a.pk).update(unread_notices=7)
    client.force_login(area.staff_a)
    client.get(reverse("notices:inbox"))
    area.staff_a.refresh_from_db()
    assert area.staff_a.unread_notices == 1


def test_preferences_page_saves_the_kinds_wanted_by_mail(client, area):
    client.force_login(area.staff_a)
    assert client.get(reverse("notices:preferences")).status_code == 200
    wanted = [k for k in Kind.values if k != Kind.NEED_VERIFIED]
    response = client.post(reverse("notices:preferences"), {"kinds": wanted})
    assert response.status_code == 302
    assert list(MailOptOut.objects.filter(user=area.staff_a).values_list("kind", flat=True)) == [Kind.NEED_VERIFIED]
    services.mail_preferences_save(user=area.staff_a, wanted=Kind.values, actor=area.staff_a)
    assert not MailOptOut.objects.filter(user=area.staff_a).exists()
