"""New product launches: the first weeks' sales against the analogue forecast (`engine.assortment`), and the
"launched products per period" KPI."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import numpy as np
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Min, Q, Sum
from django.utils.translation import gettext as _

from opsdesk.catalog.models import Product
from opsdesk.core.audit import audit_actor
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.engine.assortment import analogue_forecast
from opsdesk.sales.models import ProductLaunch, SkuDaySales

MAX_ANALOGUES = 200
PROGRESS_CACHE_SECONDS = 600


def launch_create(*, actor, product: Product, stores, launch_date: date, target_units, weeks: int = 4) -> ProductLaunch:
    """Record a product launch in some of the actor's stores."""
    if not user_can(actor, "promotions", "add"):
        raise PermissionDenied(_("你的角色不允许此操作。"))
    visible = set(Store.objects.for_user(actor).values_list("pk", flat=True))
    if any(store.pk not in visible for store in stores) or product.company_id != actor.company_id:
        raise PermissionDenied(_("该门店不在你的权限范围内。"))
    with transaction.atomic(), audit_actor(actor):
        launch = ProductLaunch(company_id=actor.company_id, product=product, launch_date=launch_date,
                               target_units=target_units, weeks=weeks)
        launch.full_clean()
        launch.save()
        launch.stores.set(stores)
    return launch


def _store_ids(launch: ProductLaunch, user) -> list[int]:
    chosen = [s.pk for s in launch.stores.all()] or list(
        Store.objects.filter(company_id=launch.company_id).values_list("pk", flat=True))
    visible = set(Store.objects.for_user(user).values_list("pk", flat=True))
    return [pk for pk in chosen if pk in visible]


def _analogue_curves(launch: ProductLaunch, store_ids: list[int], h: int) -> np.ndarray:
    """Daily units of the category's other products in these stores from their own first sale day: (k, h), NaN past
    the last day with facts. Two queries, whatever the number of analogues."""
    product = launch.product
    analogues = Product.objects.filter(company_id=launch.company_id, category_id=product.category_id).exclude(
        pk=product.pk)
    facts = SkuDaySales.objects.filter(store_id__in=store_ids, product__in=analogues)
    firsts = {(row["store_id"], row["product_id"]): row["first"] for row in facts.values(
        "store_id", "product_id").annotate(first=Min("date")).order_by("-first")[:MAX_ANALOGUES]}
    if not firsts:
        return np.zeros((0, h))
    last_day = facts.aggregate(last=Max("date"))["last"]
    index = {key: position for position, key in enumerate(firsts)}
    curves = np.full((len(firsts), h), np.nan)
    for key, first in firsts.items():
        curves[index[key], :max(0, min(h, (last_day - first).days + 1))] = 0.0
    earliest = min(firsts.values())
    for store_id, product_id, day, quantity in facts.filter(date__gte=earliest).values_list(
            "store_id", "product_id", "date", "quantity").iterator(chunk_size=5000):
        key = (store_id, product_id)
        if key in index:
            offset = (day - firsts[key]).days
            if 0 <= offset < h:
                curves[index[key], offset] = float(quantity)
    return curves


def launch_progress(*, user, launch: ProductLaunch) -> dict:
    """Actual units of the first weeks in the user's stores against the analogue forecast (per store, summed)
    and the target (spread evenly over the user's share of the launch stores)."""
    return _progress(launch, _store_ids(launch, user))


def launch_progress_cached(*, user, launch: ProductLaunch) -> dict:
    """`launch_progress` kept for ten minutes per launch, stores and day (shared by the server's processes): the
    inbox asks for every running launch whenever it is rebuilt, and the analogue curves read a category's history."""
    store_ids = _store_ids(launch, user)
    digest = hashlib.sha256(",".join(map(str, sorted(store_ids))).encode()).hexdigest()[:16]
    key = (f"launch-progress:{launch.pk}:{launch.launch_date}:{launch.weeks}:{launch.target_units}:{digest}:"
           f"{date.today()}")
    return caches["shared"].get_or_set(key, lambda: _progress(launch, store_ids), PROGRESS_CACHE_SECONDS)


def _progress(launch: ProductLaunch, store_ids: list[int]) -> dict:
    h = 7 * launch.weeks
    forecast = analogue_forecast(_analogue_curves(launch, store_ids, h), h)
    elapsed = max(0, min(h, (date.today() - launch.launch_date).days))
    actual = SkuDaySales.objects.filter(store_id__in=store_ids, product=launch.product, date__gte=launch.launch_date,
                                        date__lt=launch.launch_date + timedelta(days=h)).aggregate(
        units=Sum("quantity"))["units"]
    n_stores = len(store_ids)
    expected = float(forecast.mean[:elapsed].sum()) * n_stores
    all_stores = launch.stores.count() or Store.objects.filter(company_id=launch.company_id).count()
    target = float(launch.target_units) * n_stores / all_stores if all_stores else 0.0
    actual_units = float(actual or 0)
    return {"stores": n_stores, "days": elapsed, "actual": actual_units, "expected": expected,
            "expected_low": float(forecast.lower[:elapsed].sum()) * n_stores,
            "expected_full": float(forecast.mean.sum()) * n_stores, "analogues": forecast.analogues,
            "target": target, "below_plan": elapsed >= 7 and expected > 0 and actual_units < 0.8 * expected}


def launched_products(scope, period) -> float | None:
    """KPI: distinct products launched in the period in the scope's stores (a launch without stores counts for every
    store of its company)."""
    launches = ProductLaunch.objects.filter(company_id=scope.company_id, launch_date__gte=period[0],
                                            launch_date__lte=period[1])
    if scope.store_ids is not None:
        launches = launches.filter(Q(stores__in=scope.store_ids) | Q(stores__isnull=True))
    return float(launches.values("product_id").distinct().count())
