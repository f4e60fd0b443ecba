"""Issue 20, notifications: an officer asks about a need, the school finds the question
first in "My school" on a phone and answers, and the answer is in the officer's inbox."""

import pikepdf
import pytest
from django.core import mail
from playwright.sync_api import expect

from needs.models import Need, NeedEvent
from notices.models import Notice
from schools.selectors import officers_of_school
from tests.support.browser import PHONE, new_page, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Đề nghị trường gửi báo giá của nhà cung cấp cho hạng mục lớn nhất."
ANSWER = "Báo giá của Công ty Minh Phát: 4,2 triệu đồng một bộ, đã gửi kèm."


def test_a_question_reaches_the_school_and_the_answer_reaches_the_officer(browser, live_server, demo, tmp_path):
    quote = tmp_path / "bao-gia-minh-phat.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("1")))
    pdf.save(quote)
    need = Need.objects.filter(status=Need.Status.SUBMITTED, school__memberships__user__email="school@demo.vn").first()
    assert need is not None, "the demo has a need waiting for verification at school@demo.vn's school"
    officer = next(o for o in officers_of_school(need.school) if o.email.endswith("@demo.vn"))
    # The officer already has notices of the demo (needs sent for verification).
    unread_before = Notice.objects.filter(user=officer, read_at__isnull=True).count()
    desk = new_page(browser, live_server.url)
    clerk = new_page(browser, live_server.url, PHONE, has_touch=True)
    mail.outbox.clear()

    # The officer asks from the need's page.
    sign_in(desk, officer.email)
    desk.goto(live_server.url + need.get_absolute_url())
    desk.fill("#note-ask", QUESTION)
    desk.get_by_role("button", name="Yêu cầu bổ sung thông tin").click()
    expect(desk.get_by_text(QUESTION).first).to_be_visible()
    assert Notice.objects.filter(kind="question_asked", user__email="school@demo.vn").count() == 1
    assert any(m.to == ["school@demo.vn"] and QUESTION in m.body for m in mail.outbox)

    # The school, on a phone: the inbox badge, and the question first in "My school".
    sign_in(clerk, "school@demo.vn")
    clerk.goto(live_server.url + "/needs/my-school/")
    headings = clerk.locator("main h2").all_inner_texts()
    assert headings[0].strip().startswith("Câu hỏi cần trả lời"), headings
    expect(clerk.locator("section", has_text="Câu hỏi cần trả lời").get_by_text(QUESTION)).to_be_visible()
    clerk.locator(".navbar-toggler").click()
    expect(clerk.locator("#mainNav").get_by_role("link", name="Hộp thư")).to_contain_text("1")
    clerk.locator(".navbar-toggler").click()
    screenshot(clerk, "notices-1-my-school-question-first-390")

    # It answers from the need's page; the reply box is there because a question is open.
    clerk.locator("section", has_text="Câu hỏi cần trả lời").get_by_role("link").first.click()
    expect(clerk.locator("#answer")).to_contain_text(QUESTION)
    clerk.fill("#note-answer", ANSWER)
    clerk.set_input_files("#attachment-answer", str(quote))
    screenshot(clerk, "notices-2-answer-box-390")
    clerk.locator("#answer").get_by_role("button", name="Trả lời").click()
    expect(clerk.get_by_text(ANSWER).first).to_be_visible()
    expect(clerk.locator("#answer")).to_have_count(0)  # answered: no reply box any more

    # The officer's inbox shows the answer; opening it goes to the need and marks it read.
    desk.goto(live_server.url + "/inbox/")
    expect(desk.locator("#mainNav").get_by_role("link", name="Hộp thư")).to_contain_text(str(unread_before + 1))
    entry = desk.locator(".list-group-item", has_text=need.title).filter(has_text="đã trả lời")
    expect(entry).to_have_count(1)
    screenshot(desk, "notices-3-officer-inbox")
    entry.first.click()
    expect(desk).to_have_url(live_server.url + need.get_absolute_url())
    expect(desk.get_by_text(ANSWER).first).to_be_visible()
    expect(desk.get_by_role("link", name="Tệp PDF đính kèm")).to_be_visible()
    answered = NeedEvent.objects.get(need=need, kind=NeedEvent.Kind.ANSWER, note=ANSWER)
    assert answered.attachment_is_pdf
    with pikepdf.open(answered.attachment.path) as stored:
        assert "/OpenAction" not in stored.Root
    assert Notice.objects.get(user=officer, kind="question_answered").read_at is not None
    assert Notice.objects.filter(user=officer, read_at__isnull=True).count() == unread_before

    # The officer's inbox on a phone too.
    desk_phone = new_page(browser, live_server.url, PHONE, has_touch=True)
    sign_in(desk_phone, officer.email)
    desk_phone.goto(live_server.url + "/inbox/")
    screenshot(desk_phone, "notices-4-officer-inbox-390")
    for page in (desk, clerk, desk_phone):
        page.context.close()
