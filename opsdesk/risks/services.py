"""Writes of the risk register: reviews, KRI measurement (nightly) and accepting a KRI's likelihood proposal, and
the company defaults (the seed's five categories, the matrix definitions, settings and preloaded KRIs).

Plain rows (categories, risks, controls, actions, KRIs) are written by the kit's generic services via their specs.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.core.kit.guards import assert_can, in_scope_for_update
from opsdesk.engine import risk as scoring
from opsdesk.risks.choices import AxisChoices, KriStatusChoices
from opsdesk.risks.models import (
    AREA,
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
    ("FIN", "budgets_variance", "预算偏差", 5.0, 10.0, 30),
    ("FIN", "sales_gross_margin", "毛利率", 22.0, 18.0, 28),
    ("LEGAL", "storeops_compliance_overdue", "证照过期/合规逾期项", 0.0, 2.0, 1),
    ("MARKET", "sales_growth_yoy", "销售同比增长", 0.0, -5.0, 28),
    ("MARKET", "sales_vs_target", "销售目标达成率", 95.0, 85.0, 28),
    ("TECH", "imports_data_age_days", "数据新鲜度（距最近导入天数）", 2.0, 7.0, 1),
    ("TECH", "forecasting_failed_runs", "预测运行失败次数", 0.0, 2.0, 7),
    ("HR", "people_turnover", "员工离职率", 3.0, 6.0, 30),
    ("HR", "people_training_attendance", "培训出勤率", 85.0, 70.0, 90),
    ("MARKET", "inventory_stockout_rate", "缺货率", 3.0, 6.0, 28),
    ("LEGAL", "storeops_inspection_score", "巡检平均得分", 85.0, 75.0, 28),
    ("MARKET", "service_complaints_per_10k", "万笔交易投诉数", 3.0, 6.0, 28),
)


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
    registered = kpis()
    added = 0
    for _category_code, kpi_code, name, amber, red, window in SEED_INDICATORS:
        if kpi_code not in registered:
            continue
        _indicator, created = KeyRiskIndicator.objects.get_or_create(
            company=company, kpi_code=kpi_code, store=None, region=None,
            defaults={"name": name, "amber": amber, "red": red, "window_days": window})
        added += created
    return {"categories": len(categories), "indicators_added": added}
