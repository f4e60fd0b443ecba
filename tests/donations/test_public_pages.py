from django.urls import reverse

from donations.services import DonorDetails, pledge_create, pledge_receive
from tests.accounts.factories import UserFactory
from tests.needs.factories import NeedFactory


def gift(area, need, name, email, amount, *, anonymous=False, receive=True):
    pledge, _ = pledge_create(need=need, donor=DonorDetails(name=name, email=email), amount=amount, anonymous=anonymous)
    if receive:
        pledge_receive(pledge=pledge, actor=area.staff_a, amount=amount, received_on="2026-11-20")
    return pledge


def test_the_honour_roll_lists_named_donors_most_generous_first_and_hides_the_anonymous(client, area):
    need = NeedFactory(school=area.school_a, items=[("Chăn", 100, "cái", 250_000)])
    gift(area, need, "Công ty Minh Phát", "mp@example.vn", 5_000_000)
    gift(area, need, "Phạm Thị Mai", "mai@example.vn", 2_000_000)
    gift(area, need, "Phạm Thị Mai", "mai@example.vn", 1_000_000)
    gift(area, need, "Người Giấu Tên", "an@example.vn", 4_000_000, anonymous=True)
    gift(area, need, "Chưa Chuyển", "cc@example.vn", 9_000_000, receive=False)
    NeedFactory(school=area.school_b)

    response = client.get(reverse("donations:honour", args=[area.district_a.pk]))

    roll = response.context["roll"]
    assert [(d["name"], d["total"]) for d in roll["donors"]] == [
        ("Công ty Minh Phát", 5_000_000),
        ("Phạm Thị Mai", 3_000_000),
    ]
    assert roll["total"] == 12_000_000
    assert (roll["anonymous_gifts"], roll["anonymous_total"]) == (1, 4_000_000)
    html = response.content.decode()
    assert "Người Giấu Tên" not in html
    assert "Chưa Chuyển" not in html
    assert "@example.vn" not in html


def test_the_transparency_page_shows_pledged_received_and_no_private_data(client, area):
    need = NeedFactory(school=area.school_a, items=[("Chăn", 100, "cái", 250_000)])
    gift(area, need, "Công ty Minh Phát", "mp@example.vn", 5_000_000)
    gift(area, need, "Lê Minh", "minh@example.vn", 2_000_000, receive=False)
    client.force_login(UserFactory())

    for url in (
        reverse("donations:transparency", args=[area.district_a.pk]),
        reverse("donations:transparency_school", args=[area.school_a.pk]),
    ):
        response = client.get(url)
        figures = response.context["figures"]
        assert (figures["money"]["pledged"], figures["money"]["received"]) == (7_000_000, 5_000_000)
        html = response.content.decode()
        assert "7.000.000" in html and "5.000.000" in html
        assert "@example.vn" not in html
        assert "Lê Minh" not in html


def test_a_donor_profile_needs_a_tax_code_for_a_business(client, area):
    client.force_login(area.outsider)
    response = client.post(reverse("donations:profile"), {"kind": "business", "name": "Công ty Minh Phát"})
    assert "id_tax_code_error" in response.content.decode()
    response = client.post(
        reverse("donations:profile"),
        {"kind": "business", "name": "Công ty Minh Phát", "tax_code": "5600123456", "display_name": "Minh Phát"},
    )
    assert response.status_code == 302
    assert area.outsider.donor_profile.display_name == "Minh Phát"
