"""Each step of a need that waits on someone tells them (needs.services._notify_step,
through the notices outbox): the office's question, return and verification tell the
school's people; the school's answer tells the officer who asked; a need sent for
verification or reported delivered tells the officers handling the school."""

import pytest
from django.core import mail

from needs.services import need_transition
from notices.models import Kind, MailOptOut, Notice
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(area):
    area.school_a.focal_point_email = "hieutruong@example.vn"
    area.school_a.save(update_fields=["focal_point_email"])
    return NeedFactory(
        school=area.school_a, status="submitted", title="Bể chứa nước mưa", items=[("Bồn", 1, "cái", 9_000_000)]
    )


def told(kind):
    return sorted(Notice.objects.filter(kind=kind).values_list("email", flat=True))


@pytest.mark.parametrize(
    ("action", "kind", "words"),
    [
        ("ask", Kind.QUESTION_ASKED, "Xin gửi báo giá"),
        ("return", Kind.NEED_RETURNED, "Xin gửi báo giá"),
        ("verify", Kind.NEED_VERIFIED, "Bể chứa nước mưa"),
    ],
)
def test_the_offices_steps_tell_the_schools_people(area, need, action, kind, words, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(need=need, action=action, actor=area.officer_a, note="Xin gửi báo giá")
    assert told(kind) == sorted([area.staff_a.email, "hieutruong@example.vn"])
    assert sorted(m.to[0] for m in mail.outbox) == told(kind)
    assert all(words in m.body and m.alternatives for m in mail.outbox)
    staff_notice = Notice.objects.get(kind=kind, user=area.staff_a)
    assert staff_notice.link == need.get_absolute_url()
    area.staff_a.refresh_from_db()
    assert area.staff_a.unread_notices == 1
    # Nobody else: not the other school, not the officer who acted.
    assert not Notice.objects.filter(user__in=[area.staff_b, area.officer_a, area.officer_b]).exists()


def test_the_schools_answer_tells_the_officer_who_asked(area, need, django_capture_on_commit_callbacks):
    need_transition(need=need, action="ask", actor=area.officer_province, note="Bao nhiêu học sinh?")
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(need=need, action="answer", actor=area.staff_a, note="45 học sinh bán trú.")
    assert told(Kind.QUESTION_ANSWERED) == [area.officer_province.email]
    (message,) = mail.outbox
    assert "45 học sinh bán trú." in message.body and area.school_a.name in message.subject


def test_an_answer_nobody_asked_for_tells_the_officers_handling_the_school(area, need):
    need_transition(need=need, action="answer", actor=area.staff_a, note="Bổ sung ảnh.")
    assert told(Kind.QUESTION_ANSWERED) == sorted([area.officer_a.email, area.officer_province.email])


def test_a_person_who_chose_no_mail_of_a_kind_still_finds_it_in_the_inbox(
    area, need, django_capture_on_commit_callbacks
):
    MailOptOut.objects.create(user=area.staff_a, kind=Kind.QUESTION_ASKED)
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(need=need, action="ask", actor=area.officer_a, note="Xin gửi báo giá")
    assert [m.to for m in mail.outbox] == [["hieutruong@example.vn"]]
    notice = Notice.objects.get(user=area.staff_a)
    assert notice.mail is False and notice.sent_at is None
    # Another kind still comes by mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(need=need, action="verify", actor=area.officer_a)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([area.staff_a.email, "hieutruong@example.vn"])


@pytest.mark.parametrize(
    ("start", "action", "kind", "words"),
    [
        ("draft", "submit", Kind.NEED_SUBMITTED, "để xác minh"),
        ("funded", "deliver", Kind.NEED_DELIVERED, "Đã nhận đủ 1 bồn"),
    ],
)
def test_a_need_waiting_on_the_office_tells_the_officers_handling_the_school(
    area, need, start, action, kind, words, django_capture_on_commit_callbacks
):
    need.status = start
    need.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(need=need, action=action, actor=area.staff_a, note="Đã nhận đủ 1 bồn")
    assert told(kind) == sorted([area.officer_a.email, area.officer_province.email])
    assert all(words in m.body and need.title in m.subject for m in mail.outbox)
    assert len(mail.outbox) == 2
    # Not the school's people (they acted), not the other commune's officer.
    assert not Notice.objects.filter(user__in=[area.staff_a, area.staff_b, area.officer_b]).exists()


def test_steps_that_wait_on_nobody_tell_nobody(area, need):
    need_transition(need=need, action="cancel", actor=area.staff_a)
    assert not Notice.objects.exists()
