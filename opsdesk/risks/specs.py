"""Kit specs of the risk register: risks, controls, response actions, key risk indicators (with their measurement
history, read-only), categories with appetite, the matrix definitions and the matrix settings."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.risks import services
from opsdesk.risks.models import (
    Drill,
    EmergencyPlan,
    Incident,
    KeyRiskIndicator,
    KriMeasurement,
    MatrixLevel,
    Risk,
    RiskAction,
    RiskCategory,
    RiskControl,
    RiskSettings,
)


def _risk_context(request, risk) -> dict:
    from opsdesk.risks.views import risk_detail_context

    return risk_detail_context(request, risk)


risk = ObjectSpec(
    Risk, path="register", name="risk",
    fields=("code", "title", "category", "region", "store", "owner", "cause", "consequence", "likelihood", "impact",
            "treatment", "status", "is_published_to_stores"),
    columns=("code", "title", "category", "store", "region", "residual_score", "residual_level", "treatment",
             "owner", "next_review_on"),
    search_fields=("code", "title", "cause", "consequence"),
    filter_fields=("category", "region", "store", "residual_level", "treatment", "status", "owner", "likelihood",
                   "impact", "residual_likelihood", "residual_impact"),
    assignee_fields=("owner",),
    select_related=("category", "store", "region", "owner"),
    detail_template="risks/risk_detail.html", detail_context=_risk_context,
)

control = ObjectSpec(
    RiskControl, path="controls", name="riskcontrol", fields=("risk", "description", "kind", "effectiveness", "owner"),
    columns=("description", "risk", "kind", "effectiveness", "owner"),
    search_fields=("description", "risk__title"), filter_fields=("risk", "kind", "effectiveness"),
    assignee_fields=("owner",), select_related=("risk", "owner"),
)

action = ObjectSpec(
    RiskAction, path="actions", name="riskaction", fields=("risk", "title", "owner", "due_date", "status", "done_on"),
    columns=("title", "risk", "owner", "due_date", "status", "done_on"),
    search_fields=("title", "risk__title"), filter_fields=("risk", "owner", "status", "due_date"),
    assignee_fields=("owner",), select_related=("risk", "owner"),
)

indicator = ObjectSpec(
    KeyRiskIndicator, path="indicators", name="keyriskindicator",
    fields=("name", "kpi_code", "risk", "region", "store", "amber", "red", "window_days", "is_active"),
    columns=("name", "kpi_code", "risk", "store", "region", "status", "last_value", "amber", "red",
             "breached_since", "proposed_likelihood"),
    detail_fields=("name", "kpi_code", "risk", "region", "store", "amber", "red", "window_days", "is_active",
                   "status", "last_value", "last_measured_on", "breached_since", "proposed_likelihood"),
    search_fields=("name", "kpi_code"), filter_fields=("risk", "status", "region", "store", "is_active"),
    select_related=("risk", "store", "region"),
)

measurement = ObjectSpec(
    KriMeasurement, path="measurements", name="krimeasurement", fields=(), read_only=True,
    columns=("measured_on", "indicator", "value", "status"), filter_fields=("indicator", "status", "measured_on"),
    select_related=("indicator",),
)

category = ObjectSpec(
    RiskCategory, path="categories", name="riskcategory", fields=("code", "name_zh", "name_en", "appetite",
                                                                   "measures"),
    search_fields=("code", "name_zh", "name_en"),
)

matrix_level = ObjectSpec(
    MatrixLevel, path="matrix", name="matrixlevel", fields=("axis", "value", "name", "definition"),
    filter_fields=("axis",),
)

settings = ObjectSpec(
    RiskSettings, path="settings", name="risksettings",
    fields=("medium_from", "high_from", "critical_from", "review_days_low", "review_days_medium",
            "review_days_high", "review_days_critical"),
)



def _incident_context(request, incident) -> dict:
    from opsdesk.risks.views import incident_detail_context

    return incident_detail_context(request, incident)


def _drill_context(request, drill) -> dict:
    from opsdesk.risks.views import drill_detail_context

    return drill_detail_context(request, drill)


def _plan_context(request, plan) -> dict:
    from opsdesk.risks.views import plan_detail_context

    return plan_detail_context(request, plan)


incident = ObjectSpec(
    Incident, path="incidents", name="incident", fields=services.INCIDENT_FIELDS,
    columns=("number", "occurred_at", "store", "kind", "severity", "title", "status", "owner"),
    detail_fields=("number", "store", "kind", "severity", "title", "description", "occurred_at", "reported_at",
                   "reporter", "immediate_actions", "investigation", "root_cause", "risk", "owner", "status",
                   "closed_at", "notified_at", "notified_to"),
    search_fields=("number", "title", "description", "store__name"),
    filter_fields=("store", "store__region", "kind", "severity", "status", "occurred_at"),
    assignee_fields=("owner",), select_related=("store", "owner"),
    create_with=lambda *, actor, data: services.incident_report(actor=actor, data=data),
    detail_template="risks/incident_detail.html", detail_context=_incident_context,
)

plan = ObjectSpec(
    EmergencyPlan, path="plans", name="emergencyplan",
    fields=("scenario", "title", "store", "roles", "steps", "contacts", "drill_every_days"),
    columns=("title", "scenario", "store", "drill_every_days"),
    search_fields=("title", "steps"), filter_fields=("scenario", "store"),
    select_related=("store",), detail_template="risks/plan_detail.html", detail_context=_plan_context,
)

drill = ObjectSpec(
    Drill, path="drills", name="drill", fields=("store", "plan", "scheduled_for", "participants", "findings"),
    columns=("scheduled_for", "store", "plan", "status", "participants"),
    filter_fields=("store", "store__region", "plan", "status", "scheduled_for"),
    select_related=("store", "plan", "run"), detail_template="risks/drill_detail.html", detail_context=_drill_context,
)

ALL = (risk, control, action, indicator, measurement, category, matrix_level, settings, incident, plan, drill)
