import re
import uuid

from django.core import mail
from django.urls import reverse

from donations.models import Pledge
from donations.permissions import guest_key
from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.support.confirm import asks_to_confirm
from tests.support.forms import give


def test_a_guest_pledges_and_sees_the_payment_details_and_vietqr(client, need, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = give(client, need)

    pledge = Pledge.objects.get()
    assert response.status_code == 302
    assert response.url == f"/donations/pledges/{pledge.reference}/?key={guest_key(pledge)}"
    page = client.get(response.url).content.decode()
    assert pledge.reference in page
    assert "8800211223344" in page
    assert "<svg" in page
    assert len(mail.outbox) == 1
    assert pledge.reference in mail.outbox[0].subject
    assert "8800211223344" in mail.outbox[0].body
    need.refresh_from_db()
    assert need.amount_pledged == 2_000_000


def test_a_pledge_page_is_404_without_the_key_or_an_account(client, need, area):
    give(client, need)
    pledge = Pledge.objects.get()
    url = reverse("donations:detail", args=[pledge.reference])
    assert client.get(url).status_code == 404
    assert client.get(url + "?key=forged").status_code == 404
    client.force_login(area.staff_b)
    assert client.get(url).status_code == 404
    client.force_login(area.staff_a)
    assert client.get(url).status_code == 200


def test_a_double_submitted_form_makes_one_pledge(client, need, django_capture_on_commit_callbacks):
    token = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        give(client, need, submission_token=token)
        give(client, need, submission_token=token)
    assert Pledge.objects.count() == 1
    assert len(mail.outbox) == 1


def test_over_funding_says_what_is_missing_and_offers_similar_needs(client, need, area):
    NeedFactory(school=area.school_b, title="Chăn cho điểm trường khác", category="toilets")
    response = give(client, need, amount="12000000")
    html = response.content.decode()
    assert response.status_code == 200
    assert "chỉ còn thiếu 10.000.000" in html
    assert "Chăn cho điểm trường khác" in html
    assert 'value="Trần Thu Hà"' in html
    assert not Pledge.objects.exists()


def test_goods_need_a_description(client, need):
    response = give(client, need, kind="goods", goods_description="")
    assert response.status_code == 200
    assert "id_goods_description_error" in response.content.decode()


def test_a_signed_in_donor_finds_the_pledge_in_my_pledges_and_cancels_it(client, need, area):
    client.force_login(area.outsider)
    give(client, need, email=area.outsider.email)
    pledge = Pledge.objects.get()
    assert pledge.donor == area.outsider
    assert pledge.reference in client.get(reverse("donations:mine")).content.decode()

    cancel = reverse("donations:cancel", args=[pledge.reference])
    page = asks_to_confirm(client, cancel)
    assert f"Hủy cam kết {pledge.reference}?" in page.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PLEDGED  # asked, not done

    client.post(cancel, {"confirmed": "yes"})

    pledge.refresh_from_db()
    need.refresh_from_db()
    assert pledge.status == Pledge.Status.CANCELLED
    assert need.amount_pledged == 0


def test_the_school_confirms_receipt_and_the_donor_is_told(client, need, area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        give(client, need)
    pledge = Pledge.objects.get()
    client.force_login(area.staff_a)
    assert pledge.reference in client.get(reverse("needs:my_school")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("donations:receive", args=[pledge.reference]), {"amount": "2000000", "received_on": "2026-11-20"}
        )

    assert response.status_code == 302
    pledge.refresh_from_db()
    need.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED
    assert str(pledge.received_on) == "2026-11-20"
    assert need.amount_received == 2_000_000
    assert len(mail.outbox) == 2
    assert "20/11/2026" in mail.outbox[1].body


def test_staff_of_another_school_cannot_confirm(client, need, area):
    give(client, need)
    pledge = Pledge.objects.get()
    client.force_login(area.staff_b)
    response = client.post(
        reverse("donations:receive", args=[pledge.reference]), {"amount": "2000000", "received_on": "2026-11-20"}
    )
    assert response.status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PLEDGED


def test_the_need_page_offers_the_pledge_button_only_while_open(client, need, area):
    assert reverse("donations:give", args=[need.pk]) in client.get(need.get_absolute_url()).content.decode()
    funded = NeedFactory(school=area.school_a, status=Need.Status.FUNDED)
    assert reverse("donations:give", args=[funded.pk]) not in client.get(funded.get_absolute_url()).content.decode()


def test_delivery_mails_every_donor_whose_gift_was_received(client, need, area, django_capture_on_commit_callbacks):
    from donations.services import pledge_receive
    from needs.services import need_transition

    give(client, need, amount="10000000")
    pledge = Pledge.objects.get()
    pledge_receive(pledge=pledge, actor=area.staff_a, amount=10_000_000, received_on="2026-11-20")
    need.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(need=need, action="deliver", actor=area.staff_a, note="Đã phát 40 chăn cho các em.")

    assert Pledge.objects.get().status == Pledge.Status.DELIVERED
    # The donor's mail (the officers are told too, that the delivery waits for their check).
    delivered = [m for m in mail.outbox if "bàn giao" in m.subject and m.to == [pledge.donor_email]]
    assert len(delivered) == 1
    assert "Đã phát 40 chăn cho các em." in delivered[0].body
    assert re.search(r"/needs/\d+/", delivered[0].body)
