import pytest
from playwright.sync_api import expect

from schools.models import School, SchoolSite
from tests.support.browser import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Each demo login and what its navigation must offer.
ROLES = [
    ("school@demo.vn", "Trường của tôi"),
    ("district@demo.vn", "Công việc"),
    ("province@demo.vn", "Công việc"),
    ("donor@demo.vn", "Trường học"),
    ("organiser@demo.vn", "Trường học"),
    ("admin@demo.vn", "Quản trị"),
]


def test_every_demo_login_works_and_sees_its_entry_points(page, demo):
    for email, entry_point in ROLES:
        sign_in(page, email)
        nav = page.locator("#mainNav")
        expect(nav.get_by_text(entry_point, exact=False).first).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "vi"
        screenshot(page, f"login-{email.split('@')[0]}")
        page.locator("#mainNav .dropdown-toggle").last.click()
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_load_state()
        expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


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
    sign_in(page, "district@demo.vn")
    page.locator("#mainNav").get_by_text("Công việc").click()
    page.locator("#mainNav").get_by_text("Trường tại Huyện Tuần Giáo").click()
    page.wait_for_url("**/schools/?**")
    rows = page.locator("tbody tr")
    assert rows.count() == School.objects.filter(district__code="099").count() == 23
    assert page.get_by_text("Trường THCS Ngô Sĩ Liên").count() == 0
    screenshot(page, "officer-area-schools")

    phone.goto(phone.base_url + "/schools/?q=pu+xi")
    expect(phone.get_by_role("link", name="Trường PTDTBT Tiểu học Pú Xi")).to_be_visible()
    screenshot(phone, "phone-search-pu-xi")
    phone.goto(phone.base_url + "/")
    screenshot(phone, "phone-home")
