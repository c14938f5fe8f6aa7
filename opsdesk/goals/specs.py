"""Kit specs of goals: goals (list, detail with progress chart and cascade tree, edit), their measurements
(read-only) and work plans (list, detail with the plan's sections, edit)."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.goals import services, views
from opsdesk.goals.models import Goal, GoalMeasurement, WorkPlan

goal = ObjectSpec(
    Goal, path="goals", name="goal",
    fields=services.GOAL_FIELDS,
    columns=("title", "kpi_code", "store", "region", "person", "period_start", "period_end", "target", "actual",
             "projection", "probability", "status", "owner"),
    detail_fields=("title", "kpi_code", "region", "store", "person", "is_published_to_stores", "period_kind",
                   "period_start", "period_end", "target_kind", "target_value", "relative_percent", "baseline",
                   "target", "owner", "parent", "split_method", "status", "actual", "projection", "probability",
                   "measured_on"),
    search_fields=("title", "kpi_code"),
    filter_fields=("kpi_code", "region", "store", "person", "period_kind", "period_start", "status", "owner",
                   "parent"),
    assignee_fields=("owner",), select_related=("store", "region", "person", "owner", "parent"),
    fraction_fields=("probability",),
    create_with=services.goal_create, update_with=services.goal_update, delete_with=services.goal_delete,
        detail_template="goals/goal_detail.html", detail_context=views.goal_detail_context,
)

measurement = ObjectSpec(
    GoalMeasurement, path="measurements", name="goalmeasurement", fields=(), read_only=True,
    columns=("as_of", "goal", "actual", "projection", "lower", "upper", "probability", "status", "explanation"),
    filter_fields=("goal", "status", "as_of"), select_related=("goal",), fraction_fields=("probability",),
)

workplan = ObjectSpec(
    WorkPlan, path="plans", name="workplan", fields=services.PLAN_FIELDS,
    columns=("title", "year", "quarter", "region", "store", "owner", "status", "version"),
    detail_fields=("title", "year", "quarter", "region", "store", "owner", "summary", "status", "version",
                   "submitted_by", "return_comment"),
    search_fields=("title",), filter_fields=("year", "quarter", "region", "store", "status"),
    assignee_fields=("owner",), select_related=("store", "region", "owner", "submitted_by"),
    detail_template="goals/workplan_detail.html", detail_context=views.workplan_detail_context,
    create_with=services.plan_create, update_with=services.plan_update,
)

ALL = (goal, measurement)
#: The pages the kit makes; the plans' API is written by hand (list and detail with the plan's content).
PAGES = (goal, measurement, workplan)
