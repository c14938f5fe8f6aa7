"""Permission-matrix declarations of the risk register (see core/testing/matrix.py).

Risks, controls, actions and indicators of a store lie in store a1 (in scope) or `org.store_for(user, False)` (out
of scope); categories, matrix definitions and settings are company master data: company A or company B.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.risks import specs
from opsdesk.risks.models import (
    AREA,
    INCIDENT_AREA,
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

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _company_for(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _category(org, user, in_scope) -> RiskCategory:
    return RiskCategory.objects.create(company=_company_for(org, user, in_scope), code=f"C{_next()}",
                                       name_zh="矩阵类别", name_en="Matrix")


def _category_data(org, user, category):
    return {"code": category.code if category else f"CN{_next()}", "name_zh": "财务风险", "name_en": "Financial",
            "appetite": "9", "measures": "预算控制"}


def _risk(org, user, in_scope) -> Risk:
    store = org.store_for(user, in_scope)
    category = RiskCategory.objects.get_or_create(company=store.company, code="MX",
                                                  defaults={"name_zh": "矩阵", "name_en": "Matrix"})[0]
    return Risk.objects.create(company=store.company, store=store, region=store.region, code=f"R{_next()}",
                               title="冷柜故障", category=category)


def _risk_data(org, user, risk):
    category = RiskCategory.objects.get_or_create(company=org.company, code="MX",
                                                  defaults={"name_zh": "矩阵", "name_en": "Matrix"})[0]
    return {"code": risk.code if risk else f"RN{_next()}", "title": "矩阵风险", "category": category.pk,
            "region": "", "store": org.stores["a1"].pk, "owner": "", "cause": "", "consequence": "",
            "likelihood": "3", "impact": "4", "treatment": "reduce", "status": "open", "is_published_to_stores": ""}


def _control(org, user, in_scope) -> RiskControl:
    return RiskControl.objects.create(risk=_risk(org, user, in_scope), description="温度报警")


def _control_data(org, user, control):
    risk = control.risk if control else _risk(org, user, True)
    return {"risk": risk.pk, "description": "温度报警", "kind": "mitigating", "effectiveness": "effective",
            "owner": ""}


def _action(org, user, in_scope) -> RiskAction:
    return RiskAction.objects.create(risk=_risk(org, user, in_scope), title="维保计划", due_date=date(2026, 12, 31))


def _action_data(org, user, action):
    risk = action.risk if action else _risk(org, user, True)
    return {"risk": risk.pk, "title": "维保计划", "owner": "", "due_date": "2026-12-31", "status": "open",
            "done_on": ""}


def _indicator(org, user, in_scope) -> KeyRiskIndicator:
    store = org.store_for(user, in_scope)
    return KeyRiskIndicator.objects.create(company=store.company, store=store, region=store.region, name="缺货率",
                                           kpi_code="inventory_stockout_rate", amber=3, red=6)


def _indicator_data(org, user, indicator):
    return {"name": "缺货率", "kpi_code": "inventory_stockout_rate", "risk": "", "region": "",
            "store": org.stores["a1"].pk, "amber": "3", "red": "6", "window_days": "28", "is_active": "on"}


def _indicator_with_proposal(org, user, in_scope) -> KeyRiskIndicator:
    indicator = _indicator(org, user, in_scope)
    indicator.risk = _risk(org, user, in_scope)
    indicator.status, indicator.proposed_likelihood, indicator.last_value = "red", 5, 7.5
    indicator.save()
    return indicator


def _measurement(org, user, in_scope) -> KriMeasurement:
    return KriMeasurement.objects.create(indicator=_indicator(org, user, in_scope), measured_on=date(2026, 11, 30),
                                         value=4.2, status="amber")


def _level(org, user, in_scope) -> MatrixLevel:
    return MatrixLevel.objects.get_or_create(company=_company_for(org, user, in_scope), axis="likelihood", value=3,
                                             defaults={"name": "可能"})[0]


def _level_data(org, user, level):
    return {"axis": "likelihood", "value": "3" if level else "4", "name": "可能", "definition": ""}


def _settings(org, user, in_scope) -> RiskSettings:
    return RiskSettings.objects.get_or_create(company=_company_for(org, user, in_scope))[0]


def _settings_data(org, user, settings):
    return {"medium_from": "5", "high_from": "10", "critical_from": "17", "review_days_low": "365",
            "review_days_medium": "180", "review_days_high": "90", "review_days_critical": "30"}


def _new_settings_data(org, user, settings):
    RiskSettings.objects.filter(company=org.company).delete()
    return _settings_data(org, user, settings)


def _incident(org, user, in_scope) -> Incident:
    store = org.store_for(user, in_scope)
    return Incident.objects.create(company=store.company, store=store, number=f"INC-{_next()}", kind="safety",
                                   severity="minor", title="地面湿滑",
                                   occurred_at=datetime(2026, 11, 30, 9, tzinfo=UTC))


def _incident_data(org, user, incident):
    return {"store": org.stores["a1"].pk, "kind": "theft", "severity": "moderate", "title": "货架商品被盗",
            "description": "", "occurred_at": "2026-11-30T10:00", "immediate_actions": "", "investigation": "",
            "root_cause": "", "risk": "", "owner": ""}


def _plan(org, user, in_scope) -> EmergencyPlan:
    store = org.store_for(user, in_scope)
    return EmergencyPlan.objects.create(company=store.company, store=store, scenario="fire", title="火灾应急预案",
                                        steps="报警\n疏散顾客")


def _company_plan(org, user, in_scope) -> EmergencyPlan:
    return EmergencyPlan.objects.create(company=_company_for(org, user, in_scope), scenario="fire",
                                        title="火灾应急预案", steps="报警\n疏散顾客")


def _plan_data(org, user, plan):
    return {"scenario": "power_outage", "title": "停电预案", "store": org.stores["a1"].pk, "roles": "",
            "steps": "启用应急照明\n保护冷链", "contacts": "", "drill_every_days": "180"}


def _drill(org, user, in_scope) -> Drill:
    plan = _plan(org, user, in_scope)
    return Drill.objects.create(company=plan.company, store=plan.store, plan=plan, scheduled_for=date(2026, 12, 10))


def _drill_data(org, user, drill):
    plan = drill.plan if drill else _plan(org, user, True)
    return {"store": plan.store_id, "plan": plan.pk, "scheduled_for": "2026-12-15", "participants": "",
            "findings": ""}


ROUTES = [
    *spec_routes(specs.incident, _incident, _incident_data),
    *spec_routes(specs.plan, _plan, _plan_data),
    *spec_routes(specs.drill, _drill, _drill_data),
    Route("risks:incident_close", "action", area=INCIDENT_AREA, action="change", make_object=_incident,
          post_data=lambda org, user, obj: {}),
    Route("risks:incident_action", "action", area=INCIDENT_AREA, action="change", make_object=_incident,
          post_data=lambda org, user, obj: {"title": "加装防滑垫", "due_date": "2026-12-20"}),
    Route("risks:incident_photo", "action", area=INCIDENT_AREA, action="change", make_object=_incident,
          post_data=lambda org, user, obj: {}),
    Route("risks:plan_copy", "action", area=INCIDENT_AREA, action="add", make_object=_company_plan,
          post_data=lambda org, user, obj: {}),
    Route("risks:drill_start", "action", area=INCIDENT_AREA, action="change", make_object=_drill,
          post_data=lambda org, user, obj: {}),
    Route("risks:drill_complete", "action", area=INCIDENT_AREA, action="change", make_object=_drill,
          post_data=lambda org, user, obj: {"participants": "8", "findings": ""}),
    *spec_routes(specs.risk, _risk, _risk_data),
    *spec_routes(specs.control, _control, _control_data),
    *spec_routes(specs.action, _action, _action_data),
    *spec_routes(specs.indicator, _indicator, _indicator_data),
    *spec_routes(specs.measurement, _measurement),
    *spec_routes(specs.category, _category, _category_data),
    *spec_routes(specs.matrix_level, _level, _level_data),
    *spec_routes(specs.settings, _settings, _settings_data),
    Route("risks:heat_map", "list", area=AREA),
    # A PDF: its rows are checked in test_register_pdf.py (the matrix cannot read them in compressed PDF streams).
    Route("risks:risk_register_pdf", "list", area=AREA),
    # Likewise the XLSX (a zip): its rows are checked in test_register_xlsx.py.
    Route("risks:risk_register_xlsx", "list", area=AREA),
    Route("risks:risk_review", "action", area=AREA, action="change", make_object=_risk,
          post_data=lambda org, user, obj: {"likelihood": "4", "impact": "4", "note": "矩阵"}),
    Route("risks:indicator_accept", "action", area=AREA, action="change", make_object=_indicator_with_proposal,
          post_data=lambda org, user, obj: {}),
    Route("risks:indicators_measure", "action", area=AREA, action="change", methods=("POST",), post_status=302,
          object_in_url=False),
]
