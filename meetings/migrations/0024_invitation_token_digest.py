"""Invitation links: keep the SHA-256 of each token, never the token (issue 25).

Links already e-mailed keep working: the digest of the token they carry is the
one stored. Their nonce stays empty, so such a link cannot be made again; an
e-mail still owed (its task failed) gets a new link when it is retried.
"""

import hashlib
import secrets

from django.db import migrations, models


def keep_digests(apps, schema_editor):
    Invitation = apps.get_model("meetings", "Invitation")
    for invitation in Invitation.objects.only("pk", "token").iterator():
        invitation.digest = hashlib.sha256(invitation.token.encode()).hexdigest()
        invitation.save(update_fields=["digest"])


def new_tokens(apps, schema_editor):
    # Back to stored tokens: the hashed ones cannot be recovered, so pending links stop working (invite again).
    Invitation = apps.get_model("meetings", "Invitation")
    for invitation in Invitation.objects.only("pk").iterator():
        invitation.token = secrets.token_urlsafe(32)
        invitation.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0023_action_owners_of_the_committee"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="digest",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="nonce",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        # Nullable first, so that going back re-adds the column to a table with rows, then refills it.
        migrations.AlterField(
            model_name="invitation",
            name="token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(keep_digests, new_tokens),
        migrations.RemoveField(
            model_name="invitation",
            name="token",
        ),
        migrations.AlterField(
            model_name="invitation",
            name="digest",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
