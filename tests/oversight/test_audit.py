"""The audit trail: who changed what in an area, kept after deletion, without the
personal data of donors and pupils."""

import pytest
from django.urls import reverse

from donations.models import Pledge
from letters_contest.models import Entry
from needs.models import Need
from needs.services import need_transition
from schools.models import Membership
from tests.accounts.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import MembershipFactory


def test_a_verification_is_logged_with_who_did_it_and_shown_to_the_area(client, area):
    need = NeedFactory(school=area.school_a, status="submitted", title="Bể nước bản Hua Sát")
    need_transition(need=need, action="verify", actor=area.officer_a)
    record = Need.history.filter(id=need.pk).latest()
    assert (record.status, record.history_user) == ("verified", area.officer_a)

    client.force_login(area.officer_a)
    response = client.get(reverse("dashboard:audit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bể nước bản Hua Sát" in html
    assert area.officer_a.full_name in html

    # The other district's officer does not see it, and may not look.
    client.force_login(area.officer_b)
    assert "Bể nước bản Hua Sát" not in client.get(reverse("dashboard:audit")).content.decode()
    assert client.get(reverse("dashboard:audit"), {"unit": area.district_a.pk}).status_code == 403
    # Schools and donors have no audit page.
    client.force_login(area.staff_a)
    assert client.get(reverse("dashboard:audit")).status_code == 403


def test_a_removed_role_stays_in_the_log(client, area):
    clerk = UserFactory(full_name="Lò Văn Tú", email="tu@truong.edu.vn")
    membership = MembershipFactory(role="school_staff", school=area.school_a, user=clerk)
    membership.delete()
    assert not Membership.objects.filter(user=clerk).exists()
    client.force_login(area.officer_a)
    html = client.get(reverse("dashboard:audit")).content.decode()
    assert html.count("tu@truong.edu.vn") == 2  # given, then taken away
    assert "xóa" in html


def test_the_history_holds_no_donor_or_pupil_identity():
    pledge_fields = {f.name for f in Pledge.history.model._meta.fields}
    assert {"amount", "status", "reference"} <= pledge_fields
    assert not {"donor_name", "donor_email", "donor_phone", "message"} & pledge_fields
    entry_fields = {f.name for f in Entry.history.model._meta.fields}
    assert not {"pupil_name", "date_of_birth", "class_name", "letter_text", "consent_guardian"} & entry_fields


@pytest.mark.parametrize("changes", [2, 30])
def test_the_log_runs_a_fixed_number_of_queries(client, area, django_assert_num_queries, changes):
    for index in range(changes):
        need = NeedFactory(school=area.school_a, title=f"Nhu cầu {index}")
        need.title = f"Nhu cầu {index} (sửa)"
        need.save()
    client.force_login(area.officer_a)
    client.get(reverse("dashboard:audit"))
    # session, user, memberships; needs, pledges, schools, entries, roles
    with django_assert_num_queries(8):
        assert client.get(reverse("dashboard:audit")).status_code == 200
