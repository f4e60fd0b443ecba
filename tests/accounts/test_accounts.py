import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_up_with_email_full_name_and_phone(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Trần Thu Hà",
            "email": "Ha.Tran@Example.vn",
            "phone": "0912 345 678",
            "password1": "mua-xuan-tay-bac-2024",
            "password2": "mua-xuan-tay-bac-2024",
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.email == "ha.tran@example.vn"
    assert user.full_name == "Trần Thu Hà"
    assert user.phone == "0912 345 678"
    assert not user.memberships.exists()
    # A verification mail goes out even where verification is optional.
    assert len(mail.outbox) == 1


def test_sign_up_saves_the_name_and_phone_once_with_the_new_user(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "  Lò Văn Páo ",
                "email": "pao@example.vn",
                "phone": "0987 654 321",
                "password1": "mua-xuan-tay-bac-2024",
                "password2": "mua-xuan-tay-bac-2024",
            },
        )

    assert response.status_code == 302
    user_writes = [
        q["sql"] for q in queries if q["sql"].startswith(('INSERT INTO "accounts_user"', 'UPDATE "accounts_user"'))
    ]
    inserts = [sql for sql in user_writes if sql.startswith("INSERT")]
    assert len(inserts) == 1
    assert "Lò Văn Páo" in inserts[0] and "0987 654 321" in inserts[0]
    # No second write of the sign-up fields (a login may still stamp last_login).
    assert not [sql for sql in user_writes if sql.startswith("UPDATE") and ('"full_name"' in sql or '"phone"' in sql)]
    user = get_user_model().objects.get()
    assert (user.full_name, user.phone) == ("Lò Văn Páo", "0987 654 321")


def test_sign_up_keeps_what_was_typed_when_something_is_wrong(client):
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Trần Thu Hà", "email": "ha@example.vn", "phone": "12", "password1": "x", "password2": "y"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Trần Thu Hà"' in html
    assert 'value="ha@example.vn"' in html
    assert "Nhập số điện thoại Việt Nam" in html
    assert not get_user_model().objects.exists()


def test_it_signs_in_with_the_email_in_any_case(client):
    UserFactory(email="lan@example.vn")
    response = client.post(reverse("account_login"), {"login": "LAN@example.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_wrong_password_is_refused(client):
    UserFactory(email="lan@example.vn")
    response = client.post(reverse("account_login"), {"login": "lan@example.vn", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_emails_are_unique_whatever_their_case(db):
    from django.db import IntegrityError

    UserFactory(email="lan@example.vn")
    with pytest.raises(IntegrityError):
        get_user_model().objects.create(email="LAN@example.vn", full_name="X")


def test_signing_out_needs_post(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_mail_with_a_link(client):
    UserFactory(email="lan@example.vn")
    response = client.post(reverse("account_reset_password"), {"email": "lan@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_verification_is_mandatory_in_production_settings(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = UserFactory(email="lan@example.vn")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = client.post(reverse("account_login"), {"login": "lan@example.vn", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert "confirm-email" in response.url


def test_the_profile_page_edits_name_and_phone(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"full_name": "Lò Thị Xuân", "phone": "+84 912 345 678"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone) == ("Lò Thị Xuân", "+84 912 345 678")


def test_the_profile_page_refuses_a_bad_phone(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"full_name": "Lò Thị Xuân", "phone": "abc"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.full_name != "Lò Thị Xuân"


def test_the_profile_page_needs_sign_in(client):
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_short_name_is_the_vietnamese_given_name(db):
    assert UserFactory(full_name="Nguyễn Thị Lan Anh").get_short_name() == "Anh"
