"""Circular 16 records: permissions."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----

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


# (end of the records section)
