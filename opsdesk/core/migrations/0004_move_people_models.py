"""Departments, positions and employees now belong to the people app (state only: people.0002 renames the tables)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_user_supplier_alter_user_role"),
        ("people", "0001_initial"),
        ("service", "0003_ticket_employee_people"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Employee"),
                migrations.DeleteModel(name="Position"),
                migrations.DeleteModel(name="Department"),
            ],
        ),
    ]
