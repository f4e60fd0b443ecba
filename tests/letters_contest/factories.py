from datetime import UTC, date, datetime, time, timedelta

import factory
import time_machine
from django.utils import timezone

from campaigns.models import Campaign
from letters_contest import lifecycle
from letters_contest.models import Award, ContestRound, Criterion, Edition, Entry, EntryAccess, Judge, Score
from tests.accounts.factories import UserFactory
from tests.campaigns.factories import CampaignFactory
from tests.schools.factories import OfficeFactory, ProvinceFactory, SchoolFactory


class EditionFactory(factory.django.DjangoModelFactory):
    """The Universal Postal Union's contest of a year: edition 53 is 2024's. One row per
    number, as the database holds it, so rounds of one edition share it."""

    class Meta:
        model = Edition
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: 60 + n)
    year = factory.LazyAttribute(lambda edition: 1971 + edition.number)
    theme = "Thư gửi tương lai"
    guidance_document = "31/BTTTT-HTQT"


class ContestRoundFactory(factory.django.DjangoModelFactory):
    """A province's round of an edition, organised by its information department, with the
    contest campaign (unpublished: the round is its public face) that plans it."""

    class Meta:
        model = ContestRound

    edition = factory.SubFactory(EditionFactory)
    province = factory.SubFactory(ProvinceFactory)
    organiser = factory.SubFactory(
        OfficeFactory, unit=factory.SelfAttribute("..province"), kind="information_department"
    )
    campaign = factory.SubFactory(
        CampaignFactory,
        name=factory.LazyAttribute(lambda campaign: f"UPU {campaign.factory_parent.edition.number}"),
        kind=Campaign.Kind.CONTEST,
        scope=factory.SelfAttribute("..province"),
        lead_office=factory.SelfAttribute("..organiser"),
        starts_on=factory.LazyAttribute(lambda campaign: date(campaign.factory_parent.edition.year, 1, 8)),
        purpose="Hưởng ứng cuộc thi",
    )
    # Open for entries today (a month each side), unless `judging=True`: entries closed
    # ten days ago and judging since five. Other states: travel in time with `during`.
    opens_on = factory.LazyFunction(lambda: _today() - timedelta(days=30))
    school_deadline = factory.LazyFunction(lambda: _today() + timedelta(days=30))
    delete_entries_on = factory.LazyFunction(lambda: _today() + timedelta(days=400))

    class Params:
        judging = factory.Trait(
            opens_on=factory.LazyFunction(lambda: _today() - timedelta(days=60)),
            school_deadline=factory.LazyFunction(lambda: _today() - timedelta(days=10)),
            judging_from=factory.LazyFunction(lambda: _today() - timedelta(days=5)),
            judging_to=factory.LazyFunction(lambda: _today() + timedelta(days=20)),
        )


def _today() -> date:
    return timezone.localdate()


def day_in(round_, state: str) -> date:
    """The first day of the round's `state` by its dates (published: judging's first day,
    for a round whose results are published)."""
    days = {
        lifecycle.State.DRAFT: round_.opens_on - timedelta(days=1),
        lifecycle.State.OPEN: round_.opens_on,
        lifecycle.State.CLOSED: round_.school_deadline + timedelta(days=1),
        lifecycle.State.JUDGING: lifecycle.judging_starts(round_),
        lifecycle.State.PUBLISHED: lifecycle.judging_starts(round_),
        lifecycle.State.ARCHIVED: round_.delete_entries_on,
    }
    return days[state]


def during(round_, state: str, hour: int = 10):
    """Freeze the clock on a day of the round's `state` (at `hour` in Vietnam):
    `with during(round_, "judging"): ...`."""
    moment = datetime.combine(day_in(round_, state), time(hour), tzinfo=timezone.get_current_timezone())
    return time_machine.travel(moment.astimezone(UTC), tick=False)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(ContestRoundFactory)
    name = factory.Sequence(lambda n: f"Tiêu chí {n}")
    weight = 100
    max_score = 10


class EntryFactory(factory.django.DjangoModelFactory):
    """A registered letter, with the guardian's consent."""

    class Meta:
        model = Entry

    round = factory.SubFactory(ContestRoundFactory)
    school = factory.SubFactory(SchoolFactory)
    code = factory.LazyAttributeSequence(
        lambda entry, n: f"{entry.round.province.code}-{entry.round.edition.number}-{n + 1:05d}"
    )
    pupil_name = factory.Sequence(lambda n: f"Lò Thị Mai {n}")
    date_of_birth = date(2012, 1, 1)
    class_name = "6A"
    letter_text = "Gửi tương lai…"
    word_count = 400
    consent_given = True
    consent_guardian = "Lò Văn Pọm"


class JudgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judge

    round = factory.SubFactory(ContestRoundFactory)
    user = factory.SubFactory(UserFactory)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    entry = factory.SubFactory(EntryFactory)
    criterion = factory.SubFactory(CriterionFactory, round=factory.SelfAttribute("..entry.round"))
    judge = factory.SubFactory(UserFactory)
    value = 8


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    entry = factory.SubFactory(EntryFactory)
    level = Award.Level.FIRST


class EntryAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntryAccess

    entry = factory.SubFactory(EntryFactory)
    entry_code = factory.SelfAttribute("entry.code")
    user = factory.SubFactory(UserFactory)
    action = "view"
