import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Issued PDFs go to a folder of the test's own, removed with it."""
    settings.MEDIA_ROOT = tmp_path
