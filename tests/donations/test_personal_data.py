"""A donor sees, downloads and erases their own data; nobody else's."""

import json

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from donations.models import DonorProfile, Pledge
from donations.services import DonorDetails, pledge_create, pledge_receive
from needs.models import Need
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonorProfileFactory
from tests.needs.factories import NeedFactory


def _donor_with_gifts(area):
    donor = UserFactory(email="ha.tran@example.vn", full_name="Trần Thu Hà")
    DonorProfileFactory(user=donor, name="Trần Thu Hà", display_name="Chị Hà")
    need = NeedFactory(school=area.school_a, items=[("Chăn ấm", 40, "cái", 250_000)])
    details = DonorDetails(name="Trần Thu Hà", email=donor.email, phone="0912345678", user=donor)
    waiting, _ = pledge_create(need=need, donor=details, amount=2_000_000, message="Chúc các em học tốt")
    arrived, _ = pledge_create(need=need, donor=details, amount=3_000_000)
    pledge_receive(pledge=arrived, actor=area.staff_a, amount=3_000_000, received_on=timezone.localdate())
    other, _ = pledge_create(
        need=need, donor=DonorDetails(name="Người khác", email="khac@example.vn", phone=""), amount=1_000_000
    )
    return donor, need, waiting, arrived, other


def test_the_download_holds_my_pledges_and_nobody_elses(client, area):
    donor, _need, waiting, arrived, other = _donor_with_gifts(area)
    client.force_login(donor)
    response = client.get(reverse("donations:my_data_download"))
    assert response["Content-Disposition"] == 'attachment; filename="du-lieu-cua-toi.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == "ha.tran@example.vn"
    assert {p["reference"] for p in data["pledges"]} == {waiting.reference, arrived.reference}
    assert other.reference not in response.content.decode()
    assert data["donor_profile"]["public_name"] == "Chị Hà"


def test_erasing_cancels_what_is_unpaid_and_anonymises_what_arrived(client, area):
    donor, need, waiting, arrived, other = _donor_with_gifts(area)
    client.force_login(donor)
    response = client.post(reverse("donations:my_data_erase"), {"confirm": donor.email}, follow=True)
    assert "Tài khoản và dữ liệu cá nhân của bạn đã được xóa" in response.content.decode()
    assert not type(donor).objects.filter(pk=donor.pk).exists()
    assert not DonorProfile.objects.filter(name="Trần Thu Hà").exists()
    waiting.refresh_from_db()
    arrived.refresh_from_db()
    assert waiting.status == Pledge.Status.CANCELLED
    assert (arrived.status, arrived.received_amount) == (Pledge.Status.RECEIVED, 3_000_000)
    for pledge in (waiting, arrived):
        assert pledge.donor_id is None and pledge.anonymous
        assert "Hà" not in pledge.donor_name and "example.vn" not in pledge.donor_email
        assert pledge.donor_phone == "" and pledge.message == ""
    # The need's money still adds up: the cancelled promise left, the arrived gift stayed.
    need.refresh_from_db()
    assert need.amount_pledged == 3_000_000 + other.amount
    assert need.amount_received == 3_000_000
    assert "Trần Thu Hà" not in client.get(reverse("donations:honour", args=[area.province.pk])).content.decode()


def test_erasing_needs_the_typed_address_and_a_post(client, area):
    donor, *_ = _donor_with_gifts(area)
    client.force_login(donor)
    assert client.get(reverse("donations:my_data_erase")).status_code == 405
    client.post(reverse("donations:my_data_erase"), {"confirm": "nham@example.vn"})
    assert type(donor).objects.filter(pk=donor.pk).exists()


def test_staff_accounts_are_closed_by_their_office_not_erased_here(client, area):
    client.force_login(area.staff_a)
    assert client.post(reverse("donations:my_data_erase"), {"confirm": area.staff_a.email}).status_code == 403
    assert "được đóng bởi nơi đã giao vai trò đó" in client.get(reverse("donations:my_data")).content.decode()


def test_a_judge_cannot_erase_the_account_that_holds_their_scores(client, area, judged):
    _round, _entries, _criteria, (judge, _other), _organiser = judged
    client.force_login(judge)
    assert client.post(reverse("donations:my_data_erase"), {"confirm": judge.email}).status_code == 403
    assert get_user_model().objects.filter(pk=judge.pk).exists()


def test_my_data_is_for_signed_in_people(client):
    assert client.get(reverse("donations:my_data")).status_code == 302


def test_the_privacy_notice_is_in_vietnamese_and_linked_from_every_page(client, db):
    html = client.get(reverse("privacy")).content.decode()
    assert "Thông báo về quyền riêng tư" in html
    assert "cha mẹ hoặc người giám hộ" in html
    assert f'href="{reverse("privacy")}"' in client.get(reverse("needs:list")).content.decode()
    assert Need.objects.count() == 0
