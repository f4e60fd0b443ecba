"""The benchmark's data generator: a consistent country, the same for the same seed."""

import hashlib

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum

from accounts.models import User
from donations.models import Pledge
from letters_contest.models import ContestRound, Entry
from needs.models import Need, NeedItem
from ops.scale_data import CURRENT_PROVINCES, communes_per_province, reference_for
from schools.models import AdministrativeUnit, Membership, Office, School, SchoolSite

SMALL = {
    "schools": 40,
    "provinces": 2,
    "communes": 8,
    "needs_per_school": 4,
    "pledges_per_need": 3,
    "entries": 300,
    "donors": 30,
    "as_of": "2026-11-23",
}


def _generate(**options):
    from datetime import date

    arguments = {**SMALL, **options}
    arguments["as_of"] = date.fromisoformat(arguments["as_of"])
    call_command("generate_scale_data", stdout=open("/dev/null", "w"), **arguments)  # noqa: SIM115


def _fingerprint() -> str:
    rows = [
        list(School.objects.order_by("code").values_list("code", "name", "pupils")),
        list(Need.objects.order_by("pk").values_list("title", "status", "amount_requested", "amount_pledged")),
        list(Pledge.objects.order_by("pk").values_list("reference", "amount", "status", "donor_email")),
        list(Entry.objects.order_by("pk").values_list("code", "pupil_name", "date_of_birth")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_generates_a_consistent_country_on_the_current_map(db):
    _generate()

    units = dict(AdministrativeUnit.objects.values_list("level").annotate(n=Count("pk")))
    assert units == {"province": 2, "commune": 8}
    # Communes hang straight under their province: no district anywhere.
    communes = AdministrativeUnit.objects.filter(level="commune")
    assert not communes.exclude(parent=F("province")).exists()
    assert not communes.filter(district__isnull=False).exists()
    assert not School.objects.filter(district__isnull=False).exists()
    # Hà Nội (126 communes) and Cao Bằng (56) share 8 communes as 126 to 56.
    per_province = dict(communes.values_list("province__name").annotate(n=Count("pk")))
    assert per_province == {"Thành phố Hà Nội": 6, "Tỉnh Cao Bằng": 2}
    assert School.objects.count() == 40
    assert SchoolSite.objects.exists()
    # An education office per commune (the Culture and Society division) and a department
    # per province, each with an officer; an organiser per province.
    offices = Office.objects.filter(kind__in=Office.EDUCATION_KINDS)
    assert sorted(offices.values_list("unit__level", flat=True)) == ["commune"] * 8 + ["province"] * 2
    assert set(offices.filter(unit__level="commune").values_list("unit", flat=True)) == set(
        School.objects.values_list("commune", flat=True)
    )
    assert set(offices.filter(unit__level="province").values_list("kind", flat=True)) == {"education_department"}
    officers = Membership.objects.filter(role="officer")
    assert officers.count() == 10
    assert set(officers.values_list("office", flat=True)) == set(offices.values_list("pk", flat=True))
    assert Membership.objects.filter(role="school_staff").count() == 40
    # Needs are verified by the office the current rules name: the department for
    # upper-secondary schools, the commune's office for the others.
    for need in Need.objects.filter(verified_by__isnull=False).select_related("school", "verified_by"):
        office = need.verified_by.memberships.get(role="officer").office
        expected = need.school.province if need.school.level == "upper_secondary" else need.school.commune
        assert office.unit == expected

    # Every need's figures add up: items to the request, active pledges to the counters.
    needs = Need.objects.annotate(
        items_total=Sum(F("items__quantity") * F("items__unit_cost")),
    )
    for need in needs:
        assert need.amount_requested == need.items_total
        active = need.pledges.filter(status__in=Pledge.ACTIVE_STATUSES)
        assert need.amount_pledged == (active.aggregate(s=Sum("amount"))["s"] or 0)
        received = active.filter(status__in=Pledge.RECEIVED_STATUSES)
        assert need.amount_received == (received.aggregate(s=Sum("received_amount"))["s"] or 0)
        assert need.amount_pledged <= need.amount_requested
    statuses = set(Need.objects.values_list("status", flat=True))
    assert statuses >= {"verified", "funded", "delivered"}
    assert not Pledge.objects.filter(Q(need__status__in=("draft", "submitted", "returned"))).exists()
    assert NeedItem.objects.count() >= Need.objects.count()
    # Every need is recorded where its school stands (campaigns count needs there); no
    # district on this map, so compared in Python (NULL = NULL is not true in SQL).
    _assert_needs_recorded_where_their_schools_stand()

    # One round per province, entries only with consent, codes unique per round.
    assert ContestRound.objects.count() == 2
    assert Entry.objects.count() == 300
    assert not Entry.objects.filter(consent_given=False).exists()

    # Generated people can sign in with the shared password and a verified address.
    officer = User.objects.get(email=Membership.objects.filter(role="officer").first().user.email)
    assert officer.check_password("bench12345")
    assert EmailAddress.objects.get(user=officer).verified


def _assert_needs_recorded_where_their_schools_stand():
    places = list(
        Need.objects.values_list(
            "commune", "district", "province", "school__commune", "school__district", "school__province"
        )
    )
    assert places
    assert [row[:3] for row in places] == [row[3:] for row in places]


def test_the_three_tier_shape_keeps_districts(db):
    _generate(shape="three-tier", communes_per_district=2, entries=0)

    units = dict(AdministrativeUnit.objects.values_list("level").annotate(n=Count("pk")))
    assert units == {"province": 2, "district": 4, "commune": 8}
    assert not AdministrativeUnit.objects.filter(level="commune", district__isnull=True).exists()
    assert not School.objects.filter(district__isnull=True).exists()
    # An education office per province and district, an organiser per province.
    offices = Office.objects.filter(kind__in=Office.EDUCATION_KINDS)
    assert sorted(offices.values_list("unit__level", flat=True)) == ["district"] * 4 + ["province"] * 2
    assert Membership.objects.filter(role="officer").count() == 6
    assert not School.objects.filter(level="upper_secondary").exists()
    for need in Need.objects.filter(verified_by__isnull=False).select_related("school", "verified_by"):
        assert need.verified_by.memberships.get(role="officer").office.unit_id == need.school.district_id
    _assert_needs_recorded_where_their_schools_stand()


def test_only_communes_with_schools_get_an_office(db):
    _generate(schools=5, communes=12, entries=0)

    offices = Office.objects.filter(kind="education_office")
    assert offices.count() == 5
    assert set(offices.values_list("unit", flat=True)) == set(School.objects.values_list("commune", flat=True))
    assert Office.objects.filter(kind="education_department").count() == 2


def test_communes_per_province_follow_the_real_numbers():
    # By default, every province with its real number of communes: 3,321 in all.
    real = communes_per_province(34, None)
    assert real == CURRENT_PROVINCES
    assert sum(n for _c, _n, n in real) == 3_321
    assert communes_per_province(34, 3_321) == CURRENT_PROVINCES
    counts = {name: n for _c, name, n in real}
    assert counts["Thành phố Hồ Chí Minh"] == 168
    assert counts["Tỉnh Thanh Hóa"] == 166
    # Scaled down: the same proportions, the total exact, at least one each.
    for provinces, communes in ((3, 30), (34, 340), (34, 34), (5, 1_000), (34, 35)):
        shares = communes_per_province(provinces, communes)
        assert sum(n for _c, _n, n in shares) == communes
        assert all(n >= 1 for _c, _n, n in shares)
        total = sum(n for _c, _n, n in CURRENT_PROVINCES[:provinces])
        for (_c, _n, share), (_c2, _n2, actual) in zip(shares, CURRENT_PROVINCES, strict=False):
            assert abs(share - communes * actual / total) < 1 + (communes < 2 * provinces)
    assert [n for _c, _n, n in communes_per_province(3, 30)] == [12, 6, 12]  # 126 : 56 : 124
    # Past the 34 provinces, made-up ones of the average size.
    assert [n for _c, _n, n in communes_per_province(36, None)][-2:] == [98, 98]
    with pytest.raises(ValueError):
        communes_per_province(3, 2)


def test_the_table_of_communes_is_the_data_package_s():
    vietnam_provinces = pytest.importorskip("vietnam_provinces")
    from collections import Counter

    wards = Counter(int(ward.province_code) for ward in vietnam_provinces.Ward.iter_all())
    package = [(f"{int(p.code):02d}", p.name, wards[int(p.code)]) for p in vietnam_provinces.Province.iter_all()]
    assert [(code, n) for code, _name, n in package] == [(code, n) for code, _name, n in CURRENT_PROVINCES]
    for (_c, name, _n), (_c2, ours, _n2) in zip(package, CURRENT_PROVINCES, strict=True):
        assert ours.endswith(name.removeprefix("Thành phố "))


def test_it_refuses_to_generate_twice_without_reset(db):
    _generate(entries=0)
    with pytest.raises(CommandError, match="already"):
        _generate(entries=0)


def test_the_same_seed_gives_the_same_data(transactional_db):
    _generate(seed=7)
    first = _fingerprint()
    _generate(seed=7, reset=True)
    assert _fingerprint() == first
    _generate(seed=8, reset=True)
    assert _fingerprint() != first


def test_references_never_repeat():
    references = {reference_for(index) for index in range(200_000)}
    assert len(references) == 200_000
    assert all(len(r) == 8 and r.startswith("DU") for r in references)


@pytest.mark.parametrize(("shape", "local_level"), [("two-tier", "commune"), ("three-tier", "district")])
def test_the_benchmark_finds_its_officers_in_either_shape(db, shape, local_level):
    import random

    from ops.bench.runner import pick_sample

    _generate(shape=shape, communes_per_district=2, entries=0)
    sample = pick_sample(random.Random(1), "bench12345")

    local, province = sample["district"], sample["province"]
    assert AdministrativeUnit.objects.get(pk=local["unit"]).level == local_level
    assert AdministrativeUnit.objects.get(pk=province["unit"]).level == "province"
    column = f"{local_level}_id"
    assert local["schools"] == School.objects.filter(**{column: local["unit"]}).count() > 0
    assert local["officers"] and province["officers"]
    for place in sample["places"]:
        if shape == "two-tier":
            assert place["districts"] == [] and place["communes"]
            units = AdministrativeUnit.objects.filter(pk__in=place["communes"])
            assert set(units.values_list("province", flat=True)) == {place["province"]}
        else:
            assert place["districts"] and place["communes"] == []


def test_a_commune_office_of_the_current_map_has_its_dashboard_and_digest(db, client):
    from datetime import date

    from oversight.digests import build_digest, digest_offices, period_bounds, render_digest

    _generate(entries=0)
    office = Office.objects.filter(unit__level="commune").first()
    officer = Membership.objects.get(office=office, role="officer").user
    client.force_login(officer)

    response = client.get(f"/dashboard/?unit={office.unit_id}")
    assert response.status_code == 200
    assert office.unit.name in response.content.decode()
    # Every commune office and department gets its digest.
    assert set(digest_offices()) == set(Office.objects.filter(kind__in=Office.EDUCATION_KINDS))
    start, end = period_bounds("weekly", date(2026, 11, 23))
    _subject, text, _html = render_digest(build_digest(office, "weekly", start, end))
    assert office.name in text
    assert office.name == f"Phòng Văn hóa - Xã hội UBND xã {office.unit.name.removeprefix('Xã ')}"
