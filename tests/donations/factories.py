import factory
from django.utils import timezone

from donations.models import Pledge
from tests.needs.factories import NeedFactory


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    need = factory.SubFactory(NeedFactory)
    donor_name = "Trần Thu Hà"
    donor_email = factory.Sequence(lambda n: f"donor{n}@example.vn")
    amount = 1_000_000
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=14))
