"""Circular 16 records: selectors."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----


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


# (end of the records section)
