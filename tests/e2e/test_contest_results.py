"""The organiser decides a round's results on a laptop (1366 px) and on a phone (390 px):
two entries with equal scores share a rank, shown as tied; publishing is refused while
an entry lacks a judge's scores; an entry is excluded with its reason and the last one
is scored by its second judge (on the judging pages, at the same width); the awards of
the whole ranking are given in one form; publishing asks to confirm what becomes public;
the public results page shows the ranks, the tie and the names allowed."""

import pytest
from playwright.sync_api import expect

from letters_contest.models import Award, ContestRound
from tests.accounts.factories import PASSWORD
from tests.letters_contest.factories import ContestRoundFactory, CriterionFactory, EntryFactory, JudgeFactory
from tests.schools.factories import MembershipFactory
from tests.support.area import build_area
from tests.support.browser import DESKTOP, PHONE, new_page, screenshot, sign_in
from tests.support.contest import judging_today, score

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def a_round_being_judged():
    """Điện Biên's round, judging today with two judges per letter: 00001 scores 90,
    00002 and 00003 both 80, 00004 has one judge's scores, 00005 none."""
    area = build_area()
    round_ = judging_today(ContestRoundFactory(edition__number=53, province=area.province))
    criteria = [
        CriterionFactory(round=round_, name="Nội dung", weight=60),
        CriterionFactory(round=round_, name="Ngôn ngữ", weight=40),
    ]
    judges = [JudgeFactory(round=round_).user for _ in range(2)]
    people = [
        ("Lò Thị Mai", True),
        ("Quàng Văn Nam", False),
        ("Vì Thị Hoa", True),
        ("Mùa A Sử", True),
        ("Giàng Thị Dua", True),
    ]
    entries = [
        EntryFactory(
            round=round_, school=area.school_a, code=f"11-53-{n:05d}", pupil_name=name, consent_publish_name=publish
        )
        for n, (name, publish) in enumerate(people, start=1)
    ]
    for entry, marks in zip(entries[:3], [(9, 9), (8, 8), (8, 8)], strict=True):
        score(entry, judges, criteria, marks)
    score(entries[3], judges[:1], criteria, (7, 7))
    organiser = MembershipFactory(role="organiser", office=round_.organiser).user
    return round_, entries, judges, organiser


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize(("device", "width"), [(DESKTOP, "1366"), (PHONE, "390")])
def test_the_organiser_publishes_fair_results(browser, live_server, settings, tmp_path, device, width):
    settings.MEDIA_ROOT = tmp_path
    round_, entries, judges, organiser = a_round_being_judged()
    rankings = f"{live_server.url}/contest/{round_.pk}/rankings/"
    page = new_page(browser, live_server.url, device)
    sign_in(page, organiser.email, PASSWORD)
    page.goto(rankings)

    # The two entries scored 80 share rank 2, marked as tied; the next would be 4th.
    for code in ("11-53-00002", "11-53-00003"):
        row = page.get_by_test_id(f"ranked-{code}")
        expect(row).to_contain_text("=2")
        expect(row.get_by_text("đồng hạng")).to_be_visible()
    expect(page.get_by_test_id("ranked-11-53-00001")).to_contain_text("1")
    expect(page.get_by_test_id("unscored")).to_contain_text("11-53-00004")
    expect(page.get_by_test_id("unscored")).to_contain_text("1/2 giám khảo")
    fits(page)
    screenshot(page, f"contest-results-1-ties-{width}")

    # Publishing is refused while 00004 and 00005 lack their judges' scores.
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator(".alert-danger", has_text="Chưa thể công bố kết quả")).to_contain_text("11-53-00005")
    round_.refresh_from_db()
    assert not round_.results_published
    screenshot(page, f"contest-results-2-refused-{width}")

    # 00005 is excluded with its reason; 00004's second judge scores it.
    page.select_option("#exclude-entry", label="11-53-00005 (chưa chấm đủ)")
    page.fill("#exclude-reason", "Bài viết vượt quá 800 chữ")
    page.get_by_role("button", name="Loại khỏi bảng xếp hạng").click()
    expect(page.get_by_test_id("excluded")).to_contain_text("Bài viết vượt quá 800 chữ")
    judge = new_page(browser, live_server.url, device)
    sign_in(judge, judges[1].email, PASSWORD)
    judge.goto(f"{live_server.url}/contest/{round_.pk}/judging/")
    fits(judge)
    screenshot(judge, f"contest-results-3-judging-list-{width}")
    judge.get_by_role("link", name="11-53-00004").click()
    for field in judge.locator("form input[type=number]").all():
        field.fill("7")
    fits(judge)
    screenshot(judge, f"contest-results-4-judge-scores-{width}")
    judge.get_by_role("button", name="Lưu và chuyển sang bài tiếp theo").click()
    judge.context.close()

    # The awards of the whole ranking, in one form.
    page.goto(rankings)
    expect(page.get_by_test_id("unscored")).to_have_count(0)
    for entry, level in zip(entries[:4], ["first", "second", "second", "consolation"], strict=True):
        page.select_option(f"#level-{entry.pk}", level)
    page.get_by_role("button", name="Lưu toàn bộ giải thưởng").click()
    expect(page.get_by_text("Đã lưu giải thưởng (4 thay đổi).")).to_be_visible()
    fits(page)
    screenshot(page, f"contest-results-5-awards-{width}")
    assert dict(Award.objects.values_list("entry__code", "level")) == {
        "11-53-00001": "first",
        "11-53-00002": "second",
        "11-53-00003": "second",
        "11-53-00004": "consolation",
    }

    # Publishing asks first, saying which names become public and which are withheld.
    page.get_by_role("button", name="Công bố kết quả").click()
    step = page.get_by_test_id("confirm-step")
    expect(step).to_contain_text("Lò Thị Mai (Giải Nhất)")
    expect(step).to_contain_text("11-53-00002")  # his name is withheld
    expect(step).not_to_contain_text("Quàng Văn Nam")
    fits(page)
    screenshot(page, f"contest-results-6-confirm-{width}")
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_text("Đã công bố kết quả.")).to_be_visible()
    assert ContestRound.objects.get(pk=round_.pk).results_published_at is not None
    expect(page.get_by_test_id("correct-form")).to_be_visible()
    fits(page)
    screenshot(page, f"contest-results-7-published-{width}")

    visitor = new_page(browser, live_server.url, device)
    visitor.goto(f"{live_server.url}/contest/{round_.pk}/results/")
    expect(visitor.get_by_test_id("result-11-53-00001")).to_contain_text("Lò Thị Mai")
    expect(visitor.get_by_test_id("result-11-53-00003")).to_contain_text("=2")
    expect(visitor.get_by_test_id("result-11-53-00003")).to_contain_text("đồng hạng")
    expect(visitor.get_by_test_id("result-11-53-00002")).to_contain_text("không công bố tên")
    expect(visitor.get_by_text("Quàng Văn Nam")).to_have_count(0)
    fits(visitor)
    screenshot(visitor, f"contest-results-8-public-{width}")
    visitor.context.close()
    page.context.close()
