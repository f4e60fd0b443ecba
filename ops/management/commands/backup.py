from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and every media file into a new folder, "
        "with a manifest of row counts and file hashes that restore_backup checks against."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new or empty folder")
        parser.add_argument("--media-root", type=Path, help="default: MEDIA_ROOT")

    def handle(self, *args, folder, media_root, **options):
        try:
            manifest = backup.backup(Path(folder), media_root=Path(media_root) if media_root else None)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {len(manifest['media'])} media files "
                f"into {folder}"
            )
        )
