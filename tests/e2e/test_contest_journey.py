import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from letters_contest.models import Award, ContestRound, Entry, Score
from tests.support.browser import PHONE, new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_round(page, deadline):
    page.goto(page.base_url + "/contest/")
    page.get_by_role("link", name="Mở vòng thi").first.click()
    page.fill("input[name=number]", "54")
    page.fill("input[name=year]", "2025")
    page.fill(
        "textarea[name=theme]",
        "Hãy tưởng tượng bạn là một đại dương. Hãy viết thư cho ai đó để giải thích vì sao bạn cần được bảo vệ.",
    )
    page.fill("input[name=guidance_document]", "Công văn số 10/BKHCN ngày 06/01/2025")
    page.fill("input[name=school_deadline]", deadline)
    page.get_by_role("button", name="Mở vòng thi").click()
    page.wait_for_url(re.compile(r"/contest/\d+/$"))


def test_a_contest_from_planning_to_published_results(browser, live_server, demo, tmp_path):
    deadline = (timezone.localdate() + timedelta(days=60)).isoformat()
    # The Bắc Giang organiser opens the 54th edition and plans its conference.
    organiser = new_page(browser, live_server.url)
    sign_in(organiser, "organiser@demo.vn")
    open_round(organiser, deadline)
    expect(organiser.get_by_text("Vòng thi đã được mở")).to_be_visible()
    organiser.get_by_role("link", name="Quản lý kế hoạch").first.click()
    organiser.locator("summary", has_text="Thêm sự kiện").click()
    organiser.select_option("select[name=event-kind]", "conference")
    organiser.fill(
        "input[name=event-title]", "Hội nghị bàn tổ chức Lễ Phát động Cuộc thi Viết thư Quốc tế UPU lần thứ 54"
    )
    organiser.fill("input[name=event-starts_at]", (timezone.localdate() + timedelta(days=7)).isoformat() + "T08:00")
    organiser.fill("input[name=event-venue]", "Hội trường tầng 1, trụ sở Sở")
    organiser.select_option("select[name=event-host]", label="Sở Thông tin và Truyền thông tỉnh Bắc Giang")
    organiser.fill("input[name=event-expected_attendance]", "23")
    organiser.locator("button[name=add_event]").click()
    organiser.fill("input[name='agenda-0-title']", "Đánh giá, rút kinh nghiệm cuộc thi lần thứ 53")
    organiser.fill("input[name='agenda-1-title']", "Kết luận Hội nghị")
    organiser.select_option("select[name='invitations-0-office']", label="Sở Giáo dục và Đào tạo tỉnh Bắc Giang")
    organiser.fill("input[name='invitations-0-people']", "4")
    organiser.fill("input[name='budget-0-description']", "Tài liệu, nước uống")
    organiser.fill("input[name='budget-0-amount']", "4600000")
    organiser.fill("input[name='budget-0-funding_source']", "Dự toán ngân sách năm 2025")
    organiser.get_by_role("button", name="Lưu sự kiện").click()
    expect(organiser.get_by_text("Đã lưu sự kiện.")).to_be_visible()
    screenshot(organiser, "contest-1-conference-planned")

    # Điện Biên opens its round of the same edition and names a judge.
    organiser2 = new_page(browser, live_server.url)
    sign_in(organiser2, "organiser2@demo.vn")
    open_round(organiser2, deadline)
    round_ = ContestRound.objects.get(edition__number=54, province__code="11")
    organiser2.goto(f"{live_server.url}/contest/{round_.pk}/judges/")
    organiser2.fill("input[name=email]", "judge1@demo.vn")
    organiser2.get_by_role("button", name="Thêm").click()

    # The school registers a pupil's letter with a scan.
    scan = tmp_path / "thu.jpg"
    Image.new("RGB", (900, 1200), (250, 248, 240)).save(scan)
    school = new_page(browser, live_server.url)
    sign_in(school, "school@demo.vn")
    school.goto(f"{live_server.url}/contest/{round_.pk}/")
    school.get_by_role("link", name="Đăng ký bài dự thi").click()
    school.fill("input[name=pupil_name]", "Lò Thị Mai")
    school.fill("input[name=date_of_birth]", "2013-05-10")
    school.fill("input[name=class_name]", "6A1")
    school.set_input_files("input[name=letter_file]", str(scan))
    school.fill("textarea[name=letter_text]", "Gửi bạn, người đang đọc lá thư này…")
    school.fill("input[name=word_count]", "512")
    school.check("input[name=consent_given]")
    school.fill("input[name=consent_guardian]", "Lò Văn Pọm")
    school.check("input[name=consent_publish_name]")
    screenshot(school, "contest-2-school-registers")
    school.get_by_role("button", name="Đăng ký").click()
    entry = Entry.objects.get(round=round_)
    expect(school.get_by_text(f"Đã đăng ký bài dự thi {entry.code}.")).to_be_visible()
    expect(school.get_by_test_id("round-state")).to_contain_text("Đang nhận bài")
    # One judge's scores are enough in this round.
    ContestRound.objects.filter(pk=round_.pk).update(judges_required=1)

    # Nobody closes the round: the clock does. Two days after the deadline the judges
    # score (the server runs in this process, so the frozen clock is its clock too); the
    # sessions of two months ago have expired, so everyone signs in again.
    judging_day = timezone.localdate() + timedelta(days=62)
    traveller = time_machine.travel(
        datetime.combine(judging_day, time(9), tzinfo=timezone.get_current_timezone()), tick=True
    )
    traveller.start()
    try:
        _judge_and_publish(browser, live_server, round_, entry)
    finally:
        traveller.stop()


def _judge_and_publish(browser, live_server, round_, entry):
    school = new_page(browser, live_server.url, device=PHONE)
    sign_in(school, "school@demo.vn")
    school.goto(f"{live_server.url}/contest/{round_.pk}/")
    expect(school.get_by_test_id("entries-closed")).to_contain_text("Đã hết hạn nhận bài ngày")
    expect(school.locator("[aria-current=step]")).to_contain_text("Chấm thi")
    screenshot(school, "contest-2a-round-judging-390")
    school.goto(f"{live_server.url}/contest/{round_.pk}/entries/new/")
    expect(school.get_by_test_id("entries-closed")).to_contain_text("Đã hết hạn nhận bài ngày")
    screenshot(school, "contest-2b-entries-closed-390")
    # The judge scores it seeing only the code.
    judge = new_page(browser, live_server.url)
    sign_in(judge, "judge1@demo.vn")
    judge.goto(f"{live_server.url}/contest/{round_.pk}/judging/{entry.pk}/")
    assert judge.get_by_text("Lò Thị Mai").count() == 0
    assert judge.get_by_text("Pú Xi").count() == 0
    for field in judge.locator("form input[type=number]").all():
        field.fill("9")
    screenshot(judge, "contest-3-judge-scores")
    judge.get_by_role("button", name="Lưu và chuyển sang bài tiếp theo").click()
    assert Score.objects.filter(entry=entry).count() == 3

    # The organiser awards it and publishes; the results page shows the award.
    organiser2 = new_page(browser, live_server.url)
    sign_in(organiser2, "organiser2@demo.vn")
    organiser2.goto(f"{live_server.url}/contest/{round_.pk}/rankings/")
    organiser2.select_option(f"#level-{entry.pk}", "first")
    organiser2.get_by_role("button", name="Lưu toàn bộ giải thưởng").click()
    organiser2.get_by_role("button", name="Công bố kết quả").click()
    organiser2.get_by_test_id("confirm-submit").click()
    expect(organiser2.get_by_test_id("confirm-step")).to_have_count(0)
    assert Award.objects.get(entry=entry).level == "first"
    visitor = new_page(browser, live_server.url)
    visitor.goto(f"{live_server.url}/contest/{round_.pk}/results/")
    expect(visitor.get_by_text("Giải Nhất")).to_be_visible()
    expect(visitor.get_by_text("Lò Thị Mai")).to_be_visible()
    screenshot(visitor, "contest-4-results")
    visitor.goto(f"{live_server.url}/contest/{round_.pk}/")
    expect(visitor.get_by_test_id("round-state")).to_contain_text("Đã công bố kết quả")
    screenshot(visitor, "contest-5-round-published")
