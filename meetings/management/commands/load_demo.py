from django.core.management.base import BaseCommand

from meetings.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo: the Runtime meeting of 2018-06-12, a draft for 2018-06-26, and demo accounts."

    def handle(self, *args, **options):
        for line in load_demo():
            self.stdout.write(line)
