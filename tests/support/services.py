"""Services a fault test can really stop and start again: a throwaway Redis, Celery
workers and beat, and the portal itself under gunicorn in the production profile. Each
listens on a free port of its own, so stopping it never touches the Redis the rest of
the suite uses. Throwaway PostgreSQL clusters (and a streaming standby) are in
ops/pgcluster.py, shared with the benchmark. Processes start and stop through
ops/processes.py, as the benchmark's server does."""

import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ops import processes
from ops.pgcluster import PostgresCluster
from ops.processes import free_port, listening, wait_for


class RedisServer:
    """A Redis of its own that keeps nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = processes.start(
            ["redis-server", "--port", self.port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        )
        wait_for(lambda: listening(self.port), message="redis to listen", process=self.process)
        return self

    def freeze(self):
        """Hung, not gone: connections are accepted and never answered."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            processes.kill(self.process)  # as a crash: nothing is flushed
        wait_for(lambda: not listening(self.port), message="redis to stop")


def celery_worker(env: dict, queue: str, log: Path | None = None) -> subprocess.Popen:
    return processes.start(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=warning"],
        env=env,
        log=log,
    )  # fmt: skip


def celery_beat(env: dict) -> subprocess.Popen:
    """The scheduler, as in production (its schedule lives in the database)."""
    return processes.start([sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=warning"], env=env)


_STATIC = {"lock": threading.Lock(), "collected": False}


class Portal:
    """The portal under gunicorn in the production profile (DEBUG off) over plain http on
    loopback, on the database and Redis it is given; its logs in the folder of `log`."""

    def __init__(self, *, database_url: str, redis_url: str = "", log: Path, **extra):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = processes.server_env(self.port, queue=f"faults-{self.port}")
        self.env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, CONN_MAX_AGE="60", **extra)
        self.env.pop("QUERY_COUNT_HEADER", None)
        if not redis_url:
            self.env.pop("CELERY_BROKER_URL", None)
        self.log = log
        self.process = None

    def manage(self, *args, timeout: float = 300):
        log = self.log.with_name(f"manage-{args[0]}.log")
        if processes.manage(*args, env=self.env, log=log, timeout=timeout):
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{log.read_text(errors='replace')[-3000:]}")

    def collect_static(self):
        """collectstatic in the production profile (hashed, compressed: about a minute of
        CPU), once a session: every portal of the session serves the same STATIC_ROOT."""
        with _STATIC["lock"]:
            if not _STATIC["collected"]:
                self.manage("collectstatic", "--noinput", "-v0")
                _STATIC["collected"] = True

    def start(self):
        self.collect_static()
        self.process = processes.start(processes.gunicorn(self.port), env=self.env, log=self.log)
        processes.wait_until_live(self.process, self.port, timeout=60)
        return self

    def stop(self):
        processes.kill(self.process)


def give_over_http(
    session, base_url: str, need_id: int, email_address: str, amount: int = 100_000, name: str = "Nguyễn Thị Thu"
):
    """A donor's gift of money to a need through the give form, as a browser posts it
    (`session` is a requests.Session); the answer is not followed."""
    url = f"{base_url}/donations/give/{need_id}/"
    form = session.get(url, timeout=30).text
    data = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1),
        "submission_token": re.search(r'name="submission_token" value="([^"]+)"', form).group(1),
        "kind": "money",
        "amount": str(amount),
        "name": name,
        "email": email_address,
        "phone": "",
        "message": "",
        "goods_description": "",
    }
    return session.post(url, data=data, headers={"Referer": url}, timeout=30, allow_redirects=False)


class DemoCluster:
    """A PostgreSQL cluster migrated and seeded with the demo (seed_demo) by the portal's own
    commands in the production profile, then stopped, built ONCE a session for the tests that
    need a throwaway copy of it (tests/config/test_faults.py, test_replica.py: each starts
    `PostgresCluster().create(copy_of=...)`, so stopping or streaming one touches no other).

    The build (a few minutes of migrate and seed_demo in processes of their own, on a cluster
    and a media folder of its own, without Redis; then the session's one collectstatic, see
    `Portal.collect_static`) starts in a background thread as soon as
    the session knows one of its tests will need it (tests/conftest.py), so on two CPUs it
    runs beside the tests before them instead of in front of the first one that waits."""

    def __init__(self):
        self._thread = None
        self.cluster: PostgresCluster | None = None
        self.media = None
        self._log = None
        self._error: BaseException | None = None

    def start(self) -> None:
        if self._thread is None:
            self.media = Path(tempfile.mkdtemp(prefix="portal-demo-media-"))
            self._log = Path(tempfile.mkdtemp(prefix="portal-demo-logs-"))
            self._thread = threading.Thread(target=self._build, name="demo-cluster", daemon=True)
            self._thread.start()

    def _build(self) -> None:
        try:
            self.cluster = PostgresCluster().create()
            portal = Portal(database_url=self.cluster.url, log=self._log / "portal.log", MEDIA_ROOT=str(self.media))
            portal.manage("migrate", "--noinput", "-v0")
            portal.manage("seed_demo", "--allow-production")
            self.cluster.stop()
            portal.collect_static()  # for the portals the tests start on its copies
        except BaseException as error:  # raised in the test that waits for it
            self._error = error

    def ready(self) -> PostgresCluster:
        """The stopped, seeded cluster (waits for the build); its uploads are in `self.media`."""
        self.start()
        self._thread.join()
        if self._error is not None:
            raise RuntimeError(f"the demo cluster could not be built: {self._error}") from self._error
        return self.cluster

    def destroy(self) -> None:
        if self._thread is None:
            return
        self._thread.join()  # a build under way ends first (its commands have timeouts)
        if self.cluster is not None:
            self.cluster.destroy()
        for folder in (self.media, self._log):
            shutil.rmtree(folder, ignore_errors=True)
        self._thread = None


DEMO_CLUSTER = DemoCluster()
