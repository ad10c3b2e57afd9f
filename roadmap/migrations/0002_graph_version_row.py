from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("roadmap", "GraphVersion").objects.get_or_create(id=1, defaults={"version": 1})


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0001_initial")]
    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
