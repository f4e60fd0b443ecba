"""Browser tests: Debian's Chromium driven by Playwright's sync API against live_server.

Never a downloaded browser: `make test` installs Debian's chromium package. The one
`browser` of the session lives in tests/conftest.py (a second Playwright cannot start
while the first runs), so other suites can drive it too; pages, signing in and
screenshots come from tests/support/browser.py.
"""

import pytest

from tests.support.browser import DESKTOP, PHONE, new_page
from tests.support.demo import load_demo


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server.url, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser, live_server):
    page = new_page(browser, live_server.url, PHONE, has_touch=True)
    yield page
    page.context.close()


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo data (seed_demo), committed for the live server, with uploads in a
    folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
