"""Every page that changes a campaign's plan goes through campaigns.services, and each
change leaves a history row naming the officer who made it, in a request or not."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import (
    AgendaItem,
    BudgetLine,
    CommunicationActivity,
    Event,
    Invitation,
    Responsibility,
    Review,
    Task,
)
from documents.models import IssuedDocument
from tests.documents.factories import SignerFactory

# The campaigns pages that write; each has a test below that posts a valid change and
# checks the rows and their history.
WRITING_VIEWS = {
    "campaigns:plan",
    "campaigns:task_status",
    "campaigns:event",
    "campaigns:reviews",
    "campaigns:review",
    "campaigns:event_plan_issue",
}


def history_of(instance_or_model, pk=None):
    """The history rows of one object, oldest first, as (type, user) pairs."""
    model = instance_or_model if pk is not None else type(instance_or_model)
    pk = pk if pk is not None else instance_or_model.pk
    return [(row.history_type, row.history_user) for row in model.history.filter(id=pk).order_by("history_id")]


@pytest.fixture
def meeting(area, campaign):
    return Event.objects.create(
        campaign=campaign,
        kind="review",
        title="Hội nghị sơ kết",
        starts_at="2026-12-17T08:00+07:00",
        venue="Hội trường",
        host=area.office_a,
    )


def _plan(client, campaign, data):
    return client.post(reverse("campaigns:plan", args=[campaign.slug]), data)


def test_it_records_who_added_a_task(client, area, campaign):
    client.force_login(area.officer_a)
    response = _plan(
        client,
        campaign,
        {
            "add_task": "1",
            "task-title": "Tổng hợp số liệu",
            "task-owner": area.office_a.pk,
            "task-due_on": "2026-12-01",
            "task-status": "todo",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    task.refresh_from_db()
    assert (task.campaign, task.title, task.owner, task.status) == (campaign, "Tổng hợp số liệu", area.office_a, "todo")
    assert history_of(task) == [("+", area.officer_a)]


def test_it_records_who_added_a_communication_activity(client, area, campaign):
    client.force_login(area.officer_a)
    data = {
        "add_communication": "1",
        "comm-published_on": "2026-11-20",
        "comm-channel": "article",
        "comm-title": "Bài báo",
        "comm-link": "https://baodienbienphu.info.vn/x",
        "comm-office": area.office_a.pk,
    }
    assert _plan(client, campaign, data).status_code == 302
    activity = CommunicationActivity.objects.get()
    activity.refresh_from_db()
    assert (activity.campaign, activity.title, activity.channel) == (campaign, "Bài báo", "article")
    assert history_of(activity) == [("+", area.officer_a)]


def test_it_records_who_added_a_unit_and_its_duties(client, area, campaign):
    client.force_login(area.officer_province)
    data = {"add_unit": "1", "unit-office": area.office_b.pk, "unit-role": "coordinate", "unit-duties": "Phối hợp."}
    assert _plan(client, campaign, data).status_code == 302
    duty = Responsibility.objects.get()
    duty.refresh_from_db()
    assert (duty.campaign, duty.office, duty.role, duty.duties) == (campaign, area.office_b, "coordinate", "Phối hợp.")
    assert history_of(duty) == [("+", area.officer_province)]


def test_it_records_who_created_an_event(client, area, campaign):
    client.force_login(area.officer_a)
    data = {
        "add_event": "1",
        "event-kind": "meeting",
        "event-title": "Họp triển khai",
        "event-starts_at": "2026-12-17T08:00",
        "event-venue": "Phòng họp",
        "event-host": area.office_a.pk,
        "event-expected_attendance": "12",
    }
    response = _plan(client, campaign, data)
    event = Event.objects.get()
    assert response.url == reverse("campaigns:event", args=[campaign.slug, event.pk])
    event.refresh_from_db()
    assert (event.campaign, event.title, event.expected_attendance) == (campaign, "Họp triển khai", 12)
    assert history_of(event) == [("+", area.officer_a)]


def test_a_refused_change_leaves_no_row_and_no_history(client, area, campaign):
    client.force_login(area.officer_b)
    data = {"add_unit": "1", "unit-office": area.office_a.pk, "unit-role": "lead", "unit-duties": "Chủ trì."}
    assert _plan(client, campaign, data).status_code == 403
    assert not Responsibility.objects.exists()
    assert not Responsibility.history.exists()


def test_it_records_who_changed_a_tasks_status(client, area, campaign):
    task = Task.objects.create(campaign=campaign, title="Rà soát", owner=area.office_a, due_on=date(2026, 12, 1))
    client.force_login(area.officer_a)
    url = reverse("campaigns:task_status", args=[campaign.slug, task.pk])
    assert client.post(url, {"status": "done"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_on is not None
    assert client.post(url, {"status": "doing"}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.done_on) == ("doing", None)
    # The fixture's own creation has no user: it happened outside any request.
    assert history_of(task) == [("+", None), ("~", area.officer_a), ("~", area.officer_a)]
    assert [row.status for row in task.history.order_by("history_id")] == ["todo", "done", "doing"]


def _event_page(area, **rows):
    data = {
        "kind": "review",
        "title": "Hội nghị sơ kết",
        "starts_at": "2026-12-17T08:00",
        "ends_at": "2026-12-17T11:30",
        "venue": "Hội trường UBND huyện",
        "host": area.office_a.pk,
        "expected_attendance": "40",
    }
    for prefix, forms in rows.items():
        initial = sum(1 for form in forms if "id" in form)
        data[f"{prefix}-TOTAL_FORMS"], data[f"{prefix}-INITIAL_FORMS"] = str(len(forms)), str(initial)
        for index, form in enumerate(forms):
            data.update({f"{prefix}-{index}-{name}": value for name, value in form.items()})
    return data


def test_it_records_who_saved_an_event_with_its_agenda_invitees_and_budget(client, area, campaign, meeting):
    client.force_login(area.officer_a)
    url = reverse("campaigns:event", args=[campaign.slug, meeting.pk])
    agenda = {"position": "1", "starts_at": "08:00", "title": "Khai mạc", "presenter": ""}
    invitation = {"office": area.office_a.pk, "guest": "", "people": "6", "reply": "confirmed"}
    line = {"description": "Tài liệu", "amount": "6500000", "funding_source": "Ngân sách huyện"}
    response = client.post(url, _event_page(area, agenda=[agenda], invitations=[invitation], budget=[line]))
    assert response.status_code == 302

    meeting.refresh_from_db()
    item, guest, money = AgendaItem.objects.get(), Invitation.objects.get(), BudgetLine.objects.get()
    assert (meeting.venue, meeting.expected_attendance) == ("Hội trường UBND huyện", 40)
    assert (item.event, item.title) == (meeting, "Khai mạc")
    assert (guest.event, guest.office, guest.people, guest.reply) == (meeting, area.office_a, 6, "confirmed")
    assert (money.event, money.campaign, money.amount, money.settled) == (meeting, campaign, 6_500_000, False)
    assert history_of(meeting) == [("+", None), ("~", area.officer_a)]
    for row in (item, guest, money):
        assert history_of(row) == [("+", area.officer_a)]

    # Then a change, a deletion and an unchanged row, by another of the campaign's officers.
    client.force_login(area.officer_province)
    response = client.post(
        url,
        _event_page(
            area,
            agenda=[{**agenda, "id": item.pk, "title": "Khai mạc, giới thiệu đại biểu"}],
            invitations=[{**invitation, "id": guest.pk, "DELETE": "on"}],
            budget=[{**line, "id": money.pk, "settled": "on"}],
        ),
    )
    assert response.status_code == 302

    item.refresh_from_db()
    money.refresh_from_db()
    assert item.title == "Khai mạc, giới thiệu đại biểu"
    assert not Invitation.objects.exists()
    assert money.settled is True and money.campaign == campaign
    assert history_of(item) == [("+", area.officer_a), ("~", area.officer_province)]
    assert history_of(Invitation, guest.pk) == [("+", area.officer_a), ("-", area.officer_province)]
    assert history_of(money) == [("+", area.officer_a), ("~", area.officer_province)]
    assert history_of(meeting)[-1] == ("~", area.officer_province)


def test_it_records_who_wrote_edited_and_issued_a_review(client, area, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signer = SignerFactory(office=area.office_a, full_name="Lò Văn Minh")
    client.force_login(area.officer_a)
    response = client.post(
        reverse("campaigns:reviews", args=[campaign.slug]), {"kind": "interim", "assessment": "Ban đầu."}
    )
    review = Review.objects.get()
    assert response.url == reverse("campaigns:review", args=[campaign.slug, review.pk])
    review.refresh_from_db()
    assert (review.campaign, review.kind, review.issued_at, review.document) == (campaign, "interim", None, None)

    client.post(response.url, {"kind": "final", "assessment": "Hoàn thành."})
    review.refresh_from_db()
    assert (review.kind, review.assessment) == ("final", "Hoàn thành.")

    client.force_login(area.officer_province)
    client.post(response.url, {"issue": "1", "signer": signer.pk, "confirmed": "yes"})
    review.refresh_from_db()
    assert review.issued_at is not None and review.issued_by == area.officer_province
    assert review.number_text == "01/BC-PGDĐT"

    assert history_of(review) == [("+", area.officer_a), ("~", area.officer_a), ("~", area.officer_province)]
    issued = review.history.latest("history_id")
    assert (issued.document_id, issued.issued_by, issued.assessment) == (
        review.document.pk,
        area.officer_province,
        "Hoàn thành.",
    )
    assert {row.history_user for row in review.document.history.all()} == {area.officer_province}

    # Issued, it is a document: a later post changes nothing and records nothing.
    client.post(response.url, {"kind": "interim", "assessment": "Sửa."})
    client.post(response.url, {"issue": "1", "signer": signer.pk, "confirmed": "yes"})
    review.refresh_from_db()
    assert (review.number_text, review.issued_by, review.assessment) == (
        "01/BC-PGDĐT",
        area.officer_province,
        "Hoàn thành.",
    )
    assert review.history.count() == 3
    assert IssuedDocument.objects.count() == 1


def test_issuing_an_events_plan_records_who_issued_it(client, area, campaign, meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signer = SignerFactory(office=area.office_a)
    client.force_login(area.officer_province)
    client.post(
        reverse("campaigns:event_plan_issue", args=[campaign.slug, meeting.pk]),
        {"signer": signer.pk, "confirmed": "yes"},
    )
    meeting.refresh_from_db()
    assert meeting.plan_document.number_text == "01/KH-PGDĐT"
    assert history_of(meeting)[-1] == ("~", area.officer_province)
    assert {row.history_user for row in meeting.plan_document.history.all()} == {area.officer_province}


# --- The services outside any request (a command, a task, the shell) ---------------------


def test_a_service_outside_a_request_records_the_user_it_is_given(area, campaign):
    task = Task.objects.create(campaign=campaign, title="Rà soát", owner=area.office_a, due_on=date(2026, 12, 1))

    services.task_set_status(task=Task.objects.get(pk=task.pk), status="done", user=area.officer_a)

    row = task.history.latest("history_id")
    assert (row.history_type, row.history_user, row.status) == ("~", area.officer_a, "done")
    task.refresh_from_db()
    assert task.status == "done" and task.done_on is not None


def test_issuing_outside_a_request_records_the_signer_and_refuses_a_second_time(area, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signer = SignerFactory(office=area.office_a)
    review = Review.objects.create(campaign=campaign, kind="final", assessment="Tốt.")

    services.review_issue(review=Review.objects.get(pk=review.pk), signer=signer, user=area.officer_province)

    review.refresh_from_db()
    assert review.issued_by == area.officer_province and review.issued_at is not None
    row = review.history.latest("history_id")
    assert (row.history_type, row.history_user, row.issued_by, row.assessment) == (
        "~",
        area.officer_province,
        area.officer_province,
        "Tốt.",
    )
    # A stale copy that still says "draft" cannot edit nor issue it again.
    stale = Review.objects.get(pk=review.pk)
    stale.issued_at = None
    stale.assessment = "Sửa sau khi ban hành."
    with pytest.raises(services.ReviewIssued):
        services.review_update(review=stale, user=area.officer_a)
    with pytest.raises(services.ReviewIssued):
        services.review_issue(review=stale, signer=signer, user=area.officer_a)
    review.refresh_from_db()
    assert (review.assessment, review.issued_by) == ("Tốt.", area.officer_province)
    assert review.history.count() == 2
    assert IssuedDocument.objects.count() == 1


def test_an_unknown_task_status_is_refused_before_anything_is_written(area, campaign):
    task = Task.objects.create(campaign=campaign, title="Rà soát", owner=area.office_a, due_on=date(2026, 12, 1))
    with pytest.raises(ValueError):
        services.task_set_status(task=task, status="finished", user=area.officer_a)
    task.refresh_from_db()
    assert task.status == "todo" and task.history.count() == 1
