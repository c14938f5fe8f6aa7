"""Assortment review: store x category indicators from the facts (`engine.assortment`), proposals to delist, extend
and substitute, and their workflow proposed -> approved -> done, which sets the product's status in the store
(`StoreProductStatus`; replenishment skips delisted items - see `delisted_keys`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np
from auditlog.context import disable_auditlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import FloatField, Max
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from opsdesk.catalog.models import Product
from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import confirm_in_scope, in_scope_for_update
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.engine import assortment as engine
from opsdesk.sales.models import AssortmentProposal, SkuDaySales, StoreProductStatus

REVIEW_DAYS = 91
DEAD_DAYS = 60


def _peer_groups(company_id: int) -> dict[int, int]:
    """store id -> peer group: same format and floor-area band (halves and doubles: log2 rounded)."""
    groups: dict[tuple, int] = {}
    out = {}
    for pk, store_format, area in Store.objects.filter(company_id=company_id).values_list("pk", "format",
                                                                                          "floor_area"):
        band = int(round(np.log2(float(area)))) if area else None
        out[pk] = groups.setdefault((store_format, band), len(groups))
    return out


def _latest_stock(store_ids: list[int]) -> dict[tuple[int, int], float]:
    """(store, product) -> stock value (on hand x unit cost) of the latest snapshot."""
    from django.apps import apps

    snapshot = apps.get_model("inventory", "StockSnapshot")
    last = snapshot.objects.filter(store_id__in=store_ids).aggregate(last=Max("date"))["last"]
    if last is None:
        return {}
    return {(s, p): float(on_hand) * float(cost) for s, p, on_hand, cost in snapshot.objects.filter(
        store_id__in=store_ids, date=last, on_hand__gt=0).values_list("store_id", "product_id", "on_hand",
                                                                       "unit_cost")}


def assortment_review_run(company_id: int, *, end: date | None = None) -> int:
    """Recompute the open proposals of a company (decided ones stay); returns how many are open now."""
    store_ids = list(Store.objects.filter(company_id=company_id).values_list("pk", flat=True))
    if end is None:
        end = SkuDaySales.objects.filter(store_id__in=store_ids).aggregate(last=Max("date"))["last"] or date.today()
    start = end - timedelta(days=REVIEW_DAYS - 1)
    # Floats from SQL: Django's Decimal converters cost more than the whole review on a year of a chain's facts.
    rows = SkuDaySales.objects.filter(store_id__in=store_ids, date__gte=start, date__lte=end).values_list(
        "store_id", "product_id", "date", Cast("quantity", FloatField()), Cast("revenue", FloatField()),
        Cast("cost", FloatField()))
    totals: dict = defaultdict(lambda: [0.0, 0.0])
    daily: dict = defaultdict(lambda: np.zeros(REVIEW_DAYS))
    for store_id, product_id, day, quantity, revenue, cost in rows:
        key = (store_id, product_id)
        totals[key][0] += revenue
        totals[key][1] += revenue - cost
        daily[key][(day - start).days] += quantity
    stock = _latest_stock(store_ids)
    keys = sorted(set(totals) | set(stock))
    if not keys:
        return 0
    category = dict(Product.objects.filter(company_id=company_id).values_list("pk", "category_id"))
    statuses = StoreProductStatus.objects.filter(store_id__in=store_ids)
    delisted = set(statuses.filter(status="delisted").values_list("store_id", "product_id"))
    decided = set(statuses.values_list("store_id", "product_id"))  # listed or delisted by a decision
    groups = {}
    group = np.array([groups.setdefault((s, category.get(p)), len(groups)) for s, p in keys])
    result = engine.review(group=group, revenue=np.array([totals[k][0] if k in totals else 0.0 for k in keys]),
                           margin=np.array([totals[k][1] if k in totals else 0.0 for k in keys]),
                           units=np.array([daily[k] if k in daily else np.zeros(REVIEW_DAYS) for k in keys]),
                           stock_value=np.array([stock.get(k, 0.0) for k in keys]), dead_days=DEAD_DAYS)
    extensions = engine.extensions(
        store=np.array([s for s, _p in keys]), product=np.array([p for _s, p in keys]),
        revenue=np.array([totals[k][0] if k in totals else 0.0 for k in keys]), abc_revenue=result.abc_revenue,
        peer_group=_peer_groups(company_id))
    proposals = []
    best_extension: dict[tuple, engine.Extension] = {}
    extensions = [e for e in extensions if (e.store, e.product) not in decided]
    for extension in extensions:
        best_extension.setdefault((extension.store, category.get(extension.product)), extension)
    used = set()
    for index, (store_id, product_id) in enumerate(keys):
        if not result.delist[index] or (store_id, product_id) in delisted:
            continue
        figures = {"abc_revenue": str(result.abc_revenue[index]), "abc_margin": str(result.abc_margin[index]),
                   "xyz": str(result.xyz[index]), "days_since_sale": float(result.days_since_sale[index]),
                   "stock_value": round(float(result.stock_value[index]), 2)}
        swap = best_extension.get((store_id, category.get(product_id)))
        if swap is not None and (store_id, swap.product) not in used:
            used.add((store_id, swap.product))
            proposals.append(AssortmentProposal(store_id=store_id, product_id=product_id, kind="substitute",
                                                replacement_id=swap.product, figures={
                                                    **figures, "peers": swap.peers,
                                                    "peer_revenue": round(swap.peer_revenue, 2)}))
        else:
            proposals.append(AssortmentProposal(store_id=store_id, product_id=product_id, kind="delist",
                                                figures=figures))
    for extension in extensions:
        if (extension.store, extension.product) not in used:
            proposals.append(AssortmentProposal(store_id=extension.store, product_id=extension.product,
                                                kind="extend", figures={"peers": extension.peers,
                                                                        "peer_revenue": round(
                                                                            extension.peer_revenue, 2)}))
    # Open proposals are the machine's and are replaced on every run (their creation is not audited either); a
    # decision on one is audited when it is made.
    with transaction.atomic(), disable_auditlog():
        AssortmentProposal.objects.filter(store_id__in=store_ids, state="proposed").delete()
        open_or_done = set(AssortmentProposal.objects.filter(store_id__in=store_ids).exclude(state="rejected")
                           .values_list("store_id", "product_id", "kind"))
        fresh = [p for p in proposals if (p.store_id, p.product_id, p.kind) not in open_or_done]
        AssortmentProposal.objects.bulk_create(fresh)
    return len(fresh)


TRANSITIONS = {"approve": ("proposed", "approved"), "reject": ("proposed", "rejected"), "done": ("approved", "done")}


def assortment_proposal_decide(*, actor, proposal: AssortmentProposal, action: str) -> AssortmentProposal:
    """Move a proposal along proposed -> approved -> done (or reject it); `done` sets the store's product status."""
    if not user_can(actor, "assortment", "change"):
        raise PermissionDenied(_("你的角色不允许此操作。"))
    if action not in TRANSITIONS:
        raise ValidationError(_("未知操作。"))
    before, after = TRANSITIONS[action]
    with transaction.atomic(), audit_actor(actor):
        proposal = in_scope_for_update(actor, AssortmentProposal, proposal, "change")
        if proposal.state != before:
            raise ValidationError(_("该建议当前状态不允许此操作。"))
        proposal.state, proposal.decided_by = after, actor
        proposal.save(update_fields=["state", "decided_by"])
        if after == "done":
            _apply(proposal)
        confirm_in_scope(actor, proposal, "change")
    return proposal


def _apply(proposal: AssortmentProposal) -> None:
    changes = {"delist": [(proposal.product_id, "delisted")], "extend": [(proposal.product_id, "listed")],
               "substitute": [(proposal.product_id, "delisted"), (proposal.replacement_id, "listed")]}
    for product_id, status in changes[proposal.kind]:
        StoreProductStatus.objects.update_or_create(store_id=proposal.store_id, product_id=product_id,
                                                    defaults={"status": status})


def delisted_keys(store_ids, key: int) -> np.ndarray:
    """store id x `key` + product id of the pairs delisted in these stores (replenishment drops them)."""
    pairs = StoreProductStatus.objects.filter(store_id__in=list(store_ids), status="delisted").values_list(
        "store_id", "product_id")
    return np.array([s * key + p for s, p in pairs], dtype=np.int64)
