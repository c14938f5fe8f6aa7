"""KPIs of customer service as selectors `(scope, period) -> value`, the batched SLA clock they share with the
inbox and the analysis page, and what the service app shows in the cockpit (tiles) and the daily brief.

Every period is a pair of local dates, both included: a day runs from 00:00 to 24:00 in settings.TIME_ZONE.
Everything registers in the core registries (`register_extensions`, called from the app's ready()).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opsdesk.core import extensions
from opsdesk.core.extensions import BriefSection, KpiDefinition, KpiScope, Period, Tile
from opsdesk.engine.sla import SlaStatus
from opsdesk.service.choices import OPEN_STATUSES, TicketTypeChoices
from opsdesk.service.models import CsatRequest, SurveyResponse, Ticket
from opsdesk.service.selectors import sla_states

#: CSAT answers counted as satisfied; NPS promoters and detractors (0-10 scale).
SATISFIED_SCORES = (4, 5)
PROMOTER_MIN, DETRACTOR_MAX = 9, 6
#: How far past the last stop the store calendar reaches (as `selectors.ticket_sla` does).


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The aware instants [start, end) of a period of local dates, both days included."""
    start, end = period
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))


def _in_scope(queryset: QuerySet, scope: KpiScope, company_field: str, store_field: str) -> QuerySet:
    queryset = queryset.filter(**{company_field: scope.company_id})
    if scope.store_ids is not None:
        queryset = queryset.filter(**{f"{store_field}__in": scope.store_ids})
    return queryset


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else part * 100.0 / whole


# ------------------------------------------------------------------------------------------------ the SLA clock


def sla_met(ticket: Ticket, first: SlaStatus, resolution: SlaStatus) -> bool:
    """Both targets met: neither clock breached, and the escalation sweep never flagged a breach."""
    return not (first.is_breached or resolution.is_breached or ticket.first_response_breached
                or ticket.resolution_breached)


def resolved_tickets(queryset: QuerySet[Ticket], period: Period) -> QuerySet[Ticket]:
    """Tickets resolved in the period (a reopened ticket counts when it is resolved again), ready for `sla_states`."""
    start, end = period_bounds(period)
    return queryset.filter(resolved_at__gte=start, resolved_at__lt=end).select_related("store").prefetch_related(
        "pauses")


# ------------------------------------------------------------------------------------------------ the KPIs


def csat_percent(scope: KpiScope, period: Period) -> float | None:
    """Share (%) of CSAT requests answered in the period with a score of 4 or 5; None without answers."""
    start, end = period_bounds(period)
    answered = _in_scope(CsatRequest.objects.filter(answered_at__gte=start, answered_at__lt=end,
                                                    score__isnull=False), scope, "ticket__company_id",
                         "ticket__store_id")
    row = answered.aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(score__in=SATISFIED_SCORES)))
    return _percent(row["satisfied"], row["total"])


def nps_value(scope: KpiScope, period: Period) -> float | None:
    """% promoters (9-10) minus % detractors (0-6) of survey responses with an NPS score submitted in the period;
    None without responses."""
    start, end = period_bounds(period)
    responses = _in_scope(SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end,
                                                        nps_score__isnull=False), scope, "store__company_id",
                          "store_id")
    row = responses.aggregate(total=Count("pk"), promoters=Count("pk", filter=Q(nps_score__gte=PROMOTER_MIN)),
                              detractors=Count("pk", filter=Q(nps_score__lte=DETRACTOR_MAX)))
    if not row["total"]:
        return None
    return (row["promoters"] - row["detractors"]) * 100.0 / row["total"]


def sla_compliance_percent(scope: KpiScope, period: Period) -> float | None:
    """Share (%) of the tickets resolved in the period that met both their first-response and resolution targets
    (see `sla_met`); None when no ticket was resolved."""
    tickets = list(resolved_tickets(_in_scope(Ticket.objects.all(), scope, "company_id", "store_id"), period))
    states = sla_states(tickets)
    met = sum(1 for ticket in tickets if sla_met(ticket, *states[ticket.pk]))
    return _percent(met, len(tickets))


def complaints_per_10k_transactions(scope: KpiScope, period: Period) -> float | None:
    """Complaint tickets received in the period per 10,000 sales transactions of the same stores and days; None
    without transactions."""
    from opsdesk.sales.models import StoreDaySales

    start, end = period_bounds(period)
    complaints = _in_scope(Ticket.objects.filter(type=TicketTypeChoices.COMPLAINT, received_at__gte=start,
                                                 received_at__lt=end), scope, "company_id", "store_id").count()
    transactions = _in_scope(StoreDaySales.objects.filter(date__gte=period[0], date__lte=period[1]), scope,
                             "store__company_id", "store_id").aggregate(n=Sum("transactions"))["n"] or 0
    return None if not transactions else complaints * 10_000.0 / transactions


KPIS = (
    KpiDefinition(
        code="service_csat", name_zh="顾客满意度（CSAT）", name_en="Customer satisfaction (CSAT)", unit="%",
        direction="higher", aggregation="ratio of counts over the scope and period (not an average of store values)",
        description_zh="统计期内回答的满意度回访中，评 4 分或 5 分的比例（评分 1-5）。",
        description_en="Of the CSAT requests answered in the period (score 1-5), the share scoring 4 or 5.",
        measure=csat_percent),
    KpiDefinition(
        code="service_nps", name_zh="净推荐值（NPS）", name_en="Net Promoter Score (NPS)", unit="score",
        direction="higher", aggregation="computed from all responses of the scope and period (-100 to 100)",
        description_zh="统计期内提交、带推荐度（0-10）的问卷答复中：推荐者（9-10 分）占比减去贬损者（0-6 分）占比。",
        description_en="Of the survey responses with an NPS score (0-10) submitted in the period: % promoters (9-10) "
                       "minus % detractors (0-6).",
        measure=nps_value),
    KpiDefinition(
        code="service_sla_compliance", name_zh="SLA 达成率", name_en="SLA compliance", unit="%", direction="higher",
        aggregation="ratio of counts over the scope and period",
        description_zh="统计期内解决的工单中，首次响应和解决均在时限内的比例：按门店营业时间计时，扣除等待顾客等暂停时间，"
                       "采用该优先级当前的时限；SLA 巡检曾标记超时的工单也算未达成。",
        description_en="Of the tickets resolved in the period, the share whose first response and resolution both "
                       "came before their due times: counted in the store's business hours, pauses (waiting on the "
                       "customer) excluded, with the priority's current targets; a ticket the SLA sweep ever "
                       "flagged as breached counts as missed.",
        measure=sla_compliance_percent),
    KpiDefinition(
        code="service_complaints_per_10k", name_zh="万笔交易投诉数", name_en="Complaints per 10,000 transactions",
        unit="per10k", direction="lower", aggregation="sum of complaints / sum of transactions × 10,000",
        description_zh="统计期内受理的投诉类工单数 ÷ 同一批门店同期的交易笔数 × 10,000。",
        description_en="Complaint tickets received in the period ÷ sales transactions of the same stores and days "
                       "× 10,000.",
        measure=complaints_per_10k_transactions),
)


# ------------------------------------------------------------------------------------------------ cockpit and brief


def _text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _tone(value: float | None, good: float, warning: float) -> str:
    if value is None:
        return "neutral"
    return "good" if value >= good else "warning" if value >= warning else "danger"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def cockpit_tiles(user, today: date) -> list[Tile]:
    """Open complaints, SLA compliance and CSAT this month, NPS this quarter, for the user's scope."""
    from opsdesk.core.permissions import user_can

    if not user_can(user, "service", "view"):
        return []
    scope = extensions.kpi_scope_for_user(user)
    month = (today.replace(day=1), today)
    open_complaints = Ticket.objects.for_user(user).filter(type=TicketTypeChoices.COMPLAINT,
                                                           status__in=OPEN_STATUSES).count()
    sla, csat = sla_compliance_percent(scope, month), csat_percent(scope, month)
    nps = nps_value(scope, (quarter_start(today), today))
    tickets = reverse("service:ticket_list")
    analysis = reverse("service:analysis")
    return [
        Tile(label=_("未结投诉"), value=str(open_complaints), unit="count", url=f"{tickets}?type=complaint",
             tone="warning" if open_complaints else "good"),
        Tile(label=_("SLA 达成率（本月）"), value=_text(sla), unit="%", url=analysis, tone=_tone(sla, 90, 75)),
        Tile(label=_("顾客满意度（本月）"), value=_text(csat), unit="%", url=analysis, tone=_tone(csat, 80, 60)),
        Tile(label=_("NPS（本季度）"), value=_text(nps), unit="score", url=analysis, tone=_tone(nps, 30, 0)),
    ]


def brief_section(company_id: int, store_ids: tuple[int, ...] | None, day: date, language: str
                  ) -> BriefSection | None:
    """The day's tickets: new, open at the end of the day, open with a breached SLA, and CSAT (day and month)."""
    scope = KpiScope(company_id=company_id, store_ids=None if store_ids is None else tuple(store_ids))
    start, end = period_bounds((day, day))
    tickets = _in_scope(Ticket.objects.all(), scope, "company_id", "store_id")
    # Open at the end of the day: received by then and not resolved by then (a reopened ticket counts as open).
    open_then = Q(received_at__lt=end) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
    row = tickets.aggregate(
        new=Count("pk", filter=Q(received_at__gte=start, received_at__lt=end)),
        open=Count("pk", filter=open_then),
        breached=Count("pk", filter=open_then & (Q(first_response_breached=True) | Q(resolution_breached=True))))
    csat_day, csat_month = csat_percent(scope, (day, day)), csat_percent(scope, (day.replace(day=1), day))
    with translation.override(language):
        return BriefSection(title=_("客户服务"), lines=[
            _("新工单 %(new)s 张，日终未结 %(open)s 张，其中 SLA 超时 %(breached)s 张") % row,
            _("顾客满意度：当日 %(day)s%%，本月 %(month)s%%") % {"day": _text(csat_day), "month": _text(csat_month)},
        ])


def register_extensions() -> None:
    """Register the KPIs, the inbox provider, the cockpit tiles and the brief section in the core registries."""
    from opsdesk.service.inbox import provider_factory

    for definition in KPIS:
        extensions.register_kpi(definition)
    extensions.register_inbox_provider(provider_factory)
    extensions.register_cockpit_tile(cockpit_tiles)
    extensions.register_brief_section(brief_section)
