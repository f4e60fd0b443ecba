"""Nothing is shipped to browsers that no page uses: every script and stylesheet under
static/ is loaded by some template, and every installed app is one the portal needs."""

from pathlib import Path

from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _template_text() -> str:
    return "\n".join(path.read_text() for path in TEMPLATES.rglob("*.html"))


def test_every_script_and_stylesheet_is_loaded_by_a_template():
    text = _template_text()
    shipped = [p for p in STATIC.rglob("*") if p.suffix in (".js", ".css")]
    assert shipped, "the portal ships its own scripts and styles"
    unused = [str(p.relative_to(STATIC)) for p in shipped if f"'{p.relative_to(STATIC)}'" not in text]
    assert unused == []


def test_no_middleware_or_app_of_a_library_no_page_uses():
    # htmx was vendored, loaded on every page and installed as middleware, and no template
    # used it (issue 14): it was removed. A library comes back with the page that uses it.
    assert not any("htmx" in name for name in settings.INSTALLED_APPS)
    assert not any("htmx" in name for name in settings.MIDDLEWARE)
