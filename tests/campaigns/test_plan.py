from django.urls import reverse

from campaigns.models import Event, Invitation, Task


def test_an_officer_adds_a_task_and_marks_it_done(client, area, campaign):
    client.force_login(area.officer_a)
    url = reverse("campaigns:plan", args=[campaign.slug])
    client.post(
        url,
        {
            "add_task": "1",
            "task-title": "Tổng hợp số liệu điểm trường",
            "task-owner": area.office_a.pk,
            "task-focal_point": "Quàng Thị Hoa",
            "task-due_on": "2026-12-01",
            "task-status": "todo",
        },
    )
    task = Task.objects.get()
    client.post(reverse("campaigns:task_status", args=[campaign.slug, task.pk]), {"status": "done"})
    task.refresh_from_db()
    assert task.status == "done" and task.done_on is not None


def test_a_task_needs_a_due_date_and_says_so(client, area, campaign):
    client.force_login(area.officer_a)
    response = client.post(
        reverse("campaigns:plan", args=[campaign.slug]),
        {"add_task": "1", "task-title": "Việc không hạn", "task-owner": area.office_a.pk, "task-status": "todo"},
    )
    assert "id_task-due_on_error" in response.content.decode()
    assert not Task.objects.exists()


def test_an_event_gets_agenda_invitees_with_replies_and_budget(client, area, campaign):
    client.force_login(area.officer_a)
    response = client.post(
        reverse("campaigns:plan", args=[campaign.slug]),
        {
            "add_event": "1",
            "event-kind": "review",
            "event-title": "Hội nghị sơ kết",
            "event-starts_at": "2026-12-17T08:00",
            "event-venue": "Hội trường UBND huyện",
            "event-host": area.office_a.pk,
            "event-expected_attendance": "40",
        },
    )
    event = Event.objects.get()
    assert response.url == reverse("campaigns:event", args=[campaign.slug, event.pk])
    data = {
        "kind": "review",
        "title": "Hội nghị sơ kết",
        "starts_at": "2026-12-17T08:00",
        "ends_at": "2026-12-17T11:30",
        "venue": "Hội trường UBND huyện",
        "host": area.office_a.pk,
        "expected_attendance": "40",
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-position": "1",
        "agenda-0-starts_at": "08:00",
        "agenda-0-title": "Khai mạc",
        "agenda-0-presenter": "",
        "invitations-TOTAL_FORMS": "2",
        "invitations-INITIAL_FORMS": "0",
        "invitations-0-office": area.office_a.pk,
        "invitations-0-guest": "",
        "invitations-0-people": "6",
        "invitations-0-reply": "confirmed",
        "invitations-1-office": "",
        "invitations-1-guest": "Phóng viên báo Điện Biên Phủ",
        "invitations-1-people": "2",
        "invitations-1-reply": "pending",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-description": "Tài liệu, nước uống",
        "budget-0-amount": "6500000",
        "budget-0-funding_source": "Ngân sách huyện",
        "budget-0-decision_number": "1120/QĐ-UBND",
    }
    client.post(response.url, data)
    event.refresh_from_db()
    assert [a.title for a in event.agenda.all()] == ["Khai mạc"]
    assert sorted(i.reply for i in event.invitations.all()) == ["confirmed", "pending"]
    line = event.budget_lines.get()
    assert (line.amount, line.campaign_id, line.settled) == (6_500_000, campaign.pk, False)
    page = client.get(response.url).content.decode()
    assert "6 đã xác nhận / 40 dự kiến" in page or "6 confirmed of 40 expected" in page


def test_an_event_ending_before_it_starts_is_refused(client, area, campaign):
    client.force_login(area.officer_a)
    response = client.post(
        reverse("campaigns:plan", args=[campaign.slug]),
        {
            "add_event": "1",
            "event-kind": "meeting",
            "event-title": "Họp",
            "event-starts_at": "2026-12-17T08:00",
            "event-ends_at": "2026-12-16T08:00",
            "event-venue": "Phòng họp",
            "event-host": area.office_a.pk,
            "event-expected_attendance": "5",
        },
    )
    assert "id_event-ends_at_error" in response.content.decode()
    assert not Event.objects.exists()


def test_the_plan_is_for_the_campaigns_officers(client, area, campaign):
    client.force_login(area.officer_b)
    assert client.get(reverse("campaigns:plan", args=[campaign.slug])).status_code == 403
    client.force_login(area.staff_a)
    assert client.get(reverse("campaigns:plan", args=[campaign.slug])).status_code == 403
    assert Invitation.objects.count() == 0


def test_an_officer_adds_a_unit_with_its_role_and_duties(client, area, campaign):
    client.force_login(area.officer_a)
    client.post(
        reverse("campaigns:plan", args=[campaign.slug]),
        {"add_unit": "1", "unit-office": area.office_a.pk, "unit-role": "lead", "unit-duties": "Chủ trì tổ chức."},
    )
    duty = campaign.responsibilities.get()
    assert (duty.office, duty.role, duty.duties) == (area.office_a, "lead", "Chủ trì tổ chức.")
