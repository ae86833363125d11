import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.lib.words import counted
from meetings.services.backups import write_backup


class Command(BaseCommand):
    help = (
        "Write the whole site (minutes, revisions, roster, accounts, committee settings, uploads) "
        "to one zip archive, read from one consistent snapshot; `restore` loads it into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="The archive to write, e.g. pmc-minutes-2026-12-03.zip.")
        parser.add_argument("--overwrite", action="store_true", help="Replace OUT if it exists.")

    def handle(self, *args, out: Path, overwrite: bool, **options):
        if out.exists() and not overwrite:
            raise CommandError(f"{out} exists; choose another name or pass --overwrite.")
        if not out.parent.is_dir():
            raise CommandError(f"There is no folder {out.parent} to write {out.name} into.")
        # Written beside OUT and renamed at the end: an interrupted backup never leaves a truncated OUT.
        partial = out.with_name(f".{out.name}.partial")
        partial.unlink(missing_ok=True)  # left by a backup killed before it finished
        try:
            summary = write_backup(partial)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Wrote {out}: {counted(summary.rows, 'row')} and {counted(summary.files, 'uploaded file')}.")
