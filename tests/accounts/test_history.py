"""The profile page writes through accounts.services, and each change of an account
leaves a history row naming who made it, in a request or not (issue 14). The account's
history keeps its rights, never its identity nor its password: an erased donor leaves
nobody behind in it."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts import services
from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

# The accounts pages that write; each has a test below that posts a valid change and
# checks the row and its history.
WRITING_VIEWS = {
    "accounts:profile",
}


def history_of(user):
    """The account's history rows, oldest first, as (type, user) pairs."""
    return [(row.history_type, row.history_user) for row in User.history.filter(id=user.pk).order_by("history_id")]


def test_it_records_who_changed_their_name_and_phone(client):
    user = UserFactory(full_name="Lò Văn Xuân", phone="0912345678")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"full_name": "Lò Thị Xuân", "phone": "+84 912 345 678"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone) == ("Lò Thị Xuân", "+84 912 345 678")
    # Created by the factory, outside any request; then changed by the person.
    assert history_of(user) == [("+", None), ("~", user)]


def test_a_refused_change_records_nothing(client):
    user = UserFactory(full_name="Lò Văn Xuân")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"full_name": "Lò Thị Xuân", "phone": "abc"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.full_name == "Lò Văn Xuân"
    assert history_of(user) == [("+", None)]


def test_the_history_keeps_rights_but_not_identity_password_or_sign_in():
    kept = {field.name for field in User.history.model._meta.fields}
    assert {"is_active", "is_staff", "is_superuser"} <= kept
    assert not {"email", "full_name", "phone", "password", "last_login"} & kept


def test_signing_in_is_not_a_change_to_the_account(client):
    user = UserFactory()
    client.force_login(user)
    user.refresh_from_db()
    assert user.last_login is not None
    assert history_of(user) == [("+", None)]


def test_an_erased_donor_leaves_a_row_that_names_nobody(client):
    donor = UserFactory(email="ha.tran@example.vn", full_name="Trần Thu Hà")
    pk = donor.pk
    client.force_login(donor)

    assert client.post(reverse("donations:my_data_erase"), {"confirm": donor.email}).status_code == 302

    assert not User.objects.filter(pk=pk).exists()
    rows = list(User.history.filter(id=pk).order_by("history_id"))
    assert [(row.history_type, row.history_user_id) for row in rows] == [("+", None), ("-", None)]
    connection.check_constraints()


def test_an_account_deleting_itself_leaves_no_row_pointing_at_it(db):
    """In a request the history would name the person deleting, here the account itself
    (a superuser deleting their own account in the admin): the row names nobody."""
    user = UserFactory()
    pk = user.pk
    user._history_user = user

    user.delete()

    assert [(row.history_type, row.history_user_id) for row in User.history.filter(id=pk).order_by("history_id")] == [
        ("+", None),
        ("-", None),
    ]
    # No history row points at the account that is gone: the database checks its
    # deferred foreign keys here as it would at commit.
    connection.check_constraints()


# --- The service outside any request (a command, a task, the shell) ---------------------


def test_the_service_outside_a_request_records_the_user_it_is_given():
    user = UserFactory(full_name="Lò Văn Xuân")
    admin = UserFactory(is_staff=True)
    stale = User.objects.get(pk=user.pk)
    User.objects.filter(pk=user.pk).update(is_active=False)  # meanwhile, elsewhere

    services.profile_save(user=stale, full_name="Lò Thị Xuân", phone="0914 200 107", actor=admin)

    user.refresh_from_db()
    assert (user.full_name, user.phone, user.is_active) == ("Lò Thị Xuân", "0914 200 107", False)
    assert history_of(user) == [("+", None), ("~", admin)]
    # The row shows the account as stored, not the stale copy the caller held.
    assert User.history.filter(id=user.pk).latest("history_id").is_active is False
