"""The demo's receipt record and settlement report (receiving/demo_records.py, loaded by
seed_demo): a business with its tax code, its gift received and recorded; a delivered
need's report published; a second run adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from donations.models import DonorProfile
from receiving.demo_records import BUSINESS_EMAIL, GIFT
from receiving.models import ReceiptRecord, SettlementReport
from tests.support.demo import load_demo
from tests.support.documents import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_gives_the_business_a_record_and_the_school_a_public_settlement():
    # seed_demo's result (seeded once a session, tests/support/demo.py), then the command
    # itself once more: it prints the business's login and adds nothing (checked at the end).
    load_demo()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert BUSINESS_EMAIL in out.getvalue()
    profile = DonorProfile.objects.get(user__email=BUSINESS_EMAIL)
    assert profile.kind == DonorProfile.Kind.BUSINESS and profile.tax_code

    record = ReceiptRecord.objects.select_related("pledge", "document").get(pledge__donor=profile.user)
    assert record.amount == GIFT and record.giver_tax_code == profile.tax_code
    text = pdf_text(record.document.pdf.read())
    assert record.document.number_text in text and "Hai triệu không trăm năm mươi nghìn đồng" in text

    report = SettlementReport.objects.select_related("need").get()
    assert report.is_published and report.document.pdf and report.lines.exists()
    assert report.need.school == record.pledge.need.school

    assert ReceiptRecord.objects.count() == 1 and SettlementReport.objects.count() == 1
