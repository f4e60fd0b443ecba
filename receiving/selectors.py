"""Reads of the Circular 16 records."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from .models import PlanComment, ReceivingTeam, TeamMember, UsagePlan


@dataclass
class NeedPlanSection:
    """What the need's public page shows of its usage plan: the published plan with its
    lines, its published comments and the school's receiving team. Three queries with a
    published plan (plan, lines, comments with their authors) plus one for the team; one
    without."""

    plan: UsagePlan | None = None
    lines: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    members: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


def need_plan_section(need) -> NeedPlanSection:
    plan = (
        UsagePlan.objects.filter(need=need, status=UsagePlan.Status.PUBLISHED)
        .prefetch_related(
            "lines",
            Prefetch(
                "comments",
                queryset=PlanComment.objects.filter(status=PlanComment.Status.PUBLISHED).select_related("author"),
                to_attr="published_comments",
            ),
        )
        .first()
    )
    if plan is None:
        return NeedPlanSection()
    members = list(TeamMember.objects.filter(team__school=need.school_id).order_by("position", "pk"))
    return NeedPlanSection(plan=plan, lines=list(plan.lines.all()), comments=plan.published_comments, members=members)


def team_of(school) -> ReceivingTeam | None:
    return ReceivingTeam.objects.filter(school=school).prefetch_related("members").first()


def plan_of(need) -> UsagePlan | None:
    """The need's plan, draft or published, with its lines (for its keepers)."""
    return UsagePlan.objects.filter(need=need).prefetch_related("lines").first()


def comments_of(plan) -> list[PlanComment]:
    """Every comment of the plan for its keepers, those waiting first."""
    comments = list(plan.comments.select_related("author", "moderated_by"))
    return sorted(comments, key=lambda c: (c.status != PlanComment.Status.PENDING, c.created_at))


def comments_to_moderate(scope: Q):
    """Comments waiting for moderation, oldest first, with their plan's need and school."""
    return (
        PlanComment.objects.filter(scope, status=PlanComment.Status.PENDING)
        .select_related("author", "plan__need__school")
        .order_by("created_at", "pk")
    )


# Receipt records and settlement reports (records.py, settlements.py)


def records_by_pledge(pledge_ids) -> dict:
    """The issued receipt records of these gifts, by pledge id (one query)."""
    from .models import ReceiptRecord

    ids = list(pledge_ids)
    if not ids:
        return {}
    records = ReceiptRecord.objects.filter(pledge_id__in=ids, document__isnull=False).select_related("document")
    return {record.pledge_id: record for record in records}


def record_of(pledge):
    """The gift's receipt record, or None."""
    from .models import ReceiptRecord

    return ReceiptRecord.objects.filter(pledge_id=pledge.pk).select_related("document").first()


def settlement_for_page(need, *, insider: bool):
    """The need's settlement report as its page shows it, with its lines: the published
    report to everyone; a draft to the school's people only (two queries when there is
    one, one when there is none)."""
    from django.db.models import Prefetch

    from .models import SettlementLine, SettlementReport

    reports = SettlementReport.objects.filter(need=need)
    if not insider:
        reports = reports.filter(status=SettlementReport.Status.PUBLISHED)
    return (
        reports.select_related("document")
        .prefetch_related(Prefetch("lines", queryset=SettlementLine.objects.order_by("position", "pk")))
        .first()
    )


def published_settlements_of(school):
    """The school's published settlement reports, newest first (one query)."""
    from .models import SettlementReport

    return list(
        SettlementReport.objects.filter(need__school=school, status=SettlementReport.Status.PUBLISHED)
        .select_related("need", "document")
        .order_by("-published_at", "-pk")
    )
