from datetime import date, timedelta

import factory
from django.utils import timezone

from campaigns.models import Campaign, Event, Review, Target, Task
from tests.schools.factories import DistrictFactory, OfficeFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A district's support programme, led by an office of that district; unpublished,
    as the model starts."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Điều ước cho em – chiến dịch {n}")
    slug = factory.Sequence(lambda n: f"chien-dich-{n}")
    kind = Campaign.Kind.NEEDS
    scope = factory.SubFactory(DistrictFactory)
    lead_office = factory.SubFactory(OfficeFactory, unit=factory.SelfAttribute("..scope"))
    starts_on = date(2021, 2, 20)
    purpose = "Kêu gọi hỗ trợ học sinh."


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    campaign = factory.SubFactory(CampaignFactory)
    category = "toilets"
    measure = Target.Measure.NEEDS
    quantity = 4
    label = "nhà vệ sinh"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Rà soát nhu cầu đợt {n}")
    owner = factory.SelfAttribute("campaign.lead_office")
    due_on = date(2026, 12, 1)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    campaign = factory.SubFactory(CampaignFactory)
    kind = Event.Kind.MEETING
    title = factory.Sequence(lambda n: f"Hội nghị số {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    venue = "Hội trường UBND huyện"
    host = factory.SelfAttribute("campaign.lead_office")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    campaign = factory.SubFactory(CampaignFactory)
    kind = Review.Kind.INTERIM
