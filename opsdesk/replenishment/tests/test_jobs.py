"""The nightly plan waits for a forecast of its company that is still running."""

import pytest
from django.test import override_settings
from django_tasks import default_task_backend

from opsdesk.core.models import Company
from opsdesk.forecasting.models import ForecastRun
from opsdesk.replenishment import jobs
from opsdesk.replenishment.models import PlanRun

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@override_settings(TASKS=DUMMY)
def test_plan_is_deferred_while_the_forecast_runs_and_proceeds_after():
    # given: tonight's forecast is still running
    company = Company.objects.create(code="J1", name="作业测试")
    forecast = ForecastRun.objects.create(company=company, status="running")
    run = PlanRun.objects.create(company=company, kind="nightly")
    default_task_backend.clear()

    # when
    jobs.execute_plan_run.call(run.pk)

    # then: re-queued five minutes later, the plan itself untouched
    assert len(default_task_backend.results) == 1
    deferred = default_task_backend.results[0]
    assert deferred.args == [run.pk, 1]
    assert deferred.task.run_after is not None
    assert PlanRun.objects.get(pk=run.pk).status == "queued"

    # when: the forecast has finished
    forecast.status = "done"
    forecast.save()
    jobs.execute_plan_run.call(run.pk, 1)

    # then: the plan ran (a company without stores plans nothing, but it finishes)
    assert PlanRun.objects.get(pk=run.pk).status == "done"
    assert len(default_task_backend.results) == 1
