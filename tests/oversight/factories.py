from datetime import date

import factory

from oversight.models import DigestPreference, DigestRun, DigestSettings, Frequency
from tests.accounts.factories import UserFactory
from tests.schools.factories import OfficeFactory


class DigestSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestSettings

    office = factory.SubFactory(OfficeFactory)


class DigestPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestPreference

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    frequency = Frequency.DAILY


class DigestRunFactory(factory.django.DjangoModelFactory):
    """An office's weekly digest of the week of 16 November 2026, not yet sent."""

    class Meta:
        model = DigestRun

    office = factory.SubFactory(OfficeFactory)
    period = Frequency.WEEKLY
    period_start = date(2026, 11, 16)
    period_end = date(2026, 11, 22)
