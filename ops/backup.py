"""Backup and restore: the PostgreSQL database (pg_dump, custom format) and the media
files (photos of needs, letters of the contest, documents), with a manifest that lets a
restore prove itself complete.

A backup folder holds:
- `database.dump`: `pg_dump --format=custom`, one consistent snapshot;
- `media.tar.gz`: every file under MEDIA_ROOT;
- `manifest.json`: when, the row count of every table and the SHA-256 of every media file.

`restore` loads both into a database and a media folder, then counts and hashes again and
reports any difference; a difference is an error, never a silent partial restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"


class BackupError(Exception):
    pass


@dataclass
class Check:
    """What a restore found against the manifest."""

    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (expected, found)
    missing_files: list[str] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)

    @property
    def table_differences(self) -> dict[str, tuple[int, int]]:
        return {name: pair for name, pair in self.tables.items() if pair[0] != pair[1]}

    @property
    def complete(self) -> bool:
        return not (self.table_differences or self.missing_files or self.changed_files)


def _pg_env(url: str | None = None) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore: from a URL, or Django's database."""
    env = dict(os.environ)
    if url:
        parsed = urlparse(url)
        args = ["--host", parsed.hostname or "127.0.0.1", "--port", str(parsed.port or 5432)]
        if parsed.username:
            args += ["--username", parsed.username]
        if parsed.password:
            env["PGPASSWORD"] = parsed.password
        return [*args, "--dbname", parsed.path.lstrip("/")], env
    db = connection.settings_dict
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return [*args, "--dbname", db["NAME"]], env


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError("Backups are of the production database, PostgreSQL; the SQLite file is copied as it is.")


def table_counts(alias: str = "default") -> dict[str, int]:
    """Rows in every table of the database, Django's and the project's."""
    with connections[alias].cursor() as cursor:
        names = sorted(connections[alias].introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 (names from the catalogue)
            counts[name] = cursor.fetchone()[0]
    return counts


def _media_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            hashes[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def backup(folder: Path, *, media_root: Path | None = None) -> dict:
    """Write a backup into `folder` (created; must be empty). Returns the manifest."""
    _require_postgresql()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty.")
    args, env = _pg_env()
    # Counted in a snapshot of its own just before the dump; on a quiet database (a
    # maintenance window, or the test) the two agree exactly.
    counts = table_counts()
    subprocess.run(  # noqa: S603 (a fixed program with our arguments)
        [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(folder / DUMP), *args],
        check=True,
        env=env,
        capture_output=True,
    )
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname=".")
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": connection.settings_dict["NAME"],
        "tables": counts,
        "media": _media_hashes(media_root),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def restore(folder: Path, *, database_url: str, media_root: Path) -> Check:
    """Load a backup into the (empty or expendable) database at `database_url` and into
    `media_root`, then check both against the manifest."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    args, env = _pg_env(database_url)
    result = subprocess.run(  # noqa: S603
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            str(folder / DUMP),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        archive.extractall(media_root, filter="data")  # no absolute paths, links or devices
    return check(manifest, database_url=database_url, media_root=media_root)


def check(manifest: dict, *, database_url: str, media_root: Path) -> Check:
    import psycopg2

    found = Check()
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for name, expected in manifest["tables"].items():
                try:
                    cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 (names from our manifest)
                    found.tables[name] = (expected, cursor.fetchone()[0])
                except psycopg2.errors.UndefinedTable:
                    found.tables[name] = (expected, -1)  # the table itself is missing
    finally:
        conn.close()
    hashes = _media_hashes(media_root)
    for name, digest in manifest["media"].items():
        if name not in hashes:
            found.missing_files.append(name)
        elif hashes[name] != digest:
            found.changed_files.append(name)
    return found
