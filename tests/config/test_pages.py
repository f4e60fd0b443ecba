import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from schools.models import Membership

PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "x7#kP2!vQ9@mL4$wR8^zT1&yN6*bH3(jF5)dG0_cV-sA+eU=iO~",
    "ALLOWED_HOSTS": "dieuuocchoem.example.vn",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


@pytest.mark.django_db
def test_the_health_check_answers(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_the_liveness_probe_answers_without_database_session_or_template(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies
    assert not response.templates


@pytest.mark.django_db
def test_the_404_page_is_the_portals(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "Về trang chủ" in html


def test_the_500_page_renders_without_context(rf):
    from core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.content.decode()


@pytest.mark.django_db
def test_the_navigation_shows_each_role_its_entry_points(client, area):
    anonymous = client.get("/").content.decode()
    assert "Đăng nhập" in anonymous and "Trường của tôi" not in anonymous

    client.force_login(area.staff_a)
    staff = client.get("/").content.decode()
    assert "Trường của tôi" in staff
    assert area.school_a.name in staff

    client.force_login(area.officer_a)
    officer = client.get("/").content.decode()
    assert "Trường tại Huyện Tuần Giáo" in officer
    assert "Trường của tôi" not in officer


@pytest.mark.django_db
def test_the_admin_link_is_for_superusers_only(client, area):
    from tests.accounts.factories import UserFactory

    client.force_login(area.officer_province)
    assert reverse("admin:index") not in client.get("/").content.decode()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert reverse("admin:index") in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_home_page_counts_the_registry(client, area):
    from tests.schools.factories import SchoolSiteFactory

    SchoolSiteFactory(school=area.school_a, toilet="none")
    SchoolSiteFactory(school=area.school_b, toilet="good")
    response = client.get("/")
    assert response.context["totals"]["schools"] == 2
    assert response.context["totals"]["sites"] == 2
    assert response.context["totals"]["pupils"] == 600
    assert response.context["totals"]["sites_lacking_toilets"] == 1
    assert Membership.objects.count() == 5


def test_the_production_profile_passes_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "x.vn"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_tightens_static_files_cookies_and_verification():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.STORAGES['staticfiles']['BACKEND'], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.ACCOUNT_EMAIL_VERIFICATION, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
        "True",
        "mandatory",
        "True",
    ]


def test_the_benchmark_may_turn_secure_cookies_off_for_plain_http():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    env = {**PRODUCTION_ENV, "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_SSL_REDIRECT": "0"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "False"]


@pytest.mark.django_db
def test_every_page_forbids_inline_scripts(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "Permissions-Policy" in client.get(reverse("needs:list"))


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy forbids them; a template that used one would silently break."""
    import re
    from pathlib import Path

    # A JSON data block (`type="application/json"`, the API docs page's settings) is data
    # the browser never runs, so the policy does not concern it; any other inline script is.
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for path in Path(__file__).resolve().parents[2].joinpath("templates").rglob("*.html"):
        if "/email/" in path.as_posix():
            continue  # mail clients, not browsers under our policy
        text = path.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text):
            offenders.append(path.name)
    assert offenders == []
