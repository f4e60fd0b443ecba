"""Browser journey of the national round (issue 21): Điện Biên forwards two letters of its
published ranking (1366 px); when forwarding closes, a national judge scores them blind on
a phone (390 px); the national organiser gives the awards, marks the letter sent to the
UPU and publishes the national results; the province sees what became of its letters."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from letters_contest.models import Forwarding, NationalRole, NationalRound, Score
from tests.accounts.factories import PASSWORD, UserFactory
from tests.letters_contest.factories import ContestRoundFactory, CriterionFactory, EntryFactory, ScoreFactory
from tests.schools.factories import MembershipFactory
from tests.support.browser import DESKTOP, PHONE, new_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def national_world(area):
    """Điện Biên's round of the 53rd edition, its results published 10 days ago, with
    three letters ranked by two judges; the national round, open for forwarding for five
    more days, with its organiser and a judge."""
    today = timezone.localdate()
    round_ = ContestRoundFactory(
        edition__number=53,
        edition__forward_quota=2,
        province=area.province,
        opens_on=today - timedelta(days=120),
        school_deadline=today - timedelta(days=60),
        judging_from=today - timedelta(days=55),
        forward_by=today + timedelta(days=5),
        delete_entries_on=today + timedelta(days=365),
        results_published=True,
        results_published_at=timezone.now() - timedelta(days=10),
    )
    criterion = CriterionFactory(round=round_, weight=100)
    judges = [UserFactory(), UserFactory()]
    entries = []
    for n, (name, publish) in enumerate([("Lò Thị Mai", True), ("Quàng Văn Nam", False), ("Cà Thị Ban", True)]):
        entry = EntryFactory(
            round=round_,
            school=area.school_a,
            code=f"11-53-{n + 1:05d}",
            pupil_name=name,
            consent_publish_name=publish,
            letter_text=f"Gửi bạn ở năm 2050, đây là lá thư số {n + 1} của mình…",
        )
        for judge in judges:
            ScoreFactory(entry=entry, judge=judge, criterion=criterion, value=9 - n)
        entries.append(entry)
    organiser = MembershipFactory(role="organiser", office=round_.organiser).user
    national_round = NationalRound.objects.create(
        edition=round_.edition, forward_by=today + timedelta(days=5), judges_required=1
    )
    CriterionFactory(round=None, national_round=national_round, name="Nội dung và cảm xúc", weight=100)
    national_organiser = UserFactory(email="btc.quocgia@example.vn")
    national_judge = UserFactory(email="giamkhao.quocgia@example.vn")
    NationalRole.objects.create(national_round=national_round, user=national_organiser, role="organiser")
    NationalRole.objects.create(national_round=national_round, user=national_judge, role="judge")
    return round_, entries, organiser, national_round, national_organiser, national_judge


def test_the_province_forwards_a_national_judge_scores_the_results_are_published(
    browser, live_server, area, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    round_, entries, organiser, national_round, national_organiser, national_judge = national_world(area)
    province = new_page(browser, live_server.url, DESKTOP)
    judge = new_page(browser, live_server.url, PHONE, has_touch=True)
    national = new_page(browser, live_server.url, DESKTOP)

    # Điện Biên's organiser forwards its two best letters from the round's page.
    sign_in(province, organiser.email)
    province.goto(live_server.url + round_.get_absolute_url())
    province.get_by_role("link", name="Gửi bài lên vòng quốc gia").click()
    expect(province.get_by_text("Mỗi tỉnh gửi tối đa 2 bài")).to_be_visible()
    province.get_by_label("Gửi bài 11-53-00001").check()
    province.get_by_label("Gửi bài 11-53-00002").check()
    screenshot(province, "h3-national-1-forward-1366")
    province.get_by_role("button", name="Gửi các bài đã chọn").click()
    # The confirmation says what crosses to the national round.
    expect(province.get_by_text("ngày sinh, lớp, người giám hộ và dữ liệu nhạy cảm ở lại tỉnh")).to_be_visible()
    expect(province.get_by_text("Đồng ý, gửi các bài này")).to_be_visible()
    province.get_by_test_id("confirm-submit").click()
    expect(province.get_by_text("Đã gửi lên vòng quốc gia: 11-53-00001, 11-53-00002.")).to_be_visible()
    status = province.locator("section[aria-labelledby=national-status-title]")
    expect(status.get_by_role("cell", name="11-53-00002")).to_be_visible()
    forwardings = list(Forwarding.objects.order_by("province_rank"))
    assert [(f.entry, f.province_rank) for f in forwardings] == [(entries[0], 1), (entries[1], 2)]

    # Forwarding closes (its date passes) and national judging begins.
    NationalRound.objects.filter(pk=national_round.pk).update(forward_by=timezone.localdate() - timedelta(days=1))

    # The national judge scores both letters on a phone, without knowing whose they are.
    sign_in(judge, national_judge.email)
    judge.goto(f"{live_server.url}/contest/national/53/judging/")
    judge.get_by_role("link", name=f"QG-{forwardings[0].pk:05d}").click()
    expect(judge.get_by_text("lá thư số 1")).to_be_visible()
    for secret in ("Lò Thị Mai", area.school_a.name, area.province.name, "11-53-"):
        expect(judge.locator("main")).not_to_contain_text(secret)
    screenshot(judge, "h3-national-2-judge-390")
    judge.get_by_label("Nội dung và cảm xúc (100%)").fill("9")
    judge.get_by_role("button", name="Lưu và chuyển sang bài tiếp theo").click()
    expect(judge.get_by_text("lá thư số 2")).to_be_visible()
    judge.get_by_label("Nội dung và cảm xúc (100%)").fill("7.5")
    judge.get_by_role("button", name="Lưu và chuyển sang bài tiếp theo").click()
    expect(judge.get_by_text("Bạn đã chấm 2/2 bài.")).to_be_visible()
    assert Score.objects.filter(stage=2, judge=national_judge).count() == 2

    # The national organiser gives the awards in one form, marks the UPU letter, publishes.
    sign_in(national, national_organiser.email)
    national.goto(f"{live_server.url}/contest/national/53/ranking/")
    national.get_by_label(f"Giải của bài QG-{forwardings[0].pk:05d}").select_option("first")
    national.get_by_label(f"Giải của bài QG-{forwardings[1].pk:05d}").select_option("second")
    national.get_by_role("button", name="Lưu giải quốc gia").click()
    expect(national.get_by_text("Đã lưu giải quốc gia (2 thay đổi).")).to_be_visible()
    national.get_by_role("button", name="Chọn làm bài gửi UPU").click()
    expect(national.get_by_text("Đã chọn làm bài gửi UPU.")).to_be_visible()
    screenshot(national, "h3-national-3-ranking-1366")
    national.get_by_role("button", name="Công bố kết quả quốc gia").click()
    expect(national.get_by_text("Tên học sinh chỉ xuất hiện khi bài đạt giải quốc gia")).to_be_visible()
    screenshot(national, "h3-national-3b-confirm-1366")
    national.get_by_test_id("confirm-submit").click()
    expect(national.get_by_text("Đã công bố kết quả quốc gia.")).to_be_visible()
    national_round.refresh_from_db()
    assert national_round.results_published_at and national_round.upu_entry == entries[0]

    # Anyone reads the national results: a name only with the guardian's consent.
    judge.goto(f"{live_server.url}/contest/national/53/results/")
    expect(judge.get_by_role("cell", name="Lò Thị Mai")).to_be_visible()
    expect(judge.get_by_text("Bài 11-53-00002 (không công bố tên)")).to_be_visible()
    expect(judge.locator("main")).not_to_contain_text("Quàng Văn Nam")
    screenshot(judge, "h3-national-4-results-390")

    # The province sees what became of its letters.
    province.goto(live_server.url + round_.get_absolute_url())
    expect(status.get_by_text("Gửi UPU")).to_be_visible()
    expect(status.get_by_role("cell", name="Giải Nhất")).to_be_visible()
    expect(status.get_by_role("cell", name="Giải Nhì")).to_be_visible()
    screenshot(province, "h3-national-5-province-1366")
    for page in (province, judge, national):
        page.context.close()
