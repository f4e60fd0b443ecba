"""The transparency page's search box finds a gift that arrived by its reference, by its
amount typed the Vietnamese way, or by the donor's public name without accents; a pledge
not yet received is never found, nor an anonymous donor by name."""

import pytest
from django.urls import reverse


@pytest.fixture
def school_page(world, area):
    return reverse("donations:transparency_school", args=[area.school_a.pk])


def found(client, url, q):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.context["found"]


def test_it_finds_a_gift_by_reference_amount_and_name_without_accents(client, world, school_page):
    assert [line["reference"] for line in found(client, school_page, world.named.reference.lower())] == [
        world.named.reference
    ]
    assert [line["reference"] for line in found(client, school_page, "1.250.000")] == [world.named.reference]
    by_name = found(client, school_page, "tran thu ha")
    assert [line["donor"] for line in by_name] == ["Trần Thu Hà"]
    page = client.get(school_page, {"q": "tran thu ha"}).content.decode()
    assert world.named.reference in page and "1.250.000" in page


def test_it_never_shows_a_pledge_not_received_nor_an_anonymous_name(client, world, school_page):
    assert found(client, school_page, world.waiting.reference) == []
    assert found(client, school_page, "7.777.000") == []
    assert found(client, school_page, "Đỗ Chưa Chuyển") == []
    assert found(client, school_page, "pham bi mat") == []
    anonymous = found(client, school_page, "2.000.000")
    assert [line["reference"] for line in anonymous] == [world.hidden.reference]
    page = client.get(school_page, {"q": "2.000.000"}).content.decode()
    assert "Phạm Bí Mật" not in page and "Ẩn danh" in page


def test_the_unit_page_searches_its_schools_and_funds(client, world, area):
    url = reverse("donations:transparency", args=[area.district_a.pk])
    assert [line["reference"] for line in found(client, url, "500.000")] == [world.fund_gift.reference]
    # School B is in the other district.
    assert found(client, url, "3.000.000") == []


def test_a_bad_search_is_refused_next_to_the_box_and_kept(client, world, school_page):
    response = client.get(school_page, {"q": "x" * 101})
    assert response.status_code == 200
    assert response.context["found"] is None
    assert response.context["search_form"].errors["q"]
    # A NUL cannot be typed in the box: the portal's one layer answers a crafted address 400.
    assert client.get(school_page, {"q": "tran\x00"}).status_code == 400


def test_the_page_with_a_search_runs_a_fixed_number_of_queries(client, world, school_page, django_assert_num_queries):
    client.get(school_page)  # the figures are kept in the cache after the first visit
    with django_assert_num_queries(3):  # the school; its published settlement reports; the lines found
        client.get(school_page, {"q": "tran thu ha"})
