import factory
from django.utils import timezone

from donations.models import BankAccount, Pledge
from tests.needs.factories import NeedFactory


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    need = factory.SubFactory(NeedFactory)
    donor_name = "Trần Thu Hà"
    donor_email = factory.Sequence(lambda n: f"donor{n}@example.vn")
    amount = 1_000_000
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=14))


class BankAccountFactory(factory.django.DjangoModelFactory):
    """An account that receives gifts; give it a `school` or an `office`."""

    class Meta:
        model = BankAccount

    bank_bin = "970405"
    bank_name = "Agribank"
    account_number = factory.Sequence(lambda n: f"88002{n:08d}")
    account_holder = "Phòng GD&ĐT Tuần Giáo"
