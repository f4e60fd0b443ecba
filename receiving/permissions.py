"""Who may keep and read the Circular 16 records."""
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


# Receipt records and settlement reports (records.py, settlements.py)

# A receipt record is the school's paper and its donor's: the donor (their account, or
# the signed link of a guest's pledge), the school's staff and the officers who handle
# it read it; everyone else is told nothing exists. The school issues it (those who
# confirm the gift's receipt). A settlement report is drafted and published by the
# school's staff; once published it is public.


def may_issue_record(user, pledge) -> bool:
    from donations.permissions import can_confirm

    return pledge.need_id is not None and can_confirm(user, pledge)


def get_pledge_for_record(request, reference):
    """A gift whose record the user may issue: 404 to outsiders, 403 to its donor."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from donations.models import Pledge
    from donations.permissions import is_donor

    pledge = get_object_or_404(
        Pledge.objects.select_related("need__school__commune", "source_fund__office", "donor"), reference=reference
    )
    if may_issue_record(request.user, pledge):
        return pledge
    if is_donor(request, pledge):
        raise PermissionDenied
    raise Http404


def may_read_record(request, record) -> bool:
    from donations.permissions import can_confirm, is_donor

    pledge = record.pledge
    return is_donor(request, pledge) or can_confirm(request.user, pledge)


def get_record_for_download(request, pk):
    """The stored PDF of a receipt record: its donor, the school, the officers above it;
    404 to everyone else (and while there is no PDF)."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from .models import ReceiptRecord

    record = get_object_or_404(ReceiptRecord.objects.select_related("pledge__need__school", "document"), pk=pk)
    if not may_read_record(request, record) or record.document is None or not record.document.pdf:
        raise Http404
    return record


def may_draft_settlement(user, need) -> bool:
    from needs.permissions import need_roles

    return "staff" in need_roles(user, need)


def get_need_for_settlement(request, need_pk):
    """A need whose settlement report the user drafts: its school's staff. Outsiders 404;
    the officers who handle the school (insiders without the right) 403."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from needs.models import Need
    from needs.permissions import need_roles

    need = get_object_or_404(Need.objects.select_related("school__commune"), pk=need_pk)
    roles = need_roles(request.user, need)
    if not roles:
        raise Http404
    if "staff" not in roles:
        raise PermissionDenied
    return need


def get_settlement_for_download(request, pk):
    """A published report's PDF is public; a draft has none (404)."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from .models import SettlementReport

    report = get_object_or_404(SettlementReport.objects.select_related("need", "document"), pk=pk)
    if not report.is_published or report.document is None or not report.document.pdf:
        raise Http404
    return report
