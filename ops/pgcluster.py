"""Throwaway PostgreSQL clusters: one of our own in a temporary folder on a free port,
and a streaming standby of it (pg_basebackup -R) on another port.

The replica tests (tests/config/test_replica.py) and the fault tests use them to stop a
database or pause its replay without touching the PostgreSQL the rest of the suite uses;
the benchmark's `--replica` mode (ops/bench/runner.py) copies the database under test
into one and measures the portal with a standby of it as DATABASE_REPLICA_URL. As root
the clusters run as the postgres user (PostgreSQL refuses to run as root).
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ops.processes import free_port, wait_for


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """A PostgreSQL cluster of its own in a temporary folder, with one database, "portal".
    `durable=False` (the tests) runs it with fsync off; the benchmark keeps fsync on, as
    in production."""

    def __init__(
        self,
        *,
        durable: bool = False,
        folder: Path | None = None,
        port: int | None = None,
        settings: dict | None = None,
    ):
        """`folder` and `port`: a cluster that outlives the process (the benchmark's
        database, `manage.py bench_database`); by default a temporary folder and a free
        port. `settings`: postgresql.conf lines (ops/pgsettings.py), written on create."""
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.durable = durable
        self.settings = settings or {}
        self.port = port or free_port()
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="portal-pg-", dir="/tmp"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.data = self.folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/portal"

    @property
    def created(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def _as_owner(self, *command) -> list[str]:
        command = [str(c) for c in command]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def _run(self, *command, timeout: float = 120, input: bytes | None = None):
        subprocess.run(self._as_owner(*command), check=True, capture_output=True, timeout=timeout, input=input)  # noqa: S603

    def _own_folder(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def create(self, copy_of: "PostgresCluster | None" = None):
        """A new cluster with an empty `portal` database, or a copy of the stopped cluster
        `copy_of` (its files copied: seconds, where a migrate and seed_demo take minutes)."""
        self._own_folder()
        if copy_of is not None:
            if (copy_of.data / "postmaster.pid").exists():
                raise RuntimeError("Only a stopped cluster can be copied.")
            self._run("cp", "-a", copy_of.data, self.data)
            self.start()
            return self
        self._run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        if self.settings:
            self._write_settings()
        self.start()
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "portal")
        return self

    def _write_settings(self):
        """The settings in a file of their own, included from postgresql.conf (so the
        file says which lines are ours)."""
        from ops.pgsettings import render

        own = self.data / "portal.conf"
        self._run("sh", "-c", f"cat > {own}", input=render(self.settings).encode())
        self._run("sh", "-c", f"echo \"include 'portal.conf'\" >> {self.data / 'postgresql.conf'}")

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        if not self.durable:
            options += " -c fsync=off"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.folder / "log", "-w", "start")

    def stop(self):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def query(self, sql: str) -> str:
        result = subprocess.run(  # noqa: S603
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "portal", "-tAc", sql],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout.strip()

    def copy_from(self, source_url: str, timeout: float = 4 * 3600):
        """Every table of the database at `source_url` into "portal" (pg_dump | pg_restore)."""
        dump = subprocess.Popen(  # noqa: S603
            [self.bin / "pg_dump", "-Fc", "--no-owner", "-d", source_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            restore = subprocess.run(  # noqa: S603
                [self.bin / "pg_restore", "--no-owner", "--exit-on-error", "-d", self.url],
                stdin=dump.stdout,
                capture_output=True,
                timeout=timeout,
            )
        finally:
            dump.stdout.close()
            dumped = dump.wait(60)
        if dumped or restore.returncode:
            problem = (dump.stderr.read() + restore.stderr).decode(errors="replace")[-2000:]
            raise RuntimeError(f"copying the database failed: {problem}")
        dump.stderr.close()
        return self

    def destroy(self):
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class StandbyCluster(PostgresCluster):
    """A streaming replica of `primary` (pg_basebackup -R) on a port of its own, read-only,
    whose replay a test can pause to see where each read goes."""

    def __init__(self, primary: PostgresCluster):
        super().__init__(durable=primary.durable)
        self.primary = primary

    def create(self):
        self._own_folder()
        self._run(
            self.bin / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary.port, "-U", "postgres",
            "-D", self.data, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
            timeout=3600,
        )  # fmt: skip
        self.start()
        return self

    def pause_replay(self):
        self.query("SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        self.query("SELECT pg_wal_replay_resume()")

    def lag_bytes(self) -> int:
        """How far replay is behind what the primary has written, in bytes of WAL."""
        target = self.primary.query("SELECT pg_current_wal_lsn()")
        return int(float(self.query(f"SELECT pg_wal_lsn_diff('{target}', pg_last_wal_replay_lsn())")))

    def catch_up(self, timeout: float = 30):
        """Wait until the standby has replayed everything the primary wrote so far."""
        target = self.primary.query("SELECT pg_current_wal_lsn()")
        wait_for(
            lambda: self.query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t",
            timeout=timeout,
            message="the standby to replay the primary's writes",
        )


@contextlib.contextmanager
def replicated_copy(source_url: str):
    """A durable primary holding a copy of the database at `source_url` and a streaming
    standby of it, both destroyed on exit: yields (primary, standby)."""
    from ops.pgsettings import production_settings

    primary = PostgresCluster(durable=True, settings=production_settings(shared_machine=True)).create()
    standby = None
    try:
        primary.copy_from(source_url)
        primary.query("ANALYZE")
        standby = StandbyCluster(primary).create()
        standby.catch_up(timeout=600)
        yield primary, standby
    finally:
        if standby is not None:
            standby.destroy()
        primary.destroy()
