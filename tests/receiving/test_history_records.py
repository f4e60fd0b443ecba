"""Every view of receiving that changes data goes through a service that keeps the
history of the change with the user who made it (issue 14). Each test posts one valid
change as the user allowed to make it, then checks the rows and their history."""

import pytest
from django.urls import reverse

from receiving.models import ReceiptRecord, SettlementLine, SettlementReport
from tests.receiving.conftest import deliver

# ---- Receipt records and settlement reports ----
WRITING_VIEWS = {
    "receiving:record_issue",
    "receiving:settlement_edit",
    "receiving:settlement_publish",
}
READING_VIEWS = {
    "receiving:record_pdf",
    "receiving:settlement_pdf",
}
# (end of the records section)

pytestmark = pytest.mark.django_db

LINES = {
    "lines-TOTAL_FORMS": "1",
    "lines-INITIAL_FORMS": "0",
    "lines-MIN_NUM_FORMS": "1",
    "lines-MAX_NUM_FORMS": "200",
    "lines-0-description": "Chăn ấm",
    "lines-0-quantity": "41",
    "lines-0-unit": "cái",
    "lines-0-unit_cost": "50.000",
    "lines-0-amount": "2.050.000",
    "spent_total": "2.050.000",
    "remainder": "none",
}


def test_issuing_a_record_keeps_its_history(client, area, received_gift, signer_a):
    client.force_login(area.staff_a)
    client.post(
        reverse("receiving:record_issue", args=[received_gift.reference]),
        {"amount": "2.050.000", "signer": signer_a.pk},
    )
    record = ReceiptRecord.objects.get()
    assert record.history.get().history_user == area.staff_a
    assert record.document.history.latest().history_user == area.staff_a


def test_drafting_and_publishing_a_settlement_keep_their_history(client, area, need_a, received_gift, signer_a):
    deliver(need_a)
    client.force_login(area.staff_a)
    client.post(reverse("receiving:settlement_edit", args=[need_a.pk]), LINES)
    report = SettlementReport.objects.get()
    assert report.history.get().history_user == area.staff_a
    assert SettlementLine.history.get().history_user == area.staff_a
    client.post(reverse("receiving:settlement_publish", args=[need_a.pk]), {"signer": signer_a.pk})
    report.refresh_from_db()
    assert report.is_published
    latest = report.history.latest()
    assert (latest.status, latest.history_user) == ("published", area.staff_a)
