"""Write the demo company: master data through `bulk_create` plus the audit trail, facts through `core.bulk`.

Everything happens in one transaction: a failed or interrupted run leaves the database as it was.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, transaction
from tqdm import tqdm

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.audit import audit_bulk
from opsdesk.core.bulk import bulk_insert, deferred_indexes, truncate_tables
from opsdesk.core.choices import RoleChoices
from opsdesk.core.demo import DEMO_PASSWORD, extensions, names
from opsdesk.core.demo.generate import FORMATS, DemoPlan, StoreFacts, iter_store_facts, plan_company
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.inventory.models import GoodsReceipt, StockSnapshot
from opsdesk.people.models import Department, Employee, Position
from opsdesk.purchasing.models import Supplier
from opsdesk.sales.models import Promotion, SkuDaySales, StoreDaySales

SKU_COLUMNS = ["store", "product", "date", "quantity", "revenue", "cost", "is_promo", "is_stockout"]
DAY_COLUMNS = ["store", "date", "sales_amount", "cost_amount", "customers", "transactions", "is_open", "is_promo",
               "state_holiday", "is_school_holiday"]
SNAPSHOT_COLUMNS = ["store", "product", "date", "on_hand", "on_order", "unit_cost"]
RECEIPT_COLUMNS = ["store", "product", "supplier", "date", "quantity", "unit_cost", "reference"]


class DemoExistsError(RuntimeError):
    """The demo company (or one of its usernames) is already in the database; pass reset=True to replace it."""


@dataclass
class DemoSummary:
    """What `build_demo` wrote, how long it took, and the demo logins."""

    counts: dict[str, int]
    seconds: float
    logins: list[tuple[str, str, str, str]]  # (role label, username, password, scope)
    start_date: date
    end_date: date
    seed: int
    scale: float
    timings: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"Demo company {self.start_date} .. {self.end_date} (seed {self.seed}, scale {self.scale:g}) "
                 f"written in {self.seconds:.1f} s"]
        lines += [f"  {name:<16} {count:>10,}" for name, count in self.counts.items()]
        lines += [f"  {role:<16} {user:<16} {password:<20} {scope}" for role, user, password, scope in self.logins]
        return "\n".join(lines)


def default_end_date() -> date:
    """Yesterday in China: the last complete trading day."""
    return (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date()


def demo_exists() -> bool:
    """Whether the demo company is in the database."""
    return Company.objects.filter(code=names.COMPANY_CODE).exists()


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role label, username, shared password, scope) of the demo users present, in role order."""
    order = {role: i for i, role in enumerate(RoleChoices.values)}
    users = User.objects.filter(company__code=names.COMPANY_CODE).prefetch_related("scope_regions", "scope_stores")
    rows = sorted(users, key=lambda user: (order.get(user.role, 99), user.username))
    return [(str(RoleChoices(user.role).label), user.username, DEMO_PASSWORD, _scope_text(user)) for user in rows]


def _scope_text(user: User) -> str:
    if user.has_company_scope:
        return "全公司"
    regions = list(user.scope_regions.all())
    stores = sorted(user.scope_stores.all(), key=lambda store: store.code)
    parts = [region.name for region in regions]
    if len(stores) == 1:
        parts.append(f"{stores[0].code} {stores[0].name}")
    elif stores:
        parts.append(f"{', '.join(store.code for store in stores)}（{len(stores)} 家门店）")
    return "；".join(parts) or "—"


def reset_company_data(using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete every row of every OpsDesk table (and the audit trail about them); sequences restart at 1."""
    tables = {LogEntry._meta.db_table}
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("opsdesk."):
            tables |= {model._meta.db_table for model in app_config.get_models(include_auto_created=True)}
    truncate_tables(sorted(tables), using=using)


def build_demo(
    *,
    reset: bool = False,
    end_date: date | None = None,
    scale: float = 1.0,
    progress: bool = True,
    seed: int = 20240101,
) -> DemoSummary:
    """Generate the demo company and write it in one transaction; `reset` first deletes all OpsDesk data."""
    started = time.perf_counter()
    end_date = end_date or default_end_date()
    plan = plan_company(seed=seed, end_date=end_date, scale=scale)
    timings = {"plan": time.perf_counter() - started}
    bar = tqdm(total=len(plan.stores) + 2, desc="演示数据 demo", unit="step", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    # Argon2 is slow by design: hash the demo passwords on another core while the facts are written.
    with ThreadPoolExecutor(max_workers=1) as hasher:
        hashes = hasher.submit(lambda: [make_password(DEMO_PASSWORD) for _user in plan.users])
        try:
            with transaction.atomic():
                if reset:
                    reset_company_data()
                elif demo_exists() or User.objects.filter(username__in=[u.username for u in plan.users]).exists():
                    raise DemoExistsError("演示公司已存在；使用 reset=True（opsdesk demo --reset）重新生成。")
                mark, mark_cpu = time.perf_counter(), time.process_time()
                objects = _write_master_data(plan)
                timings.update(master=time.perf_counter() - mark, master_cpu=time.process_time() - mark_cpu)
                bar.set_postfix_str("master data")
                bar.update(1)
                counts = _write_facts(plan, objects, _store_facts_stream(plan), bar, timings)
                mark = time.perf_counter()
                _write_people(plan, objects, hashes)
                timings["people"] = time.perf_counter() - mark
                mark = time.perf_counter()
                module_counts = extensions.run_all(objects.company, end_date=plan.end_date, seed=seed)
                timings["modules"] = time.perf_counter() - mark
                bar.set_postfix_str("modules")
                mark = time.perf_counter()
        finally:
            bar.close()
    timings["commit"] = time.perf_counter() - mark
    counts = {**objects.counts(), **counts, "audit_entries": LogEntry.objects.count()}
    for name, extra in module_counts.items():
        counts.update({f"{name}.{key}": value for key, value in extra.items()})
    return DemoSummary(counts=counts, seconds=time.perf_counter() - started, logins=demo_logins(),
                       start_date=plan.start_date, end_date=plan.end_date, seed=seed, scale=scale, timings=timings)


# ------------------------------------------------------------------------------------------------ master data


@dataclass
class _Written:
    """The master-data rows just written, in plan order."""

    company: Company
    regions: list[Region]
    stores: list[Store]
    departments: list[Department]
    positions: list[Position]
    categories: list[ProductCategory]
    suppliers: list[Supplier]
    products: list[Product]
    promotions: list[Promotion]
    users: list[User]
    employees: list[Employee]

    def counts(self) -> dict[str, int]:
        return {
            name: len(getattr(self, name))
            for name in ("regions", "stores", "departments", "positions", "employees", "users", "categories",
                         "suppliers", "products", "promotions")
        }


def _cents(value: int) -> Decimal:
    return Decimal(int(value)).scaleb(-2)


def _create_tree(model, records, build: Callable) -> list:
    """Bulk-create a self-referencing tree level by level (parents first); `build(record, parent)` makes a row."""
    rows: list = [None] * len(records)
    pending = list(range(len(records)))
    while pending:
        ready = [i for i in pending if records[i].parent_index is None or rows[records[i].parent_index] is not None]
        parents = [None if records[i].parent_index is None else rows[records[i].parent_index] for i in ready]
        built = [build(records[i], parent) for i, parent in zip(ready, parents, strict=True)]
        created = model.objects.bulk_create(built)
        for i, row in zip(ready, created, strict=True):
            rows[i] = row
        pending = [i for i in pending if rows[i] is None]
    return rows


def _write_master_data(plan: DemoPlan) -> _Written:
    """Organisation, catalogue, promotions, users and employees, with an audit entry per row."""
    company = Company.objects.bulk_create(
        [Company(code=names.COMPANY_CODE, name=names.COMPANY_NAME, country="CN", currency="CNY")]
    )[0]
    regions = Region.objects.bulk_create([Region(company=company, code=c, name=n) for c, n in plan.regions])
    stores = Store.objects.bulk_create([
        Store(company=company, region=regions[s.region_index], code=s.code, name=s.name, city=s.city,
              address=s.address, opening_date=s.opening_date, format=FORMATS[s.format],
              floor_area=Decimal(str(s.floor_area)), status=s.status)
        for s in plan.stores
    ])
    departments = _create_tree(Department, plan.departments,
                               lambda d, parent: Department(company=company, code=d.code, name=d.name, parent=parent))
    positions = Position.objects.bulk_create([
        Position(company=company, code=p.code, name=p.name, level=p.level, track=p.track) for p in plan.positions
    ])
    for record, position in zip(plan.positions, positions, strict=True):
        position.next_position = None if record.next_index is None else positions[record.next_index]
    Position.objects.bulk_update(positions, ["next_position"])
    categories = _create_tree(
        ProductCategory, plan.categories,
        lambda c, parent: ProductCategory(company=company, code=c.code, name=c.name, parent=parent),
    )
    suppliers = Supplier.objects.bulk_create([
        Supplier(company=company, code=s.code, name=s.name, contact_name=s.contact_name, phone=s.phone, email=s.email,
                 lead_time_days=s.lead_time_days, min_order_value=Decimal(s.min_order_value),
                 payment_terms=s.payment_terms, status=s.status)
        for s in plan.suppliers
    ])
    products = Product.objects.bulk_create([
        Product(company=company, sku=p.sku, barcode=p.barcode, name=p.name, category=categories[p.category_index],
                unit=p.unit, pack_size=p.pack_size, cost=_cents(p.cost_cents), price=_cents(p.price_cents),
                supplier=suppliers[p.supplier_index], shelf_life_days=p.shelf_life_days, is_active=p.is_active)
        for p in plan.products
    ], batch_size=1000)
    # Categories supplied: those of each supplier's products.
    supplied = {(p.supplier_index, p.category_index) for p in plan.products}
    Supplier.categories.through.objects.bulk_create([
        Supplier.categories.through(supplier_id=suppliers[s].pk, productcategory_id=categories[c].pk)
        for s, c in sorted(supplied)])
    promotions = _write_promotions(plan, company, categories, stores)
    written = _Written(company, regions, stores, departments, positions, categories, suppliers, products,
                       promotions, [], [])
    audit_bulk("create", [(None, row) for group in (
        [company], regions, stores, departments, positions, categories, suppliers, products, promotions
    ) for row in group])
    return written


def _write_people(plan: DemoPlan, objects: _Written, hashes: Future[list[str]]) -> None:
    """Demo users (one per role) and the employees, each demo user linked to the employee doing that job."""
    objects.users = _write_users(plan, objects, hashes.result())
    user_of = {u.employee_index: user for u, user in zip(plan.users, objects.users, strict=True)}
    stores, departments, positions = objects.stores, objects.departments, objects.positions
    objects.employees = Employee.objects.bulk_create([
        Employee(company=objects.company, employee_no=e.employee_no, name=e.name,
                 store=None if e.store_index is None else stores[e.store_index],
                 department=departments[e.department_index], position=positions[e.position_index],
                 user=user_of.get(i), hire_date=e.hire_date, status=e.status, phone=e.phone, email=e.email)
        for i, e in enumerate(plan.employees)
    ], batch_size=1000)
    audit_bulk("create", [(None, employee) for employee in objects.employees])


def _write_promotions(plan: DemoPlan, company, categories, stores) -> list[Promotion]:
    promotions = Promotion.objects.bulk_create([
        Promotion(company=company, code=p.code, name=p.name, start_date=p.start_date, end_date=p.end_date,
                  discount_percent=Decimal(p.discount_percent), promotion_type=p.promotion_type, cost=Decimal(p.cost),
                  category=None if p.category_index is None else categories[p.category_index])
        for p in plan.promotions
    ])
    bulk_insert(Promotion.stores.through, ["promotion", "store"], [
        (promotion.pk, stores[i].pk)
        for record, promotion in zip(plan.promotions, promotions, strict=True)
        for i in record.store_indexes
    ])
    return promotions


def _write_users(plan: DemoPlan, objects: _Written, password_hashes: list[str]) -> list[User]:
    """The demo users; `save()` so the audit trail records them like any new account."""
    users = []
    for record, password_hash in zip(plan.users, password_hashes, strict=True):
        employee = plan.employees[record.employee_index]
        user = User(username=record.username, role=record.role, company=objects.company, first_name=employee.name,
                    email=employee.email, has_company_scope=record.has_company_scope, language="zh-hans",
                    password=password_hash)
        user.save()
        user.scope_regions.set([objects.regions[i] for i in record.region_indexes])
        user.scope_stores.set([objects.stores[i] for i in record.store_indexes])
        users.append(user)
    return users


# ------------------------------------------------------------------------------------------------ facts


def _store_facts_stream(plan: DemoPlan) -> Iterator[StoreFacts]:
    """Store facts in store order: drawn by a worker process on another core for the full company, else here.

    The worker runs the same pure code on the same (seed, end date, scale), so the data are identical.
    """
    if (os.cpu_count() or 1) < 2 or plan.size.n_products * plan.size.n_days * len(plan.stores) < 2_000_000:
        yield from iter_store_facts(plan)
        return
    command = [sys.executable, "-m", "opsdesk.core.demo.generate", str(plan.seed), plan.end_date.isoformat(),
               repr(plan.scale)]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    worker = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=environment)
    finished = False
    try:
        for _store in plan.stores:
            yield pickle.load(worker.stdout)
        finished = True
    finally:
        if not finished:
            worker.kill()
        worker.stdout.close()
        status = worker.wait()
    if status:
        raise RuntimeError(f"demo facts worker failed with exit status {status}")


def _write_facts(plan: DemoPlan, objects: _Written, stream: Iterator[StoreFacts], bar,
                 timings: dict[str, float]) -> dict[str, int]:
    """Sales, store totals and stock snapshots of every store, with the fact tables' indexes rebuilt once."""
    product_ids = np.array([product.pk for product in objects.products], dtype=np.int64)
    unit_cost = np.array([p.cost_cents for p in plan.products], dtype=np.int64) / 100
    supplier_ids = np.array([objects.suppliers[p.supplier_index].pk for p in plan.products], dtype=np.int64)
    counts = {"store_day_sales": 0, "sku_day_sales": 0, "stock_snapshots": 0, "goods_receipts": 0}
    generating = writing = writing_cpu = 0.0
    with deferred_indexes(SkuDaySales, StoreDaySales, StockSnapshot, constraints=True) as _rebuild:
        for store in objects.stores:
            mark = time.perf_counter()
            facts = next(stream)
            generating += time.perf_counter() - mark
            mark, mark_cpu = time.perf_counter(), time.process_time()
            sku_rows = _sku_rows(plan, facts, store.pk, product_ids)
            counts["sku_day_sales"] += bulk_insert(SkuDaySales, SKU_COLUMNS, sku_rows)
            counts["store_day_sales"] += bulk_insert(StoreDaySales, DAY_COLUMNS, _day_rows(plan, facts, store.pk))
            counts["stock_snapshots"] += bulk_insert(
                StockSnapshot, SNAPSHOT_COLUMNS, _snapshot_rows(plan, facts, store.pk, product_ids, unit_cost)
            )
            counts["goods_receipts"] += bulk_insert(
                GoodsReceipt, RECEIPT_COLUMNS,
                _receipt_rows(plan, facts, store.pk, product_ids, supplier_ids, unit_cost))
            writing += time.perf_counter() - mark
            writing_cpu += time.process_time() - mark_cpu
            bar.set_postfix_str(f"{store.code} · {counts['sku_day_sales']:,} rows")
            bar.update(1)
        if next(stream, None) is not None:  # also lets the worker finish and be reaped
            raise RuntimeError("the demo facts worker sent more stores than planned")
        bar.set_postfix_str("indexes")
        mark, mark_cpu = time.perf_counter(), time.process_time()
    timings.update(generate=generating, write=writing, write_cpu=writing_cpu, indexes=time.perf_counter() - mark,
                   indexes_cpu=time.process_time() - mark_cpu)
    bar.update(1)
    return counts


def _sku_rows(plan: DemoPlan, facts: StoreFacts, store_id: int, product_ids: np.ndarray):
    n = len(facts.day_index)
    return zip(
        [store_id] * n,
        product_ids[facts.product_index].tolist(),
        plan.calendar.iso[facts.day_index].tolist(),
        facts.quantity.tolist(),
        (facts.revenue_cents / 100).tolist(),
        (facts.cost_cents / 100).tolist(),
        facts.is_promo.tolist(),
        facts.is_stockout.tolist(),
        strict=True,
    )


def _day_rows(plan: DemoPlan, facts: StoreFacts, store_id: int):
    cal = plan.calendar
    days = facts.total_day_index
    return zip(
        [store_id] * len(days),
        cal.iso[days].tolist(),
        (facts.total_sales_cents / 100).tolist(),
        (facts.total_cost_cents / 100).tolist(),
        facts.customers.tolist(),
        facts.transactions.tolist(),
        facts.is_open.tolist(),
        facts.total_is_promo.tolist(),
        cal.holiday_code[days].tolist(),
        cal.is_school_holiday[days].tolist(),
        strict=True,
    )


def _snapshot_rows(plan: DemoPlan, facts: StoreFacts, store_id: int, product_ids: np.ndarray, unit_cost: np.ndarray):
    n = len(facts.snapshot_day_index)
    return zip(
        [store_id] * n,
        product_ids[facts.snapshot_product_index].tolist(),
        plan.calendar.iso[facts.snapshot_day_index].tolist(),
        facts.on_hand.tolist(),
        facts.on_order.tolist(),
        unit_cost[facts.snapshot_product_index].tolist(),
        strict=True,
    )


def _receipt_rows(plan: DemoPlan, facts: StoreFacts, store_id: int, product_ids: np.ndarray,
                  supplier_ids: np.ndarray, unit_cost: np.ndarray):
    """The store's deliveries as goods receipts, one delivery note number per store and day."""
    n = len(facts.receipt_day_index)
    dates = plan.calendar.iso[facts.receipt_day_index].tolist()
    return zip(
        [store_id] * n,
        product_ids[facts.receipt_product_index].tolist(),
        supplier_ids[facts.receipt_product_index].tolist(),
        dates,
        facts.receipt_quantity.tolist(),
        unit_cost[facts.receipt_product_index].tolist(),
        [f"DN-{store_id}-{day.replace('-', '')}" for day in dates],
        strict=True,
    )
