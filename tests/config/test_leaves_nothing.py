"""Issue 19, the operator's first day: the tests leave nothing behind. Every run wrote about
30 MB into ./media and left keys without an expiry in Redis. Uploads now go to a folder of
the run's own (tests/conftest.py, removed at the end, and the run fails if files appear in
media/ anyway); every key the run made is deleted at its end; and the portal gives every key
it writes an expiry."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.cache import VERSION_TIMEOUT, bump, versions


def test_uploads_go_to_the_runs_own_folder_not_the_projects_media(settings):
    project_media = Path(settings.BASE_DIR) / "media"
    run_media = Path(settings.MEDIA_ROOT)
    assert run_media.resolve() != project_media.resolve()
    assert not run_media.resolve().is_relative_to(Path(settings.BASE_DIR).resolve())
    # The servers and workers the tests start inherit it.
    assert os.environ["MEDIA_ROOT"] == str(run_media)
    name = default_storage.save("needs/probe.txt", ContentFile(b"x"))
    try:
        assert Path(default_storage.path(name)).is_relative_to(run_media)
    finally:
        default_storage.delete(name)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the cache is Redis only with REDIS_URL")
def test_a_cache_version_is_kept_with_an_expiry(db, django_capture_on_commit_callbacks):
    before = versions("area:leaves-nothing")
    with django_capture_on_commit_callbacks(execute=True):
        bump("area:leaves-nothing")
    assert versions("area:leaves-nothing") != before
    client = cache._cache.get_client()
    ttl = client.ttl(cache.make_and_validate_key("ver:area:leaves-nothing"))
    assert 0 < ttl <= VERSION_TIMEOUT


def test_a_lost_version_never_comes_back_to_a_number_it_held(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bump("area:lost")
    first = versions("area:lost")
    cache.delete("ver:area:lost")  # evicted, or expired
    with django_capture_on_commit_callbacks(execute=True):
        bump("area:lost")
    assert versions("area:lost") not in (first, "0")
