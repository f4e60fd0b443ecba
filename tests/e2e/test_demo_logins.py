import pytest
from playwright.sync_api import expect

from letters_contest.models import ContestRound
from schools.models import School, SchoolSite
from schools.views import PAGE_SIZE
from tests.support.browser import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Each demo login of README's table and what its navigation must offer.
ROLES = [
    ("school@demo.vn", "Trường của tôi"),
    ("commune@demo.vn", "Công việc"),
    ("district@demo.vn", "Công việc"),
    ("province@demo.vn", "Công việc"),
    ("approver@demo.vn", "Công việc"),
    ("donor@demo.vn", "Trường học"),
    ("organiser@demo.vn", "Cuộc thi viết thư"),
    ("organiser2@demo.vn", "Cuộc thi viết thư"),
    ("organiser3@demo.vn", "Cuộc thi viết thư"),
    ("judge1@demo.vn", "Cuộc thi viết thư"),
    ("judge2@demo.vn", "Cuộc thi viết thư"),
    ("admin@demo.vn", "Quản trị"),
]


def sign_out(page):
    page.locator("#mainNav .dropdown-toggle").last.click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_every_demo_login_works_and_sees_its_entry_points(page, demo):
    for email, entry_point in ROLES:
        sign_in(page, email)
        nav = page.locator("#mainNav")
        expect(nav.get_by_text(entry_point, exact=False).first).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "vi"
        screenshot(page, f"login-{email.split('@')[0]}")
        sign_out(page)


def test_each_officer_sees_the_schools_of_today(page, demo):
    """The commune office its commune's schools, the department the province's; the old
    district's officer none: no school stands in an abolished district, but the 2021
    campaign and the final review it issued are still there."""
    for email, unit, count in [("commune@demo.vn", "Xã Mường Mùn", 3), ("province@demo.vn", "Tỉnh Điện Biên", 28)]:
        sign_in(page, email)
        page.locator("#mainNav").get_by_text("Công việc").click()
        page.locator("#mainNav").get_by_text(f"Trường tại {unit}").click()
        page.wait_for_url("**/schools/?**")
        assert page.locator("tbody tr").count() == min(count, PAGE_SIZE), email
        screenshot(page, f"login-schools-{email.split('@')[0]}")
        sign_out(page)

    sign_in(page, "district@demo.vn")
    page.locator("#mainNav").get_by_text("Công việc").click()
    assert page.locator("#mainNav").get_by_text("Trường tại").count() == 0
    page.goto(page.base_url + "/")
    expect(page.get_by_text("Huyện Tuần Giáo đã giải thể, sáp nhập từ ngày 01/07/2025")).to_be_visible()
    screenshot(page, "login-district-home")
    page.goto(page.base_url + "/dashboard/")
    assert page.locator('[data-figure="schools"]').inner_text() == "0"
    screenshot(page, "login-district-dashboard")
    page.goto(page.base_url + "/campaigns/dieu-uoc-cho-em-tuan-giao/reviews/")
    expect(page.get_by_role("link", name="Tổng kết 318/BC-UBND")).to_be_visible()
    expect(page.get_by_text("28/12/2021")).to_be_visible()
    screenshot(page, "login-district-2021-reviews")
    sign_out(page)


def test_the_contest_logins_reach_their_rounds(page, demo):
    """Organisers see their round's entries (the 2024 rounds keep their provinces' names of
    the time; the 2026 round is Bắc Ninh's), judges their round's judging list."""
    rounds = {r.campaign.slug: r for r in ContestRound.objects.select_related("province", "campaign")}
    for email, slug, page_name, heading in [
        ("organiser@demo.vn", "upu-53-bac-giang", "entries", "Tỉnh Bắc Giang"),
        ("organiser2@demo.vn", "upu-53-dien-bien", "entries", "Tỉnh Điện Biên"),
        ("organiser3@demo.vn", "upu-55-bac-ninh", "entries", "Tỉnh Bắc Ninh"),
        ("judge1@demo.vn", "upu-55-bac-ninh", "judging", "Chấm thi – Tỉnh Bắc Ninh"),
        ("judge2@demo.vn", "upu-53-bac-giang", "judging", "Chấm thi – Tỉnh Bắc Giang"),
    ]:
        round_ = rounds[slug]
        sign_in(page, email)
        response = page.goto(f"{page.base_url}/contest/{round_.pk}/{page_name}/")
        assert response.status == 200, email
        if page_name == "entries":
            assert heading in page.title()
            expect(page.locator("tbody tr").first).to_be_visible()
        else:
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
        screenshot(page, f"login-contest-{email.split('@')[0]}")
        sign_out(page)


def test_a_wrong_password_is_refused_in_vietnamese(page, demo):
    sign_in(page, "school@demo.vn", "sai-mat-khau")
    expect(page.get_by_text("không đúng").first).to_be_visible()
    screenshot(page, "login-wrong-password")


def test_school_staff_update_their_profile_and_add_a_site(page, demo):
    sign_in(page, "school@demo.vn")
    page.locator("#mainNav").get_by_text("Trường của tôi").click()
    page.locator("main").get_by_role("link", name="Trường PTDTBT Tiểu học Pú Xi").first.click()
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.fill("input[name=pupils]", "-1")
    page.fill("input[name=focal_point_name]", "Cà Thị Ngọc")
    page.get_by_role("button", name="Lưu").click()
    # The error stands next to the field and what was typed is kept.
    expect(page.locator("#id_pupils_error")).to_be_visible()
    assert page.input_value("input[name=focal_point_name]") == "Cà Thị Ngọc"
    screenshot(page, "school-profile-error")
    page.fill("input[name=pupils]", "372")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu hồ sơ nhà trường.")).to_be_visible()
    page.get_by_role("link", name="Thêm điểm trường lẻ").click()
    page.fill("input[name=name]", "Điểm trường bản Huổi Lóng")
    page.fill("input[name=village]", "Bản Huổi Lóng")
    page.fill("input[name=distance_km]", "14.5")
    page.fill("input[name=pupils]", "27")
    page.select_option("select[name=electricity]", "none")
    page.select_option("select[name=water_source]", "stream")
    page.select_option("select[name=toilet]", "none")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Điểm trường bản Huổi Lóng")).to_be_visible()
    screenshot(page, "school-page-after-edit")

    school = School.objects.get(code="11099012")
    assert school.pupils == 372
    assert school.focal_point_name == "Cà Thị Ngọc"
    assert SchoolSite.objects.get(school=school, name="Điểm trường bản Huổi Lóng").pupils == 27


def test_school_staff_cannot_open_another_schools_form(page, demo):
    other = School.objects.get(code="11099001")
    sign_in(page, "school@demo.vn")
    response = page.goto(f"{page.base_url}/schools/{other.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Bạn không có quyền thực hiện việc này")).to_be_visible()
    screenshot(page, "school-403")


def test_an_officer_filters_their_area_and_a_visitor_searches_without_accents(page, phone, demo):
    sign_in(page, "commune@demo.vn")
    page.locator("#mainNav").get_by_text("Công việc").click()
    page.locator("#mainNav").get_by_text("Trường tại Xã Mường Mùn").click()
    page.wait_for_url("**/schools/?**")
    rows = page.locator("tbody tr")
    assert rows.count() == School.objects.filter(commune__code="03268", commune__abolished_on=None).count() == 3
    assert page.get_by_text("Trường THCS Ngô Sĩ Liên").count() == 0
    screenshot(page, "officer-area-schools")

    # A school is found by its old place too: Pú Xi is now in Xã Mường Mùn.
    phone.goto(phone.base_url + "/schools/?q=pu+xi")
    expect(phone.get_by_role("link", name="Trường PTDTBT Tiểu học Pú Xi")).to_be_visible()
    screenshot(phone, "phone-search-pu-xi")
    phone.goto(phone.base_url + "/schools/?q=huyen+tuan+giao")
    expect(phone.get_by_role("link", name="Trường PTDTBT Tiểu học Pú Xi")).to_be_visible()
    phone.goto(phone.base_url + "/")
    screenshot(phone, "phone-home")
