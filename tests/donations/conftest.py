import pytest

from tests.donations.factories import BankAccountFactory, PaymentRouteFactory
from tests.needs.factories import NeedFactory


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
