"""Store-operations KPIs against hand computations, their scope and None cases.

`ops` is company DEMO (stores a1, a2 in region east, b1 in region south); times are Shanghai wall times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiScope
from opsdesk.core.testing.factories import StoreFactory
from opsdesk.storeops import kpis, services
from opsdesk.storeops.models import CorrectiveAction, InspectionRun
from opsdesk.storeops.tests.conftest import answer_all, items_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
_serial = count(1)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def scope_of(*stores) -> KpiScope:
    return KpiScope(company_id=stores[0].company_id, store_ids=tuple(store.pk for store in stores))


def make_run(store, template, *, score: str | None, completed: datetime | None,
             status: str = "completed") -> InspectionRun:
    """A run written directly (scoring is tested elsewhere): the KPI needs exact scores and times."""
    return InspectionRun.objects.create(store=store, template_version=template.current_version, status=status,
                                        completed_at=completed, score=None if score is None else Decimal(score))


def make_action(store, *, due: date, status: str = "open", done: datetime | None = None) -> CorrectiveAction:
    return CorrectiveAction.objects.create(store=store, title=f"整改 {next(_serial)}", due_date=due, status=status,
                                           done_at=done)


@pytest.fixture
def other_store(ops):
    """A store of another company."""
    return StoreFactory(code="X1", name="外司一店")


# ------------------------------------------------------------------------------------------------ inspection score


def test_inspection_score_averages_the_runs_completed_in_the_period(ops, template, other_store):
    # given: runs of a1 and a2 completed in March (Shanghai days), and runs that must not count
    a1, a2 = ops["a1"], ops["a2"]
    counted = {a1: ["92.5", "80.0", "71.3"], a2: ["60.0"]}
    make_run(a1, template, score="92.5", completed=at(1, 0, 5))  # just after midnight, 1 March
    make_run(a1, template, score="80.0", completed=at(15, 10))
    make_run(a1, template, score="71.3", completed=at(31, 23, 55))
    make_run(a2, template, score="60.0", completed=at(10, 9))
    make_run(a1, template, score="10.0", completed=at(28, 23, 59, month=2))  # February
    make_run(a1, template, score="10.0", completed=at(1, 0, 0, month=4))  # April
    make_run(a1, template, score=None, completed=None, status="in_progress")
    make_run(a1, template, score="10.0", completed=at(12, 9), status="cancelled")
    make_run(ops["b1"], template, score="15.0", completed=at(12, 9))
    make_run(other_store, template, score="5.0", completed=at(12, 9))
    # when
    store = kpis.inspection_score(scope_of(a1), MARCH)
    region = kpis.inspection_score(scope_of(a1, a2), MARCH)
    company = kpis.inspection_score(KpiScope(company_id=ops["company"].pk), MARCH)
    # then: each run counts once (not an average of store averages)
    assert store == pytest.approx(float(sum(Decimal(s) for s in counted[a1]) / 3), abs=1e-9)
    assert region == pytest.approx(float(sum(Decimal(s) for scores in counted.values() for s in scores) / 4),
                                   abs=1e-9) == 75.95
    assert company == pytest.approx((92.5 + 80 + 71.3 + 60 + 15) / 5, abs=1e-9)


def test_inspection_score_reads_the_score_of_a_completed_run(ops, template):
    # given: a run inspected and signed off through the services
    run = services.run_start(actor=ops["supervisor"], store=ops["a1"], template=template)
    answer_all(run, ops["supervisor"], items_of(template), failing=("PF",))
    run = services.run_complete(actor=ops["supervisor"], run=run, signed_by_name="张三")
    today = timezone.localdate()
    # when
    value = kpis.inspection_score(scope_of(ops["a1"]), (today, today))
    # then
    assert value == float(run.score) < 100.0


def test_inspection_score_without_completed_runs_is_none(ops, template):
    make_run(ops["a1"], template, score=None, completed=None, status="scheduled")
    make_run(ops["a2"], template, score="90.0", completed=at(15, 10))
    assert kpis.inspection_score(scope_of(ops["a1"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ actions on time


def test_actions_closed_on_time_counts_the_actions_due_in_the_period(ops, other_store):
    # given: a1's actions due in March (all past due: "today" is after March 2026)
    a1 = ops["a1"]
    actions = [  # (due day, status, done at, on time?)
        (10, "done", at(9, 15), True),
        (10, "verified", at(10, 23, 30), True),  # on the due day, late evening
        (20, "verified", at(21, 0, 30), False),  # half past midnight the next day: 16:30 UTC on the due day
        (20, "done", at(25, 9), False),
        (31, "open", None, False),  # overdue
        (31, "in_progress", None, False),  # overdue
        (15, "done", None, False),  # closed without a done time: cannot show it was on time
    ]
    for day, status, done, _on_time in actions:
        make_action(a1, due=date(2026, 3, day), status=status, done=done)
    make_action(a1, due=date(2026, 2, 28), status="done", done=at(1, 9))  # due in February
    make_action(a1, due=date(2026, 4, 1), status="open")  # due in April
    make_action(ops["b1"], due=date(2026, 3, 10), status="open")
    make_action(other_store, due=date(2026, 3, 10), status="open")
    # when
    value = kpis.actions_closed_on_time_percent(scope_of(a1), MARCH)
    company = kpis.actions_closed_on_time_percent(KpiScope(company_id=ops["company"].pk), MARCH)
    # then
    on_time = sum(1 for *_rest, ok in actions if ok)
    assert value == pytest.approx(on_time * 100 / len(actions), abs=1e-12)
    assert company == pytest.approx(2 * 100 / 8, abs=1e-12)


def test_open_actions_not_yet_due_are_left_out(ops):
    # given: a period reaching past today; one action closed early, one open and not yet due, one overdue
    today = timezone.localdate()
    a1 = ops["a1"]
    now = timezone.now()
    make_action(a1, due=today + timedelta(days=5), status="done", done=now)
    make_action(a1, due=today + timedelta(days=5), status="open")
    make_action(a1, due=today - timedelta(days=1), status="in_progress")
    make_action(a1, due=today, status="open")  # due today: still undecided
    # when
    value = kpis.actions_closed_on_time_percent(scope_of(a1), (today - timedelta(days=10), today + timedelta(days=10)))
    # then: 1 on time of the 2 decided
    assert value == 50.0


def test_actions_closed_on_time_without_decided_actions_is_none(ops):
    make_action(ops["a1"], due=timezone.localdate() + timedelta(days=3), status="open")
    make_action(ops["b1"], due=date(2026, 3, 10), status="open")
    assert kpis.actions_closed_on_time_percent(scope_of(ops["a1"]), (date(2026, 1, 1), date(2030, 12, 31))) is None
    assert kpis.actions_closed_on_time_percent(scope_of(ops["a2"]), MARCH) is None


def test_the_storeops_kpis_are_registered_with_unit_and_direction():
    registered = extensions.kpis()
    assert {code: (registered[code].unit, registered[code].direction) for code in registered
            if code.startswith("storeops_")} == {
        "storeops_inspection_score": ("score", "higher"), "storeops_actions_closed_on_time": ("%", "higher"),
        "storeops_compliance_overdue": ("count", "lower")}
    assert registered["storeops_inspection_score"].measure is kpis.inspection_score


def test_compliance_overdue_counts_items_expired_at_the_period_end_in_scope(ops, other_store):
    # given: a1 has one licence expired on 10 March and one valid to April; a2 one expired; another company's too
    from opsdesk.storeops.models import ComplianceItem

    for store, expiry in ((ops["a1"], date(2026, 3, 10)), (ops["a1"], date(2026, 4, 30)),
                          (ops["a2"], date(2026, 2, 1)), (other_store, date(2026, 1, 1))):
        ComplianceItem.objects.create(store=store, kind="business_licence", name="营业执照", expiry_date=expiry)
    march = (date(2026, 3, 1), date(2026, 3, 31))
    # when / then: independent count per scope; an item expiring on the last day is not yet expired
    assert kpis.compliance_overdue(scope_of(ops["a1"]), march) == 1.0
    assert kpis.compliance_overdue(scope_of(ops["a1"], ops["a2"]), march) == 2.0
    assert kpis.compliance_overdue(scope_of(ops["a1"]), (date(2026, 2, 1), date(2026, 2, 28))) == 0.0
