"""The risk register's KPI ("open risks above appetite"), its cockpit tiles and its brief section."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opsdesk.core import extensions
from opsdesk.core.extensions import BriefSection, KpiDefinition, KpiScope, Tile
from opsdesk.risks.choices import KriStatusChoices, RiskStatusChoices
from opsdesk.risks.models import KeyRiskIndicator, Risk


def _risks_in_scope(scope: KpiScope):
    risks = Risk.objects.filter(company_id=scope.company_id)
    if scope.store_ids is not None:
        from opsdesk.core.models import Store

        regions = Store.objects.filter(pk__in=scope.store_ids).values("region_id")
        risks = risks.filter(Q(store_id__in=scope.store_ids) | Q(store__isnull=True, region_id__in=regions))
    return risks


def above_appetite_count(scope: KpiScope, period: tuple[date, date]) -> float | None:
    """Open risks of the scope (its stores, their regions; company risks only for the whole company) whose
    residual score is above their category's appetite, as the register stands now (the register keeps no
    history of scores between reviews, so the period only says when it is read)."""
    return float(_risks_in_scope(scope).filter(status=RiskStatusChoices.OPEN,
                                               residual_score__gt=F("category__appetite")).count())


def incidents_count(scope: KpiScope, period: tuple[date, date], *, serious_only: bool = False) -> float | None:
    """Incidents of the scope's stores that occurred in the period (local dates, both included)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from opsdesk.risks.choices import SERIOUS_SEVERITIES
    from opsdesk.risks.models import Incident

    zone = timezone.get_current_timezone()
    start = datetime.combine(period[0], time.min, tzinfo=zone)
    end = datetime.combine(period[1] + timedelta(days=1), time.min, tzinfo=zone)
    incidents = scope.restrict(Incident.objects.filter(occurred_at__gte=start, occurred_at__lt=end),
                               company_field="company_id", store_field="store_id")
    if serious_only:
        incidents = incidents.filter(severity__in=SERIOUS_SEVERITIES)
    return float(incidents.count())


def data_age_days(scope: KpiScope, period: tuple[date, date]) -> float | None:
    """Days from the scope's newest sales day to the period's last day (0: the last day's sales are in); None when
    the scope has no sales at all. Sales facts rather than import batches: a batch is company-wide and a master-data
    import says nothing about whether a store's till data still arrives."""
    from django.db.models import Max

    from opsdesk.sales.models import StoreDaySales

    newest = scope.restrict(StoreDaySales.objects.filter(date__lte=period[1])).aggregate(newest=Max("date"))["newest"]
    return None if newest is None else float((period[1] - newest).days)


def forecast_failed_runs(scope: KpiScope, period: tuple[date, date]) -> float | None:
    """The company's forecast runs created in the period (local dates, both included) that failed; forecast runs
    are company-wide, so a store or region scope reads the company's count."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from opsdesk.forecasting.models import ForecastRun, RunStatusChoices

    zone = timezone.get_current_timezone()
    start = datetime.combine(period[0], time.min, tzinfo=zone)
    end = datetime.combine(period[1] + timedelta(days=1), time.min, tzinfo=zone)
    return float(ForecastRun.objects.filter(company_id=scope.company_id, status=RunStatusChoices.FAILED,
                                            created_at__gte=start, created_at__lt=end).count())


KPIS = (
    KpiDefinition(
        code="risks_incidents", name_zh="事件数", name_en="Incidents", unit="count", direction="lower",
        aggregation="sum over stores and days",
        description_zh="范围内门店在期间内发生（按发生时间的本地日期）的事件数量，各类型、各严重程度均计入。",
        description_en="Incidents of the scope's stores that occurred in the period (local date of occurrence), "
                       "every type and severity.",
        measure=incidents_count),
    KpiDefinition(
        code="risks_serious_incidents", name_zh="严重事件数", name_en="Serious incidents", unit="count",
        direction="lower", aggregation="sum over stores and days",
        description_zh="范围内门店在期间内发生的严重及重大事件数量。",
        description_en="Serious and critical incidents of the scope's stores that occurred in the period.",
        measure=lambda scope, period: incidents_count(scope, period, serious_only=True)),
    KpiDefinition(
        code="risks_above_appetite", name_zh="高于风险偏好的风险数", name_en="Open risks above appetite",
        unit="count", direction="lower", aggregation="count of risks in the scope",
        description_zh="状态为有效、剩余分值（可能性×影响，按控制措施降低后）高于其类别风险偏好的风险数量；门店或区域范围包含其所属区域的风险，全公司范围另含公司级风险。",
        description_en="Open risks whose residual score (likelihood × impact after controls) is above their "
                       "category's appetite; a store or region scope includes its region's risks, the whole "
                       "company also the company-level risks.",
        measure=above_appetite_count),
    KpiDefinition(
        code="risks_data_age_days", name_zh="数据滞后天数", name_en="Data age (days)", unit="days",
        direction="lower", aggregation="period end - newest sales day over the scope's stores",
        description_zh="期末日减去范围内门店最新一天销售数据的日期（天）；0 表示期末当天的数据已导入。",
        description_en="Days from the scope's newest sales day to the period's last day; 0 means the last day's "
                       "sales are in.",
        measure=data_age_days),
    KpiDefinition(
        code="risks_forecast_failed_runs", name_zh="预测运行失败次数", name_en="Failed forecast runs",
        unit="count", direction="lower", aggregation="count of the company's runs created in the period",
        description_zh="期间内（按创建时间的本地日期）创建且运行失败的预测运行次数；预测按公司运行，门店或区域范围读取公司的次数。",
        description_en="Forecast runs created in the period (local date) that failed; runs are company-wide, so a "
                       "store or region scope reads the company's count.",
        measure=forecast_failed_runs),
)


def cockpit_tiles(user, today: date) -> list[Tile]:
    """Open incidents and drills overdue (for who sees incidents); risks above appetite and indicators in breach
    (for who sees the register); all in the user's scope."""
    from datetime import timedelta

    from opsdesk.core.permissions import user_can
    from opsdesk.risks.choices import DrillStatusChoices, IncidentStatusChoices
    from opsdesk.risks.models import AREA, INCIDENT_AREA, Drill, Incident

    tiles = []
    if user_can(user, INCIDENT_AREA, "view"):
        open_incidents = Incident.objects.for_user(user).exclude(status=IncidentStatusChoices.CLOSED).count()
        overdue = Drill.objects.for_user(user).filter(status=DrillStatusChoices.SCHEDULED,
                                                     scheduled_for__lt=today).count()
        tiles += [
            Tile(label=_("未关闭事件"), value=str(open_incidents), unit="count", url=reverse("risks:incident_list"),
                 tone="warning" if open_incidents else "good"),
            Tile(label=_("逾期未开展的演练"), value=str(overdue), unit="count",
                 url=f"{reverse('risks:drill_list')}?status=scheduled&scheduled_for_before="
                     f"{(today - timedelta(days=1)).isoformat()}",
                 tone="warning" if overdue else "good"),
        ]
    if user_can(user, AREA, "view"):
        # The counts are the filters of the linked lists (filtersets.py): the list shows exactly the counted rows.
        risks = Risk.objects.for_user(user).filter(status=RiskStatusChoices.OPEN, residual_score__gt=F(
            "category__appetite")).count()
        breached = KeyRiskIndicator.objects.for_user(user).filter(
            is_active=True, status__in=[KriStatusChoices.AMBER, KriStatusChoices.RED]).count()
        tiles += [
            Tile(label=_("高于风险偏好的风险"), value=str(risks), unit="count",
                 url=reverse("risks:risk_list") + "?above_appetite=true", tone="danger" if risks else "good"),
            Tile(label=_("预警中的风险指标"), value=str(breached), unit="count",
                 url=reverse("risks:keyriskindicator_list") + "?breached=true",
                 tone="warning" if breached else "good"),
        ]
    return tiles


def brief_section(company_id: int, store_ids: tuple[int, ...] | None, day: date, language: str
                  ) -> BriefSection | None:
    """Risks above appetite and the indicators in breach (red first), with their numbers."""
    from opsdesk.risks.selectors import breach_text

    scope = KpiScope(company_id=company_id, store_ids=None if store_ids is None else tuple(store_ids))
    count = int(above_appetite_count(scope, (day, day)) or 0)
    indicators = KeyRiskIndicator.objects.filter(company_id=company_id, is_active=True,
                                                 status__in=[KriStatusChoices.RED, KriStatusChoices.AMBER])
    if store_ids is not None:
        indicators = indicators.filter(store_id__in=store_ids)
    definitions = extensions.kpis()
    with translation.override(language):
        lines = [_("高于风险偏好的风险 %(count)s 项") % {"count": count}]
        lines += [breach_text(indicator, definitions.get(indicator.kpi_code))
                  for indicator in indicators.select_related("store", "region").order_by("status", "name")[:5]]
        return BriefSection(title=_("风险"), lines=lines)


def register_extensions() -> None:
    from opsdesk.risks.inbox import provider_factory

    for definition in KPIS:
        extensions.register_kpi(definition)
    extensions.register_inbox_provider(provider_factory)
    extensions.register_cockpit_tile(cockpit_tiles)
    extensions.register_brief_section(brief_section)
