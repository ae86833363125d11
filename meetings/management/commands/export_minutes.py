from datetime import date as Date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.lib.words import counted
from meetings.models import Meeting
from meetings.services.exporting import export_meetings


class Command(BaseCommand):
    help = "Write meetings as Markdown in the archive layout: DIR/<Committee>/<YYYY>/<YYYY-MM-DD>-<committee>.md."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="Folder to write the archive into.")
        parser.add_argument("--committee", help="Only this committee (slug).")
        parser.add_argument("--date", help="Only the meeting of this date (YYYY-MM-DD); needs --committee.")
        parser.add_argument("--drafts", action="store_true", help="Also write draft meetings (not yet public).")

    def handle(self, *args, out, committee, date, drafts, **options):
        meetings = Meeting.objects.all() if drafts else Meeting.objects.published()
        if committee:
            meetings = meetings.filter(committee__slug=committee)
        if date:
            if not committee:
                raise CommandError("--date needs --committee.")
            try:
                meetings = meetings.filter(date=Date.fromisoformat(date))
            except ValueError:
                raise CommandError(f"--date {date!r} is not a date; expected YYYY-MM-DD, e.g. 2018-06-12.") from None
        if not meetings.exists():
            raise CommandError("No meeting matches; nothing written." + ("" if drafts else " (Drafts need --drafts.)"))
        written = export_meetings(meetings.order_by("committee__name", "date"), out_dir=out)
        self.stdout.write(f"Wrote {counted(len(written), 'file')} under {out}.")
