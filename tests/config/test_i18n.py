import datetime
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from core.formatting import format_vnd

LOCALE_FILES = [Path(settings.BASE_DIR) / "locale", Path(settings.BASE_DIR) / "locale_vendor"]


@pytest.mark.parametrize(
    ("amount", "text"),
    [(1250000, "1.250.000\u00a0₫"), (0, "0\u00a0₫"), (999, "999\u00a0₫"), (3000000000, "3.000.000.000\u00a0₫")],
)
def test_money_is_formatted_the_vietnamese_way(amount, text):
    assert format_vnd(amount) == text


def test_dates_are_dd_mm_yyyy_in_both_languages():
    template = Template('{{ day|date:"SHORT_DATE_FORMAT" }} {{ day }}')
    day = datetime.date(2024, 2, 20)
    for language in ("vi", "en"):
        with translation.override(language):
            assert template.render(Context({"day": day})) == "20/02/2024 20/02/2024"


def test_numbers_group_with_dots_only_where_asked():
    """Figures are grouped by |num; plain values (ids in URLs and forms) never are."""
    with translation.override("vi"):
        assert Template("{{ n|num }} {{ n }}").render(Context({"n": 14144})) == "14.144 14144"


def test_time_zone_is_vietnam():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    now = timezone.localtime(timezone.now())
    assert now.utcoffset() == datetime.timedelta(hours=7)


@pytest.mark.django_db
def test_the_home_page_is_vietnamese_without_a_prefix(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Mỗi ngôi trường vùng cao" in html


@pytest.mark.django_db
def test_english_lives_under_en(client):
    response = client.get("/en/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Every school in the mountains deserves light" in html


@pytest.mark.django_db
def test_the_language_switcher_keeps_the_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/schools/"})
    assert response.status_code == 302
    assert response.url == "/en/schools/"


@pytest.mark.django_db
def test_the_language_links_lead_to_the_same_page_in_the_other_language(client):
    html = client.get("/needs/?category=water").content.decode()
    assert 'href="/en/needs/?category=water"' in html
    html = client.get("/en/needs/?category=water").content.decode()
    assert 'href="/needs/?category=water"' in html
    # No form, so no CSRF token: the page is the same for every visitor.
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.django_db
def test_allauth_pages_are_in_vietnamese(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Đăng nhập" in html
    assert "Ghi nhớ đăng nhập" in html
    assert "Remember Me" not in html


@pytest.mark.parametrize("catalogue", LOCALE_FILES, ids=["project", "vendor"])
def test_the_vietnamese_catalogue_is_complete(catalogue):
    """Every msgid has a translation, none is fuzzy: the UI never falls back to English."""
    po_text = (catalogue / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = po_text.split("\n\n")[1:]
    untranslated = []
    for entry in entries:
        if entry.lstrip().startswith("#~"):
            continue
        if "#, fuzzy" in entry:
            untranslated.append(entry)
            continue
        lines = entry.strip().splitlines()
        for index, line in enumerate(lines):
            is_empty_msgstr = line.startswith(("msgstr ", "msgstr[0] ")) and line.endswith('""')
            # An empty first line is fine when continuation lines follow.
            continued = index + 1 < len(lines) and lines[index + 1].startswith('"')
            if is_empty_msgstr and not continued:
                untranslated.append(entry)
    assert untranslated == []


def test_the_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages over the project adds no msgid the committed catalogue lacks."""
    import shutil
    import subprocess

    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed: `make test` installs it")
    work = tmp_path / "project"
    ignore = shutil.ignore_patterns(
        ".venv", "staticfiles", "media", "sent-mail", "node_modules", "*.pyc", ".git", "test-artifacts"
    )
    shutil.copytree(settings.BASE_DIR, work, ignore=ignore)
    before = (work / "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v0"],
        cwd=work,
        check=True,
    )
    after = (work / "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8")

    def msgids(text):
        """Full msgids, with wrapped continuation lines joined, whatever the wrapping."""
        found, current = set(), None
        for line in text.splitlines():
            if line.startswith("msgid "):
                current = line[len("msgid ") :].strip('"')
            elif current is not None and line.startswith('"'):
                current += line.strip('"')
            else:
                if current:
                    found.add(current)
                current = None
        return found

    assert msgids(after) - msgids(before) == set(), "run `make makemessages` and translate the new strings"
