"""Browser journey of issue 17: a donor sponsors 10 pupils' lunches month by month; the
school confirms the first month; the need's calendar shows it; the second month's payment
mail carries a new reference. At 1366 px (the donor) and 390 px (the school's phone)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from donations import sponsorships
from donations.models import Pledge, Sponsorship
from needs.lunch import month_start
from tests.accounts.factories import PASSWORD, UserFactory
from tests.donations.factories import BankAccountFactory, PaymentRouteFactory
from tests.support.area import build_area
from tests.support.browser import PHONE, new_page, screenshot, sign_in
from tests.support.lunch import make_lunch_need

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}


def shot(page, name):
    screenshot(page, name)


def test_a_donor_sponsors_ten_pupils_month_by_month(browser, live_server):
    area = build_area()
    account = BankAccountFactory(office=area.office_a, bank_name="Agribank Tuần Giáo", account_number="8800211223344")
    PaymentRouteFactory(school=area.school_a, account=account)
    need = make_lunch_need(area, first=month_start(timezone.localdate()), pupils=45, months=9)
    donor_user = UserFactory(email="nhahaotam@example.vn", full_name="Trần Thu Hà")
    donor = new_page(browser, live_server.url, WIDE)
    school = new_page(browser, live_server.url, PHONE, has_touch=True)
    visitor = new_page(browser, live_server.url, PHONE, has_touch=True)

    # The donor finds the lunch need and sponsors 10 pupils for the rest of the year, monthly.
    sign_in(donor, donor_user.email, PASSWORD)
    donor.goto(live_server.url + need.get_absolute_url())
    expect(donor.get_by_test_id("lunch-calendar")).to_be_visible()
    shot(donor, "lunch-1-need-page-1366")
    donor.get_by_role("link", name="Đỡ đầu bữa trưa").click()
    donor.fill("input[name=pupils]", "10")
    donor.get_by_label("Hằng tháng").check()
    # The figures as the donor types (static/js/lunch.js).
    expect(donor.locator("#sponsor-monthly")).to_have_text(re.compile(r"3\.000\.000\s₫"))
    expect(donor.locator("#sponsor-total")).to_have_text(re.compile(r"27\.000\.000\s₫"))
    shot(donor, "lunch-2-sponsor-form-1366")
    donor.get_by_role("button", name="Đỡ đầu các bữa trưa này").click()
    expect(donor.get_by_text("Cảm ơn bạn! Khoản đỡ đầu bữa trưa của bạn đã được ghi nhận.")).to_be_visible()
    sponsorship = Sponsorship.objects.get()
    assert (sponsorship.pupils, sponsorship.months, sponsorship.schedule) == (10, 9, "monthly")
    first, second = list(sponsorships.instalments_of(sponsorship))[:2]
    expect(donor.locator(".vietqr svg")).to_be_visible()
    expect(donor.get_by_test_id("sponsorship-months").locator("tbody tr")).to_have_count(9)
    expect(donor.get_by_text(first.reference).first).to_be_visible()
    shot(donor, "lunch-3-first-month-pledge-1366")

    # The school confirms the first month from its phone.
    sign_in(school, area.staff_a.email, PASSWORD)
    # (Its form for a lunch need: the figures replace the item rows, the amount as it types.)
    school.goto(live_server.url + f"/needs/new/{area.school_a.pk}/")
    school.select_option("select[name=category]", "meals")
    school.get_by_label("Nhu cầu bữa trưa theo tháng").check()
    expect(school.locator("#item-fields")).to_be_hidden()
    school.fill("input[name=lunch_pupils]", "45")
    school.fill("input[name=lunch_first_month]", "09/2027")
    school.fill("input[name=lunch_months]", "9")
    school.fill("input[name=lunch_cost]", "300.000")
    expect(school.locator("#lunch-total")).to_have_text(re.compile(r"121\.500\.000\s₫"))
    shot(school, "lunch-0-school-posts-390")
    school.goto(live_server.url + "/needs/my-school/")
    school.get_by_role("link", name=first.reference).click()
    expect(school.get_by_text("Khoản chuyển này dành cho bữa trưa tháng")).to_be_visible()
    school.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(school.get_by_text("Đã xác nhận nhận quà")).to_be_visible()
    shot(school, "lunch-4-school-confirms-390")
    first.refresh_from_db()
    assert first.status == Pledge.Status.DELIVERED

    # The calendar shows the month covered, on a phone and on a wide screen.
    this_month = first.month.strftime("%Y-%m")
    visitor.goto(live_server.url + need.get_absolute_url())
    cell = visitor.locator(f'[data-month="{this_month}"]')
    expect(cell).to_have_attribute("data-paid", "10")
    expect(cell).to_contain_text("10 em đã được trả")
    expect(visitor.locator('[data-month][data-pledged="10"]')).to_have_count(9)
    shot(visitor, "lunch-5-calendar-390")
    donor.goto(live_server.url + need.get_absolute_url())
    expect(donor.locator(f'[data-month="{this_month}"]')).to_have_attribute("data-paid", "10")
    shot(donor, "lunch-6-calendar-1366")

    # The nightly job, a few days before the second month: its payment mail, a new reference.
    mail.outbox.clear()
    assert sponsorships.send_due_notices(today=second.due_on - timedelta(days=2)) == {"done": 1, "failed": 0}
    (notice,) = mail.outbox
    assert second.reference != first.reference
    assert second.reference in notice.subject and second.reference in notice.body
    assert first.reference not in notice.body
    link = re.search(r"https?://\S+/donations/pledges/\S+", notice.body).group(0)
    parts = urlsplit(link)  # the mail's site address is SITE_URL, the test's server another
    donor.goto(f"{live_server.url}{parts.path}?{parts.query}")
    expect(donor.get_by_text(second.reference).first).to_be_visible()
    expect(donor.locator(".vietqr svg")).to_be_visible()
    shot(donor, "lunch-7-second-month-1366")

    # The donor can stop from there, after a confirm step: the months not yet due go back.
    donor.get_by_role("link", name="Dừng đỡ đầu").click()
    expect(donor.get_by_role("heading", name="Dừng đỡ đầu bữa trưa")).to_be_visible()
    shot(donor, "lunch-8-stop-confirm-1366")
    donor.get_by_role("button", name="Đồng ý, dừng đỡ đầu").click()
    expect(donor.get_by_text("Khoản đỡ đầu đã dừng")).to_be_visible()
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.STOPPED
    assert not Pledge.objects.filter(sponsorship=sponsorship, status="pledged", due_on__gt=timezone.localdate())
    for page in (donor, school, visitor):
        page.context.close()
