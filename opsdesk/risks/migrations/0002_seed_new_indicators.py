"""Existing companies get the preloaded KRIs of KPIs registered since their set-up (budget variance, data age,
failed forecast runs, overdue milestones, supplier OTIF); a new company gets them from `risks_seed`."""

from django.db import migrations


def seed(apps, schema_editor):
    from opsdesk.risks.services import seed_indicators

    settings = apps.get_model("risks", "RiskSettings")
    indicator = apps.get_model("risks", "KeyRiskIndicator")
    for company_id in settings.objects.values_list("company_id", flat=True):
        seed_indicators(company_id, indicator_model=indicator)


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
