"""Backup and restore: a restore into an empty database proves itself complete."""

import uuid

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from donations.models import Pledge
from ops import backup
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL")


@pytest.fixture
def empty_database():
    """A database of its own to restore into, dropped afterwards."""
    settings = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"], dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = settings["USER"] or "postgres"
    yield f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_a_backup_restores_every_row_and_file(transactional_db, area, tmp_path, settings, empty_database):
    media = tmp_path / "media"
    (media / "needs" / "2026" / "11").mkdir(parents=True)
    (media / "needs" / "2026" / "11" / "a1b2.jpg").write_bytes(b"\xff\xd8 not really a photo \xff\xd9")
    (media / "contest" / "7").mkdir(parents=True)
    (media / "contest" / "7" / "thu.pdf").write_bytes(b"%PDF-1.4 a pupil's letter")
    settings.MEDIA_ROOT = media
    need = NeedFactory(school=area.school_a, title="Bể nước cho điểm trường Huổi Lóng")
    PledgeFactory(need=need, amount=750_000, donor_name="Nguyễn Thị Lan")

    call_command("backup", str(tmp_path / "backup"))
    restored_media = tmp_path / "restored-media"
    call_command(
        "restore_backup",
        str(tmp_path / "backup"),
        database_url=empty_database,
        media_root=str(restored_media),
    )

    # Not just counts: the rows themselves came back, with their Vietnamese text.
    with psycopg2.connect(empty_database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT title FROM needs_need WHERE id = %s", [need.pk])
        assert cursor.fetchone() == ("Bể nước cho điểm trường Huổi Lóng",)
        cursor.execute("SELECT COUNT(*), SUM(amount) FROM donations_pledge")
        assert cursor.fetchone() == (Pledge.objects.count(), 750_000)
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        assert cursor.fetchone()[0] > 10
    conn.close()
    assert (restored_media / "contest" / "7" / "thu.pdf").read_bytes() == b"%PDF-1.4 a pupil's letter"


def test_a_restore_that_lost_something_says_so(transactional_db, area, tmp_path, settings, empty_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "photo.jpg").write_bytes(b"photo")
    NeedFactory(school=area.school_a)
    manifest = backup.backup(tmp_path / "backup")
    # The manifest says more rows and another file than the dump holds.
    manifest["tables"]["needs_need"] += 1
    manifest["media"]["gone.jpg"] = "0" * 64
    backup.restore(tmp_path / "backup", database_url=empty_database, media_root=tmp_path / "out")
    result = backup.check(manifest, database_url=empty_database, media_root=tmp_path / "out")
    assert not result.complete
    assert result.table_differences == {"needs_need": (2, 1)}
    assert result.missing_files == ["gone.jpg"]


def test_a_backup_goes_into_an_empty_folder_only(transactional_db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "database.dump").write_bytes(b"yesterday")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "old"))
