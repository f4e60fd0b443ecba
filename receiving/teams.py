"""The school's receiving team (tổ tiếp nhận tài trợ, Circular 16/2018/TT-BGDĐT, Art. 6):
people of the school's staff with their roles, one of them its head. Kept by the
school's staff and the officers handling the school (receiving.permissions), every
change with its history."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ReceivingTeam, TeamMember

MAX_MEMBERS = 15


class TeamRefused(Exception):
    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Member:
    full_name: str
    job_title: str
    role: str


def members_problem(members: list[Member]) -> str:
    """Why this list of members cannot be the team; empty when it can."""
    if not members:
        return _("Name at least the head of the team.")
    if len(members) > MAX_MEMBERS:
        return _("A team has at most %(max)s members.") % {"max": MAX_MEMBERS}
    heads = [m for m in members if m.role == TeamMember.Role.HEAD]
    if len(heads) != 1:
        return _("The team has exactly one head: choose the role “Head of the team” for one person.")
    return ""


@transaction.atomic
def team_save(*, school, actor, decision_reference: str, members: list[Member]) -> ReceivingTeam:
    """Create or change the school's team. Members are matched by their place in the list:
    a changed row is saved, a new one created, one no longer listed deleted, each with a
    history row; an unchanged one is left as it was."""
    problem = members_problem(members)
    if problem:
        raise TeamRefused(problem)
    team = ReceivingTeam.objects.select_for_update().filter(school=school).first()
    if team is None:
        team = ReceivingTeam(school=school)
    if team.pk is None or team.decision_reference != decision_reference:
        team.decision_reference = decision_reference.strip()
        team._history_user = actor
        team.save()
    existing = list(team.members.order_by("position", "pk"))
    # The head moves first: the one-head constraint holds after every single save.
    for old in existing[len(members) :]:
        old._history_user = actor
        old.delete()
    kept = existing[: len(members)]
    for member, wanted in zip(kept, members, strict=False):
        if member.role == TeamMember.Role.HEAD and wanted.role != TeamMember.Role.HEAD:
            member.role = TeamMember.Role.MEMBER
            member._history_user = actor
            member.save(update_fields=["role"])
    order = sorted(range(len(members)), key=lambda i: members[i].role != TeamMember.Role.HEAD)
    for index in order:
        wanted = members[index]
        row = kept[index] if index < len(kept) else TeamMember(team=team)
        values = {
            "full_name": wanted.full_name.strip(),
            "job_title": wanted.job_title.strip(),
            "role": wanted.role,
            "position": index,
        }
        if row.pk and all(getattr(row, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(row, key, value)
        row._history_user = actor
        row.save()
    return team
