from django.core.management.base import BaseCommand

from meetings.services.search_index import rebuild_index


class Command(BaseCommand):
    help = "Index every meeting for search again (after an upgrade or a database restore)."

    def handle(self, *args, **options):
        self.stdout.write(f"Indexed {rebuild_index()} meeting(s).")
