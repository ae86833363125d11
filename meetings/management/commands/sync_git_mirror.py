from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.template.defaultfilters import pluralize

from meetings.lib.words import counted
from meetings.models import Committee
from meetings.services.mirroring import queue_published, sync_mirror


class Command(BaseCommand):
    help = (
        "Commit to each committee's git mirror the changes of published minutes it does not hold yet, "
        "then push. Safe to run at any time, e.g. from cron; exits non-zero while a mirror still fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--committee", help="Only this committee (its slug).")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every_meeting",
            help="Also every published meeting: commit each whose file in the working copy differs (a new mirror, "
            "or the site's working copies re-created).",
        )

    def handle(self, *args, committee, every_meeting, **options):
        committees = Committee.objects.filter(Q(mirror_remote__gt="") | Q(mirror_syncs__isnull=False)).distinct()
        if committee:
            committees = Committee.objects.filter(slug=committee)
            if not committees:
                raise CommandError(f"No committee with the slug “{committee}”.")
            if not committees[0].has_mirror and not committees[0].mirror_syncs.exists():
                raise CommandError(f"{committees[0]} has no git mirror; set the remote it pushes to in its settings.")
        failed = 0
        for target in committees:
            if every_meeting and target.has_mirror:
                count = queue_published(target)
                self.stdout.write(f"{target}: {count} published meeting{pluralize(count)} to compare")
            result = sync_mirror(target, push=True)
            for line in result.commits:
                self.stdout.write(f"{target}: committed {line}")
            if result.unchanged:
                files = f"{len(result.unchanged)} file{pluralize(len(result.unchanged))}"
                self.stdout.write(f"{target}: {files} already up to date")
            for line in result.dropped:
                self.stdout.write(f"{target}: dropped {line}")
            if result.brought_in:
                self.stdout.write(
                    f"{target}: took in the remote's changes of other committees' files: {', '.join(result.brought_in)}"
                )
            if result.pushed:
                self.stdout.write(f"{target}: pushed to {target.mirror_remote} ({target.mirror_branch})")
            if result.failed:
                failed += 1
                self.stderr.write(
                    self.style.ERROR(f"{target}: failed, {counted(result.pending, 'change')} pending: {result.error}")
                )
            elif not (result.commits or result.unchanged or result.dropped or result.pushed):
                self.stdout.write(f"{target}: nothing to do")
        if failed:
            raise CommandError(
                f"{counted(failed, 'mirror')} failed; the changes stay pending, run it again once fixed."
            )
