"""Writes of the risk register: reviews, KRI measurement (nightly) and accepting a KRI's likelihood proposal, and
the company defaults (the seed's five categories, the matrix definitions, settings and preloaded KRIs).

Plain rows (categories, risks, controls, actions, KRIs) are written by the kit's generic services via their specs.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.core.kit.guards import assert_can, assert_store_in_scope, in_scope_for_update
from opsdesk.engine import risk as scoring
from opsdesk.risks.choices import AxisChoices, DrillStatusChoices, IncidentStatusChoices, KriStatusChoices
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
    RiskCategory,
    RiskReview,
    RiskSettings,
)


def risk_review(*, actor, risk: Risk, likelihood: int, impact: int, note: str = "",
                today: date | None = None) -> RiskReview:
    """Record a review: the reviewed inherent likelihood and impact become the risk's, the review date restarts
    the cadence, and the review keeps the position for "movement since the last review"."""
    assert_can(actor, AREA, "change")
    today = today or timezone.localdate()
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError({name: _("须为 1 到 5 的整数。")})
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, Risk, risk, "change")
        current.likelihood, current.impact, current.last_reviewed_on = likelihood, impact, today
        current.full_clean()
        current.save()
        return RiskReview.objects.create(risk=current, reviewed_on=today, reviewer=actor, likelihood=likelihood,
                                         impact=impact, residual_score=current.residual_score, note=note.strip())


def risk_accept_proposal(*, actor, indicator: KeyRiskIndicator, today: date | None = None) -> RiskReview:
    """Take a breached KRI's proposed likelihood into its risk (a review saying which indicator moved it)."""
    if indicator.risk_id is None or indicator.proposed_likelihood is None:
        raise ValidationError(_("该指标没有待采纳的可能性建议。"))
    risk = indicator.risk
    note = _("采纳关键风险指标“%(name)s”的建议：%(value)s（%(status)s）") % {
        "name": indicator.name, "value": _format(indicator.last_value), "status": indicator.get_status_display()}
    review = risk_review(actor=actor, risk=risk, likelihood=indicator.proposed_likelihood, impact=risk.impact,
                         note=note, today=today)
    KeyRiskIndicator.objects.filter(pk=indicator.pk).update(proposed_likelihood=None)
    return review


def _format(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def kri_scope(indicator: KeyRiskIndicator) -> KpiScope:
    """The KPI scope of an indicator: its store, its region's stores, or the whole company."""
    if indicator.store_id:
        return KpiScope(indicator.company_id, (indicator.store_id,))
    if indicator.region_id:
        from opsdesk.core.models import Store

        return KpiScope(indicator.company_id,
                        tuple(Store.objects.filter(region_id=indicator.region_id).values_list("pk", flat=True)))
    return KpiScope(indicator.company_id)


def kri_measure(indicator: KeyRiskIndicator, today: date) -> KriMeasurement:
    """Measure one indicator over its trailing window ending `today`; keep the history (one row per day), the
    date its breach began, and the likelihood it proposes for its risk."""
    definition = kpis().get(indicator.kpi_code)
    value = None
    if definition is not None:
        value = definition.measure(kri_scope(indicator), (today - timedelta(days=indicator.window_days - 1), today))
    direction = definition.direction if definition is not None else "higher"
    status = scoring.kri_status(value, indicator.amber, indicator.red, direction)
    breached = status in (KriStatusChoices.AMBER, KriStatusChoices.RED)
    indicator.breached_since = (indicator.breached_since or today) if breached else None
    indicator.status, indicator.last_value, indicator.last_measured_on = status, value, today
    indicator.proposed_likelihood = None
    if breached and indicator.risk_id is not None:
        proposal = scoring.proposed_likelihood(indicator.risk.likelihood, status)
        indicator.proposed_likelihood = proposal if proposal != indicator.risk.likelihood else None
    indicator.save(update_fields=["status", "last_value", "last_measured_on", "breached_since",
                                  "proposed_likelihood"])
    measurement, _created = KriMeasurement.objects.update_or_create(
        indicator=indicator, measured_on=today, defaults={"value": value, "status": status})
    return measurement


def kris_measure_all(*, today: date | None = None, company_id: int | None = None, indicators=None) -> int:
    """Measure every active indicator (nightly job), a company's, or the given ones ("measure now"); returns how
    many were measured."""
    today = today or timezone.localdate()
    indicators = (KeyRiskIndicator.objects.all() if indicators is None else indicators).filter(
        is_active=True).select_related("risk")
    if company_id is not None:
        indicators = indicators.filter(company_id=company_id)
    count = 0
    for indicator in indicators:
        kri_measure(indicator, today)
        count += 1
    return count


# ---------------------------------------------------------------------------------------------- company defaults

#: The seed's five categories: (code, 中文, English, appetite, the seed's measure).
SEED_CATEGORIES = (
    ("FIN", "财务风险", "Financial", 9, "预算控制"),
    ("LEGAL", "法律风险", "Legal", 6, "合规审查"),
    ("MARKET", "市场风险", "Market", 12, "市场调研"),
    ("TECH", "技术风险", "Technology", 9, "技术更新"),
    ("HR", "人力资源风险", "HR", 9, "员工培训"),
)
LIKELIHOOD_LEVELS = (
    (1, "极少", "五年内不太可能发生"), (2, "不太可能", "三到五年可能发生一次"), (3, "可能", "一到三年可能发生一次"),
    (4, "很可能", "一年内很可能发生"), (5, "几乎确定", "一年内会发生多次"),
)
IMPACT_LEVELS = (
    (1, "轻微", "损失低于营业额 0.1%，无顾客影响"), (2, "较小", "损失 0.1%–0.5%，个别门店短时受影响"),
    (3, "中等", "损失 0.5%–2%，区域性影响或监管问询"), (4, "重大", "损失 2%–5%，多区域停业或处罚"),
    (5, "灾难性", "损失超过 5%，全公司停业、重大安全事故或吊销执照"),
)
#: Preloaded KRIs: (category code, KPI code, name, amber, red, window days). Only KPIs registered when the seed runs
#: are preloaded; running the seed again adds the ones whose module arrived since.
SEED_INDICATORS = (
    ("FIN", "budgets_variance_pct", "预算预计偏差率", 5.0, 10.0, 1),
    ("FIN", "sales_gross_margin", "毛利率", 22.0, 18.0, 28),
    ("LEGAL", "storeops_compliance_overdue", "证照过期/合规逾期项", 0.0, 2.0, 1),
    ("MARKET", "sales_growth_yoy", "销售同比增长", 0.0, -5.0, 28),
    ("MARKET", "sales_vs_target", "销售目标达成率", 95.0, 85.0, 28),
    ("TECH", "risks_data_age_days", "数据新鲜度（距最新销售数据天数）", 2.0, 7.0, 1),
    ("TECH", "risks_forecast_failed_runs", "近 7 天预测运行失败次数", 0.0, 2.0, 7),
    ("TECH", "projects_milestones_overdue", "项目逾期里程碑数", 0.0, 3.0, 1),
    ("HR", "people_turnover", "员工离职率", 3.0, 6.0, 30),
    ("HR", "people_training_attendance", "培训出勤率", 85.0, 70.0, 90),
    ("MARKET", "inventory_stockout_rate", "缺货率", 3.0, 6.0, 28),
    ("MARKET", "purchasing_supplier_otif", "供应商准时足量率（OTIF）", 90.0, 80.0, 28),
    ("LEGAL", "storeops_inspection_score", "巡检平均得分", 85.0, 75.0, 28),
    ("MARKET", "service_complaints_per_10k", "万笔交易投诉数", 3.0, 6.0, 28),
    ("LEGAL", "risks_serious_incidents", "严重事件数", 0.0, 1.0, 90),
)


def seed_indicators(company_id: int, *, indicator_model=KeyRiskIndicator) -> int:
    """Add the preloaded company-wide KRIs whose KPI is registered and that the company lacks (one per KPI code);
    returns how many were added. Idempotent; `indicator_model` lets the data migration pass its historical model
    so existing companies get the KRIs of KPIs that arrived after their set-up."""
    registered = kpis()
    existing = set(indicator_model.objects.filter(company_id=company_id, store__isnull=True, region__isnull=True)
                   .values_list("kpi_code", flat=True))
    added = 0
    for _category_code, kpi_code, name, amber, red, window in SEED_INDICATORS:
        if kpi_code not in registered or kpi_code in existing:
            continue
        indicator_model.objects.create(company_id=company_id, kpi_code=kpi_code, name=name, amber=amber, red=red,
                                       window_days=window)
        existing.add(kpi_code)
        added += 1
    return added


def risks_seed(company) -> dict[str, int]:
    """The company's defaults, idempotent: settings, the five seed categories, the 5 x 5 definitions and the
    preloaded KRIs whose KPI is registered."""
    RiskSettings.objects.get_or_create(company=company)
    categories = {}
    for code, name_zh, name_en, appetite, measure in SEED_CATEGORIES:
        categories[code], _created = RiskCategory.objects.get_or_create(
            company=company, code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "appetite": appetite, "measures": measure})
    for axis, levels in ((AxisChoices.LIKELIHOOD, LIKELIHOOD_LEVELS), (AxisChoices.IMPACT, IMPACT_LEVELS)):
        for value, name, definition in levels:
            MatrixLevel.objects.get_or_create(company=company, axis=axis, value=value,
                                              defaults={"name": name, "definition": definition})
    added = seed_indicators(company.pk)
    return {"categories": len(categories), "indicators_added": added}


# ---------------------------------------------------------------------------------------------- incidents

#: In the order a reporter on the spot fills them (the add form is used on a phone); the investigation comes later.
INCIDENT_FIELDS = ("store", "occurred_at", "kind", "severity", "title", "description", "immediate_actions", "risk",
                   "owner", "investigation", "root_cause")


def _incident_number(company_id: int, day: date) -> str:
    """The day's next number after the highest one given (not the count: a deleted incident frees no number)."""
    prefix = f"INC-{day:%Y%m%d}-"
    taken = Incident.objects.filter(company_id=company_id, number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(suffix) for number in taken if (suffix := number.removeprefix(prefix)).isdigit()), default=0)
    return f"{prefix}{highest + 1:03d}"


def incident_report(*, actor, data: dict, photo=None) -> Incident:
    """Report an incident at a store in the actor's scope; a serious one notifies the chain above the store at
    once (e-mail and the company's robots), after the report is committed."""
    from opsdesk.core.kit.services import object_create

    initial = {"reporter": actor, "number": _incident_number(actor.company_id, timezone.localdate())}
    if photo is not None:
        from opsdesk.storeops.images import process_upload

        initial["photo"] = process_upload(photo)
    for attempt in range(3):
        try:
            with transaction.atomic():
                incident = object_create(actor=actor, model=Incident, data=data, fields=INCIDENT_FIELDS,
                                         initial=initial, assignee_fields=("owner",))
            break
        except IntegrityError:  # two reports at once took the same number: take the next one
            if attempt == 2:
                raise
            initial["number"] = _incident_number(actor.company_id, timezone.localdate())
    if incident.is_serious:
        transaction.on_commit(lambda: incident_notify(incident))
    return incident


def incident_photo_set(*, actor, incident: Incident, upload) -> Incident:
    """Attach (or replace) the incident's photo: validated and re-encoded like every inspection photo."""
    from opsdesk.storeops.images import process_upload

    content = process_upload(upload)
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, Incident, incident, "change")
        current.photo.save(content.name, content, save=False)
        current.save(update_fields=["photo"])
    return current


def incident_chain(incident: Incident) -> list:
    """Who hears of a serious incident: the store's managers, then the supervisor, regional manager and COO."""
    from opsdesk.core.models import User
    from opsdesk.storeops.services.actions import escalation_chain

    managers = list(User.objects.filter(company_id=incident.company_id, is_active=True, role="store_manager",
                                        scope_stores=incident.store_id))
    above = [user for user in escalation_chain(incident.store).values() if user is not None]
    return list(dict.fromkeys(managers + above))


def incident_notify(incident: Incident):
    """Send the serious-incident notice and record whom it reached."""
    from opsdesk.core.notify import notify

    incident.refresh_from_db()
    subject = _("【%(severity)s事件】%(store)s：%(title)s") % {
        "severity": incident.get_severity_display(), "store": incident.store, "title": incident.title}
    body = "\n".join([
        _("编号：%(number)s") % {"number": incident.number},
        _("类型：%(kind)s") % {"kind": incident.get_kind_display()},
        _("发生时间：%(at)s") % {"at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M")},
        _("经过：%(text)s") % {"text": incident.description or "—"},
        _("现场处置：%(text)s") % {"text": incident.immediate_actions or "—"},
    ])
    notice = notify(incident.company, subject=subject, body=body, users=incident_chain(incident))
    reached = ", ".join([*notice.emails, *notice.robots])
    Incident.objects.filter(pk=incident.pk).update(notified_at=timezone.now(), notified_to=reached[:500])
    return notice


def incident_close(*, actor, incident: Incident) -> Incident:
    """Close an incident: its root cause must be recorded first."""
    assert_can(actor, INCIDENT_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, Incident, incident, "change")
        if not current.root_cause.strip():
            raise ValidationError({"root_cause": _("关闭事件前请填写根本原因。")})
        current.status, current.closed_at = IncidentStatusChoices.CLOSED, timezone.now()
        current.save(update_fields=["status", "closed_at"])
    return current


def incident_add_action(*, actor, incident: Incident, data: dict) -> object:
    """Raise a corrective action at the incident's store (store operations' action) and link it."""
    from opsdesk.storeops.services.actions import action_create

    with transaction.atomic():
        current = in_scope_for_update(actor, Incident, incident, "change")
        action = action_create(actor=actor, store=current.store, data=data)
        current.corrective_actions.add(action)
    return action


# ---------------------------------------------------------------------------------------------- plans and drills


def plan_copy_to_stores(*, actor, plan: EmergencyPlan, stores) -> list[EmergencyPlan]:
    """Give each store its own copy of a company plan (skipping stores that have one)."""
    assert_can(actor, INCIDENT_AREA, "add")
    if plan.store_id is not None:
        raise ValidationError(_("只能从公司模板复制。"))
    copies = []
    with transaction.atomic(), audit_actor(actor):
        for store in stores:
            assert_store_in_scope(actor, store)
            if plan.copies.filter(store=store).exists():
                continue
            copy = EmergencyPlan(company=plan.company, store=store, source=plan, scenario=plan.scenario,
                                 title=plan.title, roles=plan.roles, steps=plan.steps, contacts=plan.contacts,
                                 drill_every_days=plan.drill_every_days, checklist=plan.checklist)
            copy.full_clean()
            copy.save()
            copies.append(copy)
    return copies


def plan_checklist(plan: EmergencyPlan):
    """The plan's drill checklist (built from its steps on first use, one pass/fail item per step)."""
    from opsdesk.storeops.services.checklists import template_build

    template_plan = plan.source or plan
    if template_plan.checklist_id is None:
        steps = template_plan.step_lines()
        if not steps:
            raise ValidationError({"steps": _("预案没有处置步骤，无法生成演练检查表。")})
        template = template_build(actor=None, company=plan.company, spec={
            "code": f"DRILL-{template_plan.pk}", "name": _("应急演练：%(title)s") % {"title": template_plan.title},
            "sections": [{"title": _("处置步骤"), "items": [
                {"code": f"S{index}", "text": step[:200]} for index, step in enumerate(steps, start=1)]}]})
        EmergencyPlan.objects.filter(Q(pk=template_plan.pk) | Q(source=template_plan)).update(checklist=template)
        template_plan.checklist = template
    return template_plan.checklist


def drill_start(*, actor, drill: Drill) -> Drill:
    """Start a scheduled drill: it is run as the plan's checklist in the inspection runner."""
    from opsdesk.storeops.services.runs import run_start

    with transaction.atomic():
        current = in_scope_for_update(actor, Drill, drill, "change")
        if current.status != DrillStatusChoices.SCHEDULED:
            raise ValidationError(_("该演练已开始或已结束。"))
        run = run_start(actor=actor, store=current.store, template=plan_checklist(current.plan))
        current.run, current.status = run, DrillStatusChoices.IN_PROGRESS
        current.save(update_fields=["run", "status"])
    return current


#: A store plan never drilled gets its first drill this many days ahead (or its cadence, if shorter).
FIRST_DRILL_NOTICE_DAYS = 30
OPEN_DRILL_STATUSES = (DrillStatusChoices.SCHEDULED, DrillStatusChoices.IN_PROGRESS)


def _drill_done_on(drill: Drill) -> date:
    """The day a done drill was held: its checklist's completion, else the day it was scheduled for."""
    if drill.run is not None and drill.run.completed_at is not None:
        return timezone.localtime(drill.run.completed_at).date()
    return drill.scheduled_for


def drill_schedule_next(*, plan: EmergencyPlan, today: date) -> Drill | None:
    """Schedule the next drill of a store's plan unless one is scheduled or running: the last done drill plus the
    plan's cadence (never before today), or, never drilled, `FIRST_DRILL_NOTICE_DAYS` ahead. Idempotent."""
    if plan.store_id is None or plan.drill_every_days <= 0:
        return None
    drills = Drill.objects.filter(store_id=plan.store_id,
                                  plan_id__in=[pk for pk in (plan.pk, plan.source_id) if pk is not None])
    if drills.filter(status__in=OPEN_DRILL_STATUSES).exists():
        return None
    last = drills.filter(status=DrillStatusChoices.DONE).select_related("run").order_by("-scheduled_for", "-pk").first()
    if last is None:
        due = today + timedelta(days=min(plan.drill_every_days, FIRST_DRILL_NOTICE_DAYS))
    else:
        due = max(today, _drill_done_on(last) + timedelta(days=plan.drill_every_days))
    drill = Drill(company_id=plan.company_id, store_id=plan.store_id, plan=plan, scheduled_for=due)
    drill.full_clean()
    drill.save()
    return drill


def drills_schedule_all(*, today: date | None = None) -> list[Drill]:
    """The nightly job: every store plan with no drill scheduled or running gets its next one."""
    today = today or timezone.localdate()
    plans = EmergencyPlan.objects.filter(store__isnull=False, drill_every_days__gt=0).order_by("pk")
    scheduled = []
    for plan in plans.iterator():
        with transaction.atomic():
            drill = drill_schedule_next(plan=plan, today=today)
        if drill is not None:
            scheduled.append(drill)
    return scheduled


def drill_complete(*, actor, drill: Drill, participants: int | None, findings: str = "") -> Drill:
    """Close a drill whose checklist run is completed (its score, failed steps and actions stay on the run)."""
    from opsdesk.storeops.choices import RunStatusChoices

    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, Drill, drill, "change")
        if current.run is None or current.run.status != RunStatusChoices.COMPLETED:
            raise ValidationError(_("请先在巡检中完成演练检查表。"))
        current.status, current.participants, current.findings = DrillStatusChoices.DONE, participants, findings
        current.full_clean()
        current.save(update_fields=["status", "participants", "findings"])
        if current.plan.store_id is not None:  # the store's next drill is on its calendar at once
            drill_schedule_next(plan=current.plan, today=timezone.localdate())
    return current
