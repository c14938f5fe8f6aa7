"""Reads of the cockpit: everything comes from the rollups, through the user's scope.

The scope is covered by the coarsest rollup rows that match it exactly: the company row for a company-wide user,
a region row for every region whose stores the user sees entirely, store rows for the rest.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Power
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opsdesk.cockpit.choices import RollupLevelChoices as L
from opsdesk.cockpit.models import DayRollup, StoreSkuRollup, StoreStockRollup
from opsdesk.core.models import Region, Store
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import visible_store_ids

TREND_DAYS = 90
SPARK_DAYS = 30
HEATMAP_DAYS = 364


class ScopeKind:
    """What a cockpit page covers, and so which views fit it (see `Scope.kind`)."""

    COMPANY = "company"  # the whole company: regions compared, the store league
    REGIONS = "regions"  # several whole regions: the same, over those regions
    REGION = "region"  # one whole region: its stores compared
    GROUP = "group"  # some stores (a supervisor's): those stores compared
    STORE = "store"  # one store: its own views (SKUs), nothing compared


@dataclass
class Scope:
    """What the cockpit shows: a label, the rollup units covering it, its stores, and its kind."""

    label: str
    level: str
    units: list[tuple[str, int]]
    store_ids: list[int]
    region: Region | None = None
    store: Store | None = None
    children: list[tuple[str, int, str]] = field(default_factory=list)  # (level, id, label) one level down
    kind: str = ScopeKind.COMPANY

    @property
    def compares_regions(self) -> bool:
        return self.kind in (ScopeKind.COMPANY, ScopeKind.REGIONS)

    @property
    def compares_stores(self) -> bool:
        """Whether the page ranks its stores against each other (a league of one row compares nothing)."""
        return self.kind != ScopeKind.STORE and len(self.store_ids) > 1


def _units_for_stores(user, store_ids: list[int]) -> list[tuple[str, int]]:
    stores = dict(Store.objects.filter(pk__in=store_ids).values_list("pk", "region_id"))
    totals = dict(Store.objects.filter(region_id__in=set(stores.values())).values("region_id")
                  .annotate(n=Count("pk")).values_list("region_id", "n"))
    by_region: dict[int, list[int]] = defaultdict(list)
    for store_id, region_id in stores.items():
        by_region[region_id].append(store_id)
    units = []
    for region_id, members in sorted(by_region.items()):
        if len(members) == totals.get(region_id):
            units.append((L.REGION, region_id))
        else:
            units.extend((L.STORE, store_id) for store_id in sorted(members))
    return units


def _store_scope(user, store_id: int) -> Scope:
    store = Store.objects.for_user(user).select_related("region").filter(pk=store_id).first()
    if store is None:
        raise Http404
    return Scope(str(store), L.STORE, [(L.STORE, store.pk)], [store.pk], region=store.region, store=store,
                 kind=ScopeKind.STORE)


def _group_label(count: int, region: Region | None = None) -> str:
    if region is not None:
        return ngettext("%(region)s · %(count)s 家门店", "%(region)s · %(count)s 家门店", count) % {
            "region": region.name, "count": count}
    return ngettext("%(count)s 家门店", "%(count)s 家门店", count) % {"count": count}


def _region_scope(user, region_id: int, visible: list[int]) -> Scope:
    region = Region.objects.for_user(user).filter(pk=region_id).first()
    store_ids = list(Store.objects.filter(pk__in=visible, region_id=region_id).values_list("pk", flat=True))
    if region is None or not store_ids:
        raise Http404
    stores = Store.objects.filter(pk__in=store_ids).order_by("code")
    units = _units_for_stores(user, store_ids)
    whole = units == [(L.REGION, region.pk)]
    # A region of which the user sees only some stores is that group of stores, named as such.
    return Scope(region.name if whole else _group_label(len(store_ids), region), L.REGION, units, store_ids,
                 region=region, children=[(L.STORE, s.pk, str(s)) for s in stores],
                 kind=ScopeKind.REGION if whole else ScopeKind.GROUP)


def scope_for(user, *, region_id: int | None = None, store_id: int | None = None) -> Scope:
    """The scope of the page (the user's whole scope, one of its regions, or one store); 404 outside it.

    The user's whole scope is, by what it holds: the company (company-wide users), one store (a store manager),
    one whole region (a regional manager), several whole regions, or a group of stores (a supervisor's)."""
    if not user_can(user, "cockpit", "view"):
        raise Http404
    visible = visible_store_ids(user)
    if store_id is not None:
        return _store_scope(user, store_id)
    if region_id is not None:
        return _region_scope(user, region_id, visible)
    company_wide = bool(user.has_company_scope and user.company_id)
    if not company_wide and len(visible) == 1:
        return _store_scope(user, visible[0])
    units = [(L.COMPANY, user.company_id)] if company_wide else _units_for_stores(user, visible)
    regions = Region.objects.filter(stores__pk__in=visible).distinct().order_by("code")
    children = [(L.REGION, r.pk, r.name) for r in regions]
    if len(children) == 1 and (company_wide or units == [(L.REGION, children[0][1])]):
        return _region_scope(user, children[0][1], visible)  # one whole region (a company of one region too)
    if company_wide:
        return Scope(user.company.name, L.COMPANY, units, list(visible), children=children, kind=ScopeKind.COMPANY)
    if units and all(level == L.REGION for level, _id in units):
        label = _("、").join(name for _level, _id, name in children)  # the list separator of the language
        return Scope(label, L.COMPANY, units, list(visible), children=children, kind=ScopeKind.REGIONS)
    stores = Store.objects.filter(pk__in=visible).order_by("code")
    return Scope(_group_label(len(visible)), L.COMPANY, units, list(visible), kind=ScopeKind.GROUP,
                 children=[(L.STORE, s.pk, str(s)) for s in stores])


def _unit_filter(units: list[tuple[str, int]]) -> Q:
    by_level: dict[str, list[int]] = defaultdict(list)
    for level, entity_id in units:
        by_level[level].append(entity_id)
    condition = Q(pk__in=[])
    for level, ids in by_level.items():
        condition |= Q(level=level, entity_id__in=ids)
    return condition


def _rows(user, units, start: date, end: date):
    return DayRollup.objects.for_user(user).filter(_unit_filter(units), date__gte=start, date__lte=end)


def _daily(user, scope: Scope, start: date, end: date) -> dict[date, dict]:
    # Annotation names must differ from the field names; "total_" is dropped again below.
    rows = _rows(user, scope.units, start, end).values("date").annotate(
        total_sales=Sum("sales"), total_cost=Sum("cost"), total_customers=Sum("customers"),
        total_transactions=Sum("transactions"), total_target=Sum("target"), total_forecast=Sum("forecast"),
        # The band of several units: half-widths combined in quadrature, as the rollups combine stores (see
        # rollups._Day.add); a single unit keeps its own bounds.
        total_below=Sum(Power(F("forecast") - F("forecast_lower"), 2)),
        total_above=Sum(Power(F("forecast_upper") - F("forecast"), 2)),
        # MAX over a boolean works on SQLite but not on PostgreSQL: count the rows with actuals instead.
        total_actual=Count("pk", filter=Q(has_actuals=True)))
    days = {}
    for row in rows:
        day = {name.removeprefix("total_"): bool(value) if name == "total_actual" else value
               for name, value in row.items()}
        below, above = day.pop("below"), day.pop("above")
        forecast = day["forecast"]
        day["lower"] = None if forecast is None or below is None else max(forecast - math.sqrt(below), 0.0)
        day["upper"] = None if forecast is None or above is None else forecast + math.sqrt(above)
        days[row["date"]] = day
    return days


#: How many days the cockpit may step back from the latest day with facts to the last complete one.
COMPLETE_LOOKBACK_DAYS = 3


def _reporting_by_day(user, scope: Scope, since: date):
    """(date, stores reporting, stores expected) per day with facts since `since`, latest first."""
    return (_rows(user, scope.units, since, date(9999, 1, 1)).values("date")
            .annotate(reporting=Sum("stores_reporting"), expected=Sum("stores_expected"),
                      actual=Count("pk", filter=Q(has_actuals=True)))
            .filter(actual__gt=0).order_by("-date").values_list("date", "reporting", "expected"))


def data_status(user, scope: Scope) -> dict | None:
    """The latest day with facts, the day the cockpit shows (the last complete day within a few days of it: every
    store expected to report did) and, when they differ, how many stores the latest day holds."""
    latest = _rows(user, scope.units, date(1900, 1, 1), date(9999, 1, 1)).filter(has_actuals=True).aggregate(
        last=Max("date"))["last"]
    if latest is None:
        return None
    days = list(_reporting_by_day(user, scope, latest - timedelta(days=COMPLETE_LOOKBACK_DAYS)))
    complete = next((day for day, reporting, expected in days if reporting >= expected), None)
    reporting, expected = next(((r, e) for day, r, e in days if day == latest), (0, 0))
    shown = complete or latest
    return {"latest": latest, "shown": shown, "is_partial": shown != latest or reporting < expected,
            "reporting": reporting, "expected": expected}


def as_of(user, scope: Scope) -> date | None:
    """The cockpit's "today": the last complete day with facts in the scope (see data_status)."""
    status = data_status(user, scope)
    return status["shown"] if status else None


def stores_behind(user, scope: Scope, latest: date) -> list[dict]:
    """Stores of the scope whose own last day with facts is before the scope's latest day (data freshness)."""
    rows = (StoreStockRollup.objects.for_user(user).filter(store_id__in=scope.store_ids)
            .filter(Q(last_sales_day__lt=latest) | Q(last_sales_day__isnull=True))
            .select_related("store").order_by("last_sales_day", "store__code"))
    return [{"store": row.store, "last_day": row.last_sales_day,
             "days_behind": (latest - row.last_sales_day).days if row.last_sales_day else None} for row in rows]


def _last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _sum(days: dict[date, dict], start: date, end: date, name: str):
    return sum((row[name] or 0 for d, row in days.items() if start <= d <= end), Decimal(0))


def _period(days, start: date, end: date, period_end: date) -> dict:
    """Actual, target, last year and landing forecast (actual + forecast of the remaining days) of a period."""
    sales = _sum(days, start, end, "sales")
    target = _sum(days, start, period_end, "target")
    last_year = _sum(days, _last_year(start), _last_year(end), "sales")
    remaining = sum((row["forecast"] or 0.0 for d, row in days.items() if end < d <= period_end), 0.0)
    return {
        "sales": sales, "target": target, "last_year": last_year,
        "target_pct": float(sales / target * 100) if target else None,
        "growth_pct": float((sales - last_year) / last_year * 100) if last_year else None,
        "landing": float(sales) + remaining,
    }


def _spark(values: list[float]) -> str:
    """An inline SVG polyline's points (120 x 28) for a series."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = 120 / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{26 - (v - low) / span * 24:.1f}" for i, v in enumerate(values))


def _series(days, end: date, count: int, measure) -> list[float]:
    out = []
    for offset in range(count - 1, -1, -1):
        row = days.get(end - timedelta(days=offset))
        out.append(float(measure(row)) if row else 0.0)
    return out


def _ratio(a, b) -> float | None:
    return float(a) / float(b) if b else None


@dataclass
class CostedSales:
    """Sales and cost of the store days that have a cost (a store day without one counts in neither: missing is
    not zero), per day, and over the month how many stores and store days had a cost of those that had sales."""

    days: dict[date, tuple[Decimal, Decimal]]
    stores_costed: int = 0
    stores_with_sales: int = 0
    days_costed: int = 0
    days_with_sales: int = 0

    def basis(self) -> str:
        """What the margin is computed over, when that is not everything ("" when it is)."""
        if not self.days_costed:
            return _("无成本数据") if self.days_with_sales else ""
        if self.stores_costed < self.stores_with_sales:
            return _("毛利率基于 %(costed)s / %(total)s 家门店") % {
                "costed": self.stores_costed, "total": self.stores_with_sales}
        if self.days_costed < self.days_with_sales:
            return _("毛利率基于 %(costed)s / %(total)s 个门店日") % {
                "costed": self.days_costed, "total": self.days_with_sales}
        return ""


def _costed(user, scope: Scope, start: date, month_start: date, end: date) -> CostedSales:
    """Read from the store rows of the rollup, where a day with sales and a cost of 0 is one whose cost is unknown
    (cockpit.rollups writes the facts' NULL cost as 0)."""
    rows = DayRollup.objects.for_user(user).filter(level=L.STORE, entity_id__in=scope.store_ids, date__gte=start,
                                                   date__lte=end, has_actuals=True)
    has_cost = ~Q(cost=0)
    per_day = rows.filter(has_cost).values("date").annotate(costed_sales=Sum("sales"), costed_cost=Sum("cost"))
    counts = rows.filter(date__gte=month_start).aggregate(
        stores_costed=Count("entity_id", distinct=True, filter=has_cost),
        stores_with_sales=Count("entity_id", distinct=True, filter=~Q(sales=0)),
        days_costed=Count("pk", filter=has_cost), days_with_sales=Count("pk", filter=~Q(sales=0)))
    return CostedSales({row["date"]: (row["costed_sales"], row["costed_cost"]) for row in per_day}, **counts)


def _tiles(days, today: date, costed: CostedSales) -> dict:
    year_start, month_start = today.replace(month=1, day=1), today.replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    spark_start = today - timedelta(days=SPARK_DAYS - 1)
    sales = _sum(days, month_start, today, "sales")
    costed_sales = sum((value[0] for day, value in costed.days.items() if month_start <= day <= today), Decimal(0))
    cost = sum((value[1] for day, value in costed.days.items() if month_start <= day <= today), Decimal(0))
    customers = _sum(days, month_start, today, "customers")
    transactions = _sum(days, month_start, today, "transactions")

    def margin(row):
        return (row[0] - row[1]) / row[0] * 100 if row[0] else 0

    return {
        "today": _period(days, today, today, today),
        "mtd": _period(days, month_start, today, month_end),
        "ytd": _period(days, year_start, today, today.replace(month=12, day=31)),
        # Over the store days that have a cost only; `margin_basis` says so when that is not all of them.
        "margin_pct": _ratio((costed_sales - cost) * 100, costed_sales), "gross_margin": costed_sales - cost,
        "margin_basis": costed.basis(),
        "customers": customers, "avg_ticket": _ratio(sales, transactions),
        "spark_sales": _spark(_series(days, today, SPARK_DAYS, lambda r: r["sales"] or 0)),
        "spark_margin": _spark(_series(costed.days, today, SPARK_DAYS, margin)),
        "spark_customers": _spark(_series(days, today, SPARK_DAYS, lambda r: r["customers"] or 0)),
        "spark_ticket": _spark(_series(days, today, SPARK_DAYS, lambda r: r["sales"] / r["transactions"]
                                       if r["transactions"] else 0)),
        "spark_start": spark_start,
    }


def _stock(user, scope: Scope) -> dict:
    rows = StoreStockRollup.objects.for_user(user).filter(store_id__in=scope.store_ids)
    totals = rows.aggregate(stock_value=Sum("stock_value"), daily_cost=Sum("daily_cost"),
                            stockouts=Sum("stockout_count"), overstock=Sum("overstock_count"),
                            open_actions=Sum("open_actions"), overdue_actions=Sum("overdue_actions"),
                            inspection=Sum("inspection_score"), inspected=Count("inspection_score"))
    totals["days_of_cover"] = _ratio(totals["stock_value"] or 0, totals["daily_cost"] or 0)
    totals["inspection_score"] = _ratio(totals["inspection"] or 0, totals["inspected"])
    return totals


def _month_figures(user, scope: Scope, today: date, snapshots: dict) -> dict[int, dict]:
    """Per store: month-to-date sales and target, and last year's same days. From the store snapshots when they
    were taken on `today` (the usual case), else summed from the store day rows (a brief for an older day)."""
    if snapshots and all(row.sales_day == today for row in snapshots.values()):
        return {store_id: {"month_sales": row.mtd_sales, "month_target": row.mtd_target,
                           "last_year": row.last_year_mtd_sales} for store_id, row in snapshots.items()}
    month_start = today.replace(day=1)
    this_month = Q(date__gte=month_start, date__lte=today)
    last_year = Q(date__gte=_last_year(month_start), date__lte=_last_year(today))
    rows = (DayRollup.objects.for_user(user).filter(this_month | last_year, level=L.STORE,
                                                    entity_id__in=scope.store_ids)
            .values("entity_id").annotate(month_sales=Sum("sales", filter=this_month),
                                          month_target=Sum("target", filter=this_month),
                                          last_year=Sum("sales", filter=last_year)))
    return {row["entity_id"]: row for row in rows}


def _league(user, scope: Scope, today: date) -> list[dict]:
    """Every store of the scope: MTD sales vs target, growth vs last year, stock health, inspection score."""
    stock = {row.store_id: row for row in StoreStockRollup.objects.for_user(user).filter(store_id__in=scope.store_ids)}
    figures = _month_figures(user, scope, today, stock)
    league = []
    for store in Store.objects.filter(pk__in=scope.store_ids).select_related("region").order_by("code"):
        row = figures.get(store.pk, {})
        sales, target, before = row.get("month_sales") or 0, row.get("month_target") or 0, row.get("last_year") or 0
        health = stock.get(store.pk)
        league.append({
            "store": store, "sales": sales, "target": target, "target_pct": _ratio(sales * 100, target),
            "growth_pct": _ratio((sales - before) * 100, before),
            "stockouts": health.stockout_count if health else None,
            "overstock": health.overstock_count if health else None,
            "days_of_cover": _ratio(health.stock_value, health.daily_cost) if health else None,
            "inspection_score": health.inspection_score if health else None,
            "overdue_actions": health.overdue_actions if health else None,
        })
    league.sort(key=lambda r: (r["target_pct"] is None, -(r["target_pct"] or 0), r["store"].code))
    for rank, row in enumerate(league, start=1):
        row["rank"] = rank
    return league


def _trend_chart(days, today: date) -> dict:
    start = today - timedelta(days=TREND_DAYS - 1)
    actual = [(d, float(r["sales"])) for d, r in sorted(days.items()) if start <= d <= today and r["actual"]]
    future = [(d, r) for d, r in sorted(days.items()) if d > today and r["forecast"] is not None]
    target = [(d, float(r["target"])) for d, r in sorted(days.items()) if start <= d and r["target"]]
    data = [
        {"type": "scatter", "mode": "lines", "name": _("实际"), "x": [str(d) for d, _v in actual],
         "y": [v for _d, v in actual], "line": {"color": "#0d6efd"}},
        {"type": "scatter", "mode": "lines", "name": _("目标"), "x": [str(d) for d, _v in target],
         "y": [v for _d, v in target], "line": {"color": "#6c757d", "dash": "dot"}},
    ]
    if future:
        x = [str(d) for d, _r in future]
        data += [
            {"type": "scatter", "mode": "lines", "x": x, "y": [r["upper"] for _d, r in future], "line": {"width": 0},
             "showlegend": False, "name": _("上限")},
            {"type": "scatter", "mode": "lines", "x": x, "y": [r["lower"] for _d, r in future], "fill": "tonexty",
             "fillcolor": "rgba(253,126,20,0.2)", "line": {"width": 0}, "name": _("预测区间")},
            {"type": "scatter", "mode": "lines", "x": x, "y": [r["forecast"] for _d, r in future],
             "line": {"color": "#fd7e14"}, "name": _("预测")},
        ]
    layout = {"title": {"text": _("销售趋势与预测"), "font": {"size": 14}}, "height": 320, "hovermode": "x unified",
              "margin": {"l": 60, "r": 20, "t": 40, "b": 40}, "legend": {"orientation": "h", "y": -0.2}}
    return {"data": data, "layout": layout}


def _breakdown_chart(scope: Scope, league: list[dict]) -> dict | None:
    """Month-to-date sales by region (company or several regions) or by store (a region or a group of stores); None
    for one store (a chart of one bar compares nothing)."""
    if scope.compares_regions:
        totals: dict[str, float] = defaultdict(float)
        for row in league:
            totals[row["store"].region.name] += float(row["sales"])
        labels, values, title = list(totals), list(totals.values()), _("本月销售（按区域）")
    elif scope.compares_stores:
        labels = [row["store"].code for row in league]
        values, title = [float(row["sales"]) for row in league], _("本月销售（按门店）")
    else:
        return None
    data = [{"type": "bar", "x": labels, "y": values, "marker": {"color": "#20c997"}}]
    return {"data": data, "layout": {"title": {"text": title, "font": {"size": 14}}, "height": 320,
                                     "margin": {"l": 60, "r": 20, "t": 40, "b": 60}}}


def _heatmap(days, today: date) -> dict:
    """A calendar heat map of daily sales over the last 52 weeks (weeks across, weekdays down)."""
    start = today - timedelta(days=HEATMAP_DAYS - 1)
    start -= timedelta(days=start.weekday())
    weeks = (today - start).days // 7 + 1
    z = [[None] * weeks for _day in range(7)]
    for offset in range((today - start).days + 1):
        day = start + timedelta(days=offset)
        row = days.get(day)
        if row and row["actual"]:
            z[day.weekday()][offset // 7] = float(row["sales"])
    x = [str(start + timedelta(weeks=w)) for w in range(weeks)]
    names = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
    data = [{"type": "heatmap", "z": z, "x": x, "y": names, "colorscale": "Blues", "reversescale": True, "xgap": 1,
             "ygap": 1}]
    # Full weekday names ("Wednesday" is wider than the 50 px margin): Plotly widens the margin to fit them.
    return {"data": data, "layout": {"title": {"text": _("日销售热力图"), "font": {"size": 14}}, "height": 240,
                                     "margin": {"l": 50, "r": 20, "t": 40, "b": 30},
                                     "xaxis": {"automargin": True},
                                     "yaxis": {"autorange": "reversed", "automargin": True}}}


def sku_rows(user, store: Store, limit: int = 50) -> list[dict]:
    """The store's SKUs by sales over the last 28 days (the bottom of the drill-down)."""
    rows = (StoreSkuRollup.objects.for_user(user).filter(store=store).select_related("product")
            .order_by("-sales", "product_id")[:limit])
    # A SKU without a cost (0 at this grain) has no margin rather than 100 %.
    return [{"product": r.product, "units": r.units, "sales": r.sales,
             "margin_pct": _ratio((r.sales - r.cost) * 100, r.sales) if r.cost else None,
             "growth_pct": _ratio((r.sales - r.previous_sales) * 100, r.previous_sales),
             "stockout_days": r.stockout_days, "period_end": r.period_end} for r in rows]


def cockpit_overview(*, user, region_id: int | None = None, store_id: int | None = None,
                     today: date | None = None) -> dict:
    """Everything the cockpit page shows for the user's scope (or a region / store of it)."""
    scope = scope_for(user, region_id=region_id, store_id=store_id)
    status = data_status(user, scope)
    today = today or (status["shown"] if status else None)
    if today is None:
        return {"scope": scope, "today": None}
    start = _last_year(today.replace(month=1, day=1)) - timedelta(days=7)
    days = _daily(user, scope, min(start, today - timedelta(days=HEATMAP_DAYS + 7)),
                  today.replace(month=12, day=31))
    league = _league(user, scope, today)
    costed = _costed(user, scope, min(today.replace(day=1), today - timedelta(days=SPARK_DAYS)), today.replace(day=1),
                     today)
    return {
        "scope": scope, "today": today, "tiles": _tiles(days, today, costed), "stock": _stock(user, scope),
        "league": league, "trend_chart": _trend_chart(days, today), "breakdown_chart": _breakdown_chart(scope, league),
        "heatmap_chart": _heatmap(days, today),
        "skus": sku_rows(user, scope.store) if scope.store else [],
        "data_status": status, "stores_behind": stores_behind(user, scope, status["latest"]) if status else [],
    }


def extension_tiles(user, today: date) -> list[dict]:
    """The tiles the domain apps registered, for the user's scope (live figures, not rollups: each app keeps its
    function to a few aggregate queries). A function that fails is logged and left out; the cockpit still shows."""
    import logging

    from opsdesk.core import extensions

    tiles: list[dict] = []
    for function in extensions.cockpit_tile_functions():
        try:
            tiles.extend(function(user, today))
        except Exception:  # a domain app's bug must not take the cockpit down
            logging.getLogger(__name__).exception("cockpit tiles %s failed", getattr(function, "__qualname__", ""))
    return tiles
