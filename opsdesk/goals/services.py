"""Writes of goals: cascading a goal to regions or stores, rolling children back up, and measuring goals (the KPI to
date through its registered selector, the projection to the period end, the probability of reaching the target
and the status with its explanation). Plain goal rows are written by the kit's generic services via the spec."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opsdesk.core import formatting
from opsdesk.core.audit import audit_actor
from opsdesk.core.extensions import KpiScope
from opsdesk.core.kit.guards import (
    assert_can,
    assign_fields,
    check_related_in_scope,
    confirm_in_scope,
    in_scope_for_update,
)
from opsdesk.core.kit.services import check_assignees, object_create, object_delete, object_update
from opsdesk.core.models import Region, Store
from opsdesk.engine import goals as maths
from opsdesk.goals.choices import GoalStatusChoices, LevelChoices, SplitMethodChoices, TargetKindChoices
from opsdesk.goals.models import AREA, PLAN_AREA, Goal, GoalMeasurement, is_additive

#: KPIs projected from the persisted forecast (the forecasting run's store series of this measure) when one exists.
FORECAST_MEASURES = {"sales_revenue": "sales"}
WEEKS_FOR_SPREAD = 4


def last_year(day: date) -> date:
    """The same calendar day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# ------------------------------------------------------------------------------------------------ cascading


def _child_scopes(goal: Goal, level: str) -> list[dict]:
    """The regions or stores a goal splits to: a company goal to every region or store, a region goal to its
    stores."""
    if level == LevelChoices.REGION:
        if goal.level != LevelChoices.COMPANY:
            raise ValidationError(_("只有全公司目标可分解到区域。"))
        return [{"region": region, "store": None}
                for region in Region.objects.filter(company_id=goal.company_id).order_by("code", "pk")]
    if goal.level not in (LevelChoices.COMPANY, LevelChoices.REGION):
        raise ValidationError(_("门店或个人目标不能再分解到门店。"))
    stores = Store.objects.filter(company_id=goal.company_id).exclude(status="closed").select_related("region")
    if goal.region_id:
        stores = stores.filter(region_id=goal.region_id)
    return [{"region": store.region, "store": store} for store in stores.order_by("code", "pk")]


def _scope_of(company_id: int, region, store) -> KpiScope:
    if store is not None:
        return KpiScope(company_id=company_id, store_ids=(store.pk,))
    return KpiScope(company_id=company_id, store_ids=tuple(
        Store.objects.filter(region=region).order_by("pk").values_list("pk", flat=True)))


def cascade_weights(goal: Goal, scopes: list[dict], method: str) -> list[float]:
    """Weights of the children: 1 each (equal), or each child's KPI over the same period last year (share)."""
    if method == SplitMethodChoices.EQUAL:
        return [1.0] * len(scopes)
    period = goal.last_year_period()
    return [float(goal.definition.measure(_scope_of(goal.company_id, s["region"], s["store"]), period) or 0.0)
            for s in scopes]


GOAL_FIELDS = ("title", "kpi_code", "region", "store", "person", "is_published_to_stores", "period_kind",
               "period_start", "target_kind", "target_value", "relative_percent", "owner", "parent")


def _sync_sales_targets_after_commit(company_id: int, *goals: Goal) -> None:
    """A store sales goal sets the cockpit's monthly targets (goals.targets): re-sync once the change commits."""
    from opsdesk.goals.targets import SALES_KPI, sync_sales_targets

    if any(goal.kpi_code == SALES_KPI for goal in goals):
        transaction.on_commit(lambda: sync_sales_targets(company_id))


def goal_create(*, actor, data: dict) -> Goal:
    goal = object_create(actor=actor, model=Goal, data=data, fields=GOAL_FIELDS,
                                      assignee_fields=("owner",))
    _sync_sales_targets_after_commit(goal.company_id, goal)
    return goal


def goal_update(*, actor, instance: Goal, data: dict) -> Goal:
    before = Goal(kpi_code=instance.kpi_code)
    goal = object_update(actor=actor, instance=instance, data=data, fields=GOAL_FIELDS,
                                      assignee_fields=("owner",))
    _sync_sales_targets_after_commit(goal.company_id, goal, before)
    return goal


def goal_delete(*, actor, instance: Goal) -> None:
    company_id, kpi_code = instance.company_id, instance.kpi_code
    object_delete(actor=actor, instance=instance)
    _sync_sales_targets_after_commit(company_id, Goal(kpi_code=kpi_code))


def goal_cascade(*, actor, goal: Goal, level: str, method: str, manual: dict[int, float] | None = None
                 ) -> list[Goal]:
    """Split a goal over its regions or stores (equal, by last year's share of the KPI, or by hand: `manual` maps
    the region or store id to its target). An additive KPI's target is divided; any other KPI's target is given
    to every child as it is (a 90 % CSAT goal is 90 % in every store). Children already there are updated, so
    cascading again re-splits. Returns the children."""
    assert_can(actor, AREA, "add")
    if not Goal.objects.for_user(actor, "change").filter(pk=goal.pk).exists():
        raise ValidationError(_("所选对象不存在或不在你的权限范围内。"))
    if goal.target is None:
        raise ValidationError(_("上级目标尚无目标值。"))
    scopes = _child_scopes(goal, level)
    if method == SplitMethodChoices.MANUAL:
        manual = manual or {}
        key = "store" if level == LevelChoices.STORE else "region"
        targets = [manual.get(s[key].pk) for s in scopes]
        if any(value is None for value in targets):
            raise ValidationError(_("请为每个下级填写目标值。"))
    elif is_additive(goal.definition):
        targets = maths.split(goal.target, cascade_weights(goal, scopes, method))
    else:
        targets = [goal.target] * len(scopes)
    children = []
    with transaction.atomic(), audit_actor(actor):
        goal.split_method = method
        goal.save(update_fields=["split_method"])
        for scope, target in zip(scopes, targets, strict=True):
            child = Goal.objects.filter(parent=goal, region=scope["region"], store=scope["store"],
                                        person__isnull=True).first() or Goal(
                company_id=goal.company_id, parent=goal, region=scope["region"], store=scope["store"])
            child.title, child.kpi_code = goal.title, goal.kpi_code
            child.period_kind, child.period_start = goal.period_kind, goal.period_start
            child.target_kind, child.target_value, child.relative_percent = TargetKindChoices.ABSOLUTE, target, None
            child.full_clean()
            child.save()
            children.append(child)
        visible = set(Goal.objects.for_user(actor, "view").filter(parent=goal).values_list("pk", flat=True))
        if any(child.pk not in visible for child in children):
            raise ValidationError(_("所选对象不存在或不在你的权限范围内。"))
        _sync_sales_targets_after_commit(goal.company_id, goal)
    return children


def goal_rollup(goal: Goal) -> dict:
    """The children's targets and latest actuals rolled back up: summed for an additive KPI, else averaged with
    the children's targets as weights. Keys: target, actual, children (count)."""
    children = list(goal.children.filter(person__isnull=True))
    additive = is_additive(goal.definition)
    weights = [child.target or 0.0 for child in children]
    return {
        "target": maths.rollup([c.target for c in children], weights, additive=additive),
        "actual": maths.rollup([c.actual for c in children], weights, additive=additive),
        "children": len(children),
    }


# ------------------------------------------------------------------------------------------------ measuring


def _weekly_values(definition, scope: KpiScope, start: date, as_of: date) -> list[float]:
    """The KPI over each of the last full weeks ending at `as_of`, inside the period (at most 4 weeks)."""
    values = []
    end = as_of
    for _week in range(WEEKS_FOR_SPREAD):
        first = end - timedelta(days=6)
        if first < start:
            break
        value = definition.measure(scope, (first, end))
        if value is not None:
            values.append(value)
        end = first - timedelta(days=1)
    return values


def forecast_days(company_id: int, scope: KpiScope, measure: str, after: date, until: date) -> list[tuple]:
    """The latest finished forecast run's store series of `measure` summed over the scope's stores, per day after
    `after` up to `until`: (date, forecast, lower, upper), the stores' half-widths combined in quadrature (as the
    cockpit's rollups do). Empty without a run."""
    import math
    from collections import defaultdict

    from opsdesk.forecasting.models import ForecastPoint, ForecastRun

    run = ForecastRun.objects.filter(company_id=company_id, status="done", origin__isnull=False).order_by(
        "-finished_at", "-pk").first()
    if run is None:
        return []
    points = ForecastPoint.objects.filter(series__run=run, series__product__isnull=True, series__measure=measure,
                                          date__gt=max(after, run.origin), date__lte=until)
    if scope.store_ids is not None:
        points = points.filter(series__store_id__in=scope.store_ids)
    days: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for day, forecast, lower, upper in points.values_list("date", "forecast", "lower", "upper"):
        item = days[day]
        item[0] += forecast
        item[1] += max(forecast - lower, 0.0) ** 2
        item[2] += max(upper - forecast, 0.0) ** 2
    return [(day, f, f - math.sqrt(below), f + math.sqrt(above)) for day, (f, below, above) in sorted(days.items())]


def goal_measure(goal: Goal, as_of: date) -> GoalMeasurement:
    """Measure a goal on `as_of`: the KPI from the period start to `as_of` (to the period end once it is over),
    projected to the period end (the persisted forecast for sales where a run covers the scope, else the run rate),
    the probability of reaching the target and the status. Idempotent per day."""
    definition = goal.definition
    start, end = goal.period_start, goal.period_end
    measured_until = min(as_of, end)
    values = {"actual": None, "projection": None, "lower": None, "upper": None, "probability": None,
              "status": GoalStatusChoices.NO_DATA, "method": ""}
    if definition is not None and measured_until >= start:
        scope = goal.kpi_scope()
        actual = definition.measure(scope, (start, measured_until))
        if actual is not None:
            additive = is_additive(definition)
            elapsed, total = (measured_until - start).days + 1, (end - start).days + 1
            weekly = _weekly_values(definition, scope, start, measured_until)
            projection, method = maths.run_rate(actual, elapsed, total, additive=additive, weekly_values=weekly), \
                "run_rate"
            measure = FORECAST_MEASURES.get(goal.kpi_code)
            if measure and measured_until < end:
                days = forecast_days(goal.company_id, scope, measure, measured_until, end)
                if days:
                    uncovered = (end - days[-1][0]).days + (days[0][0] - measured_until).days - 1
                    projection = maths.with_forecast(actual, [d[1] for d in days], [d[2] for d in days],
                                                     [d[3] for d in days], run_rate_days=uncovered,
                                                     daily_rate=actual / elapsed)
                    method = "forecast"
            probability = None
            if goal.target is not None:
                probability = maths.probability_reaching(projection.value, projection.lower, projection.upper,
                                                         goal.target, definition.direction)
            values.update(actual=actual, projection=projection.value, lower=projection.lower,
                          upper=projection.upper, probability=probability, status=maths.status_for(probability),
                          method=method)
    measurement, _created = GoalMeasurement.objects.update_or_create(goal=goal, as_of=as_of, defaults=values)
    with translation.override("zh-hans"):
        measurement.explanation = explain(measurement)[:300]
    measurement.save(update_fields=["explanation"])
    Goal.objects.filter(pk=goal.pk).update(status=measurement.status, actual=measurement.actual,
                                           projection=measurement.projection, probability=measurement.probability,
                                           measured_on=as_of)
    return measurement


def format_value(value: float | None, unit: str) -> str:
    """A KPI value as people read it: money in short form, % with one decimal, counts whole."""
    if value is None:
        return formatting.DASH
    if unit == "currency":
        return formatting.money_short(value)
    if unit == "%":
        return formatting.percent(value)  # KPI percentages are held in percent points (90.0 is 90 %)
    if unit == "count":
        return formatting.decimal(value, 0)
    return formatting.decimal(value, 1)


def explain(measurement: GoalMeasurement) -> str:
    """One sentence on where the goal stands, in the active language, e.g. "needs ¥1.2 M in the remaining 23 days;
    forecast ¥0.9 M ± 0.2 M"."""
    goal = measurement.goal
    definition = goal.definition
    if definition is None or measurement.actual is None:
        return _("暂无数据")
    unit = definition.unit
    remaining = max((goal.period_end - measurement.as_of).days, 0)
    half = ((measurement.upper or 0) - (measurement.lower or 0)) / 2
    source = pgettext("goals", "预测") if measurement.method == "forecast" else _("按当前进度预计")
    if goal.target is None:
        return _("至今 %(actual)s") % {"actual": format_value(measurement.actual, unit)}
    if is_additive(definition):
        if remaining == 0:
            return _("期末实际 %(actual)s，目标 %(target)s") % {
                "actual": format_value(measurement.actual, unit), "target": format_value(goal.target, unit)}
        needed = goal.target - measurement.actual
        if needed <= 0 and definition.direction == "higher":
            return _("已达成目标 %(target)s（至今 %(actual)s）") % {
                "target": format_value(goal.target, unit), "actual": format_value(measurement.actual, unit)}
        return _("剩余 %(days)s 天还需 %(needed)s；%(source)s %(rest)s ± %(half)s") % {
            "days": remaining, "needed": format_value(needed, unit), "source": source,
            "rest": format_value(measurement.projection - measurement.actual, unit),
            "half": format_value(half, unit)}
    return _("目标 %(target)s，至今 %(actual)s；%(source)s期末 %(projection)s ± %(half)s（剩余 %(days)s 天）") % {
        "target": format_value(goal.target, unit), "actual": format_value(measurement.actual, unit),
        "source": source, "projection": format_value(measurement.projection, unit),
        "half": format_value(half, unit), "days": remaining}


def goals_measure_all(*, as_of: date | None = None, company_id: int | None = None) -> int:
    """Measure every goal whose period has started and had not ended before yesterday (a goal is measured once more
    after its period ends, to settle it). Returns how many were measured."""
    as_of = as_of or timezone.localdate()
    goals = Goal.objects.filter(period_start__lte=as_of, period_end__gte=as_of - timedelta(days=1))
    if company_id is not None:
        goals = goals.filter(company_id=company_id)
    count = 0
    for goal in goals.order_by("pk"):
        goal_measure(goal, as_of)
        count += 1
    return count


def goals_measure_now(*, actor, as_of: date | None = None) -> int:
    """Measure the actor's company's goals now (the "重新计量" button)."""
    assert_can(actor, AREA, "change")
    return goals_measure_all(as_of=as_of, company_id=actor.company_id)


# ------------------------------------------------------------------------------------------------ work plans

PLAN_FIELDS = ("title", "year", "quarter", "region", "store", "owner", "summary")
MEASURE_FIELDS = ("area", "title", "description", "owner", "quarters", "project", "training_plan", "risk",
                  "risk_action")
RESOURCE_FIELDS = ("kind", "description", "amount", "budget_line")


def _plan_for_change(actor, plan):
    """The plan re-read in the actor's writable scope and locked; a submitted plan waits for its decision."""
    from opsdesk.goals.models import WorkPlan

    current = in_scope_for_update(actor, WorkPlan, plan, "change")
    if not current.is_editable:
        raise ValidationError(_("计划已提交，审批前不能修改。"))
    return current


def _start_draft(plan) -> None:
    """An edit of an approved or returned plan starts its next draft version (the frozen versions stay)."""
    from opsdesk.goals.choices import PlanStatusChoices

    if plan.status in (PlanStatusChoices.APPROVED, PlanStatusChoices.RETURNED):
        plan.version += 1
        plan.status = PlanStatusChoices.DRAFT
        plan.save(update_fields=["version", "status"])


def plan_create(*, actor, data: dict):
    """Create a draft work plan for a scope the actor may write."""
    from opsdesk.goals.models import WorkPlan

    return object_create(actor=actor, model=WorkPlan, data=data, fields=PLAN_FIELDS, assignee_fields=("owner",))


def plan_update(*, actor, instance, data: dict):
    """Change a plan's facts (not while submitted); an approved or returned plan starts its next draft version."""
    with transaction.atomic():
        plan = _plan_for_change(actor, instance)
        plan = object_update(actor=actor, instance=plan, data=data, fields=PLAN_FIELDS, assignee_fields=("owner",))
        _start_draft(plan)
    return plan


def _save_part(*, actor, plan, instance, data: dict, fields, related):
    assert_can(actor, PLAN_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        plan = _plan_for_change(actor, plan)
        assign_fields(instance, data, fields)
        instance.plan = plan
        check_related_in_scope(actor, instance, related)
        instance.full_clean()
        check_assignees(actor, instance, ["owner"] if "owner" in fields else [], PLAN_AREA)
        instance.save()
        _start_draft(plan)
        confirm_in_scope(actor, instance, "change")
    return instance


def measure_save(*, actor, plan, data: dict, instance=None):
    """Add a measure to a plan, or change one (`instance`); linked rows must be ones the actor sees."""
    from opsdesk.goals.models import PlanMeasure

    return _save_part(actor=actor, plan=plan, instance=instance or PlanMeasure(), data=data, fields=MEASURE_FIELDS,
                      related=("project", "training_plan", "risk", "risk_action"))


def resource_save(*, actor, plan, data: dict, instance=None):
    """Add a resource to a plan, or change one (`instance`)."""
    from opsdesk.goals.models import PlanResource

    return _save_part(actor=actor, plan=plan, instance=instance or PlanResource(), data=data,
                      fields=RESOURCE_FIELDS, related=("budget_line",))


def plan_part_delete(*, actor, instance) -> None:
    """Remove a measure or a resource from a plan the actor may change."""
    assert_can(actor, PLAN_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, type(instance), instance, "change")
        plan = _plan_for_change(actor, current.plan)
        current.delete()
        _start_draft(plan)


def plan_submit(*, actor, plan):
    """Submit the draft (or returned) plan to the next level: its content is frozen as a new version."""
    from opsdesk.goals import selectors
    from opsdesk.goals.choices import PlanStatusChoices
    from opsdesk.goals.models import WorkPlanVersion

    assert_can(actor, PLAN_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        plan = _plan_for_change(actor, plan)
        if plan.status == PlanStatusChoices.APPROVED:
            raise ValidationError(_("计划已批准；修改后才能再次提交。"))
        _start_draft(plan)  # a returned plan resubmitted unchanged is still a new version
        WorkPlanVersion.objects.create(plan=plan, number=plan.version, submitted_by=actor,
                                       submitted_at=timezone.now(), snapshot=selectors.plan_content(plan))
        plan.status, plan.submitted_by, plan.return_comment = PlanStatusChoices.SUBMITTED, actor, ""
        plan.save(update_fields=["status", "submitted_by", "return_comment"])
    return plan


def _decide(*, actor, plan, status: str, comment: str):
    from opsdesk.goals import selectors
    from opsdesk.goals.choices import PlanStatusChoices
    from opsdesk.goals.models import WorkPlan

    with transaction.atomic(), audit_actor(actor):
        current = WorkPlan.objects.select_for_update().filter(pk=plan.pk).first()
        refusal = selectors.plan_approval_refusal(user=actor, plan=current) if current else "-"
        if refusal:
            raise PermissionDenied(refusal)
        version = current.versions.select_for_update().get(number=current.version)
        version.status, version.decided_by, version.decided_at, version.comment = (
            status, actor, timezone.now(), comment)
        version.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        current.status = status
        current.return_comment = comment if status == PlanStatusChoices.RETURNED else ""
        current.save(update_fields=["status", "return_comment"])
    return current


def plan_approve(*, actor, plan, comment: str = ""):
    """Approve a submitted plan from the level above it (never one's own submission)."""
    from opsdesk.goals.choices import PlanStatusChoices

    return _decide(actor=actor, plan=plan, status=PlanStatusChoices.APPROVED, comment=comment.strip())


def plan_return(*, actor, plan, comment: str):
    """Return a submitted plan to its writers with a comment saying what to change."""
    from opsdesk.goals.choices import PlanStatusChoices

    if not (comment or "").strip():
        raise ValidationError({"comment": _("退回时须填写意见。")})
    return _decide(actor=actor, plan=plan, status=PlanStatusChoices.RETURNED, comment=comment.strip())
