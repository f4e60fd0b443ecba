import os
import shutil

import pytest
from django.core.cache import cache
from django.utils import translation

from core.cache_backend import ResilientRedisCache
from tests.accounts.factories import UserFactory
from tests.schools.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    OfficeFactory,
    ProvinceFactory,
    SchoolFactory,
)

# Playwright's sync API runs an event loop in this thread for the rest of the session once
# the browser starts; the ORM calls the tests make are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never a downloaded one), one for the whole session: the browser
    journeys (tests/e2e) and the fault tests drive it."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A request to an /en/ page leaves English active in the thread; each test starts in
    # the default language, as a new request would.
    translation.activate(settings.LANGUAGE_CODE)
    ResilientRedisCache._skip_until = 0.0  # a Redis failure in one test is not the next one's
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in the test's own process, even where a broker is configured (CI); the
    tests that need a real worker start one and turn this off."""
    from config.celery_app import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def area(db):
    """A province with two districts, a commune in each, and a school in each commune.

    The standing users of STYLE.md hang off it: staff of school A (insider with rights),
    staff of school B (insider without), a district officer of A's district, an officer
    of B's district, a provincial officer, and an outsider with no role.
    """
    province = ProvinceFactory(name="Tỉnh Điện Biên", code="11")
    district_a = DistrictFactory(parent=province, name="Huyện Tuần Giáo", code="099")
    district_b = DistrictFactory(parent=province, name="Huyện Mường Ảng", code="102")
    commune_a = CommuneFactory(parent=district_a, name="Xã Pú Xi", code="03269")
    commune_b = CommuneFactory(parent=district_b, name="Xã Ẳng Tở", code="03292")
    school_a = SchoolFactory(commune=commune_a, name="Trường PTDTBT Tiểu học Pú Xi")
    school_b = SchoolFactory(commune=commune_b, name="Trường PTDTBT Tiểu học Ẳng Tở")
    office_a = OfficeFactory(unit=district_a, name="Phòng GD&ĐT Tuần Giáo")
    office_b = OfficeFactory(unit=district_b, name="Phòng GD&ĐT Mường Ảng")
    office_province = OfficeFactory(unit=province, kind="education_department", name="Sở GD&ĐT Điện Biên")

    class Area:
        pass

    a = Area()
    a.province, a.district_a, a.district_b = province, district_a, district_b
    a.commune_a, a.commune_b = commune_a, commune_b
    a.school_a, a.school_b = school_a, school_b
    a.office_a, a.office_b, a.office_province = office_a, office_b, office_province
    a.staff_a = MembershipFactory(role="school_staff", school=school_a).user
    a.staff_b = MembershipFactory(role="school_staff", school=school_b).user
    a.officer_a = MembershipFactory(role="officer", office=office_a).user
    a.officer_b = MembershipFactory(role="officer", office=office_b).user
    a.officer_province = MembershipFactory(role="officer", office=office_province).user
    a.outsider = UserFactory()
    return a
