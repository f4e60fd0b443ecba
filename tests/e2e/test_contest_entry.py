"""A school registers a letter from its phone and its laptop: the scan it chose survives a
form error, and the stored PDF has lost the script it came with."""

import io
from datetime import timedelta

import pikepdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from letters_contest.models import Entry, PendingLetter
from schools.models import AdministrativeUnit
from tests.letters_contest.factories import ContestRoundFactory
from tests.support.browser import DESKTOP, PHONE, new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def scan_with_a_script(path):
    """A two-page scanned letter whose file runs a script when opened."""
    pdf = pikepdf.new()
    for _ in range(2):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("var chay_khi_mo = 1"))
    )
    pdf.save(path)
    return path


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390", "1366"])
def test_a_school_keeps_its_scan_through_a_form_error(browser, live_server, demo, tmp_path, device):
    today = timezone.localdate()
    province = AdministrativeUnit.objects.get(level="province", code="11", abolished_on__isnull=True)
    round_ = ContestRoundFactory(
        edition__number=90,
        province=province,
        opens_on=today - timedelta(days=5),
        school_deadline=today + timedelta(days=40),
        delete_entries_on=today + timedelta(days=400),
    )
    scan = scan_with_a_script(tmp_path / "thu-cua-mai.pdf")
    width = device["viewport"]["width"]
    school = new_page(browser, live_server.url, device, has_touch=device is PHONE)
    sign_in(school, "school@demo.vn")

    school.goto(f"{live_server.url}/contest/{round_.pk}/entries/new/")
    school.fill("input[name=pupil_name]", "Lò Thị Mai")
    school.fill("input[name=date_of_birth]", "2013-05-10")
    school.fill("input[name=class_name]", "6A1")
    school.set_input_files("input[name=letter_file]", str(scan))
    school.fill("input[name=word_count]", "512")
    school.fill("input[name=consent_guardian]", "Lò Văn Pọm")
    # Two mistakes: no guardian's consent, and an ethnic group without the sensitive-data consent.
    school.select_option("select[name=ethnic_group]", "Thái")
    school.get_by_role("button", name="Đăng ký").click()

    expect(school.locator("#id_consent_given_error")).to_contain_text("cần có sự đồng ý")
    expect(school.locator("#id_ethnic_group_error")).to_contain_text("chỉ được ghi nhận khi có sự đồng ý")
    expect(school.locator("#letter-received")).to_contain_text("Đã nhận thư: thu-cua-mai.pdf (2 trang)")
    assert PendingLetter.objects.count() == 1 and not Entry.objects.filter(round=round_).exists()
    screenshot(school, f"contest-entry-letter-kept-{width}")

    # Fixed without choosing the file again.
    school.check("input[name=consent_given]")
    school.check("input[name=sensitive_consent]")
    school.get_by_role("button", name="Đăng ký").click()

    entry = Entry.objects.get(round=round_)
    expect(school.get_by_text(f"Đã đăng ký bài dự thi {entry.code}.")).to_be_visible()
    assert entry.ethnic_group == "Thái" and entry.sensitive_consent
    with entry.letter_file.open("rb") as stored_file, pikepdf.open(io.BytesIO(stored_file.read())) as stored:
        assert len(stored.pages) == 2 and "/OpenAction" not in stored.Root
    assert not PendingLetter.objects.exists()

    school.goto(f"{live_server.url}/contest/{round_.pk}/entries/{entry.pk}/")
    expect(school.get_by_text("Thái", exact=True)).to_be_visible()
    screenshot(school, f"contest-entry-registered-{width}")
    school.context.close()
