"""Who verifies now (issue 15, item 3): on the map since 1 July 2025 a commune's People's
Committee (its Culture and Society division) handles the preschools, primary and
lower-secondary schools of its commune; the provincial department the upper-secondary
schools and the whole province. District offices on the old map keep every school of
their district (tests/support/area.py and the rest of the suite)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from donations.permissions import pledges_in_officer_area
from donations.selectors import accounts_for_school, receiving_account
from needs.models import Need
from oversight.dashboard import Area, figures, headline, league_table
from oversight.digests import build_digest, period_bounds
from schools.models import School
from schools.permissions import can_act_on_school, can_act_on_unit, is_officer_of_school
from schools.selectors import schools_in_units
from tests.donations.factories import BankAccountFactory, PledgeFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import CommuneFactory, MembershipFactory, OfficeFactory, ProvinceFactory, SchoolFactory

S = Need.Status
L = School.Level


@pytest.fixture
def new_map(db):
    """A province on the new map: two communes directly under it, a commune office for
    the first, the department, and their officers."""
    w = SimpleNamespace()
    w.province = ProvinceFactory(name="Tỉnh Điện Biên", code="11")
    w.commune = CommuneFactory(parent=w.province, name="Xã Tuần Giáo", code="03253")
    w.other_commune = CommuneFactory(parent=w.province, name="Xã Quài Tở", code="03274")
    w.primary = SchoolFactory(commune=w.commune, level=L.PRIMARY, name="Trường Tiểu học Tuần Giáo")
    w.preschool = SchoolFactory(commune=w.commune, level=L.PRESCHOOL, name="Trường Mầm non Tuần Giáo")
    w.upper = SchoolFactory(commune=w.commune, level=L.UPPER_SECONDARY, name="Trường THPT Tuần Giáo")
    w.elsewhere = SchoolFactory(commune=w.other_commune, level=L.PRIMARY, name="Trường Tiểu học Quài Tở")
    w.office = OfficeFactory(unit=w.commune, kind="education_office", name="UBND xã Tuần Giáo (Phòng Văn hóa - Xã hội)")
    w.department = OfficeFactory(unit=w.province, kind="education_department", name="Sở GD&ĐT Điện Biên")
    w.officer = MembershipFactory(role="officer", office=w.office).user
    w.department_officer = MembershipFactory(role="officer", office=w.department).user
    return w


def test_the_rule_in_one_place(new_map):
    w = new_map
    assert School.levels_handled_in(w.commune) == School.COMMUNE_OFFICE_LEVELS
    assert School.levels_handled_in(w.province) is None
    assert [w.primary.handled_by(w.commune), w.upper.handled_by(w.commune)] == [True, False]
    assert w.elsewhere.handled_by(w.commune) is False
    assert all(school.handled_by(w.province) for school in (w.primary, w.upper, w.elsewhere))
    assert w.primary.office_unit_ids == [w.commune.pk, w.province.pk]
    assert w.upper.office_unit_ids == [w.province.pk]
    assert set(School.objects.filter(w.commune.office_school_filter())) == {w.primary, w.preschool}
    assert set(schools_in_units([w.commune])) == {w.primary, w.preschool}
    assert set(schools_in_units([w.province])) == {w.primary, w.preschool, w.upper, w.elsewhere}


def test_a_commune_officer_acts_on_the_schools_of_their_commune_up_to_lower_secondary(new_map):
    w = new_map
    assert can_act_on_school(w.officer, w.primary) and can_act_on_school(w.officer, w.preschool)
    assert not can_act_on_school(w.officer, w.upper)
    assert not can_act_on_school(w.officer, w.elsewhere)
    assert can_act_on_unit(w.officer, w.commune) and not can_act_on_unit(w.officer, w.other_commune)
    assert not can_act_on_unit(w.officer, w.province)
    for school in (w.primary, w.preschool, w.upper, w.elsewhere):
        assert can_act_on_school(w.department_officer, school)
        assert is_officer_of_school(w.department_officer, school)
    assert [is_officer_of_school(w.officer, s) for s in (w.primary, w.upper, w.elsewhere)] == [True, False, False]


def test_a_commune_officer_verifies_a_need_of_a_primary_school_of_their_commune(client, new_map):
    w = new_map
    mine = NeedFactory(school=w.primary, status=S.SUBMITTED, title="Bàn ghế cho lớp 1")
    upper = NeedFactory(school=w.upper, status=S.SUBMITTED, title="Máy tính cho phòng tin học")
    other = NeedFactory(school=w.elsewhere, status=S.SUBMITTED, title="Chăn ấm cho bán trú")
    client.force_login(w.officer)

    queue = client.get(reverse("needs:queue"))
    assert [need.pk for need in queue.context["queue"]] == [mine.pk]

    assert client.post(reverse("needs:act", args=[mine.pk, "verify"]), {"note": ""}).status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.verified_by) == (S.VERIFIED, w.officer)

    # Not theirs: an upper-secondary school of the same commune, a school of another
    # commune. A need under review is not there for them (404), as for any outsider.
    for need in (upper, other):
        assert client.post(reverse("needs:act", args=[need.pk, "verify"]), {"note": ""}).status_code == 404
        assert client.get(reverse("needs:detail", args=[need.pk])).status_code == 404
    # The bulk form of the queue skips what is not theirs.
    client.post(reverse("needs:queue"), {"need": [upper.pk, other.pk]})
    assert set(Need.objects.filter(pk__in=[upper.pk, other.pk]).values_list("status", flat=True)) == {S.SUBMITTED}


def test_the_department_verifies_every_school_of_the_province(client, new_map):
    w = new_map
    needs = [NeedFactory(school=school, status=S.SUBMITTED) for school in (w.primary, w.upper, w.elsewhere)]
    client.force_login(w.department_officer)

    assert {need.pk for need in client.get(reverse("needs:queue")).context["queue"]} == {n.pk for n in needs}
    client.post(reverse("needs:queue"), {"need": [n.pk for n in needs]})
    assert set(Need.objects.filter(pk__in=[n.pk for n in needs]).values_list("status", flat=True)) == {S.VERIFIED}


def test_receiving_accounts_and_routes_follow_who_handles_the_school(client, new_map):
    w = new_map
    commune_account = BankAccountFactory(office=w.office)
    department_account = BankAccountFactory(office=w.department)

    assert receiving_account(w.primary) == commune_account
    assert receiving_account(w.upper) == department_account
    assert set(accounts_for_school(w.primary)) == {commune_account, department_account}
    assert set(accounts_for_school(w.upper)) == {department_account}

    client.force_login(w.officer)
    assert client.get(reverse("donations:receiving_account", args=[w.primary.pk])).status_code == 200
    # School pages are public: a school that is not theirs is a plain 403.
    assert client.get(reverse("donations:receiving_account", args=[w.upper.pk])).status_code == 403
    assert client.get(reverse("donations:receiving_account", args=[w.elsewhere.pk])).status_code == 403
    assert client.get(reverse("schools:detail", args=[w.primary.pk])).context["is_officer_here"] is True
    assert client.get(reverse("schools:detail", args=[w.upper.pk])).context["is_officer_here"] is False


def test_a_commune_officer_confirms_the_gifts_of_their_schools_only(new_map):
    w = new_map
    mine = PledgeFactory(need=NeedFactory(school=w.primary, status=S.VERIFIED))
    PledgeFactory(need=NeedFactory(school=w.upper, status=S.VERIFIED))
    PledgeFactory(need=NeedFactory(school=w.elsewhere, status=S.VERIFIED))
    assert list(pledges_in_officer_area(w.officer)) == [mine]
    assert pledges_in_officer_area(w.department_officer).count() == 3


def test_the_commune_dashboard_counts_the_schools_the_office_handles(client, new_map):
    w = new_map
    NeedFactory(school=w.primary, status=S.SUBMITTED)
    NeedFactory(school=w.upper, status=S.SUBMITTED)
    client.force_login(w.officer)

    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert response.context["unit"] == w.commune
    assert response.context["headline"]["schools"] == 2  # the primary school and the preschool
    assert response.context["headline"]["queue"] == 1
    # The department looking at the same commune sees all its schools.
    assert headline(Area(w.commune))["schools"] == 3
    client.force_login(w.department_officer)
    assert client.get(reverse("dashboard:home"), {"unit": w.commune.pk}).context["headline"]["schools"] == 3
    # Another commune is not the commune officer's to look at.
    client.force_login(w.officer)
    assert client.get(reverse("dashboard:home"), {"unit": w.other_commune.pk}).status_code == 403


def test_a_province_on_the_new_map_compares_its_communes(client, new_map):
    w = new_map
    NeedFactory(school=w.primary, status=S.VERIFIED)
    NeedFactory(school=w.upper, status=S.SUBMITTED)
    NeedFactory(school=w.upper, status=S.VERIFIED)
    NeedFactory(school=w.elsewhere, status=S.VERIFIED)

    rows = {row["name"]: row for row in league_table(Area(w.province))}
    assert set(rows) == {"Xã Tuần Giáo", "Xã Quài Tở"}
    assert rows["Xã Tuần Giáo"]["unit_id"] == w.commune.pk and rows["Xã Tuần Giáo"]["is_commune"]
    assert rows["Xã Tuần Giáo"]["queue"] == 1
    # The upper-secondary school counts in its commune's row of the department's table.
    assert (rows["Xã Tuần Giáo"]["count"], rows["Xã Quài Tở"]["count"]) == (2, 1)
    assert figures(Area(w.province))["provincial"] is True

    client.force_login(w.department_officer)
    response = client.get(reverse("dashboard:home"))
    assert response.context["places_are_communes"] is True
    assert {row["name"] for row in response.context["places"]} == {"Xã Tuần Giáo", "Xã Quài Tở"}


def test_the_old_map_league_table_still_compares_districts(client, area):
    NeedFactory(school=area.school_a, status=S.VERIFIED)
    rows = league_table(Area(area.province))
    assert [(row["name"], row["is_commune"]) for row in rows] == [("Huyện Tuần Giáo", False)]
    client.force_login(area.officer_province)
    assert client.get(reverse("dashboard:home")).context["places_are_communes"] is False


def test_the_commune_office_digest_covers_the_schools_it_handles(new_map):
    w = new_map
    NeedFactory(school=w.primary, status=S.SUBMITTED)
    NeedFactory(school=w.upper, status=S.SUBMITTED)
    NeedFactory(school=w.elsewhere, status=S.VERIFIED)
    start, end = period_bounds("weekly", timezone.localdate())
    assert Area.of_office(w.office).needs().count() == 1
    assert build_digest(w.office, "weekly", start, end).content["awaiting_count"] == 1
    assert build_digest(w.department, "weekly", start, end).content["awaiting_count"] == 2
    compared = build_digest(w.department, "weekly", start, end).content["comparison"]
    assert compared.of_communes and [place.name for place in compared.places] == ["Xã Quài Tở", "Xã Tuần Giáo"]
