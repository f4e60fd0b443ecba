"""Circular 16 records: permissions."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----
# A school's team and its needs' plans are kept by the people who act on the school: its
# staff, the officers whose office handles it, a superuser (schools.permissions and
# needs.permissions decide; nothing new is invented here). A draft plan belongs to its
# need: outsiders of a need still under review get 404, like the need itself.

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from needs.permissions import get_need_for_editing, get_need_for_viewing, need_roles
from schools.permissions import can_act_on_school, get_school_for_editing, roles_of

from .models import PlanComment

PLAN_KEEPERS = {"staff", "officer"}


def may_keep_team(user, school) -> bool:
    return can_act_on_school(user, school)


def may_keep_plan(user, need) -> bool:
    """Draft, publish and moderate the comments of a need's usage plan."""
    return bool(need_roles(user, need) & PLAN_KEEPERS)


def get_school_for_team(request, school_pk):
    """The school whose team this user keeps: 404 if none, 403 otherwise (school pages
    are public, so their existence is no secret)."""
    return get_school_for_editing(request, school_pk)


def get_need_for_plan(request, need_pk):
    """The need whose plan this user keeps: 404 to outsiders of a need they cannot see,
    403 to anyone else without the right."""
    return get_need_for_editing(request, need_pk)


def get_need_for_commenting(request, need_pk):
    """A need whose page the user may see (drafts and needs under review are 404)."""
    return get_need_for_viewing(request, need_pk)


def moderated_comments_filter(user) -> Q:
    """The comments this user moderates: on the needs of their schools (staff) and of the
    schools their offices handle; everything for a superuser."""
    roles = roles_of(user)
    if roles.is_superuser:
        return Q()
    query = Q(plan__need__school__in=[school.pk for school in roles.staff_schools])
    return query | roles.officer_schools_filter("plan__need__school__")


def get_comment_for_moderating(request, comment_pk) -> PlanComment:
    """404 when the comment is unknown or its need is hidden from the user, 403 when the
    user sees it but does not keep the plan."""
    comment = get_object_or_404(PlanComment.objects.select_related("plan__need__school", "author"), pk=comment_pk)
    need = comment.plan.need
    if not may_keep_plan(request.user, need):
        if need.is_public:
            raise PermissionDenied
        raise Http404
    return comment


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----


# (end of the records section)
