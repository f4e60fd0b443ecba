"""The digest settings page writes through oversight.services, and each change leaves a
history row naming the officer who made it, in a request or not."""

from django.urls import reverse

from oversight import services
from oversight.models import DigestPreference, DigestSettings

# The oversight pages that write; each has a test below that posts a valid change and
# checks the rows and their history.
WRITING_VIEWS = {
    "dashboard:digests",
}


def history_of(instance):
    """The object's history rows, oldest first, as (type, user) pairs."""
    return [(row.history_type, row.history_user) for row in instance.history.order_by("history_id")]


def test_it_records_who_set_the_offices_digest(client, area):
    client.force_login(area.officer_a)
    url = reverse("dashboard:digests")
    data = {"office": area.office_a.pk, "scope": "office", "frequency": "daily", "send_when_empty": "on"}
    assert client.post(url, data).status_code == 302
    settings = DigestSettings.objects.get()
    settings.refresh_from_db()
    assert (settings.office, settings.frequency, settings.send_when_empty) == (area.office_a, "daily", True)

    # The box unticked: no digest when there is nothing to report.
    assert client.post(url, {**data, "frequency": "weekly", "send_when_empty": ""}).status_code == 302
    settings.refresh_from_db()
    assert (settings.frequency, settings.send_when_empty) == ("weekly", False)
    assert DigestSettings.objects.count() == 1

    assert history_of(settings) == [("+", area.officer_a), ("~", area.officer_a)]
    assert [(row.frequency, row.send_when_empty) for row in settings.history.order_by("history_id")] == [
        ("daily", True),
        ("weekly", False),
    ]


def test_it_records_who_chose_their_own_digest(client, area):
    client.force_login(area.officer_a)
    url = reverse("dashboard:digests")
    assert client.post(url, {"office": area.office_a.pk, "scope": "mine", "frequency": "off"}).status_code == 302
    assert client.post(url, {"office": area.office_a.pk, "scope": "mine", "frequency": "daily"}).status_code == 302
    preference = DigestPreference.objects.get()
    preference.refresh_from_db()
    assert (preference.user, preference.office, preference.frequency) == (area.officer_a, area.office_a, "daily")
    assert history_of(preference) == [("+", area.officer_a), ("~", area.officer_a)]
    assert not DigestSettings.objects.exists()


def test_another_offices_digest_cannot_be_set_and_nothing_is_recorded(client, area):
    client.force_login(area.officer_b)
    data = {"office": area.office_a.pk, "scope": "office", "frequency": "off"}
    assert client.post(reverse("dashboard:digests"), data).status_code == 403
    assert not DigestSettings.objects.exists() and not DigestSettings.history.exists()


def test_an_unknown_frequency_changes_nothing(client, area):
    client.force_login(area.officer_a)
    data = {"office": area.office_a.pk, "scope": "mine", "frequency": "hourly"}
    assert client.post(reverse("dashboard:digests"), data).status_code == 302
    assert not DigestPreference.objects.exists() and not DigestPreference.history.exists()


# --- The services outside any request (a command, a task, the shell) ---------------------


def test_a_service_outside_a_request_records_the_user_it_is_given(area):
    services.digest_settings_set(office=area.office_a, frequency="off", send_when_empty=False, user=area.officer_a)
    services.digest_settings_set(
        office=area.office_a, frequency="daily", send_when_empty=True, user=area.officer_province
    )

    settings = DigestSettings.objects.get()
    assert (settings.frequency, settings.send_when_empty) == ("daily", True)
    assert history_of(settings) == [("+", area.officer_a), ("~", area.officer_province)]

    preference = services.digest_preference_set(user=area.officer_b, office=area.office_b, frequency="weekly")
    assert history_of(preference) == [("+", area.officer_b)]
