"""Selectors of the service analysis page: tickets, complaints, SLA, CSAT and NPS of the user's scope over a range
of months, as a few aggregate queries (values() + Count) and Plotly figure specs.

Every queryset starts from `for_user(user)`; the optional store and region filters only narrow it. Departure from
the house rule "dashboards read rollups": service volumes are small (hundreds of tickets a month per company), so the
page aggregates the facts per request; a rollup can replace these selectors without changing the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opsdesk.core.charts import PALETTE, bar_chart, line_chart
from opsdesk.engine.text import frequent_terms
from opsdesk.service.choices import TicketTypeChoices
from opsdesk.service.kpis import DETRACTOR_MAX, PROMOTER_MIN, SATISFIED_SCORES, period_bounds, sla_met, sla_states
from opsdesk.service.models import CsatRequest, SurveyResponse, Ticket

#: How many ticket texts feed the word count (the latest ones), and how many words and categories are shown.
MAX_TEXTS = 3000
TOP_TERMS = 30
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class AnalysisFilters:
    """What the page shows: whole months from `start` to `end` (first days of months), optionally one store or
    region of the user's scope."""

    start: date
    end: date
    store_id: int | None = None
    region_id: int | None = None

    @property
    def period(self) -> tuple[date, date]:
        return self.start, next_month(self.end) - timedelta(days=1)

    @property
    def months(self) -> list[date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def default_filters(today: date) -> AnalysisFilters:
    """The last twelve months, this one included."""
    end = today.replace(day=1)
    start = end
    for _month in range(DEFAULT_MONTHS - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return AnalysisFilters(start=start, end=end)


def _narrow(queryset: QuerySet, filters: AnalysisFilters, store_field: str) -> QuerySet:
    if filters.store_id is not None:
        queryset = queryset.filter(**{store_field: filters.store_id})
    if filters.region_id is not None:
        queryset = queryset.filter(**{f"{store_field.removesuffix('_id')}__region_id": filters.region_id})
    return queryset


def _month(value) -> date:
    return timezone.localtime(value).date().replace(day=1)


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(part * 100.0 / whole, 1)


def _nps(promoters: int, detractors: int, total: int) -> float | None:
    return None if not total else round((promoters - detractors) * 100.0 / total, 1)


def _category_label(row: dict) -> str:
    english = (get_language() or "").startswith("en")
    name = row["category__name_en"] if english else row["category__name_zh"]
    return name or _("未分类")


def service_analysis(*, user, filters: AnalysisFilters) -> dict:
    """Figures, tables and charts of the page (about ten queries whatever the number of tickets)."""
    start, end = period_bounds(filters.period)
    tickets = _narrow(Ticket.objects.for_user(user), filters, "store_id").filter(received_at__gte=start,
                                                                                 received_at__lt=end)
    csat = _narrow(CsatRequest.objects.for_user(user), filters, "ticket__store_id").filter(
        answered_at__gte=start, answered_at__lt=end, score__isnull=False)
    responses = _narrow(SurveyResponse.objects.for_user(user), filters, "store_id").filter(
        submitted_at__gte=start, submitted_at__lt=end, nps_score__isnull=False)
    resolved = list(_narrow(Ticket.objects.for_user(user), filters, "store_id").filter(
        resolved_at__gte=start, resolved_at__lt=end).select_related("store").prefetch_related("pauses"))

    weekly = list(tickets.annotate(week=TruncWeek("received_at")).values(
        "week", "category_id", "category__name_zh", "category__name_en").annotate(n=Count("pk")).order_by("week"))
    complaints = list(tickets.filter(type=TicketTypeChoices.COMPLAINT).values("store__code", "store__name")
                      .annotate(n=Count("pk")).order_by("-n", "store__code"))
    csat_rows = list(csat.annotate(month=TruncMonth("answered_at")).values(
        "month", "ticket__store_id", "ticket__store__code", "ticket__store__name").annotate(
        total=Count("pk"), satisfied=Count("pk", filter=Q(score__in=SATISFIED_SCORES))))
    nps_rows = list(responses.annotate(month=TruncMonth("submitted_at")).values(
        "month", "store_id", "store__code", "store__name").annotate(
        total=Count("pk"), promoters=Count("pk", filter=Q(nps_score__gte=PROMOTER_MIN)),
        detractors=Count("pk", filter=Q(nps_score__lte=DETRACTOR_MAX))))
    states = sla_states(resolved)
    sla_by_month: dict[date, list[int]] = defaultdict(lambda: [0, 0])  # month -> [met, resolved]
    for ticket in resolved:
        counts = sla_by_month[_month(ticket.resolved_at)]
        counts[0] += sla_met(ticket, *states[ticket.pk])
        counts[1] += 1

    categories = _category_counts(weekly)
    store_months = _store_month_table(csat_rows, nps_rows)
    return {
        "summary": _summary(tickets, complaints, sla_by_month, csat_rows, nps_rows),
        "categories": categories,
        "terms": frequent_terms(_texts(tickets, responses), top=TOP_TERMS),
        "store_months": store_months,
        "complaints_by_store": complaints,
        "charts": {
            "weekly-chart": _weekly_chart(weekly),
            "complaints-chart": bar_chart(_("各门店投诉数"),
                                          [f"{row['store__code']} {row['store__name']}" for row in complaints],
                                          [row["n"] for row in complaints], _("投诉")),
            "monthly-chart": _monthly_chart(filters.months, sla_by_month, csat_rows),
            "nps-chart": _nps_heatmap(filters.months, nps_rows),
        },
    }


def _summary(tickets, complaints, sla_by_month, csat_rows, nps_rows) -> dict:
    met = sum(counts[0] for counts in sla_by_month.values())
    resolved = sum(counts[1] for counts in sla_by_month.values())
    return {
        "tickets": tickets.count(),
        "complaints": sum(row["n"] for row in complaints),
        "resolved": resolved,
        "sla_pct": _percent(met, resolved),
        "csat_answers": sum(row["total"] for row in csat_rows),
        "csat_pct": _percent(sum(r["satisfied"] for r in csat_rows), sum(r["total"] for r in csat_rows)),
        "nps_responses": sum(row["total"] for row in nps_rows),
        "nps": _nps(sum(r["promoters"] for r in nps_rows), sum(r["detractors"] for r in nps_rows),
                    sum(r["total"] for r in nps_rows)),
    }


def _texts(tickets: QuerySet, responses: QuerySet) -> list[str]:
    rows = tickets.order_by("-received_at").values_list("title", "description")[:MAX_TEXTS]
    texts = [f"{title}\n{description}" for title, description in rows]
    texts += [reason for reason in responses.exclude(nps_reason="").order_by("-submitted_at")
              .values_list("nps_reason", flat=True)[:MAX_TEXTS]]
    return texts


def _category_counts(weekly: list[dict]) -> list[dict]:
    totals: dict[str, int] = defaultdict(int)
    for row in weekly:
        totals[_category_label(row)] += row["n"]
    return [{"category": name, "count": n} for name, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]


def _store_month_table(csat_rows: list[dict], nps_rows: list[dict]) -> list[dict]:
    """One row per store and month with CSAT and NPS (and the counts behind them), by store code then month."""
    table: dict[tuple[str, date], dict] = {}

    def row(code: str, name: str, month) -> dict:
        key = (code, _month(month))
        return table.setdefault(key, {"store": f"{code} {name}", "month": key[1], "csat_pct": None, "csat_answers": 0,
                                      "nps": None, "nps_responses": 0})

    for csat in csat_rows:
        entry = row(csat["ticket__store__code"], csat["ticket__store__name"], csat["month"])
        entry["csat_answers"] = csat["total"]
        entry["csat_pct"] = _percent(csat["satisfied"], csat["total"])
    for nps in nps_rows:
        entry = row(nps["store__code"], nps["store__name"], nps["month"])
        entry["nps_responses"] = nps["total"]
        entry["nps"] = _nps(nps["promoters"], nps["detractors"], nps["total"])
    return [table[key] for key in sorted(table)]


def _weekly_chart(weekly: list[dict]) -> dict:
    """Tickets per week, one stacked bar segment per category."""
    weeks = sorted({timezone.localtime(row["week"]).date() for row in weekly})
    series: dict[str, dict[date, int]] = defaultdict(dict)
    for row in weekly:
        week = timezone.localtime(row["week"]).date()
        label = _category_label(row)
        series[label][week] = series[label].get(week, 0) + row["n"]
    data = [{"type": "bar", "name": name, "x": [week.isoformat() for week in weeks],
             "y": [counts.get(week, 0) for week in weeks], "marker": {"color": PALETTE[i % len(PALETTE)]}}
            for i, (name, counts) in enumerate(sorted(series.items()))]
    chart = line_chart(_("每周工单（按类别）"), [], {}, _("工单"))  # the house layout, traces replaced
    chart["data"] = data
    chart["layout"]["barmode"] = "stack"
    return chart


def _monthly_chart(months: list[date], sla_by_month: dict, csat_rows: list[dict]) -> dict:
    csat: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for row in csat_rows:
        counts = csat[_month(row["month"])]
        counts[0] += row["satisfied"]
        counts[1] += row["total"]
    labels = [month.strftime("%Y-%m") for month in months]
    return line_chart(_("SLA 达成率与顾客满意度（%）"), labels, {
        _("SLA 达成率"): [_percent(*sla_by_month[m]) if m in sla_by_month else None for m in months],
        _("顾客满意度"): [_percent(*csat[m]) if m in csat else None for m in months],
    }, "%")


def _nps_heatmap(months: list[date], nps_rows: list[dict]) -> dict:
    """NPS by store (rows) and month (columns); empty cells have no responses."""
    stores = sorted({(row["store__code"], row["store__name"]) for row in nps_rows})
    values = {(row["store__code"], _month(row["month"])): _nps(row["promoters"], row["detractors"], row["total"])
              for row in nps_rows}
    chart = line_chart(_("各门店每月 NPS"), [], {}, "")
    chart["data"] = [{"type": "heatmap", "x": [month.strftime("%Y-%m") for month in months],
                      "y": [f"{code} {name}" for code, name in stores],
                      "z": [[values.get((code, month)) for month in months] for code, _name in stores],
                      "zmin": -100, "zmax": 100, "colorscale": "RdYlGn", "hoverongaps": False}]
    chart["layout"].update(hovermode="closest", height=max(240, 60 + 28 * len(stores)))
    return chart
