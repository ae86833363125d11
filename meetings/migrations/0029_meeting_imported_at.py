from django.db import migrations, models
from django.db.models import Exists, F, OuterRef


def mark_imported(apps, schema_editor):
    """Imported meetings (those with a source path) came in when their row was made; a file imported without its
    git history was stamped published at that moment, which is when it was imported, not published."""
    Meeting = apps.get_model("meetings", "Meeting")
    Revision = apps.get_model("meetings", "Revision")
    imported = Meeting.objects.exclude(source_path="")
    imported.update(imported_at=F("created_at"))
    from_git = Revision.objects.filter(meeting=OuterRef("pk"), source="git")
    imported.filter(status="published", published_at__isnull=False).exclude(Exists(from_git)).update(
        imported_at=F("published_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0028_live_log_of_every_server"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="imported_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the minutes came in by an import; empty for minutes written here.",
                null=True,
            ),
        ),
        migrations.RunPython(mark_imported, migrations.RunPython.noop),
    ]
