import factory
from django.utils import timezone

from donations.models import BankAccount, DonorProfile, PaymentRoute, Pledge, StatementImport
from tests.accounts.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolFactory


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    need = factory.SubFactory(NeedFactory)
    donor_name = "Trần Thu Hà"
    donor_email = factory.Sequence(lambda n: f"donor{n}@example.vn")
    amount = 1_000_000
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=14))


class BankAccountFactory(factory.django.DjangoModelFactory):
    """A school's own account, or an office's when `office` is given (never both)."""

    class Meta:
        model = BankAccount

    office = None
    school = factory.Maybe("office", yes_declaration=None, no_declaration=factory.SubFactory(SchoolFactory))
    bank_bin = "970405"
    bank_name = "Agribank"
    account_number = factory.Sequence(lambda n: f"88002{n:08d}")
    account_holder = "PTDTBT"


class PaymentRouteFactory(factory.django.DjangoModelFactory):
    """Where a school's gifts go: by default, to its own account."""

    class Meta:
        model = PaymentRoute

    school = factory.SubFactory(SchoolFactory)
    account = factory.SubFactory(BankAccountFactory, school=factory.SelfAttribute("..school"))


class StatementImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementImport

    uploaded_by = factory.SubFactory(UserFactory)
    file_name = "saoke.csv"
    rows = factory.LazyFunction(list)


class DonorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DonorProfile

    user = factory.SubFactory(UserFactory)
    name = factory.SelfAttribute("user.full_name")
