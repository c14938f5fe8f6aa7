"""Audit entries written before personal fields were masked may hold an employee's phone in clear: mask them the
way the trail masks them now (phone 138****5678, ID 3101**********1234, anything else ***)."""

import json

from django.db import migrations

PERSONAL_FIELDS = ("phone", "id_number", "address", "salary_band")


def _mask(value):
    if value in (None, "", "None"):
        return value
    text = str(value)
    digits = text.replace(" ", "")
    if digits.isdigit() and 8 <= len(digits) <= 13:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    if len(digits) in (15, 18) and digits[:-1].isdigit():
        return f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"
    return "***"


def mask_entries(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    log_entry = apps.get_model("auditlog", "LogEntry")
    kinds = content_type.objects.filter(app_label="people", model="employee")
    for entry in log_entry.objects.filter(content_type__in=kinds).iterator():
        changes = entry.changes
        if isinstance(changes, str):
            try:
                changes = json.loads(changes)
            except ValueError:
                continue
        if not isinstance(changes, dict) or not any(name in changes for name in PERSONAL_FIELDS):
            continue
        for name in PERSONAL_FIELDS:
            if isinstance(changes.get(name), list):
                changes[name] = [_mask(value) for value in changes[name]]
        entry.changes = changes if not isinstance(entry.changes, str) else json.dumps(changes, ensure_ascii=False)
        entry.save(update_fields=["changes"])


class Migration(migrations.Migration):

    dependencies = [
        ("auditlog", "__latest__"),
        ("people", "0004_people_domain"),
    ]

    operations = [migrations.RunPython(mask_entries, migrations.RunPython.noop)]
