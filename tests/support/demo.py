"""The demo (seed_demo) for tests that start from it, seeded once per session.

seed_demo takes half a minute (the national map, about a hundred photos, the issued
documents); some twenty tests start from it. On PostgreSQL the first of them seeds for
real and keeps what the database and the uploads then hold: every table's rows as
PostgreSQL's own COPY text, read on the test's connection (so a seed inside a test's
transaction is seen), and the media folder. Each later test gets the same rows put back on
its own connection, inside its own transaction when it has one (so its rollback removes
them as it removes anything else), and a copy of the files. What that first run printed is
kept too, and `load_demo` returns it: the test of a first run on an empty database
(tests/schools/test_seed_demo.py) reads the logins there. Tests of a later run
(tests/schools/test_seed_demo.py, tests/receiving/test_demo_records.py) run the command
over the demo. On SQLite (the local default) every test seeds."""

import atexit
import io
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction

from tests.support.emptying import delete_sql

_snapshot: dict | None = None


def _tables() -> list[str]:
    return sorted(name for name in connection.introspection.table_names() if name != "django_migrations")


def _sequences() -> list[tuple[str, str]]:
    """(table, sequence) of every identity column of the tables put back. Not
    django_migrations': migration tests move it past the snapshot, and setting it back
    would hand out the ids of rows still there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
            "FROM information_schema.columns c WHERE c.table_schema = current_schema() "
            "AND (c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%%')"
        )
        return [(table, sequence) for table, sequence in cursor.fetchall() if sequence and table != "django_migrations"]


def _take(media_root: Path) -> dict:
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables():
            buffer = io.BytesIO()
            cursor.cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
            if buffer.tell():
                rows[table] = buffer.getvalue()
        sequences = []
        for _table, sequence in _sequences():
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 (names from the catalogue)
            sequences.append((sequence, *cursor.fetchone()))
    files = Path(tempfile.mkdtemp(prefix="demo-media-"))
    atexit.register(shutil.rmtree, files, True)
    if media_root.exists():
        shutil.copytree(media_root, files, dirs_exist_ok=True)
    return {"rows": rows, "sequences": sequences, "files": files}


def _put_back(snapshot: dict, media_root: Path) -> None:
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at the end of
        # the transaction, so the tables empty and load in any order. Only the tables
        # holding rows are emptied (tests/support/emptying.py: a TRUNCATE of all of them
        # costs a second or more).
        for statement in delete_sql(connection, tables):
            cursor.execute(statement)
        for table, data in snapshot["rows"].items():
            cursor.cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(data))
        for sequence, last_value, is_called in snapshot["sequences"]:
            cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])
    ContentType.objects.clear_cache()
    shutil.copytree(snapshot["files"], media_root, dirs_exist_ok=True)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def load_demo() -> str:
    """seed_demo's result in this test's database and settings.MEDIA_ROOT; returns what
    seed_demo printed when it ran on the empty database."""
    global _snapshot
    media_root = Path(settings.MEDIA_ROOT)
    if connection.vendor != "postgresql":
        return _seed()
    if _snapshot is None:
        output = _seed()
        _snapshot = {**_take(media_root), "output": output}
    else:
        _put_back(_snapshot, media_root)
    return _snapshot["output"]
