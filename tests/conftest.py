import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import translation

from core.cache_backend import ResilientRedisCache
from donations.services import DonorDetails, pledge_create
from tests.campaigns.factories import CampaignFactory
from tests.letters_contest.factories import ContestRoundFactory, CriterionFactory, EntryFactory, JudgeFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import MembershipFactory
from tests.support.area import build_area
from tests.support.pagecheck import CHECKS, current_test

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


# The run leaves nothing behind (issue 19): uploads go to a folder of the run's own, which
# the live servers, gunicorn and workers the tests start inherit through the environment,
# and every Redis key the run made is deleted at its end. The checks at the end fail the
# run if files appeared in the project's media/ anyway.
_RUN: dict = {}


def _files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()} if folder.is_dir() else set()


def _redis_clients():
    from django.conf import settings

    urls = {url for url in (os.environ.get("REDIS_URL"), settings.CELERY_BROKER_URL) if url and url.startswith("redis")}
    if not urls:
        return []
    import redis

    return [redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5) for url in sorted(urls)]


def _redis_keys() -> dict:
    keys = {}
    for client in _redis_clients():
        try:
            keys[client] = set(client.scan_iter(count=1000))
        except Exception:  # a Redis that is down holds nothing of ours
            keys[client] = None
    return keys


def pytest_configure(config):
    from django.conf import settings

    from tests.support import emptying

    emptying.install()  # the transactional tests' teardown empties only the tables with rows

    media = Path(tempfile.mkdtemp(prefix="portal-test-media-"))
    os.environ["MEDIA_ROOT"] = str(media)  # for the processes the tests start
    settings.MEDIA_ROOT = media
    _RUN.update(media=media, project_media=_files(settings.BASE_DIR / "media"), redis=_redis_keys())


def pytest_collection_finish(session):
    # The throwaway cluster the fault and replica tests copy is migrated and seeded in the
    # background from now on, when one of them is to run (tests/support/services.py).
    if session.config.option.collectonly:
        return
    if any("demo_cluster" in getattr(item, "fixturenames", ()) for item in session.items):
        from ops.pgcluster import postgres_bin
        from tests.support.services import DEMO_CLUSTER

        if postgres_bin() is not None:
            DEMO_CLUSTER.start()


def pytest_sessionfinish(session, exitstatus):
    CHECKS.stop_vnu()
    from tests.support.services import DEMO_CLUSTER

    DEMO_CLUSTER.destroy()
    if not _RUN:
        return
    from django.conf import settings

    shutil.rmtree(_RUN["media"], ignore_errors=True)
    for client, before in _RUN["redis"].items():
        if before is None:
            continue
        try:
            made = set(client.scan_iter(count=1000)) - before
            if made:
                client.delete(*made)
        except Exception as error:  # Redis stopped by the last test: nothing to delete there
            session.config.get_terminal_writer().line(f"Redis keys of the run not deleted: {error}", yellow=True)
    left = sorted(_files(settings.BASE_DIR / "media") - _RUN["project_media"])
    if left:
        session.config.get_terminal_writer().line(
            f"The tests left {len(left)} file(s) in media/ (first: {left[0]}): uploads must go to the run's "
            "MEDIA_ROOT or a test's own folder.",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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


def pytest_terminal_summary(terminalreporter):
    if CHECKS.stats.pages:
        terminalreporter.write_line(CHECKS.summary())


@pytest.fixture(autouse=True)
def _page_checks():
    """Fails a test whose browser pages had accessibility, HTML or width findings
    (tests/support/pagecheck.py). Set up before `page`, `phone` and the test's own
    contexts, so its teardown comes after theirs (a context's 390 px reopening included)."""
    yield
    if not CHECKS.html_pending and not CHECKS.findings:
        return
    CHECKS.validate_pending()
    findings = CHECKS.findings_of(current_test())
    if findings:
        pytest.fail(
            f"{len(findings)} finding(s) on the pages this test visited (tests/support/pagecheck.py):\n"
            + "\n".join(f"- [{f.kind}] {f.key}  {f.url}\n    {f.message}" for f in findings),
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The image decode slots' lock file, in pytest's temporary folder, not the system's.
    settings.IMAGE_DECODE_LOCK_FILE = str(tmp_path_factory.getbasetemp() / "image-decode.lock")
    # A request to an /en/ page leaves English active in the thread; each test starts in
    # the default language, as a new request would.
    translation.activate(settings.LANGUAGE_CODE)
    ResilientRedisCache._skip_until = 0.0  # a Redis failure in one test is not the next one's
    cache.clear()
    yield
    cache.clear()
    # A test that put the demo's rows back (tests/support/demo.py) leaves their content
    # types' ids in this process's cache; the next test's database may hold others.
    ContentType.objects.clear_cache()


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
    """The standing users and their places (tests/support/area.py): schools A and B in
    two districts of one province, their staff, their officers, the province's, and an
    outsider."""
    return build_area()


# Worlds that tests of more than one folder start from ---------------------------------


@pytest.fixture
def campaign(area):
    """District A's published campaign, led by its office."""
    return CampaignFactory(
        name="Điều ước cho em – huyện Tuần Giáo", scope=area.district_a, lead_office=area.office_a, is_published=True
    )


@pytest.fixture
def contest(area):
    """The province's round of the 53rd contest, open for entries today (a month each
    side: letters_contest.lifecycle), and its organiser."""
    round_ = ContestRoundFactory(edition__number=53, province=area.province, organiser__name="Sở TT&TT Điện Biên")
    organiser = MembershipFactory(role="organiser", office=round_.organiser).user
    return round_, organiser


@pytest.fixture
def judged(area):
    """The province's round with a rubric of two criteria (60 % and 40 %), two entries of
    school A (only the first pupil agreed to have their name published), two judges and
    the organiser. The round is in judging today (entries closed ten days ago)."""
    round_ = ContestRoundFactory(edition__number=53, province=area.province, judging=True)
    content = CriterionFactory(round=round_, name="Nội dung", weight=60)
    style = CriterionFactory(round=round_, name="Ngôn ngữ", weight=40)
    entries = [
        EntryFactory(round=round_, school=area.school_a, code=code, pupil_name=name, consent_publish_name=publish)
        for code, name, publish in [("11-53-00001", "Lò Thị Mai", True), ("11-53-00002", "Quàng Văn Nam", False)]
    ]
    judges = tuple(JudgeFactory(round=round_).user for _ in range(2))
    organiser = MembershipFactory(role="organiser", office=round_.organiser).user
    return round_, entries, (content, style), judges, organiser


@pytest.fixture
def pledges(area):
    """A guest's three pledges to a need of school A, and one to a need of school B."""
    need = NeedFactory(school=area.school_a, items=[("Chăn", 40, "cái", 250_000)])
    other_area = NeedFactory(school=area.school_b, items=[("Bàn", 10, "bộ", 1_000_000)])
    donor = DonorDetails(name="Lê Minh", email="minh@example.vn")
    first, _ = pledge_create(need=need, donor=donor, amount=2_000_000)
    second, _ = pledge_create(need=need, donor=donor, amount=1_500_000)
    third, _ = pledge_create(need=need, donor=donor, amount=500_000)
    outside, _ = pledge_create(need=other_area, donor=donor, amount=1_000_000)
    return first, second, third, outside
