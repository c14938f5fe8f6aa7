"""Kit specs of the risk register: risks, controls, response actions, key risk indicators (with their measurement
history, read-only), categories with appetite, the matrix definitions and the matrix settings."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.risks import filtersets, services, views
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
    detail_template="risks/risk_detail.html", detail_context=views.risk_detail_context,
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
    assignee_fields=("owner",), select_related=("risk", "owner"), detail_template="risks/riskaction_detail.html",
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
    detail_template="risks/incident_detail.html", detail_context=views.incident_detail_context,
)

plan = ObjectSpec(
    EmergencyPlan, path="plans", name="emergencyplan",
    fields=("scenario", "title", "store", "roles", "steps", "contacts", "drill_every_days"),
    columns=("title", "scenario", "store", "drill_every_days"),
    search_fields=("title", "steps"), filter_fields=("scenario", "store"),
    select_related=("store",), detail_template="risks/plan_detail.html", detail_context=views.plan_detail_context,
)

drill = ObjectSpec(
    Drill, path="drills", name="drill", fields=("store", "plan", "scheduled_for", "participants", "findings"),
    columns=("scheduled_for", "store", "plan", "status", "participants"),
    filter_fields=("store", "store__region", "plan", "status", "scheduled_for"),
    select_related=("store", "plan", "run"), detail_template="risks/drill_detail.html",
    detail_context=views.drill_detail_context,
)

risk.filterset_class = filtersets.risk_filterset(risk)
indicator.filterset_class = filtersets.indicator_filterset(indicator)
risk.views["list"] = views.templated_list_view(risk, "risks/risk_list.html")  # with "导出 PDF"
# Add forms that start from what the user is doing (the risk page's "新增", an incident reported now at their store).
for _spec in (control, action):
    _spec.views["edit"] = views.prefilled_edit_view(_spec, views.risk_defaults, writable_risk=True)
for _spec, _defaults in ((indicator, views.risk_defaults), (drill, views.drill_defaults)):
    _spec.views["edit"] = views.prefilled_edit_view(_spec, _defaults)
incident.views["edit"] = views.incident_edit_view(incident)  # with a photo on the add form

ALL = (risk, control, action, indicator, measurement, category, matrix_level, settings, incident, plan, drill)
