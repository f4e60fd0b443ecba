"""The dashboard's ranking of places, its tile map and its chart (issue 20, point 5)."""

import re
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from needs.models import Need
from oversight.charts import category_chart, nice_ticks, weekly_chart
from oversight.dashboard import Area
from oversight.places import places, rank, tile_map, tone
from tests.needs.factories import NeedFactory
from tests.schools.factories import CommuneFactory, SchoolFactory

S = Need.Status
MILLION = 1_000_000


def row(name, missing, open_needs, latitude=None, longitude=None):
    return {"name": name, "missing": missing, "open": open_needs, "latitude": latitude, "longitude": longitude}


def test_it_ranks_by_money_missing_then_open_needs_and_ties_share_a_rank():
    ranked = rank(
        [
            row("Xã A", 5 * MILLION, 2),
            row("Xã B", 90 * MILLION, 39),
            row("Xã C", 5 * MILLION, 2),
            row("Xã D", 5 * MILLION, 3),
            row("Xã E", 0, 0),
        ]
    )
    assert [(r["rank"], r["name"], r["tied"]) for r in ranked] == [
        (1, "Xã B", False),
        (2, "Xã D", False),
        (3, "Xã A", True),
        (3, "Xã C", True),
        (5, "Xã E", False),
    ]


def test_it_colours_by_the_money_missing():
    assert [tone(0), tone(1), tone(20 * MILLION - 1), tone(20 * MILLION), tone(100 * MILLION)] == [0, 1, 1, 2, 3]


@pytest.mark.django_db
def test_it_lists_every_commune_of_the_district_and_puts_the_most_in_need_first(area):
    """The 39-need commune ranks above the 2-need ones, whatever their share pledged; a
    commune with no need at all is still listed, last."""
    busy = SchoolFactory(commune=CommuneFactory(parent=area.district_a, name="Xã Mường Mùn"))
    for _ in range(39):
        NeedFactory(school=busy, status=S.VERIFIED, items=[("Chăn", 10, "cái", 200_000)])
    small = SchoolFactory(commune=CommuneFactory(parent=area.district_a, name="Xã Quài Cang"))
    for _ in range(2):
        need = NeedFactory(school=small, status=S.VERIFIED, items=[("Bàn", 1, "bộ", 1_000_000)])
        Need.objects.filter(pk=need.pk).update(amount_pledged=900_000)
    quiet = CommuneFactory(parent=area.district_a, name="Xã Nà Sáy")
    CommuneFactory(parent=area.district_b, name="Xã Khác")  # another district: not listed

    rows = places(Area(area.district_a))

    names = [r["name"] for r in rows]
    assert set(names) == {area.commune_a.name, "Xã Mường Mùn", "Xã Quài Cang", quiet.name}
    assert names[0] == "Xã Mường Mùn" and rows[0]["rank"] == 1
    assert (rows[0]["missing"], rows[0]["open"], rows[0]["count"]) == (39 * 2 * MILLION, 39, 39)
    assert names.index("Xã Quài Cang") == 1 and rows[1]["missing"] == 2 * 100_000
    # Nothing missing in either of the last two: they share the last rank.
    assert [r["rank"] for r in rows[2:]] == [3, 3] and all(r["tied"] for r in rows[2:])
    assert rows[0]["url"] == f"{reverse('dashboard:needs')}?unit={busy.commune_id}"


@pytest.mark.django_db
def test_a_provinces_places_are_its_districts_and_a_communes_are_its_schools(area):
    NeedFactory(school=area.school_a, status=S.VERIFIED)
    provincial = places(Area(area.province))
    assert {r["name"] for r in provincial} == {area.district_a.name, area.district_b.name}
    assert provincial[0]["name"] == area.district_a.name
    assert provincial[0]["url"] == f"{reverse('dashboard:home')}?unit={area.district_a.pk}"
    [school] = places(Area(area.commune_a))
    assert (school["name"], school["kind"], school["url"]) == (
        area.school_a.name,
        "school",
        area.school_a.get_absolute_url(),
    )


def test_the_tile_map_gives_each_place_its_own_cell_north_up_and_west_left():
    rows = rank(
        [
            row("North", 3, 1, latitude=22.0, longitude=103.0),
            row("South", 2, 1, latitude=21.0, longitude=103.0),
            row("East", 1, 1, latitude=21.5, longitude=104.0),
            *[row(f"Nowhere {n}", 0, 0) for n in range(6)],
        ]
    )
    laid = tile_map(rows)
    cells = {(t["row"], t["column"]) for t in laid["tiles"]}
    assert len(cells) == len(laid["tiles"]) == 3
    assert all(1 <= r <= laid["rows"] and 1 <= c <= laid["columns"] for r, c in cells)
    by_name = {t["name"]: t for t in laid["tiles"]}
    assert by_name["North"]["row"] == 1 and by_name["South"]["row"] == laid["rows"]
    assert by_name["East"]["column"] == laid["columns"] and by_name["North"]["column"] == 1
    # Places with no located school are kept apart, in rank order, not put on the grid.
    assert [t["name"] for t in laid["unlocated"]] == [f"Nowhere {n}" for n in range(6)]


def test_nice_ticks_reach_the_top_in_round_steps():
    assert nice_ticks(7.3) == [0, 2, 4, 6, 8]
    assert nice_ticks(270.8) == [0, 100, 200, 300]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(10, whole=True) == [0, 5, 10] and nice_ticks(3, whole=True) == [0, 1, 2, 3]


def test_the_weekly_chart_has_axes_values_and_a_legend_for_both_series():
    monday = date(2026, 9, 7)
    series = [
        {"week": monday + timedelta(weeks=n), "pledged": pledged, "delivered": delivered}
        for n, (pledged, delivered) in enumerate([(0, 0), (12_500_000, 1), (3_000_000, 0), (40_000_000, 3)])
    ]
    with translation.override("vi"):
        chart = weekly_chart(series)
        svg = render_to_string("oversight/_weekly_chart.html", {"chart": chart})
    pledged, delivered = chart["panels"]
    assert [bar["text"] for bar in pledged["bars"]] == ["", "12,5", "3", "40"]
    assert [bar["text"] for bar in delivered["bars"]] == ["", "1", "", "3"]
    # The tallest bar reaches the top tick; a bar's height is proportional to its value.
    assert pledged["ticks"][-1]["text"] == "40" and pledged["bars"][3]["y"] == pledged["top"]
    assert pledged["bars"][1]["h"] == pytest.approx(pledged["bars"][3]["h"] * 12.5 / 40, abs=0.1)
    assert delivered["bars"][3]["y"] == delivered["top"]
    # Every value, tick, title and legend entry is text in the SVG, both series drawn.
    texts = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    for expected in ["12,5", "40", "Tiền đã cam kết (triệu ₫)", "Nhu cầu đã bàn giao", "Tiền đã cam kết", "28/09"]:
        assert expected in texts, expected
    assert svg.count('class="bar series-pledged"') == 3 and svg.count('class="bar series-delivered"') == 2
    assert 'role="img"' in svg and "<a " not in svg


def test_the_category_chart_draws_both_series_with_their_values():
    categories = [
        {"label": "Nước sạch", "requested": 155_360_000, "pledged": 111_912_000},
        {"label": "Khác", "requested": 0, "pledged": 0},
    ]
    with translation.override("vi"):
        chart = category_chart(categories)
        svg = render_to_string("oversight/_category_chart.html", {"chart": chart})
    water, other = chart["rows"]
    assert [bar["text"] for bar in water["bars"]] == ["155,4", "111,9"]
    assert water["bars"][1]["w"] == pytest.approx(water["bars"][0]["w"] * 111_912 / 155_360, abs=0.1)
    assert [bar["w"] for bar in other["bars"]] == [0, 0]
    texts = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    for expected in ["Nước sạch", "155,4", "111,9", "Đề nghị", "Đã cam kết", "200"]:
        assert expected in texts, expected
    assert svg.count('class="bar series-requested"') == 1 and svg.count('class="bar series-pledged"') == 1
