"""A run holds a lease through its heartbeat: a worker killed mid-run (kill -9) leaves a run that the next request,
the nightly job or the worker's start-up sweep fails and retries once; a live run is returned as before."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django_tasks import default_task_backend

from opsdesk import cli
from opsdesk.core.models import Company
from opsdesk.forecasting import jobs as forecasting_jobs
from opsdesk.forecasting.models import ForecastRun
from opsdesk.forecasting.services import forecast_run_request, forecast_runs_recover
from opsdesk.replenishment import jobs as replenishment_jobs
from opsdesk.replenishment.models import PlanRun
from opsdesk.replenishment.services import plan_run_request

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai


@pytest.fixture
def company():
    return Company.objects.create(code="L1", name="租约测试")


@pytest.fixture
def queue(settings):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    return default_task_backend


def _running(model, company, *, beat_minutes_ago: float, **fields):
    beat = NOON - timedelta(minutes=beat_minutes_ago)
    return model.objects.create(company=company, status="running", started_at=beat - timedelta(minutes=1),
                                heartbeat_at=beat, progress=40, **fields)


def _enqueued(queue, task) -> list:
    return [result.args for result in queue.results if result.task.name == task.name]


@time_machine.travel(NOON, tick=False)
def test_a_run_without_heartbeat_is_failed_and_retried_exactly_once(company, queue,
                                                                     django_capture_on_commit_callbacks):
    # given: the worker was killed 11 minutes into a run (the timeout is 10 minutes)
    dead = _running(ForecastRun, company, beat_minutes_ago=11, kind="manual", horizon=35)

    # when: "run now" is pressed twice, then the nightly job asks too
    with django_capture_on_commit_callbacks(execute=True):
        first = forecast_run_request(actor=None, company=company)
    with django_capture_on_commit_callbacks(execute=True):
        second = forecast_run_request(actor=None, company=company)
    with django_capture_on_commit_callbacks(execute=True):
        forecasting_jobs.enqueue_nightly_forecast()

    # then: the stuck run says why it failed; one retry with its parameters is queued and returned every time
    dead.refresh_from_db()
    assert dead.status == "failed"
    assert dead.error == "工作进程已停止（自 2026-03-02 11:49:00 CST 起无心跳）"
    assert dead.finished_at == NOON
    assert first.pk == second.pk != dead.pk
    assert (first.retry_of_id, first.status, first.horizon, first.kind) == (dead.pk, "queued", 35, "manual")
    assert ForecastRun.objects.filter(company=company).count() == 2
    assert _enqueued(queue, forecasting_jobs.execute_forecast_run) == [[first.pk]]


@time_machine.travel(NOON, tick=False)
def test_a_live_run_is_returned_as_before(company, queue, django_capture_on_commit_callbacks):
    # given: a run that beat 9 minutes ago (within the timeout)
    live = _running(ForecastRun, company, beat_minutes_ago=9)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        returned = forecast_run_request(actor=None, company=company)
        retries = forecast_runs_recover()

    # then: nothing changed, nothing queued
    live.refresh_from_db()
    assert returned.pk == live.pk
    assert retries == []
    assert (live.status, live.error, live.finished_at) == ("running", "", None)
    assert ForecastRun.objects.filter(company=company).count() == 1
    assert queue.results == []


@override_settings(RUN_HEARTBEAT_TIMEOUT=120)
@time_machine.travel(NOON, tick=False)
def test_the_timeout_is_a_setting(company, queue, django_capture_on_commit_callbacks):
    # given: a run silent for 3 minutes while the timeout is 2
    dead = _running(ForecastRun, company, beat_minutes_ago=3)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        retries = forecast_runs_recover(company=company)

    # then
    assert [run.retry_of_id for run in retries] == [dead.pk]
    assert ForecastRun.objects.get(pk=dead.pk).status == "failed"


@time_machine.travel(NOON, tick=False)
def test_worker_start_sweep_retries_once_and_a_dead_retry_is_only_failed(company, queue,
                                                                         django_capture_on_commit_callbacks):
    # given: a dead forecast and a dead plan
    forecast = _running(ForecastRun, company, beat_minutes_ago=30)
    plan = _running(PlanRun, company, beat_minutes_ago=30, params={"review_days": 3})

    # when: the worker starts (twice: a restart loop must not multiply retries)
    with django_capture_on_commit_callbacks(execute=True):
        cli._recover_runs()
    with django_capture_on_commit_callbacks(execute=True):
        cli._recover_runs()

    # then: one retry each, queued once
    forecast_retry = ForecastRun.objects.get(retry_of=forecast)
    plan_retry = PlanRun.objects.get(retry_of=plan)
    assert plan_retry.params == {"review_days": 3}
    assert _enqueued(queue, forecasting_jobs.execute_forecast_run) == [[forecast_retry.pk]]
    assert _enqueued(queue, replenishment_jobs.execute_plan_run) == [[plan_retry.pk]]

    # when: the retry dies as well
    ForecastRun.objects.filter(pk=forecast_retry.pk).update(status="running", heartbeat_at=NOON - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        retries = forecast_runs_recover()

    # then: it is failed and not retried again
    assert retries == []
    assert ForecastRun.objects.get(pk=forecast_retry.pk).status == "failed"
    assert ForecastRun.objects.filter(company=company).count() == 2


@time_machine.travel(NOON, tick=False)
def test_a_stuck_plan_is_replaced_when_a_plan_is_asked_for(company, queue, django_capture_on_commit_callbacks):
    # given
    dead = _running(PlanRun, company, beat_minutes_ago=15, kind="nightly")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = plan_run_request(actor=None, company=company, kind="nightly")

    # then
    assert run.retry_of_id == dead.pk
    assert PlanRun.objects.get(pk=dead.pk).status == "failed"
    assert _enqueued(queue, replenishment_jobs.execute_plan_run) == [[run.pk]]


@time_machine.travel(NOON, tick=False)
def test_a_plan_does_not_wait_for_a_dead_forecast(company, queue, django_capture_on_commit_callbacks):
    # given: tonight's forecast died; the nightly plan is queued behind it
    dead = _running(ForecastRun, company, beat_minutes_ago=20)
    plan = PlanRun.objects.create(company=company, kind="nightly")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        replenishment_jobs.execute_plan_run.call(plan.pk)

    # then: the dead forecast is failed, its retry queued, and the plan waits for the retry
    retry = ForecastRun.objects.get(retry_of=dead)
    assert ForecastRun.objects.get(pk=dead.pk).status == "failed"
    assert _enqueued(queue, forecasting_jobs.execute_forecast_run) == [[retry.pk]]
    assert _enqueued(queue, replenishment_jobs.execute_plan_run) == [[plan.pk, 1]]


def test_progress_writes_the_heartbeat(company, queue):
    # given
    run = ForecastRun.objects.create(company=company)

    # when: a company without stores forecasts nothing but reports progress
    with time_machine.travel(NOON, tick=False):
        from opsdesk.forecasting.services import forecast_run_execute

        forecast_run_execute(run.pk)

    # then
    run.refresh_from_db()
    assert (run.status, run.heartbeat_at, run.started_at) == ("done", NOON, NOON)


@time_machine.travel(NOON, tick=False)
def test_run_now_on_a_stuck_run_shows_why_it_failed_and_follows_the_retry(company, queue, client,
                                                                          django_capture_on_commit_callbacks):
    # given: a stuck run, and the COO at the runs page
    from opsdesk.forecasting.tests.factories import make_user

    dead = _running(ForecastRun, company, beat_minutes_ago=45)
    client.force_login(make_user(company, "coo", company_scope=True))

    # when: "run now"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/forecasting/runs/new/")

    # then: the user follows the retry; the dead run's page says the worker stopped
    retry = ForecastRun.objects.get(retry_of=dead)
    assert response.status_code == 302
    assert response["Location"] == retry.get_absolute_url()
    page = client.get(dead.get_absolute_url()).content.decode()
    assert "工作进程已停止（自 2026-03-02 11:15:00 CST 起无心跳）" in page
    assert "失败" in page
    assert _enqueued(queue, forecasting_jobs.execute_forecast_run) == [[retry.pk]]
