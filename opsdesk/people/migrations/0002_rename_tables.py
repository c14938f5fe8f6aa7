"""The moved tables take the people app's names, and their content types follow (audit history stays attached)."""

from django.db import migrations

MODELS = ("department", "position", "employee")


def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label="people", model=model).exists():
            content_type.objects.filter(app_label="core", model=model).update(app_label="people")


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label="core", model=model).exists():
            content_type.objects.filter(app_label="people", model=model).update(app_label="core")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_move_people_models"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="department", table=None),
        migrations.AlterModelTable(name="position", table=None),
        migrations.AlterModelTable(name="employee", table=None),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
