"""Projects: a template scheduled from a start date, a move that carries the dependents, the critical path and
baseline slippage, cost that never counts a unit twice, the scope rule, the inbox, tasks raised from elsewhere,
the cost import, KPIs and the demo."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from opsdesk.projects import kpis, selectors, services
from opsdesk.projects.inbox import PROVIDER
from opsdesk.projects.models import BudgetLine, CostEntry, Dependency, Project, ProjectPurchaseOrder, Task
from opsdesk.purchasing.tests.factories import make_order, make_supplier

START = date(2026, 11, 2)


@pytest.fixture
def coo(org):
    return org.users["coo"]


@pytest.fixture
def templates(org):
    services.projects_seed(org.company)
    return {template.code: template for template in org.company.project_templates.all()}


def _project(org, code="P1", *, store="a1", region=None, company_wide=False, **extra) -> Project:
    store_row = None if (region or company_wide) else org.stores[store]
    return Project.objects.create(company=org.company, code=code, name=f"项目 {code}", store=store_row,
                                  region=region or (store_row.region if store_row else None), start_date=START,
                                  **extra)


def _chain(project: Project) -> list[Task]:
    """A(3 days) -> B(2, lag 1) -> D(4); A -> C(5) -> D; D -> M (milestone, lag 2): the engine's textbook case."""
    rows = [("A", 0, 3), ("B", 4, 2), ("C", 3, 5), ("D", 8, 4), ("M", 14, 0)]
    tasks = [Task.objects.create(project=project, name=name, start_date=START + timedelta(days=offset),
                                 finish_date=START + timedelta(days=offset + max(duration - 1, 0)),
                                 is_milestone=duration == 0, position=index)
             for index, (name, offset, duration) in enumerate(rows)]
    for predecessor, successor, lag in ((0, 1, 1), (0, 2, 0), (1, 3, 0), (2, 3, 0), (3, 4, 2)):
        Dependency.objects.create(predecessor=tasks[predecessor], successor=tasks[successor], lag_days=lag)
    return tasks


def _dates(project):
    return {task.name: (task.start_date, task.finish_date) for task in project.tasks.all()}


# ------------------------------------------------------------------------------------------------ schedule


def test_a_store_opening_from_the_template_is_scheduled_through_its_dependencies(org, coo, templates):
    # when
    project = services.project_create_from_template(
        actor=coo, template=templates["STORE_OPENING"],
        data={"code": "OPEN-1", "name": "新店开业", "store": org.stores["a1"], "start_date": START})
    # then: 40 tasks, ten and a half weeks, every dependency holds, the baseline is the plan
    tasks = {task.template_code: task for task in project.tasks.all()}
    assert len(tasks) == 40
    assert project.kind == "store_opening"
    assert tasks["SITE"].start_date == START
    assert (tasks["LEASE"].start_date, tasks["LEASE"].is_milestone) == (START + timedelta(days=12), True)
    assert tasks["FIT_OUT"].start_date == START + timedelta(days=28)  # design ends day 20, review 8 days
    assert tasks["GRAND_OPEN"].start_date == START + timedelta(days=70)
    assert project.target_date == START + timedelta(days=72)
    for link in Dependency.objects.filter(successor__project=project).select_related("predecessor", "successor"):
        end = link.predecessor.start_date + timedelta(days=link.predecessor.duration_days)
        assert link.successor.start_date >= end + timedelta(days=link.lag_days)
    assert all(task.baseline_finish == task.finish_date for task in tasks.values())
    schedule = selectors.project_schedule(project, today=START)
    critical = {row.task.template_code for row in schedule.rows if row.is_critical}
    assert critical == {"SITE", "LEASE_NEG", "LEASE", "ORG", "HIRE_MGR", "HIRE_STAFF", "CONTRACTS", "TRAIN", "MERCH",
                        "FOOD_CHECK", "SOFT_OPEN", "SOFT_REVIEW", "GRAND_OPEN", "HANDOVER"}
    assert schedule.slippage == 0


def test_moving_a_task_moves_its_dependents_and_the_critical_path_follows(org, coo):
    # given
    project = _project(org)
    a, b, c, d, m = _chain(project)
    schedule = selectors.project_schedule(project, today=START)
    assert schedule.critical_ids == [a.pk, c.pk, d.pk, m.pk]
    services.baseline_take(actor=coo, project=project)
    # when B (2 days of float) is dragged 4 days later
    moved = services.task_move(actor=coo, task=b, start_date=START + timedelta(days=8))
    # then B, D and M move (D two days: it waits for B now, no longer for C); A and C stay
    assert sorted(task.name for task in moved) == ["B", "D", "M"]
    dates = _dates(project)
    assert dates["B"] == (START + timedelta(days=8), START + timedelta(days=9))
    assert dates["D"] == (START + timedelta(days=10), START + timedelta(days=13))
    assert dates["M"] == (START + timedelta(days=16), START + timedelta(days=16))
    assert dates["C"] == (START + timedelta(days=3), START + timedelta(days=7))
    # and the critical path runs through B now (A and C have 2 days of float)
    schedule = selectors.project_schedule(project, today=START)
    assert schedule.critical_ids == [b.pk, d.pk, m.pk]
    assert {row.task.name: row.total_float for row in schedule.rows} == {"A": 2, "C": 2, "B": 0, "D": 0, "M": 0}
    assert {row.task.name: row.slippage for row in schedule.rows} == {"A": 0, "C": 0, "B": 4, "D": 2, "M": 2}
    assert schedule.slippage == 2


def test_a_task_dragged_before_its_predecessor_is_clamped(org, coo):
    project = _project(org)
    _a, _b, _c, d, _m = _chain(project)
    services.task_move(actor=coo, task=d, start_date=START)
    assert _dates(project)["D"] == (START + timedelta(days=8), START + timedelta(days=11))


def test_a_new_dependency_pushes_the_successor(org, coo):
    project = _project(org)
    first = Task.objects.create(project=project, name="X", start_date=START, finish_date=START + timedelta(days=4))
    second = Task.objects.create(project=project, name="Y", start_date=START, finish_date=START + timedelta(days=1))
    services.dependency_create(actor=coo, data={"predecessor": first, "successor": second, "lag_days": 2})
    second.refresh_from_db()
    assert (second.start_date, second.finish_date) == (START + timedelta(days=7), START + timedelta(days=8))


def test_the_move_endpoint_answers_the_new_schedule(org, client, coo):
    project = _project(org)
    a, _b, _c, d, m = _chain(project)
    client.force_login(coo)
    response = client.post(reverse("projects:task_move", args=[a.pk]),
                           {"start_date": "2026-11-04", "finish_date": "2026-11-06"},
                           headers={"X-Requested-With": "fetch", "Accept": "application/json"})
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["moved"]) == sorted(task.pk for task in project.tasks.all())
    assert body["critical"][-1] == m.pk
    assert {row["id"]: row["start"] for row in body["tasks"]}[str(d.pk)] == "2026-11-12"


def test_milestone_at_risk_when_a_critical_predecessor_is_late(org):
    project = _project(org, status="active")
    a, _b, _c, _d, m = _chain(project)
    # given today is day 5: A (critical) should have ended on day 2 and is 0% done
    schedule = selectors.project_schedule(project, today=START + timedelta(days=5))
    # then A's 3 days run from today (ends day 7): C to day 12, D days 13-16, M day 19 (5 days late)
    rows = {row.task.name: row for row in schedule.rows}
    assert rows["A"].is_late is True
    assert rows["M"].forecast_finish == START + timedelta(days=19)
    assert [row.task.pk for row in schedule.milestones_at_risk()] == [m.pk]
    # and the inbox names the late task and the milestone
    now = timezone.make_aware(datetime.combine(START + timedelta(days=5), datetime.min.time()))
    items = PROVIDER.items_for_user(org.users["store_manager"], now)
    assert sorted(item.key for item in items) == sorted([f"task:{a.pk}", f"milestone:{m.pk}"])
    assert PROVIDER.item_for_user(org.users["store_manager"], f"milestone:{m.pk}", now).key == f"milestone:{m.pk}"
    assert PROVIDER.items_for_user(org.users["staff"], now) == []


# ------------------------------------------------------------------------------------------------ cost


def test_cost_never_counts_a_unit_twice(org):
    # given: budget 1000 for equipment, 500 for stock; a manual cost of 100
    project = _project(org)
    BudgetLine.objects.create(project=project, category="equipment", amount=Decimal("1000"))
    BudgetLine.objects.create(project=project, category="stock", amount=Decimal("500"))
    CostEntry.objects.create(project=project, category="equipment", date=START, amount=Decimal("100"))
    store, supplier = org.stores["a1"], make_supplier(org.company)
    # a sent order 10 x 5.00 received in part (4): 20 actual, 30 committed
    partly = make_order(store, supplier, status="partly_received", quantity="10", unit_price="5.00")
    partly.lines.update(received_quantity=Decimal("4"))
    # a received order 20 x 10.00: 200 actual; a draft 100 x 1.00: nothing; a cancelled one received 2 of 6 x 3.00
    received = make_order(store, supplier, status="received", quantity="20", unit_price="10.00")
    received.lines.update(received_quantity=Decimal("20"))
    draft = make_order(store, supplier, status="draft", quantity="100", unit_price="1.00")
    cancelled = make_order(store, supplier, status="cancelled", quantity="6", unit_price="3.00")
    cancelled.lines.update(received_quantity=Decimal("2"))
    sent = make_order(store, supplier, status="sent", quantity="8", unit_price="25.00")
    for order, category in ((partly, "equipment"), (received, "equipment"), (draft, "equipment"),
                            (cancelled, "stock"), (sent, "stock")):
        ProjectPurchaseOrder.objects.create(project=project, purchase_order=order, category=category)
    # when
    lines, total = selectors.project_costs(project)
    # then
    by_category = {line.category: (line.budget, line.actual, line.committed, line.remaining, line.forecast)
                   for line in lines}
    assert by_category == {
        "equipment": (Decimal("1000"), Decimal("320.00"), Decimal("30.00"), Decimal("650.00"), Decimal("1000.00")),
        "stock": (Decimal("500"), Decimal("6.00"), Decimal("200.00"), Decimal("294.00"), Decimal("500.00")),
    }
    assert (total.budget, total.actual, total.committed, total.forecast) == (
        Decimal("1500"), Decimal("326.00"), Decimal("230.00"), Decimal("1500.00"))
    # and receiving the rest moves the 30 from committed to actual, never both
    partly.lines.update(received_quantity=Decimal("10"))
    partly.status = "received"
    partly.save()
    lines, _total = selectors.project_costs(project)
    equipment = next(line for line in lines if line.category == "equipment")
    assert (equipment.actual, equipment.committed) == (Decimal("350.00"), Decimal("0.00"))


def test_estimate_to_complete_overrides_the_remaining_budget(org):
    project = _project(org)
    BudgetLine.objects.create(project=project, category="fit_out", amount=Decimal("1000"),
                              estimate_to_complete=Decimal("1200"))
    CostEntry.objects.create(project=project, category="fit_out", date=START, amount=Decimal("300"))
    lines, total = selectors.project_costs(project)
    assert (lines[0].forecast, lines[0].variance) == (Decimal("1500"), Decimal("-500"))
    assert total.forecast == Decimal("1500")


def test_the_cost_import_books_each_reference_once(org, coo):
    from types import SimpleNamespace

    project = _project(org, code="OPEN-9")
    writer = services.ProjectCostWriter(SimpleNamespace(company_id=org.company.pk, created_by=coo))
    record = {"project": "OPEN-9", "reference": "INV-1", "date": START, "category": "装修工程", "amount": 1234.5,
              "description": "水电改造"}
    assert services.cost_import_check(record) is None
    assert services.cost_import_check({**record, "project": "NOPE"}) == ("project", "未知项目编号")
    assert services.cost_import_check({**record, "category": "??"}) == ("category", "未知费用类别")
    first = writer.write([record])
    second = writer.write([dict(record)])
    changed = writer.write([{**record, "amount": 1300}])
    assert (first.inserted, second.unchanged, changed.updated) == (1, 1, 1)
    entry = CostEntry.objects.get(project=project)
    assert (entry.category, entry.amount, entry.source) == ("fit_out", Decimal("1300.00"), "import")


# ------------------------------------------------------------------------------------------------ scope


def test_a_store_manager_sees_only_their_stores_projects(org):
    # given a project of each kind of scope
    mine = _project(org, "S-A1", store="a1")
    other_store = _project(org, "S-B1", store="b1")
    region = _project(org, "R-A", region=org.region_a)
    company = _project(org, "C-1", company_wide=True)
    # then
    visible = {role: set(Project.objects.for_user(org.users[role]).values_list("code", flat=True))
               for role in ("store_manager", "supervisor", "regional_manager", "coo", "staff")}
    assert visible["store_manager"] == {mine.code}
    assert visible["supervisor"] == {mine.code}
    assert visible["regional_manager"] == {mine.code, region.code}
    assert visible["coo"] == {mine.code, other_store.code, region.code, company.code}
    assert visible["staff"] == set()


def test_an_out_of_scope_project_reads_as_absent(org, client):
    project = _project(org, "S-B1", store="b1")
    client.force_login(org.users["store_manager"])
    assert client.get(reverse("projects:project_gantt", args=[project.pk])).status_code == 404
    assert client.get(f"/api/v1/projects/projects/{project.pk}/schedule/").status_code == 404


# ------------------------------------------------------------------------------------------------ tasks from elsewhere


def test_tasks_from_a_corrective_action_a_risk_action_and_a_meeting(org, client):
    from opsdesk.risks.models import Risk, RiskAction, RiskCategory
    from opsdesk.storeops.models import CorrectiveAction

    manager = org.users["store_manager"]
    project = _project(org)
    action = CorrectiveAction.objects.create(store=org.stores["a1"], title="冷柜温度异常整改",
                                             due_date=START + timedelta(days=5))
    hidden = CorrectiveAction.objects.create(store=org.stores["b1"], title="他店整改", due_date=START)
    category = RiskCategory.objects.create(company=org.company, code="OPS", name_zh="运营", name_en="Ops")
    risk = Risk.objects.create(company=org.company, store=org.stores["a1"], region=org.region_a, code="R1",
                               title="冷链断链", category=category)
    response_action = RiskAction.objects.create(risk=risk, title="加装温度报警", due_date=START)
    client.force_login(manager)
    url = reverse("projects:task_from_source")
    # the form starts from the source
    page = client.get(url, {"kind": "corrective_action", "pk": action.pk})
    assert page.status_code == 200
    assert "冷柜温度异常整改" in page.content.decode()
    assert client.get(url, {"kind": "corrective_action", "pk": hidden.pk}).status_code == 404
    # when
    dates = {"project": project.pk, "start_date": "2026-11-03", "finish_date": "2026-11-06"}
    for query, name in ((f"?kind=corrective_action&pk={action.pk}", ""),
                        (f"?kind=risk_action&pk={response_action.pk}", ""), ("?kind=meeting", "会议决议：增开收银台")):
        assert client.post(url + query, {**dates, "name": name}).status_code == 302
    # then
    assert sorted(project.tasks.values_list("name", "source")) == sorted([
        ("冷柜温度异常整改", f"整改措施 #{action.pk}"), ("加装温度报警", f"风险应对行动 #{response_action.pk}"),
        ("会议决议：增开收银台", "会议决议")])
    with pytest.raises(PermissionDenied):
        services.task_create_from_source(actor=manager, project=project, kind="corrective_action", source=None,
                                         start_date=START, finish_date=START)


# ------------------------------------------------------------------------------------------------ status, KPIs, demo


def test_a_status_update_sets_the_projects_health(org, coo):
    project = _project(org)
    services.status_update_create(actor=coo, data={"project": project, "week_of": START, "health": "off_track",
                                                   "reason": "装修延期", "note": "施工队未按期进场"})
    project.refresh_from_db()
    assert (project.health, project.health_reason) == ("off_track", "装修延期")
    assert project.status_updates.get().author == coo


def test_kpis_on_time_share_and_milestones_overdue(org):
    from opsdesk.core.extensions import KpiScope

    scope = KpiScope(company_id=org.company.pk)
    on_time = _project(org, "K1", status="done", target_date=START + timedelta(days=10))
    late = _project(org, "K2", status="done", target_date=START + timedelta(days=3))
    for project in (on_time, late):
        Task.objects.create(project=project, name="t", start_date=START, finish_date=START + timedelta(days=5),
                            status="done")
    active = _project(org, "K3", status="active")
    Task.objects.create(project=active, name="里程碑", start_date=START, finish_date=START, is_milestone=True)
    period = (START, START + timedelta(days=30))
    assert kpis.on_time_share(scope, period) == 50.0
    assert kpis.milestones_overdue(scope, period) == 1.0
    assert kpis.milestones_overdue(KpiScope(company_id=org.company.pk, store_ids=(org.stores["b1"].pk,)), period) == 0


def test_the_demo_builds_an_opening_in_progress_and_two_improvements(org):
    from opsdesk.projects.demo import LATE_TASK, demo_builder

    end = date(2026, 11, 30)
    counts = demo_builder(org.company, end_date=end, seed=7)
    assert counts == {"projects": 3, "tasks": 58}
    opening = Project.objects.get(company=org.company, code="P-OPEN-01")
    tasks = {task.template_code: task for task in opening.tasks.all()}
    assert tasks[LATE_TASK].status == "doing"
    assert tasks["SITE"].status == "done"
    late = selectors.overdue_tasks_for_user(org.users["coo"], today=end)
    assert [task.template_code for task in late.filter(project=opening)] == [LATE_TASK]
    assert opening.health == "at_risk"
    assert Project.objects.filter(company=org.company, kind__in=["remodel", "process"]).count() == 2


def test_the_api_schedule_and_move(org, client):
    # given
    manager = org.users["store_manager"]
    project = _project(org)
    a, b, c, d, m = _chain(project)
    client.force_login(manager)
    # when
    schedule = client.get(f"/api/v1/projects/projects/{project.pk}/schedule/").json()
    critical = client.get(f"/api/v1/projects/projects/{project.pk}/critical-path/").json()
    moved = client.post(f"/api/v1/projects/tasks/{b.pk}/move/", {"start_date": "2026-11-10"},
                        content_type="application/json")
    # then
    assert critical == schedule["critical_path"] == [a.pk, c.pk, d.pk, m.pk]
    assert {row["name"]: row["total_float"] for row in schedule["tasks"]} == {"A": 0, "B": 2, "C": 0, "D": 0, "M": 0}
    assert moved.status_code == 200
    assert moved.json() == {"moved": [b.pk, d.pk, m.pk], "critical_path": [b.pk, d.pk, m.pk]}
    gantt = client.get(f"/api/v1/projects/projects/{project.pk}/gantt/").json()
    assert {row["name"]: row["custom_class"].removesuffix("-late") for row in gantt} == {
        "A": "pj", "C": "pj", "B": "pj-critical", "D": "pj-critical", "M": "pj-critical-milestone"}


def test_the_kanban_moves_a_task_between_columns(org, client):
    project = _project(org)
    task = Task.objects.create(project=project, name="测量", start_date=START, finish_date=START)
    client.force_login(org.users["store_manager"])
    response = client.post(reverse("projects:task_status", args=[task.pk]), {"status": "done"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="kanban-board"' in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.progress) == ("done", 100)
    assert client.post(reverse("projects:task_status", args=[task.pk]), {"status": "nope"}).status_code == 422
