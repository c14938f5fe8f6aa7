"""Departments, positions and employees move from core to people: the tables stay as they are (state only);
0002 renames them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("core", "0003_user_supplier_alter_user_role"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=32, verbose_name='编码')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='core.company', verbose_name='公司')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='people.department', verbose_name='上级部门')),
                    ],
                    options={
                        'db_table': 'core_department',
                        'verbose_name': '部门',
                        'verbose_name_plural': '部门',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='Position',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=32, verbose_name='编码')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('level', models.PositiveSmallIntegerField(verbose_name='职级')),
                        ('track', models.CharField(default='operations', max_length=50, verbose_name='序列')),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='positions', to='core.company', verbose_name='公司')),
                        ('next_position', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.position', verbose_name='晋升至')),
                    ],
                    options={
                        'db_table': 'core_position',
                        'verbose_name': '职位',
                        'verbose_name_plural': '职位',
                        'ordering': ['track', 'level'],
                    },
                ),
                migrations.CreateModel(
                    name='Employee',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('employee_no', models.CharField(max_length=32, verbose_name='工号')),
                        ('name', models.CharField(max_length=100, verbose_name='姓名')),
                        ('hire_date', models.DateField(blank=True, null=True, verbose_name='入职日期')),
                        ('status', models.CharField(choices=[('active', '在职'), ('on_leave', '休假'), ('left', '离职')], default='active', max_length=20, verbose_name='状态')),
                        ('phone', models.CharField(blank=True, max_length=30, verbose_name='电话')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='邮箱')),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='employees', to='core.company', verbose_name='公司')),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='employees', to='people.department', verbose_name='部门')),
                        ('user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='employee', to=settings.AUTH_USER_MODEL, verbose_name='账号')),
                        ('position', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='employees', to='people.position', verbose_name='职位')),
                        ('store', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='employees', to='core.store', verbose_name='门店')),
                    ],
                    options={
                        'db_table': 'core_employee',
                        'verbose_name': '员工',
                        'verbose_name_plural': '员工',
                        'ordering': ['employee_no'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='department',
                    constraint=models.UniqueConstraint(fields=('company', 'code'), name='department_unique_code'),
                ),
                migrations.AddConstraint(
                    model_name='position',
                    constraint=models.UniqueConstraint(fields=('company', 'code'), name='position_unique_code'),
                ),
                migrations.AddConstraint(
                    model_name='employee',
                    constraint=models.UniqueConstraint(fields=('company', 'employee_no'), name='employee_unique_no'),
                ),
            ],
        ),
    ]
