from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.lib.words import counted
from meetings.services.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Load an archive written by `backup` into an empty, migrated database (and the media storage), "
        "all in one transaction; a damaged, unsafe or foreign archive, one not signed with this site's key "
        "(PMC_BACKUP_KEY, SECRET_KEY, SECRET_KEY_FALLBACKS), or a database with data, is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive `backup` wrote.")

    def handle(self, *args, archive: Path, **options):
        try:
            summary = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {archive}: {counted(summary.rows, 'row')} and {counted(summary.files, 'uploaded file')}."
        )
