"""Promotion post-evaluation and planning: facts of a promotion's items extracted as NumPy for `engine.uplift`, the
evaluation persisted (`PromotionEvaluation`), the league table, and the forecast uplift of a proposed promotion.

Roles of a category promotion (the catalogue has no item-level promotions): the promoted items are the products of
the promotion's category subtree; substitutes are the products of its sibling categories (same parent: the same
sub-category family, which the promotion may cannibalise); the halo is the rest of the top-level category. A
promotion without a category promotes everything: no halo and no substitutes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Max

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Store
from opsdesk.engine import uplift
from opsdesk.sales.models import Promotion, PromotionEvaluation, SkuDaySales

HISTORY_DAYS = 182
POST_DAYS = 14
MAX_SERIES = 4000  # the biggest series (recent units) of each role beyond this are left out
DEFAULT_LIFT = 0.2  # planning lift when no promotion of the same type and category was evaluated yet


def _subtree(children: dict, root: int) -> set[int]:
    found, stack = set(), [root]
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(children.get(node, ()))
    return found


def promotion_roles(promotion: Promotion) -> dict[int, int]:
    """product id -> role (PROMOTED, SUBSTITUTE, HALO) of the company's products for this promotion."""
    categories = list(ProductCategory.objects.filter(company_id=promotion.company_id).values_list("pk", "parent_id"))
    parent = dict(categories)
    children: dict = defaultdict(list)
    for pk, parent_id in categories:
        children[parent_id].append(pk)
    products = Product.objects.filter(company_id=promotion.company_id).values_list("pk", "category_id")
    if promotion.category_id is None:
        return {pk: uplift.PROMOTED for pk, _category in products}
    promoted = _subtree(children, promotion.category_id)
    family_root = parent.get(promotion.category_id)
    substitutes = (_subtree(children, family_root) - promoted - {family_root}) if family_root else set()
    top = promotion.category_id
    while parent.get(top):
        top = parent[top]
    halo = _subtree(children, top) - promoted - substitutes
    roles = {}
    for pk, category in products:
        if category in promoted:
            roles[pk] = uplift.PROMOTED
        elif category in substitutes:
            roles[pk] = uplift.SUBSTITUTE
        elif category in halo:
            roles[pk] = uplift.HALO
    return roles


def _store_ids(promotion: Promotion) -> list[int]:
    chosen = list(promotion.stores.values_list("pk", flat=True))
    return chosen or list(Store.objects.filter(company_id=promotion.company_id).values_list("pk", flat=True))


@dataclass
class _Facts:
    keys: list[tuple[int, int]]  # (store, product) per series
    series: np.ndarray
    dates: np.ndarray
    units: np.ndarray
    available: np.ndarray
    promo: np.ndarray
    revenue: np.ndarray
    cost: np.ndarray


def _facts(store_ids: list[int], product_ids: list[int], start: date, end: date) -> _Facts | None:
    rows = list(SkuDaySales.objects.filter(store_id__in=store_ids, product_id__in=product_ids, date__gte=start,
                                           date__lte=end)
                .values_list("store_id", "product_id", "date", "quantity", "revenue", "cost", "is_promo",
                             "is_stockout"))
    if not rows:
        return None
    volume: dict = defaultdict(float)
    for store_id, product_id, _day, quantity, *_rest in rows:
        volume[(store_id, product_id)] += float(quantity)
    keys = sorted(volume, key=lambda key: -volume[key])[:MAX_SERIES]
    index = {key: position for position, key in enumerate(keys)}
    kept = [row for row in rows if (row[0], row[1]) in index]
    return _Facts(
        keys=keys, series=np.array([index[(r[0], r[1])] for r in kept]),
        dates=np.array([r[2] for r in kept], dtype="datetime64[D]"),
        units=np.array([float(r[3]) for r in kept]), revenue=np.array([float(r[4]) for r in kept]),
        cost=np.array([float(r[5]) for r in kept]), promo=np.array([r[6] for r in kept], bool),
        available=~np.array([r[7] for r in kept], bool))


def _window(facts: _Facts, values: np.ndarray, first: date, h: int) -> np.ndarray:
    """(n_series, h) matrix of `values` from `first`; absent days are 0 (no sale), stock-out days NaN."""
    out = np.zeros((len(facts.keys), h))
    column = (facts.dates - np.datetime64(first, "D")).astype(int)
    inside = (column >= 0) & (column < h)
    out[facts.series[inside], column[inside]] = np.where(facts.available[inside], values[inside], np.nan)
    return out


def promotion_evaluate(promotion: Promotion) -> PromotionEvaluation:
    """Evaluate a finished promotion (no user: a job or an explicit action calls it) and store the result."""
    roles = promotion_roles(promotion)
    store_ids = _store_ids(promotion)
    days = (promotion.end_date - promotion.start_date).days + 1
    origin = promotion.start_date - timedelta(days=1)
    facts = _facts(store_ids, list(roles), origin - timedelta(days=HISTORY_DAYS),
                   promotion.end_date + timedelta(days=POST_DAYS))
    evaluation = PromotionEvaluation.objects.filter(promotion=promotion).first() or PromotionEvaluation(
        promotion=promotion)
    history = None if facts is None else facts.dates <= np.datetime64(origin, "D")
    if facts is None or not history.any():
        evaluation.verdict, evaluation.details, evaluation.series_count = "no_data", {}, 0
        evaluation.save()
        return evaluation
    baseline = uplift.baseline_forecast(facts.series[history], facts.dates[history], facts.units[history],
                                        available=facts.available[history], promo=facts.promo[history],
                                        origin=np.datetime64(origin, "D"), h=days + POST_DAYS)
    # series without history before the origin have no baseline: keep the ones the engine forecast
    present = baseline.ids.astype(int)
    keys = [facts.keys[i] for i in present]
    prices = dict(Product.objects.filter(pk__in={p for _s, p in keys}).values_list("pk", "price"))
    costs = dict(Product.objects.filter(pk__in={p for _s, p in keys}).values_list("pk", "cost"))
    window = {name: _window(facts, getattr(facts, name), promotion.start_date, days + POST_DAYS)[present]
              for name in ("units", "revenue", "cost")}
    result = uplift.evaluate(
        baseline=baseline, roles=np.array([roles[p] for _s, p in keys]), days=days, actual_units=window["units"],
        actual_revenue=window["revenue"], actual_cost=window["cost"],
        price=np.array([float(prices[p]) for _s, p in keys]), unit_cost=np.array([float(costs[p]) for _s, p in keys]),
        cost=float(promotion.cost))
    details = result.as_dict()
    details["stores"] = _per_store(keys, roles, baseline, window, days)
    promoted = result.effects["promoted"]
    evaluation.series_count = len(keys)
    evaluation.units_uplift = promoted["units"].uplift
    evaluation.units_uplift_share = promoted["units"].share
    evaluation.revenue_uplift = promoted["revenue"].uplift
    evaluation.margin_uplift = promoted["margin"].uplift
    evaluation.net_margin, evaluation.roi = result.net_margin, result.roi
    evaluation.verdict, evaluation.confidence, evaluation.details = result.verdict, result.confidence, details
    with transaction.atomic():
        evaluation.save()
    return evaluation


def _per_store(keys, roles, baseline, window, days) -> dict[str, dict]:
    """Promoted units: actual, baseline and sd per store (pages show a store-scoped user only their stores)."""
    out: dict[str, dict] = {}
    stores = np.array([s for s, _p in keys])
    promoted = np.array([roles[p] == uplift.PROMOTED for _s, p in keys])
    for store_id in np.unique(stores):
        rows = (stores == store_id) & promoted
        if not rows.any():
            continue
        part = uplift.effect(window["units"][rows, :days], baseline.mean[rows, :days], baseline.sd[rows, :days])
        out[str(int(store_id))] = part.as_dict()
    return out


def promotions_due(company_id: int, *, today: date | None = None) -> list[Promotion]:
    """Finished promotions (their dip window has facts) not evaluated yet."""
    last = SkuDaySales.objects.filter(store__company_id=company_id).aggregate(last=Max("date"))["last"]
    if last is None:
        return []
    return list(Promotion.objects.filter(company_id=company_id, end_date__lte=last - timedelta(days=POST_DAYS),
                                         evaluation__isnull=True, status="approved").order_by("end_date"))


def promotion_evaluations_refresh(company_id: int, *, limit: int = 20) -> int:
    """Evaluate up to `limit` finished promotions of a company that have no evaluation yet (a scheduled job)."""
    due = promotions_due(company_id)[:limit]
    for promotion in due:
        promotion_evaluate(promotion)
    return len(due)


# ------------------------------------------------------------------------------------------------ reads


def visible_store_effect(*, user, evaluation: PromotionEvaluation) -> dict | None:
    """The promoted-units effect over the user's stores only (all stores for a company-scope user)."""
    stores = evaluation.details.get("stores", {})
    if getattr(user, "has_company_scope", False):
        return evaluation.details.get("effects", {}).get("promoted", {}).get("units")
    visible = {str(pk) for pk in Store.objects.for_user(user).values_list("pk", flat=True)}
    parts = [value for key, value in stores.items() if key in visible]
    if not parts:
        return None
    actual = sum(p["actual"] for p in parts)
    base = sum(p["baseline"] for p in parts)
    sd = float(np.sqrt(sum(p["sd"] ** 2 for p in parts)))
    gain = actual - base
    return {"actual": actual, "baseline": base, "uplift": gain, "lower": gain - uplift.Z80 * sd,
            "upper": gain + uplift.Z80 * sd, "sd": sd, "share": gain / base if base else None}


def league_table(*, user) -> list[dict]:
    """Evaluated promotions grouped by type and category: count, mean unit lift, total net margin, share that pays.

    Company figures (net margin, ROI) are shown to company-scope users only; others see counts and lifts."""
    evaluations = (PromotionEvaluation.objects.for_user(user).exclude(verdict="no_data")
                   .select_related("promotion", "promotion__category"))
    groups: dict = defaultdict(list)
    for evaluation in evaluations:
        promotion = evaluation.promotion
        groups[(promotion.get_promotion_type_display(), promotion.category.name if promotion.category else "—")
               ].append(evaluation)
    company = getattr(user, "has_company_scope", False)
    rows = []
    for (kind, category), items in groups.items():
        shares = [e.units_uplift_share for e in items if e.units_uplift_share is not None]
        rows.append({"type": kind, "category": category, "count": len(items),
                     "mean_lift": float(np.mean(shares)) if shares else None,
                     "pays": sum(e.verdict == "pays" for e in items),
                     "net_margin": sum(e.net_margin or 0 for e in items) if company else None})
    return sorted(rows, key=lambda row: -(row["mean_lift"] or -1e9))


def expected_lift(promotion: Promotion) -> float:
    """Mean unit lift of evaluated promotions of the same type and category (then type, then DEFAULT_LIFT)."""
    done = PromotionEvaluation.objects.filter(promotion__company_id=promotion.company_id,
                                              units_uplift_share__isnull=False).exclude(promotion=promotion)
    for narrowed in (done.filter(promotion__promotion_type=promotion.promotion_type,
                                 promotion__category_id=promotion.category_id),
                     done.filter(promotion__promotion_type=promotion.promotion_type)):
        shares = list(narrowed.values_list("units_uplift_share", flat=True))
        if shares:
            return float(np.mean(shares))
    return DEFAULT_LIFT


def planned_promotion_uplift(promotion: Promotion, *, user) -> dict | None:
    """Forecast effect of a proposed (future) promotion over the user's stores: baseline without it, then the
    expected lift at the discounted price. None when there is no history."""
    visible = set(Store.objects.for_user(user).values_list("pk", flat=True))
    store_ids = [pk for pk in _store_ids(promotion) if pk in visible]
    roles = promotion_roles(promotion)
    promoted = [pk for pk, role in roles.items() if role == uplift.PROMOTED]
    last = SkuDaySales.objects.filter(store_id__in=store_ids).aggregate(last=Max("date"))["last"]
    if not store_ids or not promoted or last is None:
        return None
    facts = _facts(store_ids, promoted, last - timedelta(days=HISTORY_DAYS), last)
    if facts is None:
        return None
    days = (promotion.end_date - promotion.start_date).days + 1
    lead = max(0, (promotion.start_date - last).days - 1)
    baseline = uplift.baseline_forecast(facts.series, facts.dates, facts.units, available=facts.available,
                                        promo=facts.promo, origin=np.datetime64(last, "D"), h=lead + days)
    window = uplift.Baseline(baseline.ids, baseline.mean[:, lead:], baseline.lower[:, lead:],
                             baseline.upper[:, lead:], baseline.sd[:, lead:])
    keys = [facts.keys[i] for i in baseline.ids.astype(int)]
    prices = dict(Product.objects.filter(pk__in={p for _s, p in keys}).values_list("pk", "price"))
    lift = expected_lift(promotion)
    result = uplift.planned_uplift(window, lift, np.array([float(prices[p]) for _s, p in keys]),
                                   float(promotion.discount_percent) / 100)
    return {**result, "lift": lift, "series": len(keys)}
