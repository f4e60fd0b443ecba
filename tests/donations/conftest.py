import pytest

from tests.donations.factories import BankAccountFactory, PaymentRouteFactory
from tests.needs.factories import NeedFactory
from tests.support.lunch import make_lunch_need


@pytest.fixture
def need(area):
    """A verified need of school A for 10.000.000 ₫, whose gifts go to district A's
    office account."""
    need = NeedFactory(school=area.school_a, items=[("Chăn ấm", 40, "cái", 250_000)])
    account = BankAccountFactory(
        office=area.office_a,
        bank_name="Agribank Tuần Giáo",
        account_number="8800211223344",
        account_holder="Phòng GD&ĐT Tuần Giáo",
    )
    PaymentRouteFactory(school=area.school_a, account=account)
    return need


@pytest.fixture
def lunch_need(area):
    """School A's lunch need: 45 pupils × 9 months × 300.000 ₫ from 09/2027, verified;
    gifts go to district A's office account."""
    account = BankAccountFactory(office=area.office_a, bank_name="Agribank Tuần Giáo", account_number="8800211223344")
    PaymentRouteFactory(school=area.school_a, account=account)
    return make_lunch_need(area)
