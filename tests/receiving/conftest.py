from datetime import date, timedelta

import pytest
from django.utils import timezone

from donations.models import DonorProfile
from donations.services import DonorDetails, pledge_create, pledge_receive
from needs.models import Need
from tests.accounts.factories import UserFactory
from tests.documents.factories import SignerFactory
from tests.donations.factories import DonorProfileFactory
from tests.needs.factories import NeedFactory

ARRIVED_ON = date(2026, 11, 2)


@pytest.fixture
def signer_a(area):
    """The principal of school A, who signs its documents."""
    return SignerFactory(school=area.school_a, full_name="Lò Văn Thành")


@pytest.fixture
def business(db):
    """A business donor with an account and a tax code."""
    user = UserFactory(full_name="Nguyễn Minh Phát", email="lienhe@minhphat.example.vn")
    DonorProfileFactory(
        user=user,
        kind=DonorProfile.Kind.BUSINESS,
        name="Công ty TNHH Thương mại Minh Phát",
        tax_code="5600123456",
    )
    return user


@pytest.fixture
def need_a(area):
    """A verified need of school A for 2.050.000 ₫."""
    return NeedFactory(
        school=area.school_a, title="Chăn ấm cho học sinh bán trú", items=[("Chăn ấm", 41, "cái", 50_000)]
    )


def give(need, user, amount, *, name=None):
    pledge, _created = pledge_create(
        need=need, donor=DonorDetails(name=name or user.full_name, email=user.email, user=user), amount=amount
    )
    return pledge


@pytest.fixture
def received_gift(area, need_a, business):
    """The business's gift of 2.050.000 ₫, arrived at school A on 02/11/2026."""
    pledge = give(need_a, business, 2_050_000, name="Công ty Minh Phát")
    return pledge_receive(pledge=pledge, actor=area.staff_a, amount=2_050_000, received_on=ARRIVED_ON)


def deliver(need):
    """The need delivered (its workflow is the needs app's, tested there)."""
    Need.objects.filter(pk=need.pk).update(
        status=Need.Status.DELIVERED, delivered_at=timezone.now() - timedelta(days=1)
    )
    need.refresh_from_db()
    return need
