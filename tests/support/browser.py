"""Driving Chromium in tests: a page for one person, signing in, screenshots to look at.

The session's one browser is the `browser` fixture of tests/conftest.py; the browser
journeys (tests/e2e) and the fault tests use these with it."""

from pathlib import Path

from tests.support.pagecheck import watch

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# The widths the guide names: 1366 px (the commonest laptop screen) and 390 px.
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "vi-VN"}


def new_page(browser, base_url: str, device: dict = DESKTOP, **options):
    """A page in a context of its own (its own cookies: one person), with `page.base_url`;
    `page.context.close()` ends it. Every page it loads is checked (tests/support/pagecheck.py:
    axe-core, the Nu HTML checker, and at 390 px every element within the width); the
    context bypasses the CSP so that axe-core can be injected, in tests only."""
    context = browser.new_context(**device, **{"bypass_csp": True, **options})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = base_url
    watch(page)
    return page


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, email: str, password: str = "demo12345") -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
