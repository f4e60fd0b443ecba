from django.urls import reverse

from donations.models import BankAccount, PaymentRoute
from donations.selectors import receiving_account
from tests.donations.factories import BankAccountFactory


def test_an_officer_adds_the_schools_account_and_routes_gifts_to_it(client, area):
    office_account = BankAccountFactory(office=area.office_a, account_number="8800211223344", account_holder="PGD")
    assert receiving_account(area.school_a) == office_account
    client.force_login(area.officer_a)
    url = reverse("donations:receiving_account", args=[area.school_a.pk])

    client.post(
        url,
        {
            "add": "1",
            "bank_bin": "970405",
            "bank_name": "Agribank",
            "account_number": "8803205112233",
            "account_holder": "TRUONG PU XI",
        },
    )
    own = BankAccount.objects.get(school=area.school_a)
    client.post(url, {"choose": "1", "account": own.pk})

    assert receiving_account(area.school_a) == own
    assert PaymentRoute.objects.get(school=area.school_a).set_by == area.officer_a


def test_a_bad_account_number_is_refused_next_to_the_field(client, area):
    client.force_login(area.officer_a)
    response = client.post(
        reverse("donations:receiving_account", args=[area.school_a.pk]),
        {"add": "1", "bank_bin": "97", "bank_name": "X", "account_number": "12ab", "account_holder": "Y"},
    )
    html = response.content.decode()
    assert "id_bank_bin_error" in html and "id_account_number_error" in html
    assert not BankAccount.objects.exists()


def test_only_officers_of_the_area_set_the_account(client, area):
    url = reverse("donations:receiving_account", args=[area.school_a.pk])
    client.force_login(area.staff_a)
    assert client.get(url).status_code == 403
    client.force_login(area.officer_b)
    assert client.get(url).status_code == 403
    client.force_login(area.officer_province)
    assert client.get(url).status_code == 200
