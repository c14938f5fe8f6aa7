"""Drills come round by themselves: each store plan has its next drill scheduled when the last one is done (its
cadence after the drill was held) or when none is scheduled; never twice; company templates are not drilled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from opsdesk.core import scheduler
from opsdesk.risks import services
from opsdesk.risks.models import Drill, EmergencyPlan

TODAY = date(2026, 11, 30)


@pytest.fixture
def plans(org):
    template = EmergencyPlan.objects.create(company=org.company, scenario="fire", title="火灾应急预案",
                                            steps="拉响警报\nEvacuate", drill_every_days=90)
    a1, a2 = services.plan_copy_to_stores(actor=org.users["supervisor"], plan=template,
                                          stores=[org.stores["a1"], org.stores["a2"]])
    return template, a1, a2


def test_a_never_drilled_store_plan_gets_its_first_drill_within_the_notice_period(plans):
    # given
    template, a1, a2 = plans
    # when
    scheduled = services.drills_schedule_all(today=TODAY)
    again = services.drills_schedule_all(today=TODAY)
    # then: one drill per store copy, 30 days ahead; none for the template; the second night adds nothing
    assert sorted((drill.plan_id, drill.scheduled_for) for drill in scheduled) == [
        (a1.pk, TODAY + timedelta(days=30)), (a2.pk, TODAY + timedelta(days=30))]
    assert again == []
    assert Drill.objects.count() == 2
    assert not Drill.objects.filter(plan=template).exists()


@time_machine.travel(datetime(2026, 11, 30, 1, tzinfo=UTC), tick=False)
def test_after_a_done_drill_the_next_comes_one_cadence_after_the_day_it_was_held(org, plans):
    # given: a1 held its drill on 2026-10-01 (its checklist completed then), a2 has one scheduled
    from opsdesk.storeops.models import InspectionRun

    _template, a1, a2 = plans
    manager = org.users["store_manager"]
    drill = Drill.objects.create(company=org.company, store=a1.store, plan=a1, scheduled_for=date(2026, 9, 28))
    started = services.drill_start(actor=manager, drill=drill)
    InspectionRun.objects.filter(pk=started.run_id).update(status="completed",
                                                           completed_at=datetime(2026, 10, 1, 2, tzinfo=UTC))
    Drill.objects.create(company=org.company, store=a2.store, plan=a2, scheduled_for=date(2026, 12, 20))
    # when: the drill is closed (which schedules a1's next at once), then the nightly job runs
    services.drill_complete(actor=manager, drill=started, participants=12)
    nightly = services.drills_schedule_all(today=TODAY)
    # then: a1's next is 2026-10-01 + 90 days; a2 keeps its scheduled drill; the job finds nothing left to do
    assert list(Drill.objects.filter(plan=a1, status="scheduled").values_list("scheduled_for", flat=True)) == [
        date(2026, 12, 30)]
    assert Drill.objects.filter(plan=a2).count() == 1
    assert nightly == []


def test_a_long_overdue_cadence_schedules_the_drill_for_today_not_in_the_past(org, plans):
    # given
    _template, a1, _a2 = plans
    Drill.objects.create(company=org.company, store=a1.store, plan=a1, scheduled_for=date(2025, 1, 10),
                         status="done")
    # when
    drill = services.drill_schedule_next(plan=a1, today=TODAY)
    # then
    assert drill.scheduled_for == TODAY


def test_a_drill_open_against_the_company_template_counts_for_the_store(org, plans):
    # given: a1's drill was scheduled on the template itself
    template, a1, _a2 = plans
    Drill.objects.create(company=org.company, store=a1.store, plan=template, scheduled_for=date(2026, 12, 5))
    # when / then
    assert services.drill_schedule_next(plan=a1, today=TODAY) is None


def test_a_plan_without_a_cadence_is_not_scheduled(plans):
    _template, a1, _a2 = plans
    EmergencyPlan.objects.filter(pk=a1.pk).update(drill_every_days=0)
    a1.refresh_from_db()
    assert services.drill_schedule_next(plan=a1, today=TODAY) is None


def test_the_drill_scheduling_runs_nightly():
    job = scheduler.jobs()["risks_drills_nightly"]
    assert (job.hour, job.minute) == (5, 45)


def test_the_drills_overdue_tile_counts_the_store_managers_drills_and_links_the_same_rows(client, org, plans):
    from opsdesk.risks.kpis import cockpit_tiles

    # given: a1's drill is overdue, a2's is not in the store manager's scope, a1's next one is ahead
    _template, a1, a2 = plans
    late = Drill.objects.create(company=org.company, store=a1.store, plan=a1, scheduled_for=TODAY - timedelta(5))
    Drill.objects.create(company=org.company, store=a2.store, plan=a2, scheduled_for=TODAY - timedelta(5))
    Drill.objects.create(company=org.company, store=a1.store, plan=a1, scheduled_for=TODAY + timedelta(5))
    manager = org.users["store_manager"]
    # when
    tiles = {tile["label"]: tile for tile in cockpit_tiles(manager, TODAY)}
    client.force_login(manager)
    listed = client.get(tiles["逾期未开展的演练"]["url"]).context["table"].data.data
    # then
    assert tiles["逾期未开展的演练"]["value"] == "1"
    assert [drill.pk for drill in listed] == [late.pk]
    # staff see incidents and drills, not the register
    assert [tile["label"] for tile in cockpit_tiles(org.users["staff"], TODAY)] == ["未关闭事件", "逾期未开展的演练"]
