"""A fully pledged need's page (issue 20): it says so, says what happens next, and
offers needs of the same kind that still lack gifts, the nearest first, instead of a
give button."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.schools.factories import CommuneFactory, SchoolFactory

S = Need.Status


def test_a_funded_need_says_so_and_offers_similar_needs_nearest_first(client, area):
    funded = NeedFactory(school=area.school_a, category="meals", title="Bếp ăn bán trú", status=S.FUNDED)
    elsewhere = SchoolFactory(commune=CommuneFactory(parent=area.district_b))
    far = NeedFactory(school=elsewhere, category="meals", title="Bếp ăn xa", urgency=Need.Urgency.CRITICAL)
    near = NeedFactory(school=area.school_a, category="meals", title="Bếp ăn gần", urgency=Need.Urgency.NORMAL)
    NeedFactory(school=area.school_a, category="water", title="Bể nước gần")  # another kind
    NeedFactory(school=area.school_a, category="meals", title="Bếp ăn đã đủ", status=S.FUNDED)  # no gifts
    NeedFactory(school=area.school_a, category="meals", title="Bếp ăn nháp", status=S.DRAFT)  # not public

    response = client.get(funded.get_absolute_url())
    html = response.content.decode()

    assert "Nhu cầu này đã đủ tài trợ" in html
    assert "đăng ảnh bàn giao" in html  # what happens next
    assert reverse("donations:give", args=[funded.pk]) not in html
    assert [n.title for n in response.context["similar"]] == [near.title, far.title]
    assert reverse("donations:give", args=[near.pk]) not in html  # cards link to the needs
    assert near.get_absolute_url() in html and far.get_absolute_url() in html
    assert 'id="similar-heading"' in html


def test_a_need_open_for_gifts_keeps_its_give_button_and_no_similar_needs(client, area):
    need = NeedFactory(school=area.school_a, category="meals")
    NeedFactory(school=area.school_a, category="meals")
    response = client.get(need.get_absolute_url())
    assert reverse("donations:give", args=[need.pk]) in response.content.decode()
    assert response.context["similar"] == []
    assert "đã đủ tài trợ" not in response.content.decode()


def test_a_funded_need_page_runs_the_same_queries_whatever_the_number_of_similar_needs(client, area):
    funded = NeedFactory(school=area.school_a, category="meals", status=S.FUNDED)
    counts = []
    for size in (1, 8):
        for _ in range(size):
            NeedFactory(school=SchoolFactory(commune=CommuneFactory(parent=area.district_b)), category="meals")
        cache.clear()  # the page is kept for visitors: measure it rendered
        with CaptureQueriesContext(connection) as queries:
            response = client.get(funded.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
        assert len(response.context["similar"]) == {1: 1, 8: 3}[size]
    assert counts[0] == counts[1]
