"""The projects part of the demo company: the templates, a new store opening in progress (from the 新店开业
template, five weeks in: the work before the demo's last day done, the signage permit late), a fresh-food remodel
from the 门店改造 template and a checkout-queue process improvement; budgets by category, cost entries, weekly
status notes, and the company's purchase orders of the opening's region tagged to the opening where the demo has
any. All in Chinese."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from opsdesk.core.models import Store, User
from opsdesk.engine import schedule as engine
from opsdesk.projects import services
from opsdesk.projects.choices import CostCategoryChoices as C
from opsdesk.projects.choices import HealthChoices, ProjectStatusChoices, TaskStatusChoices
from opsdesk.projects.models import (
    BudgetLine,
    CostEntry,
    Dependency,
    Project,
    ProjectPurchaseOrder,
    ProjectTemplate,
    StatusUpdate,
    Task,
)

OPENING_BUDGET = ((C.RENT, 300_000), (C.LICENCES, 15_000), (C.FIT_OUT, 450_000), (C.EQUIPMENT, 280_000),
                  (C.STAFFING, 60_000), (C.TRAINING, 20_000), (C.STOCK, 150_000), (C.MARKETING, 40_000))
LATE_TASK = "SIGN_PERMIT"
# (name, duration days, predecessors by index with lag)
QUEUE_TASKS = (("收银高峰客流与等待时间测量", 7, ()), ("排队原因分析", 3, ((0, 0),)),
               ("自助收银试点方案", 5, ((1, 0),)), ("高峰排班调整", 3, ((1, 2),)),
               ("试点运行", 14, ((2, 0), (3, 0))), ("试点评估与推广决定", 0, ((4, 0),)))


def _instantiate(template: ProjectTemplate, project: Project) -> dict[str, Task]:
    """The template's tasks scheduled from the project's start, baseline taken."""
    tasks = services.instantiate_template(project, services.template_offsets(template))
    for task in tasks.values():
        task.baseline_start, task.baseline_finish = task.start_date, task.finish_date
    return tasks


def _progress(tasks, today: date, owner, *, late: str = "") -> None:
    """Work before today done, work spanning today in progress (by elapsed share), one task late."""
    for task in tasks.values():
        if task.template_code == late:
            task.status, task.progress = TaskStatusChoices.DOING, 60
        elif task.finish_date < today:
            task.status, task.progress = TaskStatusChoices.DONE, 100
        elif task.start_date <= today:
            elapsed = (today - task.start_date).days + 1
            task.status, task.progress = TaskStatusChoices.DOING, min(90, elapsed * 100 // max(task.duration_days, 1))
        task.assignee = owner
        task.save()


def _weekly_notes(project: Project, today: date, author, notes: list[tuple[str, str, str]]) -> None:
    for weeks_ago, (health, reason, note) in zip(range(len(notes), 0, -1), notes, strict=True):
        week = today - timedelta(days=today.weekday() + 7 * (weeks_ago - 1))
        StatusUpdate.objects.create(project=project, week_of=week, health=health, reason=reason, note=note,
                                    author=author)
    project.health, project.health_reason = notes[-1][0], notes[-1][1]
    project.save()


def _opening(company, stores, owner, today: date) -> tuple[Project, int]:
    template = ProjectTemplate.objects.get(company=company, code="STORE_OPENING")
    region = stores[0].region
    project = Project.objects.create(
        company=company, code="P-OPEN-01", name=f"新店开业：{region.name}新店", kind="store_opening", region=region,
        owner=owner, start_date=today - timedelta(days=35), status=ProjectStatusChoices.ACTIVE, template=template,
        objectives="十周内开业；首月销售达成 80 万元；开业当月损耗率低于 2%。")
    tasks = _instantiate(template, project)
    project.target_date = max(task.finish_date for task in tasks.values())
    project.save()
    _progress(tasks, today, owner, late=LATE_TASK)
    for category, amount in OPENING_BUDGET:
        BudgetLine.objects.create(project=project, category=category, amount=Decimal(amount))
    CostEntry.objects.create(project=project, category=C.RENT, date=project.start_date + timedelta(days=12),
                             amount=Decimal("150000.00"), description="租赁押金与首期租金", reference="FIN-2001")
    CostEntry.objects.create(project=project, category=C.LICENCES, date=project.start_date + timedelta(days=20),
                             amount=Decimal("6800.00"), description="营业执照与许可证规费", reference="FIN-2002")
    _weekly_notes(project, today, owner, [
        (HealthChoices.ON_TRACK, "", "租约已签订，设计方案进行中。"),
        (HealthChoices.ON_TRACK, "", "营业执照已下发，装修招标完成。"),
        (HealthChoices.AT_RISK, "招牌审批延误",
         "装修施工开始；招牌与户外广告审批仍未下发，已催办，店员招聘按计划进行。"),
    ])
    from opsdesk.purchasing.models import PurchaseOrder

    orders = (PurchaseOrder.objects.filter(company=company, store__region=region)
              .exclude(status__in=["draft", "cancelled"]).order_by("-order_date", "pk")[:2])
    for order, category in zip(orders, (C.STOCK, C.EQUIPMENT), strict=False):
        ProjectPurchaseOrder.objects.create(project=project, purchase_order=order, category=category)
    return project, len(tasks)


def _remodel(company, store, owner, today: date) -> tuple[Project, int]:
    template = ProjectTemplate.objects.get(company=company, code="REMODEL")
    project = Project.objects.create(
        company=company, code="P-REMODEL-01", name=f"门店改造：{store.name}生鲜区", kind="remodel", store=store,
        region=store.region, owner=owner, start_date=today - timedelta(days=10), status=ProjectStatusChoices.ACTIVE,
        template=template, objectives="生鲜区坪效提升 15%。")
    tasks = _instantiate(template, project)
    project.target_date = max(task.finish_date for task in tasks.values())
    project.save()
    _progress(tasks, today, owner)
    BudgetLine.objects.create(project=project, category=C.FIT_OUT, amount=Decimal(120_000))
    BudgetLine.objects.create(project=project, category=C.EQUIPMENT, amount=Decimal(80_000))
    _weekly_notes(project, today, owner, [(HealthChoices.ON_TRACK, "", "方案已审批，施工招标中。")])
    return project, len(tasks)


def _queue(company, store, owner, today: date) -> tuple[Project, int]:
    project = Project.objects.create(
        company=company, code="P-PROC-01", name=f"流程改进：{store.name}收银排队", kind="process", store=store,
        region=store.region, owner=owner, start_date=today - timedelta(days=6), status=ProjectStatusChoices.ACTIVE,
        objectives="高峰时段平均排队时间降至 3 分钟以内。")
    links = [engine.Link(predecessor, index, lag) for index, (_n, _d, predecessors) in enumerate(QUEUE_TASKS)
             for predecessor, lag in predecessors]
    offsets, _finishes = engine.forward_pass([duration for _n, duration, _p in QUEUE_TASKS], links)
    tasks = []
    for index, ((name, duration, _predecessors), offset) in enumerate(zip(QUEUE_TASKS, offsets, strict=True)):
        begin = project.start_date + timedelta(days=offset)
        end = begin if duration == 0 else begin + timedelta(days=duration - 1)
        tasks.append(Task.objects.create(project=project, name=name, start_date=begin, finish_date=end,
                                         is_milestone=duration == 0, position=index, assignee=owner,
                                         baseline_start=begin, baseline_finish=end))
    for index, (_name, _duration, predecessors) in enumerate(QUEUE_TASKS):
        for predecessor, lag in predecessors:
            Dependency.objects.create(predecessor=tasks[predecessor], successor=tasks[index], lag_days=lag)
    project.target_date = max(task.finish_date for task in tasks)
    project.save()
    _progress({str(task.pk): task for task in tasks}, today, owner)
    BudgetLine.objects.create(project=project, category=C.EQUIPMENT, amount=Decimal(30_000))
    return project, len(tasks)


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """The projects of the demo company (registered with core.demo.extensions)."""
    with transaction.atomic():
        services.projects_seed(company)
        stores = list(Store.objects.filter(company=company).select_related("region").order_by("code"))
        if not stores:
            return {"projects": 0, "tasks": 0}
        people = {role: User.objects.filter(company=company, role=role, is_active=True).order_by("username").first()
                  for role in ("supervisor", "regional_manager", "store_manager", "coo")}
        lead = people["regional_manager"] or people["coo"]
        store_manager = people["store_manager"]
        store = stores[0]
        if store_manager is not None:
            store = store_manager.scope_stores.order_by("code").first() or store
        counts = [_opening(company, stores, lead, end_date),
                  _remodel(company, store, people["supervisor"] or lead, end_date),
                  _queue(company, store, store_manager or lead, end_date)]
        return {"projects": len(counts), "tasks": sum(count for _project, count in counts)}
