from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.lib.control_chars import escape_controls
from meetings.lib.words import counted
from meetings.services.roundtrip import DIFFERENT, IDENTICAL, SKIPPED, WHITESPACE_ONLY, check_paths


class Command(BaseCommand):
    help = "Import each minutes file and export it again (nothing is kept): does every line come back?"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--committee", help="Committee slug or name (default: the archive's top folder).")

    def handle(self, *args, paths, committee, **options):
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(escape_controls(f"No such file or folder: {', '.join(missing)}"))
        checks = check_paths(paths, committee)
        # Paths and lines of the archive are data: a terminal would obey their escape sequences.
        for check in checks:
            self.stdout.write(escape_controls(f"{check.verdict:15} {check.path}"))
            for line in check.details:
                self.stdout.write(escape_controls(f"    {line}"))
        counts = {
            verdict: sum(c.verdict == verdict for c in checks)
            for verdict in (IDENTICAL, WHITESPACE_ONLY, DIFFERENT, SKIPPED)
        }
        self.stdout.write(
            ", ".join(f"{verdict} {count}" for verdict, count in counts.items()) + f" (of {len(checks)} files)"
        )
        if counts[DIFFERENT]:
            raise CommandError(f"{counted(counts[DIFFERENT], 'file does', 'files do')} not come back intact.")
