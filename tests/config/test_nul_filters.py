"""Issue 19, finding 7: `GET /dashboard/needs/?category=%00` was a 500, PostgreSQL
refusing NUL in text. One layer (core.middleware.NulQueryMiddleware) answers 400 to NUL in
any query parameter, so no list's filter can send it to the database. Run on PostgreSQL
(CI, DATABASE_URL) to meet the original failure: SQLite stores NUL without complaint."""

import re

import pytest
from django.urls import reverse

from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db

# Filters every list might read, besides those its own form names.
KNOWN = ["q", "category", "province", "district", "commune", "level", "urgency", "status", "pupils_min",
         "progress", "sort", "page", "stale", "school", "office", "kind", "year", "from", "to", "model", "user"]  # fmt: skip


def _lists(area, contest, campaign):
    round_, organiser = contest
    return [
        (None, reverse("needs:list")),
        (None, reverse("schools:list")),
        (None, reverse("campaigns:list")),
        (None, reverse("letters_contest:home")),
        (area.officer_a, reverse("needs:queue")),
        (area.officer_province, reverse("dashboard:home")),
        (area.officer_province, reverse("dashboard:needs")),
        (area.officer_province, reverse("dashboard:pledges")),
        (area.officer_province, reverse("dashboard:audit")),
        (area.officer_a, reverse("campaigns:reviews", args=[campaign.slug])),
        (organiser, reverse("letters_contest:entries", args=[round_.pk])),
    ]


def _filter_names(html: str) -> set[str]:
    """The names of the fields of the page's GET forms (its filters)."""
    names = set()
    for form in re.findall(r"<form(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, flags=re.S | re.I):
        names.update(re.findall(r"<(?:input|select|textarea)[^>]*\bname=\"([^\"]+)\"", form))
    return names - {"csrfmiddlewaretoken"}


def test_a_nul_in_any_filter_of_any_list_is_a_400_never_a_500(client, area, contest, campaign):
    NeedFactory(school=area.school_a, items=[("Chăn", 40, "cái", 250_000)])
    checked, lists = 0, _lists(area, contest, campaign)
    for user, url in lists:
        client.logout()
        if user is not None:
            client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200, url
        for name in sorted(_filter_names(page.content.decode()) | set(KNOWN)):
            for query in (f"{name}=%00", f"{name}=ab%00cd", f"{name}%00=1"):
                response = client.get(f"{url}?{query}")
                assert response.status_code == 400, f"{url}?{query}: {response.status_code}"
                checked += 1
        # The same filters without the NUL are answered as before.
        assert client.get(f"{url}?category=school_supplies&q=abc").status_code in (200, 302), url
    assert checked >= len(lists) * len(KNOWN) * 3


def test_the_reported_request_is_refused_with_the_portals_400_page(client, area):
    client.force_login(area.officer_province)
    response = client.get("/dashboard/needs/?category=%00")
    assert response.status_code == 400
    assert "<html" in response.content.decode()


def test_the_open_data_api_answers_in_its_own_error_shape(client, area):
    response = client.get("/api/v1/needs?province=%00")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"} and list(body["errors"]) == ["province"]
