from django.core.management.base import BaseCommand, CommandError

from meetings.lib.words import counted
from meetings.services.reminders import DEFAULT_DAYS, due_meetings, send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each lead who owes an empty backlog section in a draft meeting within --days days, "
        "once per meeting. Safe to run every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Meetings up to this many days ahead (default {DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be reminded; send and record nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        reminders = send_reminders(due_meetings(days), dry_run=dry_run)
        for reminder in reminders:
            if dry_run:
                self.stdout.write(f"Would remind {reminder.describe()}")
            elif reminder.sent:
                self.stdout.write(f"Reminded {reminder.describe()}")
            else:
                self.stderr.write(f"Failed to remind {reminder.describe()}: {reminder.error}")
        sent = sum(reminder.sent for reminder in reminders)
        if dry_run:
            self.stdout.write(
                f"{counted(len(reminders), 'reminder')} would be sent (dry run: nothing sent or recorded)."
            )
        else:
            self.stdout.write(f"{counted(sent, 'reminder')} sent.")
