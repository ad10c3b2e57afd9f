from django.db import migrations, models


class Migration(migrations.Migration):
    """Mastery is reported as two numbers now: the old product becomes retention (recomputed
    by the nightly refresh) beside a new coverage."""

    dependencies = [("progress", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="topicprogress", old_name="mastery", new_name="retention"),
        migrations.AddField(
            model_name="topicprogress", name="coverage", field=models.FloatField(default=0.0)
        ),
    ]
