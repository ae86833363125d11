from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.services.importing import Outcome, import_paths


class Command(BaseCommand):
    help = "Import minutes files (Markdown) of the archive: files, or every .md file under folders."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--committee", help="Committee slug or name (default: the archive's top folder).")
        parser.add_argument("--draft", action="store_true", help="Import new meetings as drafts, not published.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, paths, committee, draft, dry_run, **options):
        # A link to nothing is not missing: the import names it and refuses it as a link.
        missing = [str(path) for path in paths if not path.exists() and not path.is_symlink()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        results = import_paths(paths, committee, draft=draft, dry_run=dry_run)
        # Failures, skips and warnings always; in a dry run also what would change.
        refusals = {Outcome.FAILED, Outcome.REFUSED}
        shown = refusals | {Outcome.SKIPPED} | ({Outcome.IMPORTED, Outcome.UPDATED} if dry_run else set())
        for result in results:
            style = self.style.ERROR if result.outcome in refusals else (lambda text: text)
            if options["verbosity"] > 1 or result.warnings or result.outcome in shown:
                self.stdout.write(style(str(result)))
        counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in Outcome}
        summary = ", ".join(f"{outcome} {count}" for outcome, count in counts.items())
        self.stdout.write(("Dry run: " if dry_run else "") + summary)
        if options["verbosity"] > 1:  # bench/imports.py reads this line
            self.stdout.write(f"self-check: {sum(r.check_seconds for r in results):.3f} s")
        refused = counts[Outcome.FAILED] + counts[Outcome.REFUSED]
        if refused:
            raise CommandError(f"{refused} file(s) failed to import or were refused; see above.")
