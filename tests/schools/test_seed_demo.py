"""The demo (seed_demo): the portal before the reform of 1 July 2025, the reform with the
real merger of the demo's communes, and the programme as it runs today."""

import csv
import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q, Sum

from campaigns.models import Campaign, Review
from donations.models import Pledge
from letters_contest.demo import EXTRA_LOGINS
from letters_contest.models import ContestRound
from needs.models import Need
from schools.demo import SCHOOLS, USERS, USERS_TODAY
from schools.models import AdministrativeUnit, Membership, School, SchoolSite
from schools.permissions import can_act_on_school
from schools.units import NATIONAL_MAPPING, REFORM_DATE
from tests.support.demo import load_demo

pytestmark = pytest.mark.django_db

REFORM_DAY = datetime.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _snapshot(labels=("accounts", "schools", "account", "needs", "donations", "campaigns", "letters_contest")):
    """Every row of every model of these apps (their history tables too)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in labels:
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def unit(level, code, current=True):
    return AdministrativeUnit.objects.get(level=level, code=code, abolished_on__isnull=current)


def test_seed_demo_keeps_the_old_map_moves_the_schools_and_prints_every_login():
    # seed_demo on an empty database, once a session: what it made and what it printed
    # (tests/support/demo.py).
    out = load_demo()

    # The old map is kept: Tuần Giáo district and its 19 communes, abolished with successors.
    tuan_giao = unit("district", "099", current=False)
    assert (tuan_giao.name, tuan_giao.abolished_on) == ("Huyện Tuần Giáo", REFORM_DAY)
    old_communes = AdministrativeUnit.objects.filter(parent=tuan_giao)
    assert old_communes.count() == 19
    assert not old_communes.filter(abolished_on__isnull=True).exists()
    township, pu_xi_commune = unit("commune", "03253", False), unit("commune", "03269", False)
    assert township.name == "Thị trấn Tuần Giáo"
    assert list(township.successors.all()) == [unit("commune", "03253")]
    assert unit("commune", "03253").name == "Xã Tuần Giáo"
    muong_mun = unit("commune", "03268")
    assert (muong_mun.name, muong_mun.parent, muong_mun.district) == ("Xã Mường Mùn", unit("province", "11"), None)
    assert list(pu_xi_commune.successors.all()) == [muong_mun]
    assert muong_mun in tuan_giao.successors.all()
    # Điện Biên is the same province; Bắc Giang merged into Bắc Ninh, which took its code.
    assert not AdministrativeUnit.objects.filter(level="province", code="11", abolished_on__isnull=False).exists()
    bac_giang = unit("province", "24", current=False)
    assert bac_giang.name == "Tỉnh Bắc Giang"
    assert [p.name for p in bac_giang.successors.all()] == ["Tỉnh Bắc Ninh"]

    # Every demo school stands in its new commune, as the real merger says, with a history row.
    merger = {
        row["old_code"]: row["new_code"]
        for row in csv.DictReader(NATIONAL_MAPPING.open(encoding="utf-8"))
        if row["default"] == "1"
    }
    for code, name, _level, old_commune, *_rest in SCHOOLS:
        school = School.objects.select_related("commune").get(code=code)
        assert school.commune.is_current and school.district_id is None, name
        assert school.commune.code == merger[old_commune], name
        assert school.history.filter(commune__code=old_commune, district__isnull=False).exists(), name
        assert school.history.filter(history_change_reason="administrative map").count() == 1, name
    pu_xi = School.objects.get(code="11099012")
    assert pu_xi.commune == muong_mun
    # Each school's letters are signed by its principal: Pú Xi's is the school login.
    assert pu_xi.principal_name == "Lò Văn Thành"
    principals = list(School.objects.values_list("principal_name", flat=True))
    assert all(principals) and len(set(principals)) == len(principals)
    assert School.objects.filter(province__code="11").count() == 28
    assert SchoolSite.objects.filter(school__province__code="11").count() >= 60

    # Every login of the README signs in with the demo password and is printed.
    User = get_user_model()
    for email, *_rest in [*USERS, *USERS_TODAY, *EXTRA_LOGINS]:
        assert User.objects.get(email=email).check_password("demo12345"), email
        assert email in out
    assert User.objects.get(email="admin@demo.vn").is_superuser

    # Who is who today: the commune office handles its commune's schools, the department all.
    commune_officer = User.objects.get(email="commune@demo.vn")
    office = Membership.objects.get(user=commune_officer).office
    assert (office.name, office.kind, office.unit) == (
        "Phòng Văn hóa - Xã hội xã Mường Mùn",
        "education_office",
        muong_mun,
    )
    quai_to = School.objects.get(code="11099020")  # a lower-secondary school of Xã Quài Tở
    assert can_act_on_school(commune_officer, pu_xi) and not can_act_on_school(commune_officer, quai_to)
    province_officer = User.objects.get(email="province@demo.vn")
    assert all(can_act_on_school(province_officer, s) for s in School.objects.filter(province__code="11"))
    # The old district's officer: the district was abolished, no school stands in it today.
    district_officer = User.objects.get(email="district@demo.vn")
    assert Membership.objects.get(user=district_officer).office.unit == tuan_giao
    assert not can_act_on_school(district_officer, pu_xi)
    assert Membership.objects.get(user__email="school@demo.vn").school == pu_xi
    organiser = Membership.objects.get(user__email="organiser@demo.vn").office
    assert (organiser.name, organiser.unit) == ("Sở Thông tin và Truyền thông tỉnh Bắc Giang", bac_giang)
    organiser3 = Membership.objects.get(user__email="organiser3@demo.vn").office
    assert (organiser3.name, organiser3.unit) == ("Sở Khoa học và Công nghệ tỉnh Bắc Ninh", unit("province", "24"))

    # Needs of 2021 are recorded under the old district; today's under the new communes,
    # in every status (64, and two school-lunch needs: this school year's and the last).
    old_needs = Need.objects.filter(created_at__date__lt=REFORM_DATE)
    today_needs = Need.objects.filter(created_at__date__gte=REFORM_DATE)
    assert old_needs.count() == 11 and today_needs.count() == 66
    assert all(n.district == tuan_giao and n.created_at.year == 2021 for n in old_needs)
    assert set(old_needs.values_list("status", flat=True)) == {"closed", "expired", "cancelled"}
    assert not today_needs.filter(Q(district__isnull=False) | Q(commune__abolished_on__isnull=False)).exists()
    assert set(today_needs.values_list("status", flat=True)) == set(Need.Status.values)
    assert today_needs.filter(school=pu_xi, status="submitted").exists()
    assert all(need.photos.exists() for need in Need.objects.all())

    # Pledges add up to exactly what each need shows as pledged and received.
    active = Q(pledges__status__in=Pledge.ACTIVE_STATUSES)
    received = Q(pledges__status__in=[Pledge.Status.RECEIVED, Pledge.Status.DELIVERED])
    for need in Need.objects.annotate(
        pledged=Sum("pledges__amount", filter=active), got=Sum("pledges__received_amount", filter=received)
    ):
        assert (need.pledged or 0, need.got or 0) == (need.amount_pledged, need.amount_received), need.title
    mine = set(Pledge.objects.filter(donor__email="donor@demo.vn").values_list("status", flat=True))
    assert mine == {"pledged", "received", "delivered", "cancelled"}
    assert set(Pledge.objects.filter(need__in=today_needs).values_list("status", flat=True)) == set(
        Pledge.Status.values
    )
    assert all(p.created_at.year == 2021 for p in Pledge.objects.filter(need__in=old_needs))

    # The 2021 campaign: closed, its final review issued in 2021 by the district of the time.
    old = Campaign.objects.get(slug="dieu-uoc-cho-em-tuan-giao")
    assert (old.scope, old.lead_office.name, old.ends_on) == (
        tuan_giao,
        "Ủy ban nhân dân huyện Tuần Giáo",
        datetime.date(2021, 12, 31),
    )
    review = old.reviews.get()
    assert (review.kind, review.issued_by, review.issued_at.date()) == (
        Review.Kind.FINAL,
        district_officer,
        datetime.date(2021, 12, 28),
    )
    assert [(row.history_user, row.history_date.year) for row in review.history.order_by("history_id")] == [
        (district_officer, 2021),
        (district_officer, 2021),
    ]
    assert set(old.needs()) == set(old_needs)
    # Today's programme: the department's, for the province, counting today's needs.
    current = Campaign.objects.get(slug="dieu-uoc-cho-em-dien-bien")
    assert (current.scope, current.lead_office.code, current.ends_on) == (
        unit("province", "11"),
        "sgddt-dien-bien",
        None,
    )
    assert set(current.needs()) == set(today_needs)

    # The contest: the 2024 round keeps Bắc Giang's names; 2026 runs under Bắc Ninh's department.
    round_2024 = ContestRound.objects.get(campaign__slug="upu-53-bac-giang")
    assert (round_2024.province, round_2024.organiser, round_2024.edition.year) == (bac_giang, organiser, 2024)
    assert round_2024.campaign.name.endswith("tỉnh Bắc Giang")
    round_2026 = ContestRound.objects.get(campaign__slug="upu-55-bac-ninh")
    assert (round_2026.province, round_2026.organiser, round_2026.edition.year) == (
        unit("province", "24"),
        organiser3,
        2026,
    )
    assert round_2026.entries.count() == 40
    assert {e.school.province for e in round_2026.entries.all()} == {unit("province", "24")}


def test_seed_demo_twice_changes_nothing():
    load_demo()
    before = _snapshot()
    seed()
    assert _snapshot() == before


def test_the_whole_current_map_over_the_demo_changes_nothing_the_demo_set():
    load_demo()
    units = {u.pk: u for u in AdministrativeUnit.objects.all()}
    rows = {u.pk: (u.code, u.name, u.level, u.parent_id, u.abolished_on, u.former_names) for u in units.values()}
    Successor = AdministrativeUnit.successors.through
    links = set(Successor.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id"))
    schools = list(School.objects.order_by("pk").values())
    school_history = School.history.count()

    out = StringIO()
    call_command("load_units", stdout=out, stderr=out)

    assert "schools: 0 were moved" in out.getvalue() and "0 were abolished" in out.getvalue()
    assert AdministrativeUnit.objects.filter(level="province", abolished_on__isnull=True).count() == 34
    assert AdministrativeUnit.objects.filter(level="commune", abolished_on__isnull=True).count() == 3321
    after = {
        u.pk: (u.code, u.name, u.level, u.parent_id, u.abolished_on, u.former_names)
        for u in AdministrativeUnit.objects.filter(pk__in=units)
    }
    assert after == rows
    assert set(Successor.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id")) == links
    assert list(School.objects.order_by("pk").values()) == schools
    assert School.history.count() == school_history
    # And the demo loads again over the whole map without a change.
    before = _snapshot()
    seed()
    assert _snapshot() == before


def test_the_demo_refuses_a_registry_that_has_todays_map_without_the_old_one():
    call_command("load_units", "--province", "11", stdout=StringIO())
    with pytest.raises(RuntimeError, match="without the old one"):
        seed()
    assert not AdministrativeUnit.objects.filter(level="district").exists()


def test_it_refuses_to_load_the_demo_in_the_production_profile(settings):
    """Issue 19, finding 8: the demo's administrator and its published password must not
    appear on a production database by a mistaken command."""
    settings.PRODUCTION_PROFILE = True
    with pytest.raises(CommandError) as refused:
        seed()
    assert "--allow-production" in str(refused.value)
    assert "admin@demo.vn" in str(refused.value)
    assert not get_user_model().objects.exists()


def test_it_loads_the_demo_in_the_production_profile_only_when_told(settings):
    settings.PRODUCTION_PROFILE = True
    seed("--before-reform", "--allow-production")
    assert get_user_model().objects.filter(email="admin@demo.vn", is_superuser=True).exists()


def test_the_production_profile_is_what_the_process_started_in():
    """DJANGO_DEBUG=0 in the environment is the production profile, whatever the tests do to
    DEBUG: manage.py itself refuses, before touching any database."""
    import os
    import subprocess
    import sys

    from django.conf import settings as live_settings

    env = {**os.environ, "DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 60, "DATABASE_URL": "sqlite:////nonexistent/db"}
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=live_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "seed_demo refused: this is the production profile" in result.stderr
