"""Permission-matrix declarations of the projects app (see core/testing/matrix.py).

Projects and everything under them are store projects of store a1 (in scope) or `org.store_for(user, False)` (out of
scope); templates are company master data: company A or company B.
"""

from __future__ import annotations

from datetime import date

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.projects import services, specs
from opsdesk.projects.models import (
    AREA,
    BudgetLine,
    CostEntry,
    Dependency,
    Project,
    ProjectPurchaseOrder,
    ProjectTemplate,
    StatusUpdate,
    Task,
    TemplateTask,
)

_counter = {"n": 0}
START = date(2026, 12, 1)


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _project(org, user, in_scope) -> Project:
    store = org.store_for(user, in_scope)
    return Project.objects.create(company=store.company, store=store, region=store.region, code=f"P{_next()}",
                                  name="收银排队改进", start_date=START)


def _project_data(org, user, project):
    return {"code": project.code if project else f"PN{_next()}", "name": "矩阵项目", "kind": "process",
            "region": "", "store": org.stores["a1"].pk, "owner": "", "start_date": "2026-12-01",
            "target_date": "2026-12-31", "status": "active", "health": "at_risk", "health_reason": "人手不足",
            "objectives": "", "description": "", "team": []}


def _task(org, user, in_scope) -> Task:
    return Task.objects.create(project=_project(org, user, in_scope), name="测量排队时间", start_date=START,
                               finish_date=date(2026, 12, 3))


def _task_data(org, user, task):
    project = task.project if task else _project(org, user, True)
    return {"project": project.pk, "name": "测量排队时间", "assignee": "", "start_date": "2026-12-02",
            "finish_date": "2026-12-04", "is_milestone": "", "estimate_hours": "4", "progress": "20",
            "status": "doing"}


def _dependency(org, user, in_scope) -> Dependency:
    first = _task(org, user, in_scope)
    second = Task.objects.create(project=first.project, name="分析", start_date=date(2026, 12, 4),
                                 finish_date=date(2026, 12, 5))
    return Dependency.objects.create(predecessor=first, successor=second)


def _dependency_data(org, user, dependency):
    if dependency is None:
        dependency = _dependency(org, user, True)
        pair = (Task.objects.create(project=dependency.successor.project, name="方案", start_date=START,
                                    finish_date=START), dependency.successor)
    else:
        pair = (dependency.predecessor, dependency.successor)
    return {"predecessor": pair[0].pk, "successor": pair[1].pk, "lag_days": "2"}


def _status_update(org, user, in_scope) -> StatusUpdate:
    return StatusUpdate.objects.create(project=_project(org, user, in_scope), week_of=START, note="进展顺利")


def _status_update_data(org, user, update):
    project = update.project if update else _project(org, user, True)
    return {"project": project.pk, "week_of": "2026-12-07", "health": "on_track", "reason": "", "note": "本周完成测量"}


def _budget_line(org, user, in_scope) -> BudgetLine:
    return BudgetLine.objects.create(project=_project(org, user, in_scope), category="equipment", amount=30000)


def _budget_line_data(org, user, line):
    project = line.project if line else _project(org, user, True)
    return {"project": project.pk, "category": "equipment", "amount": "32000", "estimate_to_complete": ""}


def _cost_entry(org, user, in_scope) -> CostEntry:
    return CostEntry.objects.create(project=_project(org, user, in_scope), category="equipment", date=START,
                                    amount=1200)


def _cost_entry_data(org, user, entry):
    project = entry.project if entry else _project(org, user, True)
    return {"project": project.pk, "category": "equipment", "date": "2026-12-02", "amount": "1500",
            "description": "叫号屏", "reference": ""}


def _order(store):
    from opsdesk.purchasing.tests.factories import make_order, make_supplier

    return make_order(store, make_supplier(store.company))


def _purchase_order_link(org, user, in_scope) -> ProjectPurchaseOrder:
    project = _project(org, user, in_scope)
    return ProjectPurchaseOrder.objects.create(project=project, purchase_order=_order(project.store))


def _purchase_order_link_data(org, user, link):
    project = link.project if link else _project(org, user, True)
    order = link.purchase_order if link else _order(project.store)
    return {"project": project.pk, "purchase_order": order.pk, "category": "equipment"}


def _purchase_order_link_api(org, user, link):
    data = _purchase_order_link_data(org, user, link)
    return {"project_id": data["project"], "purchase_order_id": data["purchase_order"], "category": "equipment"}


def _company_for(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _template(org, user, in_scope) -> ProjectTemplate:
    return ProjectTemplate.objects.create(company=_company_for(org, user, in_scope), code=f"T{_next()}",
                                          name="门店改造", kind="remodel")


def _template_data(org, user, template):
    return {"code": template.code if template else f"TN{_next()}", "name": "门店改造", "kind": "remodel",
            "description": ""}


def _template_task(org, user, in_scope) -> TemplateTask:
    return TemplateTask.objects.create(template=_template(org, user, in_scope), code="SURVEY", name="勘查",
                                       duration_days=3)


def _template_task_data(org, user, task):
    template = task.template if task else _template(org, user, True)
    return {"template": template.pk, "code": task.code if task else f"C{_next()}", "name": "勘查",
            "duration_days": "3", "predecessors": "", "estimate_hours": "8", "position": "1"}


def _from_template_data(org, user, obj):
    services.projects_seed(org.company)
    template = ProjectTemplate.objects.get(company=org.company, code="PROMOTION")
    return {"template": template.pk, "code": f"PT{_next()}", "name": "圣诞促销", "store": org.stores["a1"].pk,
            "region": "", "owner": "", "start_date": "2026-12-01", "objectives": ""}


def _from_meeting_data(org, user, obj):
    return {"kind": "meeting", "project": _project(org, user, True).pk, "name": "会议决议：增开高峰收银台",
            "start_date": "2026-12-02", "finish_date": "2026-12-03"}


API = "/api/v1/projects"

ROUTES = [
    *spec_routes(specs.project, _project, _project_data),
    *spec_routes(specs.task, _task, _task_data),
    *spec_routes(specs.dependency, _dependency, _dependency_data),
    *spec_routes(specs.status_update, _status_update, _status_update_data),
    *spec_routes(specs.budget_line, _budget_line, _budget_line_data),
    *spec_routes(specs.cost_entry, _cost_entry, _cost_entry_data),
    *spec_routes(specs.purchase_order_link, _purchase_order_link, _purchase_order_link_data,
                api_data=_purchase_order_link_api),
    *spec_routes(specs.template, _template, _template_data),
    *spec_routes(specs.template_task, _template_task, _template_task_data),
    Route("projects:project_gantt", "detail", area=AREA, make_object=_project),
    Route("projects:project_kanban", "detail", area=AREA, make_object=_project),
    Route("projects:project_baseline", "action", area=AREA, action="change", make_object=_project,
          post_data=lambda org, user, obj: {}),
    Route("projects:task_move", "action", area=AREA, action="change", make_object=_task,
          post_data=lambda org, user, obj: {"start_date": "2026-12-05", "finish_date": "2026-12-08"}),
    Route("projects:task_status", "action", area=AREA, action="change", make_object=_task,
          post_data=lambda org, user, obj: {"status": "done"}),
    Route("projects:project_from_template", "add", area=AREA, post_data=_from_template_data, model=Project),
    Route("projects:task_from_source", "add", area=AREA, post_data=_from_meeting_data, model=Task),
    Route(f"GET {API}/projects/{{project_id}}/schedule/", "api-detail", area=AREA, make_object=_project),
    Route(f"GET {API}/projects/{{project_id}}/critical-path/", "api-detail", area=AREA, make_object=_project),
    Route(f"GET {API}/projects/{{project_id}}/gantt/", "api-detail", area=AREA, make_object=_project),
    Route(f"POST {API}/tasks/{{task_id}}/move/", "api-write", area=AREA, action="change", make_object=_task,
          post_data=lambda org, user, obj: {"start_date": "2026-12-05"}),
]
