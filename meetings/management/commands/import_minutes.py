import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.lib.control_chars import escape_controls
from meetings.lib.words import counted
from meetings.services.git_history import GitHistoryError, import_history
from meetings.services.importing import Outcome, import_paths


class Command(BaseCommand):
    help = (
        "Import minutes files (Markdown) of the archive: files, or every .md file under folders; "
        "or, with --git, the history of a git repository of them, each change a revision."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)
        parser.add_argument("--committee", help="Committee slug or name (default: the archive's top folder).")
        parser.add_argument("--draft", action="store_true", help="Import new meetings as drafts, not published.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--git", metavar="REPO", help="Replay the history of a git repository (a path, a bundle or a URL)."
        )
        parser.add_argument(
            "--since",
            metavar="REV",
            help="With --git: replay the commits after this one (default: after the last run).",
        )
        parser.add_argument(
            "--authors",
            metavar="FILE",
            type=Path,
            help="With --git: a mailmap file matching commit authors to accounts.",
        )

    def handle(self, *args, paths, committee, draft, dry_run, **options):
        if options["git"]:
            if paths or draft:
                raise CommandError(
                    "--git takes no files and no --draft: the repository's files are imported, published."
                )
            return self._git(options["git"], committee, dry_run, options)
        if options["since"] or options["authors"]:
            raise CommandError("--since and --authors go with --git REPO.")
        if not paths:
            raise CommandError("Name the files or folders to import, or a repository with --git REPO.")
        # A link to nothing is not missing: the import names it and refuses it as a link.
        missing = [str(path) for path in paths if not path.exists() and not path.is_symlink()]
        if missing:
            raise CommandError(escape_controls(f"No such file or folder: {', '.join(missing)}"))
        results = import_paths(paths, committee, draft=draft, dry_run=dry_run)
        # Failures, skips and warnings always; in a dry run also what would change.
        refusals = {Outcome.FAILED, Outcome.REFUSED}
        shown = refusals | {Outcome.SKIPPED} | ({Outcome.IMPORTED, Outcome.UPDATED} if dry_run else set())
        for result in results:
            if options["verbosity"] > 1 or result.warnings or result.outcome in shown:
                self._say(str(result), error=result.outcome in refusals)
        counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in Outcome}
        summary = ", ".join(f"{outcome} {count}" for outcome, count in counts.items())
        self.stdout.write(("Dry run: " if dry_run else "") + summary)
        if options["verbosity"] > 1:  # bench/imports.py reads this line
            self.stdout.write(f"self-check: {sum(r.check_seconds for r in results):.3f} s")
        refused = counts[Outcome.FAILED] + counts[Outcome.REFUSED]
        if refused:
            raise CommandError(
                f"{counted(refused, 'file')} failed to import or {'was' if refused == 1 else 'were'} refused; "
                "see above."
            )

    def _git(self, repository, committee, dry_run, options):
        try:
            replay = import_history(
                repository,
                committee=committee,
                since=options["since"],
                authors=options["authors"],
                dry_run=dry_run,
                progress=self._progress(options["verbosity"]),
            )
        except GitHistoryError as error:
            raise CommandError(escape_controls(str(error))) from error
        for event in replay.events:
            self._say(str(event), error=event.is_problem)
        if options["verbosity"] > 1:
            for name in sorted(replay.authors_unmatched):
                self._say(f"unmatched author: {name}")
        self.stdout.write(("Dry run, nothing written: " if dry_run else "") + replay.summary())
        # A version refused in the middle of a file's history is reported; the run fails only when
        # a file's latest version could not be imported, leaving its meeting behind the repository.
        if replay.unsettled:
            raise CommandError(
                f"the latest version of {counted(len(replay.unsettled), 'file')} failed to import or was refused: "
                f"{escape_controls(', '.join(sorted(replay.unsettled)))}; see above."
            )

    def _say(self, text: str, *, error: bool = False) -> None:
        """A line of output whose data (paths, names, messages, lines quoted) may hold anything: a terminal
        obeys ESC sequences, a carriage return redraws the line, so each control character is printed escaped."""
        text = escape_controls(text)
        self.stdout.write(self.style.ERROR(text) if error else text)

    def _progress(self, verbosity: int):
        """A line redrawn in place on a terminal; elsewhere a line every 100 commits."""
        if verbosity == 0:
            return None
        terminal = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()

        def show(done: int, total: int) -> None:
            if terminal:
                self.stdout.write(f"\rcommits {done}/{total}", ending="\n" if done == total else "")
                self.stdout.flush()
            elif done % 100 == 0 or done == total:
                self.stdout.write(f"commits {done}/{total}")

        return show
