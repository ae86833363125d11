from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from meetings.services.search_index import rebuild_index


class Command(BaseCommand):
    help = "Index every meeting for search again (after an upgrade or a database restore)."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} meeting{pluralize(count)}.")
