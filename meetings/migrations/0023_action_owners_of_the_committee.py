"""Actions whose @owner named a user of another committee (or of none) no longer belong to that user.

The rows' sync now resolves an owner among the committee's chairs, leads and co-leads only
(services/action_rows.py); this applies the same rule to the rows made before it.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import Q


def forget_owners_from_elsewhere(apps, schema_editor):
    ActionItem = apps.get_model("meetings", "ActionItem")
    Committee = apps.get_model("meetings", "Committee")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    owned = ActionItem.objects.filter(owner_user__isnull=False)
    for committee in Committee.objects.filter(pk__in=owned.values("committee")):
        people = User.objects.filter(
            Q(chaired_committees=committee) | Q(led_teams__committee=committee) | Q(co_led_teams__committee=committee)
        ).values("pk")
        owned.filter(committee=committee).exclude(owner_user__in=people).update(owner_user=None)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0022_mirror_working_copy_by_site"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forget_owners_from_elsewhere, migrations.RunPython.noop),
    ]
