from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastingConfig(AppConfig):
    name = "opsdesk.forecasting"
    label = "forecasting"
    verbose_name = _("需求预测")

    def ready(self) -> None:
        from opsdesk.core.choices import RoleChoices as R
        from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
        from opsdesk.core.permissions import ADD, CHANGE, VIEW, register_area

        run = frozenset({VIEW, ADD, CHANGE})
        register_area(
            "forecasting",
            {
                R.ADMIN: run,
                R.COO: run,
                R.REGIONAL_MANAGER: run,
                R.SUPERVISOR: run,
                R.STORE_MANAGER: frozenset({VIEW}),
                R.STAFF: frozenset({VIEW}),
                R.AUDITOR: frozenset({VIEW}),
            },
        )
        register_group(
            MenuGroup(
                _("预测"),
                [
                    MenuItem(_("预测运行"), "forecasting:run_list", "forecasting"),
                    MenuItem(_("门店预测"), "forecasting:store_list", "forecasting"),
                ],
            )
        )
        from opsdesk.core import scheduler
        from opsdesk.forecasting import jobs

        scheduler.register("forecast_nightly", hour=2, minute=0, enqueue=jobs.enqueue_nightly_forecast)
