"""Reads of goals: the running goals of a user's scope, goals needing attention, the cascade tree, the league
table of a level and the chart series of one goal; work plans: their goals, risks, content (the frozen snapshot of a
version) and who may approve them."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import translation

from opsdesk.core.choices import RoleChoices
from opsdesk.core.permissions import user_can
from opsdesk.goals.choices import GoalStatusChoices, LevelChoices, PlanStatusChoices
from opsdesk.goals.models import PLAN_AREA, Goal, GoalMeasurement, WorkPlan

ATTENTION = (GoalStatusChoices.AT_RISK, GoalStatusChoices.OFF_TRACK)


def running_goals(*, user, today: date) -> QuerySet[Goal]:
    """The user's goals whose period contains `today`."""
    return Goal.objects.for_user(user).filter(period_start__lte=today, period_end__gte=today)


def goals_needing_attention(*, user, today: date) -> QuerySet[Goal]:
    """Running goals of the user's scope measured at risk or off track, the least likely first."""
    return (running_goals(user=user, today=today).filter(status__in=ATTENTION)
            .select_related("store", "region", "person").order_by("probability", "pk"))


def cascade_tree(*, user, goal: Goal) -> list[tuple[int, Goal]]:
    """The goal's descendants the user can see, depth first: (depth, goal)."""
    visible = Goal.objects.for_user(user).select_related("store", "region", "person")
    rows: list[tuple[int, Goal]] = []

    def walk(parent: Goal, depth: int) -> None:
        for child in visible.filter(parent=parent).order_by("region__code", "store__code", "pk"):
            rows.append((depth, child))
            walk(child, depth + 1)

    walk(goal, 1)
    return rows


def league_table(*, user, kpi_code: str, level: str, period_start: date) -> list[Goal]:
    """Goals of one KPI, level and period start the user can see, ranked by probability then actual vs target
    (the best first)."""
    goals = Goal.objects.for_user(user).filter(kpi_code=kpi_code, period_start=period_start).select_related(
        "store", "region", "person")
    if level == LevelChoices.STORE:
        goals = goals.filter(store__isnull=False, person__isnull=True)
    elif level == LevelChoices.REGION:
        goals = goals.filter(store__isnull=True, region__isnull=False, person__isnull=True)
    elif level == LevelChoices.PERSON:
        goals = goals.filter(person__isnull=False)
    else:
        goals = goals.filter(store__isnull=True, region__isnull=True, person__isnull=True)
    direction = goals.first().definition.direction if goals.exists() and goals.first().definition else "higher"

    def attainment(goal: Goal) -> float:
        if goal.actual is None or not goal.target:
            return float("-inf")
        ratio = (goal.projection if goal.projection is not None else goal.actual) / goal.target
        return ratio if direction == "higher" else -ratio

    return sorted(goals, key=lambda goal: (-(goal.probability if goal.probability is not None else -1),
                                           -attainment(goal), goal.pk))


def league_choices(*, user) -> list[tuple[str, date]]:
    """The (KPI code, period start) pairs the user's goals have, newest period first."""
    return list(Goal.objects.for_user(user).values_list("kpi_code", "period_start").distinct().order_by(
        "-period_start", "kpi_code"))


def measurement_series(*, user, goal: Goal) -> list[GoalMeasurement]:
    """The goal's measurements, oldest first."""
    return list(GoalMeasurement.objects.for_user(user).filter(goal=goal).order_by("as_of"))


# ------------------------------------------------------------------------------------------------ work plans

#: How high a plan sits, and how high a user sits: a plan is approved from a level above it (the company's plan by
#: another company-wide user).
PLAN_RANK = {LevelChoices.STORE: 1, LevelChoices.REGION: 2, LevelChoices.COMPANY: 3}
LANGUAGES = ("zh-hans", "en")
MAX_PLAN_RISKS = 20


def user_rank(user) -> int:
    """3 for company-wide users, 2 for regional managers and supervisors (above a store), 1 otherwise."""
    if user.has_company_scope:
        return 3
    return 2 if user.role in (RoleChoices.REGIONAL_MANAGER, RoleChoices.SUPERVISOR) else 1


def plan_approval_refusal(*, user, plan: WorkPlan) -> str:
    """Why the user may not approve or return the plan now ("" when they may): only a submitted plan, only from a
    level above it within the user's writable scope, never one's own submission."""
    from django.utils.translation import gettext as _

    if not user_can(user, PLAN_AREA, "approve") or not WorkPlan.objects.for_user(user, "approve").filter(
            pk=plan.pk).exists():
        return _("所选对象不存在或不在你的权限范围内。")
    if plan.status != PlanStatusChoices.SUBMITTED:
        return _("只有已提交的计划可以审批。")
    if plan.submitted_by_id == user.pk:
        return _("不能审批自己提交的计划。")
    rank = user_rank(user)
    if not (rank > PLAN_RANK[plan.level] or rank == PLAN_RANK[LevelChoices.COMPANY]):
        return _("计划须由上一级审批。")
    return ""


def plans_awaiting_approval(*, user) -> list[WorkPlan]:
    """Submitted plans the user may approve (their inbox items)."""
    if not user_can(user, PLAN_AREA, "approve"):
        return []
    plans = WorkPlan.objects.for_user(user, "approve").filter(status=PlanStatusChoices.SUBMITTED).exclude(
        submitted_by=user).select_related("store", "region", "submitted_by")
    return [plan for plan in plans.order_by("pk") if not plan_approval_refusal(user=user, plan=plan)]


def plan_goals(plan: WorkPlan) -> QuerySet[Goal]:
    """The goals of the plan's own scope (not a person's) whose period lies in the plan's period."""
    start, end = plan.period
    return Goal.objects.filter(company_id=plan.company_id, person__isnull=True, store_id=plan.store_id,
                               region_id=plan.region_id if plan.store_id or plan.region_id else None,
                               period_start__gte=start, period_end__lte=end).order_by("period_start", "pk")


def plan_risks(plan: WorkPlan) -> QuerySet:
    """Open risks of the register at the plan's scope and above it (a store plan: the store's, its region's and the
    company's risks; never a sibling's), the highest residual score first."""
    from opsdesk.risks.models import Risk

    condition = Q(store__isnull=True, region__isnull=True)
    if plan.region_id:
        condition |= Q(store__isnull=True, region_id=plan.region_id)
    if plan.store_id:
        condition |= Q(store_id=plan.store_id)
    return (Risk.objects.filter(condition, company_id=plan.company_id, status="open")
            .select_related("store", "region", "owner").prefetch_related("actions__owner")
            .order_by("-residual_score", "code")[:MAX_PLAN_RISKS])


def _person(user) -> str:
    return user.display_name if user is not None else ""


def _goal_content(goal: Goal) -> dict:
    from opsdesk.goals.services import explain

    definition = goal.definition
    measurement = goal.measurements.order_by("-as_of").first()
    explanations = {}
    for language in LANGUAGES:
        with translation.override(language):
            explanations[language] = explain(measurement) if measurement else ""
    return {
        "id": goal.pk, "title": goal.title, "kpi_code": goal.kpi_code,
        "kpi_name": {"zh-hans": definition.name_zh, "en": definition.name_en} if definition else {},
        "unit": definition.unit if definition else "", "period_start": goal.period_start.isoformat(),
        "period_end": goal.period_end.isoformat(), "target": goal.target, "actual": goal.actual,
        "projection": goal.projection, "probability": goal.probability, "status": goal.status,
        "measured_on": goal.measured_on.isoformat() if goal.measured_on else "", "explanation": explanations,
    }


def _links(measure) -> list[dict]:
    links = []
    for kind in ("project", "training_plan", "risk", "risk_action"):
        target = getattr(measure, kind)
        if target is not None:
            links.append({"kind": kind, "id": target.pk, "label": str(target)})
    return links


def plan_content(plan: WorkPlan) -> dict:
    """Everything the plan document holds, as plain JSON data (the frozen snapshot of a version): the plan's facts,
    its goals with measured actual, projection, status and explanation (in both languages), its measures, resources
    and the risks with their responses."""
    measures = plan.measures.select_related("owner", "project", "training_plan", "risk", "risk_action").order_by(
        "area", "pk")
    return {
        "title": plan.title, "level": plan.level, "scope": plan.scope_label, "year": plan.year,
        "quarter": plan.quarter, "owner": _person(plan.owner), "summary": plan.summary, "version": plan.version,
        "goals": [_goal_content(goal) for goal in plan_goals(plan)],
        "measures": [{"area": m.area, "title": m.title, "description": m.description, "owner": _person(m.owner),
                      "quarters": m.quarter_list, "links": _links(m)} for m in measures],
        "resources": [{"kind": r.kind, "description": r.description,
                       "amount": None if r.amount is None else str(r.amount),
                       "budget_line": str(r.budget_line) if r.budget_line_id else ""}
                      for r in plan.resources.select_related("budget_line").order_by("kind", "pk")],
        "risks": [{"code": risk.code, "title": risk.title, "scope": risk.scope_label, "level": risk.residual_level,
                   "score": risk.residual_score, "treatment": risk.treatment, "owner": _person(risk.owner),
                   "actions": [{"title": a.title, "owner": _person(a.owner), "due": a.due_date.isoformat(),
                                "status": a.status} for a in risk.actions.all()]}
                  for risk in plan_risks(plan)],
    }
