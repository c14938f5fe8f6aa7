"""KPIs of store operations as selectors `(scope, period) -> value`, registered in the core KPI registry from the
app's ready().

Every period is a pair of local dates, both included: a day runs from 00:00 to 24:00 in settings.TIME_ZONE. The
inspection score is the runs' own score (storeops.scoring, 0-100) averaged as the scorecard averages it; an action
is open in the statuses the cockpit and the scorecard count as open (`OPEN_ACTION_STATUSES`), closed otherwise.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiDefinition, KpiScope, Period
from opsdesk.storeops.choices import RunStatusChoices
from opsdesk.storeops.models import ComplianceItem, CorrectiveAction, InspectionRun
from opsdesk.storeops.models.actions import OPEN_ACTION_STATUSES


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The aware instants [start, end) of a period of local dates, both days included."""
    start, end = period
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))


def inspection_score(scope: KpiScope, period: Period) -> float | None:
    """Average score (0-100) of the inspections completed in the period, each run counting once; None without a
    scored completed run."""
    start, end = period_bounds(period)
    runs = scope.restrict(InspectionRun.objects.filter(status=RunStatusChoices.COMPLETED, completed_at__gte=start,
                                                       completed_at__lt=end, score__isnull=False))
    value = runs.aggregate(score=Avg("score"))["score"]
    return None if value is None else float(value)


def actions_closed_on_time_percent(scope: KpiScope, period: Period) -> float | None:
    """Of the corrective actions due in the period whose outcome is known (closed, or past their due date), the
    share (%) closed (done or verified) on or before their due date; None when there is none."""
    today = timezone.localdate()
    is_closed = ~Q(status__in=OPEN_ACTION_STATUSES)
    actions = scope.restrict(CorrectiveAction.objects.filter(due_date__gte=period[0], due_date__lte=period[1]))
    row = (actions.filter(is_closed | Q(due_date__lt=today))
           .annotate(done_day=TruncDate("done_at"))  # the local day (settings.TIME_ZONE) of the closing
           .aggregate(total=Count("pk"), on_time=Count("pk", filter=is_closed & Q(done_day__lte=F("due_date")))))
    return None if not row["total"] else row["on_time"] * 100.0 / row["total"]


def compliance_overdue(scope: KpiScope, period: Period) -> float:
    """Licences and certificates of the scope expired at the period's end (renewing one moves its expiry date)."""
    items = scope.restrict(ComplianceItem.objects.filter(expiry_date__lt=period[1]))
    return float(items.count())


KPIS = (
    KpiDefinition(
        code="storeops_compliance_overdue", name_zh="过期证照数", name_en="Licences expired", unit="count",
        direction="lower", aggregation="count at the period end over the scope",
        description_zh="统计期末已过到期日、尚未续期（未更新到期日）的证照和合规项数量（营业执照、食品经营许可证、健康证等）。",
        description_en="Licences and compliance items (business licence, food permit, health certificates, ...) whose "
                       "expiry date has passed at the end of the period and that have not been renewed.",
        measure=compliance_overdue),
    KpiDefinition(
        code="storeops_inspection_score", name_zh="巡检平均得分", name_en="Inspection score", unit="score",
        direction="higher", aggregation="average over the runs of the scope and period (each run counts once)",
        description_zh="统计期内完成（按完成时间）的巡检的平均得分（0-100，按检查项权重计分），每次巡检权重相同，"
                       "与巡检评分表相同。",
        description_en="Average score (0-100, item-weighted) of the inspections completed in the period (by "
                       "completion time), each run counting once, as on the store scorecard.",
        measure=inspection_score),
    KpiDefinition(
        code="storeops_actions_closed_on_time", name_zh="整改按期关闭率", name_en="Corrective actions closed on time",
        unit="%", direction="higher", aggregation="ratio of counts over the scope and period",
        description_zh="截止日期在统计期内、且结果已确定（已关闭，或已过截止日期）的整改任务中，在截止日期当天或之前"
                       "关闭（已完成或已验证，按完成时间）的比例。尚未到期的未关闭任务不计入；已关闭但无完成时间的任务算未按期。",
        description_en="Of the corrective actions due in the period whose outcome is known (closed, or past their "
                       "due date), the share closed (done or verified, by the time marked done) on or before the due "
                       "date. Open actions not yet due are left out; a closed action without a done time counts as "
                       "late.",
        measure=actions_closed_on_time_percent),
)


def register_extensions() -> None:
    """Register the store-operations KPIs in the core registry (called from StoreOpsConfig.ready())."""
    for definition in KPIS:
        extensions.register_kpi(definition)
