from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "opsdesk.imports"
    label = "imports"
    verbose_name = _("数据导入")

    def ready(self) -> None:
        from opsdesk.core import scheduler
        from opsdesk.core.audit import register
        from opsdesk.core.choices import RoleChoices as R
        from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
        from opsdesk.core.permissions import ALL, READ, WRITE, register_area
        from opsdesk.imports import jobs
        from opsdesk.imports.models import MappingProfile

        # Who may import: facts in their scope for managers and supervisors; master data only admin and COO.
        register_area(
            "imports",
            {
                R.ADMIN: ALL,
                R.COO: ALL,
                R.REGIONAL_MANAGER: WRITE,
                R.SUPERVISOR: WRITE,
                R.STORE_MANAGER: WRITE,
                R.AUDITOR: READ,
                # HR imports its HR system's export (the kind's own rule); it may not import facts or masters.
                R.HR: WRITE,
            },
        )
        register_area("imports_master", {R.ADMIN: ALL, R.COO: ALL})
        register(MappingProfile)
        register_group(
            MenuGroup(
                _("数据导入"),
                [
                    MenuItem(_("导入批次"), "imports:batch_list", "imports"),
                    MenuItem(_("新建导入"), "imports:batch_new", "imports", "add"),
                    MenuItem(_("映射方案"), "imports:profile_list", "imports"),
                ],
            )
        )
        # Retention: stored files of refused, failed and abandoned batches (IMPORT_RETENTION_DAYS, default 30).
        scheduler.register("imports_retention", hour=3, minute=30, enqueue=jobs.purge_expired_import_files.enqueue)
