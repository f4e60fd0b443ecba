"""Processes we start and stop ourselves: gunicorn, locust, Celery, throwaway Redis.

One way to pick a free port on loopback, to wait until something is true, to start a
command in its own process group with its output in a log, and to stop it with a grace
period. The benchmark (ops/bench/runner.py) and the fault tests (tests/support/services.py)
both start the portal under gunicorn in the production profile through `server_env`
and `gunicorn`.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


class ProcessExited(RuntimeError):
    """The process we were waiting on ended first."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def answers(url: str, timeout: float = 2) -> bool:
    """The address answers 200 (a liveness probe)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own http URL)
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_for(
    predicate: Callable[[], bool],
    timeout: float = 90,
    message: str = "condition",
    *,
    process: subprocess.Popen | None = None,
) -> None:
    """Until `predicate()` is true: TimeoutError after `timeout` seconds, ProcessExited at
    once if `process` (the one that should make it true) ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ProcessExited(f"exited with {process.returncode} while waiting for {message}")
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout:g} s waiting for {message}")


def start(command: list[str], *, env: dict | None = None, log: Path | None = None) -> subprocess.Popen:
    """`command` from the project's folder, in a process group of its own (so `stop`
    reaches everything it forks), its output in `log` or discarded."""
    output = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it)
    try:
        return subprocess.Popen(  # noqa: S603 (our own programs and arguments)
            [str(part) for part in command],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if log:
            output.close()  # the child has its own copy


def stop(process: subprocess.Popen | None, grace: float = 15) -> None:
    """Stop a process we started and everything it forked (its group): SIGTERM, then
    SIGKILL if it is still there after `grace` seconds. With no grace, SIGKILL at once,
    as a crash: nothing is flushed or finished."""
    if process is None or process.poll() is not None:
        return
    try:
        if grace:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(grace)
                return
            except subprocess.TimeoutExpired:
                pass
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(10)


def kill(process: subprocess.Popen | None) -> None:
    """SIGKILL to the process and its group, as a crash."""
    stop(process, grace=0)


def run(command: list[str], *, env: dict | None = None, log: Path, timeout: float) -> int:
    """`command` to its end (stopped if it outlives `timeout`), output in `log`; its exit
    status."""
    process = start(command, env=env, log=log)
    try:
        return process.wait(timeout)
    finally:
        stop(process)


def manage(*args: str, env: dict | None = None, log: Path, timeout: float = 600) -> int:
    """`manage.py <args>` in a process of its own, on the settings `env` gives."""
    return run([sys.executable, "manage.py", *args], env=env, log=log, timeout=timeout)


def server_env(port: int, queue: str) -> dict:
    """The production profile (DEBUG off, real secret), over plain http on loopback."""
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        QUERY_COUNT_HEADER="1",
        # Every simulated visitor comes from 127.0.0.1: the per-address limits on pledges
        # and sign-ups would measure the limiter, not the pages.
        RATE_LIMITS_OFF="1",
        EMAIL_BACKEND=LOCMEM_EMAIL,
        # Mail tasks the pages queue go to a queue of their own: only a worker started on
        # it sends them.
        CELERY_QUEUE=queue,
        LOG_LEVEL="WARNING",
    )
    return env


def gunicorn(
    port: int,
    *,
    workers: int = 1,
    worker_class: str = "sync",
    threads: int = 1,
    timeout: int = 60,
    graceful_timeout: int = 10,
) -> list[str]:
    """The command that serves the portal (config.wsgi) on 127.0.0.1:<port>."""
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--worker-class", worker_class, "--workers", str(workers), "--threads", str(threads),
        "--timeout", str(timeout), "--graceful-timeout", str(graceful_timeout), "--log-level", "warning",
    ]  # fmt: skip


def wait_until_live(process: subprocess.Popen, port: int, timeout: float = 90) -> None:
    """Until the server started as `process` answers /livez/ on `port`."""
    wait_for(
        lambda: answers(f"http://127.0.0.1:{port}/livez/"),
        timeout,
        f"the server on port {port} to answer /livez/",
        process=process,
    )
