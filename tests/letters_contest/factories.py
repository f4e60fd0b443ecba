from datetime import date

import factory

from campaigns.models import Campaign
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
    opens_on = factory.LazyAttribute(lambda round_: date(round_.edition.year, 1, 15))
    school_deadline = factory.LazyAttribute(lambda round_: date(round_.edition.year, 3, 31))
    delete_entries_on = factory.LazyAttribute(lambda round_: date(round_.edition.year + 1, 6, 30))


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
