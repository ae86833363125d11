from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.exporting import export_meetings
from meetings.models import Meeting


class Command(BaseCommand):
    help = "Write meetings as Markdown in the archive layout: DIR/<Committee>/<YYYY>/<YYYY-MM-DD>-<committee>.md."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="Folder to write the archive into.")
        parser.add_argument("--committee", help="Only this committee (slug).")
        parser.add_argument("--date", help="Only the meeting of this date (YYYY-MM-DD); needs --committee.")

    def handle(self, *args, out, committee, date, **options):
        meetings = Meeting.objects.all()
        if committee:
            meetings = meetings.filter(committee__slug=committee)
        if date:
            if not committee:
                raise CommandError("--date needs --committee.")
            meetings = meetings.filter(date=date)
        if not meetings.exists():
            raise CommandError("No meeting matches; nothing written.")
        written = export_meetings(meetings.order_by("committee__name", "date"), out)
        self.stdout.write(f"Wrote {len(written)} file(s) under {out}.")
