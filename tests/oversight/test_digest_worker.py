"""The weekly digests through a real Redis broker and a real Celery worker process.

Runs where the production stack is configured (CI: PostgreSQL and Redis); the worker
reads the test database, so the data is committed (transactional test)."""

import email
import os
import time
import uuid
from email import policy
from pathlib import Path

import pytest
from django.db import connection

from config.celery_app import app
from needs.models import Need
from ops.processes import kill, wait_for
from oversight.dashboard import Area
from oversight.digests import digest_offices, recipients
from oversight.models import DigestRun
from oversight.tasks import send_due_digests
from schools.models import Office
from tests.support.demo import load_demo
from tests.support.services import celery_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
        reason="needs the production stack: a Redis broker and PostgreSQL shared with a worker process",
    ),
]


@pytest.fixture
def stack(tmp_path, settings):
    """Demo data committed, a private queue, and a way to start and kill workers."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()  # seed_demo's rows, committed (seeded once a session: tests/support/demo.py)
    queue = f"test-digests-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "DIGEST_CLAIM_LEASE_SECONDS": "3",
        "EMAIL_BACKEND": "tests.support.slow_mail.SlowFileBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MAIL_DELAY_SECONDS": "1",
        "SITE_URL": "https://dieuuocchoem.example.vn",
    }
    workers = []

    def start_worker():
        process = celery_worker(env, queue)
        workers.append(process)
        return process

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    yield {"start_worker": start_worker, "mail_dir": mail_dir, "queue": queue}
    app.conf.task_always_eager, app.conf.task_default_queue = previous
    for process in workers:
        kill(process)


def mails(folder: Path):
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


def runs_done(period_start):
    return not DigestRun.objects.filter(period_start=period_start).exclude(
        status__in=["sent", "skipped"]
    ).exists() and (DigestRun.objects.filter(period_start=period_start).count() == digest_offices().count())


def fold(text):
    return " ".join(text.split())


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def test_weekly_digests_are_sent_once_by_a_real_worker_even_when_it_dies(stack):
    import datetime

    # The offices that handle schools today: the old district offices of the demo get none.
    offices = list(digest_offices())
    assert {"sgddt-dien-bien", "vhxh-muong-mun"} <= {o.code for o in offices}
    assert "pgddt-tuan-giao" not in {o.code for o in offices}
    expected = {o.code: recipients(o, "weekly") for o in offices}
    with_mail = {code for code, to in expected.items() if to}
    worker = stack["start_worker"]()

    # 1. The weekly run: one mail per office with recipients, right figures and links.
    send_due_digests.delay("weekly", "2026-11-23")
    wait_for(lambda: runs_done(datetime.date(2026, 11, 16)), message="the weekly digests")
    sent = mails(stack["mail_dir"])
    assert len(sent) == len(with_mail)
    runs = {
        fold(r.subject): r for r in DigestRun.objects.filter(period_start=datetime.date(2026, 11, 16), status="sent")
    }
    by_office = {}
    for message in sent:
        run = runs[fold(str(message["subject"]))]
        by_office[run.office.code] = message
        assert sorted(a.strip() for a in str(message["to"]).split(",")) == expected[run.office.code]
    assert set(by_office) == with_mail
    muong_mun = by_office["vhxh-muong-mun"]
    html = html_of(muong_mun)
    waiting = Area.of_office(Office.objects.get(code="vhxh-muong-mun")).needs().filter(status=Need.Status.SUBMITTED)
    assert f"Nhu cầu chờ xác minh: {waiting.count()}" in html
    oldest = waiting.order_by("submitted_at").first()
    assert f"https://dieuuocchoem.example.vn/needs/{oldest.pk}/" in html
    assert "https://dieuuocchoem.example.vn/needs/queue/" in html
    assert "So sánh các xã, phường" in html_of(by_office["sgddt-dien-bien"])

    # 2. Running the job again sends nothing more.
    send_due_digests.delay("weekly", "2026-11-23")
    time.sleep(4)
    wait_for(lambda: app.connection().default_channel.client.llen(stack["queue"]) == 0, message="an empty queue")
    time.sleep(2)
    assert len(mails(stack["mail_dir"])) == len(with_mail)

    # 3. A worker killed in the middle of a run: after a restart each digest goes once.
    start = datetime.date(2026, 11, 23)
    before = len(mails(stack["mail_dir"]))
    send_due_digests.delay("weekly", "2026-11-30")
    wait_for(lambda: DigestRun.objects.filter(period_start=start, status="sent").exists(), message="a first digest")
    wait_for(
        lambda: DigestRun.objects.filter(period_start=start, status="sending").exists(), message="a digest in flight"
    )
    kill(worker)
    in_flight = DigestRun.objects.get(period_start=start, status="sending")
    stack["start_worker"]()
    # The scheduler runs the job again too: together with the redelivered task, still once.
    time.sleep(4)
    send_due_digests.delay("weekly", "2026-11-30")
    wait_for(lambda: runs_done(start), message="the digests after the restart")
    second_week = [m for m in mails(stack["mail_dir"])[:] if "23/11–29/11/2026" in str(m["subject"])]
    assert len(mails(stack["mail_dir"])) - before == len(with_mail)
    subjects = [str(m["subject"]) for m in second_week]
    assert len(subjects) == len(set(subjects)) == len(with_mail)
    in_flight.refresh_from_db()
    assert in_flight.status == "sent" and in_flight.attempts >= 2
