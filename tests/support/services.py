"""Services a fault test can really stop and start again: a throwaway Redis, Celery
workers and beat, and the portal itself under gunicorn in the production profile. Each
listens on a free port of its own, so stopping it never touches the Redis the rest of
the suite uses. Throwaway PostgreSQL clusters (and a streaming standby) are in
ops/pgcluster.py, shared with the benchmark. Processes start and stop through
ops/processes.py, as the benchmark's server does."""

import re
import signal
import subprocess
import sys
from pathlib import Path

from ops import processes
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

    def start(self):
        self.manage("collectstatic", "--noinput", "-v0")
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
