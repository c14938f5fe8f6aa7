"""The goals of the demo company: the seed's four quarterly goals (Q1 sales +10 % on last year, Q2 customer
satisfaction 90 %, Q3 two new products launched, Q4 four staff trainings held), set for the year of the demo's last
day so that they can be measured against its data (a year after it would have no data yet). The sales goal is
cascaded to the regions by last year's share and on to the stores; every goal is measured weekly through its
period (up to the demo's last day), so the goal pages have a progress chart.

The company's work plan for that year holds the four goals, a measure per area (linked to the demo's projects,
training plan and risk register where they exist), its resources, and is submitted by the COO and approved by the
administrator (version 1)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from opsdesk.core.extensions import kpis
from opsdesk.core.models import User
from opsdesk.goals import services
from opsdesk.goals.choices import LevelChoices, PlanStatusChoices, SplitMethodChoices, TargetKindChoices
from opsdesk.goals.models import Goal, PlanMeasure, PlanResource, WorkPlan, period_bounds

# (quarter, title, KPI code, target kind, value)
SEED_GOALS = (
    (1, "一季度销售额较去年同期增长 10%", "sales_revenue", TargetKindChoices.RELATIVE, 10.0),
    (2, "二季度顾客满意度达到 90%", "service_csat", TargetKindChoices.ABSOLUTE, 90.0),
    (3, "三季度上市 2 个新品", "sales_launched_products", TargetKindChoices.ABSOLUTE, 2.0),
    (4, "四季度开展 4 场员工培训", "people_trainings_held", TargetKindChoices.ABSOLUTE, 4.0),
)


def _measure_weekly(goal: Goal, end_date: date) -> int:
    """Measure the goal every 7 days from its period's first week up to min(period end, end_date), and on that day."""
    last = min(goal.period_end, end_date)
    days = []
    day = goal.period_start + timedelta(days=6)
    while day < last:
        days.append(day)
        day += timedelta(days=7)
    days.append(last)
    for day in days:
        services.goal_measure(goal, day)
    return len(days)


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """The demo's goals (registered with core.demo.extensions)."""
    definitions = kpis()
    coo = User.objects.filter(company=company, role="coo").order_by("username").first()
    year = end_date.year
    goals, measurements = 0, 0
    with transaction.atomic():
        for quarter, title, code, kind, value in SEED_GOALS:
            if code not in definitions:
                continue
            start, _end = period_bounds("quarter", date(year, 3 * quarter - 2, 1))
            goal = Goal(company=company, title=title, kpi_code=code, period_kind="quarter", period_start=start,
                        target_kind=kind, is_published_to_stores=True, owner=coo)
            if kind == TargetKindChoices.RELATIVE:
                goal.relative_percent = value
            else:
                goal.target_value = value
            try:
                goal.full_clean()
            except Exception:  # no data last year at this scale: fall back to the target as typed
                goal.target_kind, goal.target_value, goal.relative_percent = TargetKindChoices.ABSOLUTE, value, None
                goal.full_clean()
            goal.save()
            goals += 1
            family = [goal]
            if code == "sales_revenue" and coo is not None:
                regions = services.goal_cascade(actor=coo, goal=goal, level=LevelChoices.REGION,
                                                method=SplitMethodChoices.SHARE)
                family += regions
                for region_goal in regions:
                    family += services.goal_cascade(actor=coo, goal=region_goal, level=LevelChoices.STORE,
                                                    method=SplitMethodChoices.SHARE)
                goals += len(family) - 1
            if start <= end_date:
                for member in family:
                    measurements += _measure_weekly(member, end_date)
        plan = _work_plan(company, year, coo)
    return {"goals": goals, "measurements": measurements, "work_plans": 1,
            "plan_measures": plan.measures.count(), "plan_resources": plan.resources.count()}


def _links(company, year: int) -> dict:
    """The demo's rows a measure or resource can point at (None where the module holds none)."""
    from opsdesk.budgets.models import BudgetLine
    from opsdesk.people.models import TrainingPlan
    from opsdesk.projects.models import Project
    from opsdesk.risks.models import Risk

    projects = Project.objects.filter(company=company).order_by("code")
    risk = Risk.objects.filter(company=company, store__isnull=True, region__isnull=True, status="open").order_by(
        "-residual_score", "code").first()
    return {
        "store_project": projects.filter(kind__in=("store_opening", "remodel")).first(),
        "process_project": projects.filter(kind="process").first() or projects.first(),
        "training_plan": TrainingPlan.objects.filter(company=company, year=year).order_by("-quarter", "pk").first(),
        "risk": risk,
        "risk_action": risk.actions.order_by("due_date", "pk").first() if risk else None,
        "budget_line": BudgetLine.objects.filter(company=company, store__isnull=True).order_by("pk").first(),
    }


# (area, title, description, quarters, {field: link name})
PLAN_MEASURES = (
    ("store", "门店陈列与促销执行标准化", "一季度完成陈列标准与促销检查表，支撑销售额同比增长 10%", "1,2",
     {"project": "store_project"}),
    ("people", "全年开展 4 场员工培训", "四季度前完成服务礼仪、收银、食品安全、新品知识培训", "3,4",
     {"training_plan": "training_plan"}),
    ("process", "新品上市流程", "三季度上市 2 个新品：选品、试销、陈列、复盘", "2,3", {"project": "process_project"}),
    ("service", "顾客满意度提升到 90%", "投诉 24 小时内回复，每月回访，季度满意度调查", "1,2,3,4",
     {"risk": "risk", "risk_action": "risk_action"}),
)
# (kind, description, amount, budget line)
PLAN_RESOURCES = (
    ("training", "培训讲师与教材", "48000.00", False),
    ("tools", "陈列检查表与移动巡店工具", "30000.00", False),
    ("budget", "促销与新品上市费用", "120000.00", True),
)


def _work_plan(company, year: int, coo) -> WorkPlan:
    """The company's approved work plan for the year (see the module docstring)."""
    links = _links(company, year)
    plan = WorkPlan.objects.create(company=company, year=year, title=f"{year} 年度工作计划", owner=coo,
                                   summary="围绕四个季度目标：销售增长、顾客满意度、新品上市和员工培训。")
    for area, title, description, quarters, names in PLAN_MEASURES:
        PlanMeasure.objects.create(plan=plan, area=area, title=title, description=description, owner=coo,
                                   quarters=quarters, **{field: links[name] for field, name in names.items()})
    for kind, description, amount, with_line in PLAN_RESOURCES:
        PlanResource.objects.create(plan=plan, kind=kind, description=description, amount=amount,
                                    budget_line=links["budget_line"] if with_line else None)
    admin = User.objects.filter(company=company, role="admin", is_active=True).order_by("username").first()
    if coo is not None and admin is not None:
        services.plan_submit(actor=coo, plan=plan)
        services.plan_approve(actor=admin, plan=plan, comment="同意")
        plan.refresh_from_db()
    else:  # no second company-wide approver in this company: recorded as approved as it stands
        plan.status = PlanStatusChoices.APPROVED
        plan.save(update_fields=["status"])
    return plan
