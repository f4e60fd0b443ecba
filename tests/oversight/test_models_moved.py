"""The digest and reminder models moved from campaigns to oversight (issue 14) on the
same tables: a database migrated before the move keeps every row after it. (Checked by
hand too, on the whole demo: every table's row count equal before and after.)"""

import datetime

import pytest

from oversight.models import DigestPreference, DigestRun, DigestSettings, ReminderLog
from tests.support.migrations import migrate_back, migrate_forward

BEFORE_THE_MOVE = [("campaigns", "0003_reminder_log"), ("oversight", None)]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_row_and_content_type_across_the_move(area):
    old = migrate_back(BEFORE_THE_MOVE)
    try:
        office = area.office_a.pk
        old.get_model("campaigns", "DigestSettings").objects.create(office_id=office, frequency="daily")
        old.get_model("campaigns", "DigestPreference").objects.create(
            office_id=office, user_id=area.officer_a.pk, frequency="off"
        )
        old.get_model("campaigns", "DigestRun").objects.create(
            office_id=office,
            period="weekly",
            period_start=datetime.date(2026, 11, 23),
            period_end=datetime.date(2026, 11, 29),
            status="sent",
            subject="Bản tin tuần",
        )
        old.get_model("campaigns", "ReminderLog").objects.create(kind="stale_school", key="7", period="2026-11")
        content_types = old.get_model("contenttypes", "ContentType").objects
        content_types.get_or_create(app_label="campaigns", model="digestrun")
    finally:
        migrate_forward()

    assert DigestSettings.objects.get().frequency == "daily"
    assert DigestPreference.objects.get().user == area.officer_a
    run = DigestRun.objects.get()
    assert (run.office, run.status, run.subject) == (area.office_a, "sent", "Bản tin tuần")
    assert ReminderLog.objects.get().key == "7"
    from django.contrib.contenttypes.models import ContentType

    assert ContentType.objects.filter(app_label="oversight", model="digestrun").exists()
    assert not ContentType.objects.filter(app_label="campaigns", model="digestrun").exists()
