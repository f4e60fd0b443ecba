"""Circular 16's team, usage plans and comments, as the services leave them."""

from datetime import date

import factory

from receiving.models import PlanComment, ReceivingTeam, TeamMember, UsagePlan, UsagePlanLine
from tests.accounts.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolFactory


class ReceivingTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceivingTeam

    school = factory.SubFactory(SchoolFactory)
    decision_reference = "12/QĐ-TH, 05/09/2026"


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(ReceivingTeamFactory)
    full_name = factory.Sequence(lambda n: f"Lò Thị {n}")
    job_title = "Giáo viên"
    role = TeamMember.Role.MEMBER
    position = factory.Sequence(lambda n: n)


class UsagePlanFactory(factory.django.DjangoModelFactory):
    """A draft plan with one line; `published=True` publishes it on 20/04/2026 with its
    earliest start as the calendar without holidays gives it."""

    class Meta:
        model = UsagePlan
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=UsagePlan.Status.PUBLISHED,
            published_on=date(2026, 4, 20),
            earliest_start_on=date(2026, 5, 13),
        )

    need = factory.SubFactory(NeedFactory)
    purpose = "Xây nhà vệ sinh cho điểm trường, các em không phải vào rừng."
    beneficiaries = "Học sinh điểm trường Hua Sát"
    pupils_benefiting = 45
    method = "Nhà trường thuê thợ địa phương, có ba báo giá."
    drafted_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted if extracted is not None else [("Nhà vệ sinh 2 buồng", 1, "công trình", 45_000_000)]
        for position, (description, quantity, unit, unit_cost) in enumerate(rows):
            UsagePlanLine.objects.create(
                plan=obj, description=description, quantity=quantity, unit=unit, unit_cost=unit_cost, position=position
            )


class PlanCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanComment

    plan = factory.SubFactory(UsagePlanFactory, published=True)
    author = factory.SubFactory(UserFactory)
    body = "Nhà trường nên làm thêm mái che lối đi."
