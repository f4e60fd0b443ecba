"""The school's receiving team: kept by the school's staff and the officers handling the
school, one head, every change with its history, shown with the published plan."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from receiving import teams
from receiving.models import ReceivingTeam, TeamMember
from tests.support.fuzz import FUZZ, HOSTILE, clean

pytestmark = pytest.mark.django_db

HEAD, MEMBER, SECRETARY = TeamMember.Role.HEAD, TeamMember.Role.MEMBER, TeamMember.Role.SECRETARY


def team_post(*members, decision="12/QĐ-TH, 05/09/2026", initial=0):
    data = {
        "decision_reference": decision,
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "15",
    }
    for i, (name, title, role) in enumerate(members):
        data |= {f"members-{i}-full_name": name, f"members-{i}-job_title": title, f"members-{i}-role": role}
    return data


def test_the_school_names_its_team_from_the_page(client, area):
    client.force_login(area.staff_a)
    url = reverse("receiving:team", args=[area.school_a.pk])
    response = client.post(
        url, team_post(("Lò Văn Thành", "Hiệu trưởng", HEAD), ("Quàng Thị Mai", "Kế toán", SECRETARY))
    )
    assert response.status_code == 302
    team = ReceivingTeam.objects.get(school=area.school_a)
    assert team.decision_reference == "12/QĐ-TH, 05/09/2026"
    assert list(team.members.values_list("full_name", "job_title", "role")) == [
        ("Lò Văn Thành", "Hiệu trưởng", HEAD),
        ("Quàng Thị Mai", "Kế toán", SECRETARY),
    ]
    page = client.get(url).content.decode()
    assert "Quàng Thị Mai" in page and "Tổ trưởng" in page


def test_a_team_without_exactly_one_head_is_refused_with_what_was_typed(client, area):
    client.force_login(area.staff_a)
    response = client.post(
        reverse("receiving:team", args=[area.school_a.pk]),
        team_post(("Lò Văn Thành", "Hiệu trưởng", MEMBER), ("Quàng Thị Mai", "Kế toán", MEMBER)),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "đúng một tổ trưởng" in html and "Quàng Thị Mai" in html
    assert not ReceivingTeam.objects.exists()


def test_the_head_moves_to_another_person_and_each_change_is_kept(area):
    teams.team_save(
        school=area.school_a,
        actor=area.staff_a,
        decision_reference="12/QĐ-TH",
        members=[teams.Member("Lò Văn Thành", "Hiệu trưởng", HEAD), teams.Member("Quàng Thị Mai", "Kế toán", MEMBER)],
    )
    team = teams.team_save(
        school=area.school_a,
        actor=area.officer_a,
        decision_reference="15/QĐ-TH",
        members=[
            teams.Member("Lò Văn Thành", "Hiệu trưởng", MEMBER),
            teams.Member("Quàng Thị Mai", "Phó hiệu trưởng", HEAD),
        ],
    )
    assert list(team.members.values_list("full_name", "role")) == [("Lò Văn Thành", MEMBER), ("Quàng Thị Mai", HEAD)]
    mai = team.members.get(full_name="Quàng Thị Mai")
    assert [(h.history_type, h.role, h.history_user) for h in mai.history.order_by("history_id")] == [
        ("+", MEMBER, area.staff_a),
        ("~", HEAD, area.officer_a),
    ]
    assert [h.decision_reference for h in team.history.order_by("history_id")] == ["12/QĐ-TH", "15/QĐ-TH"]
    # A person taken off the list is deleted with a row naming who did it.
    teams.team_save(
        school=area.school_a,
        actor=area.staff_a,
        decision_reference="15/QĐ-TH",
        members=[teams.Member("Quàng Thị Mai", "Phó hiệu trưởng", HEAD)],
    )
    assert TeamMember.history.filter(history_type="-").get().history_user == area.staff_a
    assert list(team.members.values_list("full_name", flat=True)) == ["Quàng Thị Mai"]


@pytest.mark.parametrize(
    ("user", "status"),
    [("staff_a", 200), ("officer_a", 200), ("staff_b", 403), ("officer_b", 403), ("outsider", 403)],
)
def test_only_the_schools_people_keep_its_team(client, area, user, status):
    client.force_login(getattr(area, user))
    url = reverse("receiving:team", args=[area.school_a.pk])
    assert client.get(url).status_code == status
    client.post(url, team_post(("Lò Văn Thành", "Hiệu trưởng", HEAD)))
    assert ReceivingTeam.objects.exists() == (status == 200)


def test_a_school_that_does_not_exist_is_404(client, area):
    client.force_login(area.staff_a)
    assert client.get(reverse("receiving:team", args=[999999])).status_code == 404


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "decision_reference", "members-TOTAL_FORMS", "members-INITIAL_FORMS", "members-0-full_name",
                "members-0-job_title", "members-0-role", "members-1-role", "members-0-DELETE",
            ]
        ),
        st.one_of(HOSTILE, st.integers().map(str), st.sampled_from(["head", "deputy", "member"])),
        max_size=3,
    )
)  # fmt: skip
def test_the_team_page_answers_any_post_without_a_500(client, area, changes):
    client.force_login(area.staff_a)
    data = team_post(("Lò Văn Thành", "Hiệu trưởng", HEAD), ("Quàng Thị Mai", "Kế toán", MEMBER))
    response = client.post(
        reverse("receiving:team", args=[area.school_a.pk]), data | {k: clean(v) for k, v in changes.items()}
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()
    team = ReceivingTeam.objects.filter(school=area.school_a).first()
    if team is not None:
        assert team.members.filter(role=HEAD).count() == 1
