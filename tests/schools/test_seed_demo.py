from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from schools.models import AdministrativeUnit, Membership, School, SchoolSite
from schools.permissions import can_act_on_school

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _snapshot():
    """Every row of every project model, to prove a second run changes nothing."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"accounts", "schools", "account", "needs", "donations"}:
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def test_seed_demo_loads_the_registry_and_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)

    tuan_giao = AdministrativeUnit.objects.get(code="099")
    assert tuan_giao.name == "Huyện Tuần Giáo"
    assert AdministrativeUnit.objects.filter(parent=tuan_giao).count() == 19
    assert AdministrativeUnit.objects.get(code="24").name == "Tỉnh Bắc Giang"
    assert School.objects.filter(district=tuan_giao).count() >= 20
    assert SchoolSite.objects.filter(school__district=tuan_giao).count() >= 40

    User = get_user_model()
    for email in ["school@demo.vn", "district@demo.vn", "province@demo.vn", "donor@demo.vn", "organiser@demo.vn"]:
        assert User.objects.get(email=email).check_password("demo12345")
        assert email in out.getvalue()
    assert User.objects.get(email="admin@demo.vn").is_superuser

    school_user = User.objects.get(email="school@demo.vn")
    school = Membership.objects.get(user=school_user).school
    assert school.district == tuan_giao
    district_officer = User.objects.get(email="district@demo.vn")
    assert can_act_on_school(district_officer, school)
    organiser = Membership.objects.get(user__email="organiser@demo.vn")
    assert organiser.office.unit.code == "24"

    from needs.models import Need

    assert Need.objects.count() >= 60
    assert set(Need.objects.values_list("status", flat=True)) == set(Need.Status.values)
    assert all(need.photos.exists() for need in Need.objects.all())

    # Pledges add up to exactly what each need shows as pledged and received.
    from django.db.models import Q, Sum

    from donations.models import Pledge

    active = Q(pledges__status__in=Pledge.ACTIVE_STATUSES)
    received = Q(pledges__status__in=[Pledge.Status.RECEIVED, Pledge.Status.DELIVERED])
    for need in Need.objects.annotate(
        pledged=Sum("pledges__amount", filter=active), got=Sum("pledges__received_amount", filter=received)
    ):
        assert (need.pledged or 0, need.got or 0) == (need.amount_pledged, need.amount_received), need.title
    mine = set(Pledge.objects.filter(donor__email="donor@demo.vn").values_list("status", flat=True))
    assert mine == {"pledged", "received", "delivered", "cancelled"}
    assert set(Pledge.objects.values_list("status", flat=True)) == set(Pledge.Status.values)


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = _snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == before
