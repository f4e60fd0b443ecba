from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into a PostgreSQL database and a media folder, then check every table's row "
        "count and every file's hash against the backup's manifest. Fails on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--database-url", required=True, help="the database to restore into (its tables are replaced)"
        )
        parser.add_argument("--media-root", type=Path, required=True, help="where the media files go")

    def handle(self, *args, folder, database_url, media_root, **options):
        try:
            result = backup.restore(Path(folder), database_url=database_url, media_root=Path(media_root))
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        for name, (expected, found) in sorted(result.table_differences.items()):
            self.stderr.write(f"table {name}: {expected} rows in the backup, {found} restored")
        for name in result.missing_files:
            self.stderr.write(f"media file missing: {name}")
        for name in result.changed_files:
            self.stderr.write(f"media file differs: {name}")
        if not result.complete:
            raise CommandError("The restore is incomplete.")
        rows = sum(expected for expected, _found in result.tables.values())
        self.stdout.write(
            self.style.SUCCESS(f"Restored and checked {len(result.tables)} tables ({rows} rows) and the media files.")
        )
