"""Writes of the replenishment app: request and execute a plan (extract -> engine -> persist), edit a proposal's
quantity, approve proposals into draft purchase orders."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core import hooks
from opsdesk.core.audit import audit_actor, audit_bulk
from opsdesk.core.kit.guards import assert_can
from opsdesk.core.models import Company
from opsdesk.core.scoping import forget_scope
from opsdesk.engine.replenish import HealthParams, PlanInputs, PlanParams, consolidate, inventory_health, plan
from opsdesk.engine.replenish.plan import REASONS
from opsdesk.replenishment import selectors
from opsdesk.replenishment.choices import PlanRunStatusChoices, ProposalStatusChoices
from opsdesk.replenishment.defaults import DEFAULT_PARAMS  # re-exported: `services.DEFAULT_PARAMS` stays valid
from opsdesk.replenishment.models import NEVER, PlanRun, Proposal, ReplenishmentSettings

logger = logging.getLogger(__name__)
KEEP_RUNS = 2
COVER_BINS = [0, 3, 7, 14, 30, 60, 90, 180]  # histogram edges of days of cover (last bin: 180 and more)
AGE_BUCKETS = [(30, "0-30"), (90, "31-90"), (180, "91-180"), (float("inf"), "180+")]
MAX_APPROVAL_LINES = 5000
AREA = "replenishment"


def plan_run_request(*, actor, company: Company | None = None, kind: str = "manual", enqueue: bool = True,
                     params: dict | None = None) -> PlanRun:
    """Queue a plan for the actor's company (a plan already queued or running is returned instead)."""
    if actor is not None:
        assert_can(actor, AREA, "add")
    company = company or actor.company
    with transaction.atomic(), audit_actor(actor):
        # A plan whose worker died holds no lease any more: fail it (and queue its one retry) before looking.
        plan_runs_recover(company=company, enqueue=enqueue)
        active = PlanRun.objects.filter(company=company, status__in=["queued", "running"]).first()
        if active is not None:
            return active
        # The company's policy settings (or the defaults), explicit parameters winning: nightly, CLI and manual
        # runs all come through here.
        run = _create_run(company=company, kind=kind, requested_by=actor, enqueue=enqueue,
                          params={**selectors.plan_params(company), **(params or {})})
    return run


def _create_run(*, company: Company, kind: str, requested_by, params: dict, enqueue: bool,
                retry_of: PlanRun | None = None) -> PlanRun:
    run = PlanRun.objects.create(company=company, kind=kind, requested_by=requested_by, params=params,
                                 retry_of=retry_of)
    if enqueue:
        from opsdesk.replenishment.jobs import execute_plan_run

        transaction.on_commit(lambda: execute_plan_run.enqueue(run.pk))
    return run


def plan_runs_recover(*, company: Company | None = None, enqueue: bool = True) -> list[PlanRun]:
    """Fail the running plans whose worker stopped (no heartbeat within the timeout) and queue one retry of each
    with the same parameters (a retry that dies too is only failed); returns the retries queued."""
    return PlanRun.recover_dead(company=company, retry=lambda dead: _create_run(
        company=dead.company, kind=dead.kind, requested_by=dead.requested_by, params=dead.params, enqueue=enqueue,
        retry_of=dead))


def replenishment_settings_update(*, actor, company: Company | None = None, **fields) -> ReplenishmentSettings:
    """Set the company's replenishment policy (the row is created on first save; validated, audited); the next
    plan run uses it."""
    assert_can(actor, AREA, "configure")
    company = company or actor.company
    if company is None or company.pk != actor.company_id:
        raise PermissionDenied(_("该对象不在你的权限范围内。"))
    unknown = set(fields) - set(selectors.SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"not replenishment settings fields: {sorted(unknown)}")
    with transaction.atomic(), audit_actor(actor):
        settings = (ReplenishmentSettings.objects.select_for_update().filter(company=company).first()
                    or ReplenishmentSettings(company=company))
        for name, value in fields.items():
            setattr(settings, name, value)
        settings.updated_by = actor
        settings.full_clean()
        settings.save()
        if not ReplenishmentSettings.objects.for_user(actor, "configure").filter(pk=settings.pk).exists():
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
    return settings


class _Progress:
    """Records progress on the run row (pages poll it) and tells an optional listener (the CLI's bar)."""

    def __init__(self, run: PlanRun, listener: Callable[[int, str], None] | None = None):
        self.run, self.listener = run, listener

    def __call__(self, percent: int, stage: str) -> None:
        PlanRun.objects.filter(pk=self.run.pk).update(progress=percent, stage=stage, heartbeat_at=timezone.now())
        if self.listener is not None:
            self.listener(percent, stage)


def plan_run_execute(run_id: int, *, on_progress: Callable[[int, str], None] | None = None) -> PlanRun:
    """Compute the plan of every store x SKU of the run's company and store proposals, health and rollups."""
    run = PlanRun.objects.select_related("company").get(pk=run_id)
    if run.status == PlanRunStatusChoices.DONE:
        return run
    started = time.perf_counter()
    progress = _Progress(run, on_progress)
    now = timezone.now()
    PlanRun.objects.filter(pk=run.pk).update(status="running", started_at=now, heartbeat_at=now, error="")
    try:
        progress(5, _("读取预测"))
        stages = {25: _("读取库存与在途"), 40: _("读取销售与交期")}
        extract = selectors.plan_extract(run.company, on_progress=lambda p, s: progress(p, stages[p]))
        params = {**DEFAULT_PARAMS, **run.params}
        progress(55, _("计算安全库存与补货量"))
        result = _compute(extract, params) if extract is not None and extract.n else None
        progress(70, _("保存补货建议"))
        with transaction.atomic():
            run.refresh_from_db()
            if result is not None:
                _persist(run, extract, result)
            run.status = PlanRunStatusChoices.DONE
            run.progress, run.stage = 100, _("完成")
            run.forecast_run_id = extract.forecast_run_id if extract else None
            run.plan_date = extract.plan_date if extract else None
            run.pair_count = extract.n if extract else 0
            run.summary = _summary(extract, result) if result is not None else {}
            run.order_count = int((result.plan.order_qty > 0).sum()) if result is not None else 0
            run.order_value = float(result.plan.order_value.sum()) if result is not None else 0.0
            run.finished_at = timezone.now()
            run.seconds = round(time.perf_counter() - started, 2)
            run.save()
            hooks.facts_changed(run.company_id)  # what is derived from it (cockpit rollups, goals) is refreshed
        _prune(run.company)
    except Exception as error:
        logger.exception("plan run %s failed", run.pk)
        PlanRun.objects.filter(pk=run.pk).update(status="failed", error=str(error)[:2000], finished_at=timezone.now())
        raise
    return run


@dataclass
class _Computed:
    """The engine's plan and health of every pair, plus what persistence needs."""

    plan: object  # engine PlanResult
    health: object  # engine HealthResult
    mean_daily: np.ndarray
    expected_days: np.ndarray  # days from plan date to delivery


def _compute(extract: selectors.PlanExtract, params: dict) -> _Computed:
    """Health first (its ABC class by value per store feeds the service level), then the plan."""
    _stores, store_group = np.unique(extract.store_ids, return_inverse=True)
    health = inventory_health(
        extract.on_hand, extract.unit_cost, extract.sales, extract.forecast_mean, extract.forecast_sigma,
        np.nan_to_num(extract.stock_age_days, nan=-1.0), groups=store_group,
        params=HealthParams(risk_days=int(params["risk_days"]), overstock_days=float(params["overstock_days"]),
                            dead_days=int(params["dead_days"])))
    n = extract.n
    inputs = PlanInputs(
        on_hand=extract.on_hand, on_order=extract.on_order, backorders=np.zeros(n),
        lead_time_mean=extract.lead_time_mean, lead_time_std=extract.lead_time_std,
        review_days=np.full(n, float(params["review_days"])), abc_class=health.abc_class,
        # No supplier contracts yet: the minimum order quantity is one pack.
        pack_size=extract.pack_size, min_order_qty=extract.pack_size.copy(),
        forecast_mean=extract.forecast_mean, forecast_sigma=extract.forecast_sigma, unit_cost=extract.unit_cost)
    result = plan(inputs, PlanParams(service_levels=tuple(params["service_levels"]),
                                     check_interval_days=params["check_interval_days"],
                                     service_measure=params["service_measure"],
                                     min_pair_fill_rate=params["min_pair_fill_rate"]))
    h = max(extract.forecast_mean.shape[1], 1)
    return _Computed(result, health, extract.forecast_mean.sum(axis=1) / h,
                     np.maximum(np.ceil(result.lead_time_mean - 1e-9), 1).astype(np.int64))


_COLUMNS = (
    "run_id", "store_id", "product_id", "supplier_id", "category_id", "status", "reason", "urgency",
    "days_until_stockout", "on_hand", "on_order", "position", "lead_time_mean", "lead_time_std", "review_days",
    "abc_class", "xyz_class", "service_level", "pack_size", "min_order_qty", "unit_cost", "mean_daily",
    "forecast_sigma", "demand_horizon", "safety_stock", "reorder_point", "order_up_to", "raw_need", "rounding_added",
    "is_moq_applied", "proposed_quantity", "quantity", "expected_date", "days_of_cover", "stockout_probability",
    "is_at_risk", "overstock_units", "overstock_value", "stock_age_days", "days_since_last_sale", "is_dead",
    "dead_value",
)


def _finite(values: np.ndarray) -> list[float]:
    """Round for storage; infinity (never runs out) becomes NEVER."""
    return np.round(np.clip(np.nan_to_num(values, nan=0.0, posinf=NEVER, neginf=-NEVER), -NEVER, NEVER), 3).tolist()


def proposal_rows(run_id: int, extract: selectors.PlanExtract, computed: _Computed, review_days: float) -> list[tuple]:
    """Rows for the proposal table in `_COLUMNS` order (plain Python values, built column-wise)."""
    result, health = computed.plan, computed.health
    abc, xyz = np.asarray(["A", "B", "C"]), np.asarray(["X", "Y", "Z"])
    quantity = np.rint(result.order_qty).astype(np.int64).tolist()
    adapt = connection.ops.adapt_datefield_value  # str for SQLite, date for PostgreSQL
    expected = [adapt(extract.plan_date + timedelta(days=int(d))) for d in computed.expected_days]
    age = np.where(np.isnan(extract.stock_age_days), None, np.round(np.nan_to_num(extract.stock_age_days), 1))
    pack = extract.pack_size.astype(np.int64).tolist()
    n = extract.n
    columns = [
        [run_id] * n, extract.store_ids.tolist(), extract.product_ids.tolist(),
        [s or None for s in extract.supplier_ids.tolist()], [c or None for c in extract.category_ids.tolist()],
        [ProposalStatusChoices.OPEN.value] * n, np.asarray(REASONS)[result.reason].tolist(), _finite(result.urgency),
        _finite(result.days_until_stockout), _finite(extract.on_hand), _finite(extract.on_order),
        _finite(result.position), _finite(result.lead_time_mean), _finite(result.lead_time_std), [review_days] * n,
        abc[health.abc_class].tolist(), xyz[health.xyz_class].tolist(), _finite(result.service_level), pack, pack,
        _finite(extract.unit_cost), _finite(computed.mean_daily), _finite(extract.forecast_sigma),
        _finite(result.demand_horizon), _finite(result.safety_stock), _finite(result.reorder_point),
        _finite(result.order_up_to), _finite(result.raw_need), _finite(result.rounding_added),
        result.is_moq_applied.tolist(), quantity, quantity, expected, _finite(health.days_of_cover),
        _finite(health.stockout_probability), health.is_at_risk.tolist(), _finite(health.overstock_units),
        _finite(health.overstock_value), age.tolist(), _finite(health.days_since_last_sale), health.is_dead.tolist(),
        _finite(health.dead_value),
    ]
    return list(zip(*columns, strict=True))


def insert_proposals(rows: list[tuple], *, batch: int = 20_000, on_batch: Callable[[int], None] | None = None) -> None:
    """Insert proposal rows with raw `executemany` (no model instances: 1,000,000 rows in seconds)."""
    table = Proposal._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])
            if on_batch is not None:
                on_batch(start + batch)


def _persist(run: PlanRun, extract: selectors.PlanExtract, computed: _Computed) -> None:
    review_days = float({**DEFAULT_PARAMS, **run.params}["review_days"])
    insert_proposals(proposal_rows(run.pk, extract, computed, review_days))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")  # refresh the planner's statistics for the new rows


def _summary(extract: selectors.PlanExtract, computed: _Computed) -> dict:
    """Per-store and per-supplier x store rollups that the pages read instead of aggregating proposals."""
    result, health = computed.plan, computed.health
    stock_value = extract.on_hand * extract.unit_cost
    ordering = result.order_qty > 0
    stores: dict[str, dict] = {}
    age = extract.stock_age_days
    for store_id in np.unique(extract.store_ids).tolist():
        mask = extract.store_ids == store_id
        cover = np.histogram(np.clip(health.days_of_cover[mask], 0, 1e6), bins=[*COVER_BINS, np.inf])[0]
        overstock_by_age = {}
        lower = -np.inf
        for upper, label in AGE_BUCKETS:
            in_bucket = mask & (age > lower) & (age <= upper)
            overstock_by_age[label] = round(float(health.overstock_value[in_bucket].sum()), 2)
            lower = upper
        overstock_by_age["?"] = round(float(health.overstock_value[mask & np.isnan(age)].sum()), 2)
        matrix: dict[str, dict[str, list]] = {}
        for a, abc in enumerate("ABC"):
            for x, xyz in enumerate("XYZ"):
                cell = mask & (health.abc_class == a) & (health.xyz_class == x)
                matrix.setdefault(abc, {})[xyz] = [int(cell.sum()), round(float(stock_value[cell].sum()), 2)]
        stores[str(store_id)] = {
            "store": store_id, "pairs": int(mask.sum()), "stock_value": round(float(stock_value[mask].sum()), 2),
            "at_risk": int(health.is_at_risk[mask].sum()),
            "overstock_value": round(float(health.overstock_value[mask].sum()), 2),
            "dead_value": round(float(health.dead_value[mask].sum()), 2), "dead_pairs": int(health.is_dead[mask].sum()),
            "order_lines": int((ordering & mask).sum()), "order_value": round(float(result.order_value[mask].sum()), 2),
            "cover_histogram": cover.astype(int).tolist(), "overstock_by_age": overstock_by_age, "abc_xyz": matrix,
        }
    suppliers: dict[str, dict[str, list]] = {}
    keys = np.stack([extract.supplier_ids[ordering], extract.store_ids[ordering]], axis=1)
    if len(keys):
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        lines = np.bincount(inverse, minlength=len(unique))
        units = np.bincount(inverse, result.order_qty[ordering], minlength=len(unique))
        value = np.bincount(inverse, result.order_value[ordering], minlength=len(unique))
        for i, (supplier_id, store_id) in enumerate(unique.tolist()):
            if supplier_id:
                suppliers.setdefault(str(supplier_id), {})[str(store_id)] = [
                    int(lines[i]), float(units[i]), round(float(value[i]), 2)]
    return {"stores": stores, "suppliers": suppliers, "cover_bins": COVER_BINS}


def _prune(company: Company) -> None:
    """Keep the proposals of the last few finished plans (1,000,000 rows each); older run rows stay as history."""
    from opsdesk.purchasing.models import PurchaseOrderLine

    keep = list(PlanRun.objects.filter(company=company, status="done").order_by("-finished_at", "-pk")
                .values_list("pk", flat=True)[:KEEP_RUNS])
    old = list(PlanRun.objects.filter(company=company).exclude(pk__in=keep).exclude(status__in=["queued", "running"])
               .values_list("pk", flat=True))
    if not old:
        return
    with transaction.atomic():
        PurchaseOrderLine.objects.filter(proposal__run_id__in=old).update(proposal=None)
        Proposal.objects.filter(run_id__in=old)._raw_delete(Proposal.objects.db)


def proposal_set_quantity(*, actor, proposal: Proposal, quantity: int) -> Proposal:
    """Change the quantity to order: a multiple of the pack size and at least the MOQ, or zero (audited)."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        proposal = Proposal.objects.for_user(actor, "change").select_for_update().get(pk=proposal.pk)
        if not proposal.is_open:
            raise ValidationError({"quantity": _("该建议已下单，不能再修改。")})
        error = proposal.quantity_error(quantity)
        if error:
            raise ValidationError({"quantity": error})
        proposal.quantity = quantity
        proposal.edited_by = actor
        proposal.edited_at = timezone.now()
        proposal.save(update_fields=["quantity", "edited_by", "edited_at"])
    return proposal


@dataclass
class ApprovalResult:
    """What an approval did: the draft purchase orders, the proposals ordered and those left out (and why)."""

    purchase_orders: list
    ordered: int
    skipped_without_supplier: int
    skipped_zero: int


def _next_order_numbers(company_id: int, day: date, count: int) -> list[str]:
    """The next `count` order numbers of a day: PO<yyyymmdd>-<nnnn> (serialised by the write transaction)."""
    from opsdesk.purchasing.models import PurchaseOrder

    prefix = f"PO{day:%Y%m%d}-"
    last = (PurchaseOrder.objects.filter(company_id=company_id, order_number__startswith=prefix)
            .order_by("-order_number").values_list("order_number", flat=True).first())
    start = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return [f"{prefix}{number:04d}" for number in range(start, start + count)]


def proposals_approve(*, actor, proposal_ids: list[int], notes: str = "") -> ApprovalResult:
    """Turn open proposals into draft purchase orders, one per supplier x store x delivery day (audited).

    Proposals out of the actor's approval scope or from an older plan are ignored; quantities are the (possibly
    edited) proposal quantities; zero-quantity proposals and SKUs without a supplier are left open.
    """
    from opsdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine, Supplier
    from opsdesk.purchasing.services import purchase_order_contract_prices_stamp

    assert_can(actor, AREA, "approve")
    if len(proposal_ids) > MAX_APPROVAL_LINES:
        raise ValidationError(_("一次最多审批 %(count)s 行，请缩小筛选范围。") % {"count": MAX_APPROVAL_LINES})
    latest = (PlanRun.objects.filter(company_id=actor.company_id, status=PlanRunStatusChoices.DONE)
              .order_by("-finished_at", "-pk").values_list("pk", flat=True).first())
    with transaction.atomic(), audit_actor(actor):
        # Only the latest plan's proposals: an older plan's numbers are stale once a newer plan exists.
        candidates = list(Proposal.objects.for_user(actor, "approve").select_for_update()
                          .filter(pk__in=proposal_ids, status=ProposalStatusChoices.OPEN, run_id=latest)
                          .select_related("run", "store"))
        zero = [p for p in candidates if p.quantity <= 0]
        without_supplier = [p for p in candidates if p.quantity > 0 and p.supplier_id is None]
        chosen = [p for p in candidates if p.quantity > 0 and p.supplier_id is not None]
        if not chosen:
            return ApprovalResult([], 0, len(without_supplier), len(zero))
        groups, orders_table = _group_lines(chosen)
        suppliers = Supplier.objects.in_bulk({p.supplier_id for p in chosen})
        today = timezone.localdate()
        numbers = _next_order_numbers(actor.company_id, today, orders_table.num_rows)
        purchase_orders = []
        for row, number in enumerate(numbers):
            members = [p for p, group in zip(chosen, groups, strict=True) if group == row]
            first = members[0]
            order = PurchaseOrder(
                company_id=first.run.company_id, order_number=number, supplier=suppliers[first.supplier_id],
                store=first.store, order_date=today, expected_date=min(p.expected_date for p in members),
                total_value=Decimal(str(round(sum(p.quantity * p.unit_cost for p in members), 2))), notes=notes,
                created_by=actor)
            order.full_clean()
            order.save()
            lines = [PurchaseOrderLine(purchase_order=order, product_id=p.product_id, quantity=Decimal(p.quantity),
                                       unit_price=Decimal(str(round(p.unit_cost, 4))), proposal_id=p.pk)
                     for p in members]
            PurchaseOrderLine.objects.bulk_create(lines)
            purchase_order_contract_prices_stamp(order)
            audit_bulk("create", ((None, line) for line in lines), actor=actor)
            purchase_orders.append(order)
        _mark_ordered(actor, chosen)
        forget_scope(actor)
        visible = set(PurchaseOrder.objects.for_user(actor).filter(pk__in=[o.pk for o in purchase_orders])
                      .values_list("pk", flat=True))
        if len(visible) != len(purchase_orders):
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
    return ApprovalResult(purchase_orders, len(chosen), len(without_supplier), len(zero))


def _group_lines(chosen: list[Proposal]):
    """Engine consolidation per supplier x store x delivery day (the engine groups by one supplier key: we pass
    a dense supplier x store key, the minimal adapter between the per-store orders and the engine)."""
    pair_keys = np.asarray([p.supplier_id * selectors.KEY + p.store_id for p in chosen], dtype=np.int64)
    _unique, dense = np.unique(pair_keys, return_inverse=True)
    orders, group = consolidate(
        np.asarray([p.quantity for p in chosen], dtype=np.float64),
        np.asarray([p.unit_cost for p in chosen], dtype=np.float64), dense.reshape(-1),
        np.asarray([p.expected_date.toordinal() for p in chosen], dtype=np.int64))
    return group.tolist(), orders


def _mark_ordered(actor, chosen: list[Proposal]) -> None:
    before = {p.pk: Proposal(**{f.attname: getattr(p, f.attname) for f in Proposal._meta.concrete_fields})
              for p in chosen}
    Proposal.objects.filter(pk__in=[p.pk for p in chosen]).update(status=ProposalStatusChoices.ORDERED)
    for p in chosen:
        p.status = ProposalStatusChoices.ORDERED
    audit_bulk("update", ((before[p.pk], p) for p in chosen), actor=actor)
