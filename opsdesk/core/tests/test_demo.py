"""The demo company: exact invariants of the generated facts, scopes of the demo users, determinism, reset."""

from __future__ import annotations

import hashlib
import io
import pickle
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Count, Q, Sum
from django.db.transaction import TransactionManagementError
from django.test import override_settings

from opsdesk.catalog.models import Product
from opsdesk.core.bulk import bulk_insert, deferred_indexes
from opsdesk.core.choices import RoleChoices
from opsdesk.core.demo import DEMO_PASSWORD, build_demo, demo_exists, demo_logins
from opsdesk.core.demo.generate import (
    FESTIVAL_THEMES,
    RECEIPT_DAYS,
    ean13,
    expected_demand,
    iter_store_facts,
    plan_company,
    store_facts,
)
from opsdesk.core.demo.load import DAY_COLUMNS, DemoExistsError
from opsdesk.core.models import Company, Store, User
from opsdesk.inventory.models import GoodsReceipt, StockSnapshot
from opsdesk.people.models import Employee, Position
from opsdesk.sales.models import Promotion, SkuDaySales, StoreDaySales

END = date(2025, 3, 31)  # 120 days from 2024-12-02: the 2025 Spring Festival (Jan 29) sits in the middle
SPRING_FESTIVAL = date(2025, 1, 29)
SEED = 20240101
SCALE = 0.05
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def _build(**overrides):
    arguments = {"end_date": END, "scale": SCALE, "progress": False, "seed": SEED, **overrides}
    with FAST_HASHER:
        return build_demo(**arguments)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo company, built once per module in an outer transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            summary = _build()
        except BaseException:
            outer.__exit__(None, None, None)
            raise
    yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _fingerprint() -> str:
    """A hash over the facts and master data that any change in the generated company would alter."""
    parts = [
        SkuDaySales.objects.aggregate(
            rows=Count("id"), units=Sum("quantity"), revenue=Sum("revenue"), cost=Sum("cost"),
            stockouts=Count("id", filter=Q(is_stockout=True)), promos=Count("id", filter=Q(is_promo=True)),
        ),
        list(StoreDaySales.objects.order_by("store__code", "date").values_list(
            "store__code", "date", "sales_amount", "customers", "transactions", "is_open", "is_promo", "state_holiday"
        )),
        list(StockSnapshot.objects.order_by("store__code", "product__sku", "date").values_list(
            "store__code", "product__sku", "date", "on_hand", "on_order")),
        list(Product.objects.order_by("sku").values_list("sku", "barcode", "name", "price", "cost", "supplier__code")),
        list(Employee.objects.order_by("employee_no").values_list(
            "employee_no", "name", "store__code", "position__code"
        )),
        list(Promotion.objects.order_by("code").values_list("code", "name", "start_date", "end_date")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _daily_company_sales() -> dict[date, Decimal]:
    return dict(StoreDaySales.objects.values_list("date").annotate(total=Sum("sales_amount")).order_by("date"))


# ------------------------------------------------------------------------------------------------ pure parts


def test_ean13_check_digit_matches_the_standard_example():
    # given / when / then: the GS1 textbook example and an all-zero body
    assert ean13("400638133393") == "4006381333931"
    assert ean13("000000000000") == "0000000000000"


def test_full_plan_has_the_promised_shape():
    # given / when
    plan = plan_company(seed=SEED, end_date=END, scale=1.0)
    # then
    assert (len(plan.regions), len(plan.stores), len(plan.products), len(plan.suppliers)) == (4, 24, 640, 31)
    assert plan.size.n_days == 760
    assert all(1 <= supplier.lead_time_days <= 7 for supplier in plan.suppliers)
    assert len({p.sku for p in plan.products}) == 640
    assert len({p.barcode for p in plan.products}) == 640
    assert all(ean13(p.barcode[:12]) == p.barcode for p in plan.products)
    assert all(0 < p.cost_cents < p.price_cents for p in plan.products)
    supervisor = next(u for u in plan.users if u.role == "supervisor")
    assert 3 <= len(supervisor.store_indexes) <= 5
    assert {plan.stores[i].region_index for i in supervisor.store_indexes} == {0}
    assert sorted({s.format for s in plan.stores}) == ["C", "H", "S"]


def test_store_facts_are_deterministic_per_seed():
    # given
    first = plan_company(seed=SEED, end_date=END, scale=SCALE)
    second = plan_company(seed=SEED, end_date=END, scale=SCALE)
    other = plan_company(seed=SEED + 1, end_date=END, scale=SCALE)
    # when
    a, b, c = store_facts(first, 0), store_facts(second, 0), store_facts(other, 0)
    # then
    assert np.array_equal(a.revenue_cents, b.revenue_cents)
    assert np.array_equal(a.day_index, b.day_index)
    assert np.array_equal(a.on_hand, b.on_hand)
    assert not np.array_equal(a.revenue_cents, c.revenue_cents)


def test_store_facts_sell_what_the_expected_demand_law_draws():
    # given: a store's demand law
    plan = plan_company(seed=SEED, end_date=END, scale=SCALE)
    law = expected_demand(plan, 0)
    counted = plan.product_portion[law.assortment] == 0
    # when: the facts, and the draw store_facts makes from the law
    facts = store_facts(plan, 0)
    rng = law.rng  # positioned after the law, where store_facts draws from its own
    shape = law.dispersion[:, None]
    demand = rng.poisson(rng.gamma(shape, law.mean / shape))
    # then: every product sold is in the assortment; nothing is expected on closed days; a counted item sells its
    # drawn demand unless the stock ran out, never more
    row = {int(product): i for i, product in enumerate(law.assortment)}
    assert set(facts.product_index.tolist()) <= set(row)
    assert not law.mean[:, ~law.is_open].any()
    rows = np.array([row[int(p)] for p in facts.product_index])
    mask = counted[rows] & (facts.quantity > 0)
    drawn = demand[rows[mask], facts.day_index[mask]]
    assert np.all(facts.quantity[mask] <= drawn)
    assert np.mean(facts.quantity[mask] == drawn) > 0.9


def test_receipts_are_the_recent_deliveries_and_each_skus_last_one():
    # given
    plan = plan_company(seed=SEED, end_date=END, scale=SCALE)
    n_days = len(plan.calendar.dates)
    # when
    facts = store_facts(plan, 0)
    # then: ordered by (product, day), one per product and day, positive; before the last RECEIPT_DAYS days only
    # a product's last delivery
    sku, day, quantity = facts.receipt_product_index, facts.receipt_day_index, facts.receipt_quantity
    key = sku * n_days + day
    assert len(sku) > 0
    assert np.all(np.diff(key) > 0)
    assert np.all(quantity > 0)
    old = day < n_days - RECEIPT_DAYS
    assert old.any()
    later = np.append(sku[1:] == sku[:-1], False)
    assert not np.any(old & later)
    # every product still stocked at the end has a known last delivery (the age of its stock)
    stocked = set(facts.snapshot_product_index[(facts.snapshot_day_index == n_days - 1) & (facts.on_hand > 0)])
    assert stocked <= set(sku.tolist())


def test_generate_module_does_not_import_django():
    # given
    code = "import sys, opsdesk.core.demo.generate; print('django' in sys.modules)"
    # when
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # then
    assert result.stdout.strip() == "False"


# ------------------------------------------------------------------------------------------------ written company


@pytest.mark.django_db
def test_summary_counts_match_the_database(demo):
    # given / when
    counts = demo.counts
    # then
    assert demo_exists()
    assert counts["stores"] == Store.objects.count() == 4
    assert Store.objects.values("region").distinct().count() >= 3
    assert counts["products"] == Product.objects.count() >= 40
    assert counts["sku_day_sales"] == SkuDaySales.objects.count() > 0
    assert counts["store_day_sales"] == StoreDaySales.objects.count() == 4 * 120
    assert counts["stock_snapshots"] == StockSnapshot.objects.count() > 0
    assert counts["goods_receipts"] == GoodsReceipt.objects.filter(reference__startswith="DN-").count() > 0
    assert counts["promotions"] == Promotion.objects.count() > 0
    assert (demo.start_date, demo.end_date) == (date(2024, 12, 2), END)


@pytest.mark.django_db
def test_store_day_totals_equal_the_sum_of_their_sku_rows(demo):
    # given
    revenue, cost = defaultdict(Decimal), defaultdict(Decimal)
    for store_id, day, row_revenue, row_cost in SkuDaySales.objects.values_list("store_id", "date", "revenue", "cost"):
        revenue[store_id, day] += row_revenue
        cost[store_id, day] += row_cost
    # when
    days = StoreDaySales.objects.values_list("store_id", "date", "sales_amount", "cost_amount", "is_open")
    mismatched = [(s, d) for s, d, sales, costs, _open in days
                  if sales != revenue.get((s, d), Decimal("0.00")) or costs != cost.get((s, d), Decimal("0.00"))]
    # then
    assert mismatched == []
    assert set(revenue) <= {(s, d) for s, d, _sales, _cost, is_open in days if is_open}


@pytest.mark.django_db
def test_customers_and_transactions_follow_sales(demo):
    # given / when
    rows = list(StoreDaySales.objects.values_list("sales_amount", "customers", "transactions", "is_open"))
    # then
    assert all((transactions > 0) == (sales > 0) for sales, _c, transactions, _o in rows)
    assert all(customers >= transactions for _s, customers, transactions, _o in rows)
    assert all(sales == 0 and customers == 0 for sales, customers, _t, is_open in rows if not is_open)
    ticket = sum(r[0] for r in rows) / sum(r[2] for r in rows)
    assert Decimal(20) < ticket < Decimal(150)


@pytest.mark.django_db
def test_only_selling_days_and_stockout_days_are_stored(demo):
    # given / when
    zero_without_stockout = SkuDaySales.objects.filter(quantity=0, is_stockout=False).count()
    stockout_with_sales = SkuDaySales.objects.filter(is_stockout=True).exclude(quantity=0, revenue=0).count()
    # then
    assert zero_without_stockout == 0
    assert stockout_with_sales == 0
    assert SkuDaySales.objects.filter(is_stockout=True).count() > 0
    assert SkuDaySales.objects.filter(quantity__gt=0, quantity__lt=1).exists()  # loose produce sold by weight


@pytest.mark.django_db
def test_stockouts_come_in_runs(demo):
    # given
    days = defaultdict(list)
    for store_id, product_id, day in SkuDaySales.objects.filter(is_stockout=True).values_list(
        "store_id", "product_id", "date"
    ):
        days[store_id, product_id].append(day)
    # when
    runs = [sum(1 for a, b in zip(d, d[1:], strict=False) if (b - a).days == 1) for d in map(sorted, days.values())]
    # then: most stockout days continue the previous day's stockout (waiting for a delivery)
    assert sum(runs) > 0.3 * sum(len(d) for d in days.values())


@pytest.mark.django_db
def test_promotion_flags_lie_inside_a_promotion_of_the_store_and_category(demo):
    # given
    covered = defaultdict(list)
    for promotion in Promotion.objects.prefetch_related("stores"):
        for store in promotion.stores.all():
            covered[store.pk].append((promotion.start_date, promotion.end_date, promotion.category_id))
    category = {p.pk: (p.category_id, p.category.parent_id) for p in Product.objects.select_related("category")}
    # when
    flagged = SkuDaySales.objects.filter(is_promo=True).values_list("store_id", "product_id", "date")
    outside = [row for row in flagged if not any(
        start <= row[2] <= end and (cat is None or cat in category[row[1]]) for start, end, cat in covered[row[0]]
    )]
    # then
    assert flagged.count() > 0
    assert outside == []
    assert StoreDaySales.objects.filter(is_promo=True).exists()


@pytest.mark.django_db
def test_spring_festival_week_before_outsells_an_average_week(demo):
    # given
    daily = _daily_company_sales()
    average_week = sum(daily.values()) / len(daily) * 7
    # when
    week_before = sum(daily[SPRING_FESTIVAL - timedelta(days=k)] for k in range(1, 8))
    festival_week = sum(daily[SPRING_FESTIVAL + timedelta(days=k)] for k in range(0, 7))
    # then
    assert week_before > Decimal("1.2") * average_week
    assert festival_week < average_week
    assert StoreDaySales.objects.filter(date=SPRING_FESTIVAL, is_open=False).exists()
    assert set(StoreDaySales.objects.filter(date=SPRING_FESTIVAL).values_list("state_holiday", flat=True)) == {"b"}


@pytest.mark.django_db
def test_weekends_outsell_weekdays_on_average(demo):
    # given
    rows = StoreDaySales.objects.filter(is_open=True, state_holiday="0").values_list("date", "sales_amount")
    # when
    weekend = [amount for day, amount in rows if day.weekday() >= 5]
    weekday = [amount for day, amount in rows if day.weekday() <= 3]
    # then
    assert sum(weekend) / len(weekend) > Decimal("1.1") * sum(weekday) / len(weekday)


@pytest.mark.django_db
def test_latest_snapshot_covers_each_trading_store_and_agrees_with_stockouts(demo):
    # given
    stores = set(StoreDaySales.objects.values_list("store_id", flat=True))
    latest = StockSnapshot.objects.filter(date=END)
    out_on_last_day = SkuDaySales.objects.filter(date=END, is_stockout=True).values_list("store_id", "product_id")
    # when
    snapshot_stores = set(latest.values_list("store_id", flat=True))
    on_hand = dict(((s, p), q) for s, p, q in latest.values_list("store_id", "product_id", "on_hand"))
    dates = set(StockSnapshot.objects.values_list("date", flat=True))
    # then
    assert snapshot_stores == stores
    assert all(on_hand[key] == 0 for key in out_on_last_day)
    assert not latest.filter(on_hand__lt=0).exists()
    assert dates == {date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28), END}


@pytest.mark.django_db
def test_every_store_has_a_manager_an_assistant_and_staff(demo):
    # given / when
    per_store = {
        store.code: list(store.employees.values_list("position__code", flat=True)) for store in Store.objects.all()
    }
    # then
    assert all(positions.count("STORE_MANAGER") == 1 for positions in per_store.values())
    assert all(positions.count("ASSISTANT_MANAGER") == 1 for positions in per_store.values())
    assert all(6 <= len(positions) - 2 <= 16 for positions in per_store.values())
    head_office = set(Employee.objects.filter(store__isnull=True).values_list("position__code", flat=True))
    assert {"COO", "OPERATIONS_DIRECTOR", "REGIONAL_MANAGER", "AREA_SUPERVISOR", "AUDITOR"} <= head_office


@pytest.mark.django_db
def test_job_ladder_runs_from_clerk_to_coo(demo):
    # given
    position = Position.objects.get(code="CLERK")
    # when
    ladder = [position]
    while ladder[-1].next_position_id:
        ladder.append(ladder[-1].next_position)
    # then
    assert [p.name for p in ladder] == ["店员", "主管", "副店长", "店长", "营运主管", "区域经理", "营运总监", "运营官"]
    assert [p.level for p in ladder] == list(range(1, 9))


@pytest.mark.django_db
def test_suppliers_supply_exactly_the_categories_of_their_products(demo):
    # given
    from opsdesk.catalog.models import Product
    from opsdesk.purchasing.models import Supplier

    # when
    stated = {(s, c) for s, c in Supplier.categories.through.objects.values_list("supplier_id", "productcategory_id")}
    # then
    assert stated == set(Product.objects.values_list("supplier_id", "category_id").distinct())
    assert len(stated) > 0


@pytest.mark.django_db
def test_one_demo_user_per_role_sees_its_scope(demo):
    # given
    users = {user.role: user for user in User.objects.select_related("employee")}
    every_store = sorted(Store.objects.values_list("code", flat=True))
    east = sorted(Store.objects.filter(region__code="EAST").values_list("code", flat=True))
    # when
    visible = {role: sorted(Store.objects.for_user(user).values_list("code", flat=True))
               for role, user in users.items()}
    # then
    assert sorted(users) == sorted(RoleChoices.values)
    assert visible == {
        "coo": every_store, "auditor": every_store, "admin": every_store, "hr": every_store, "regional_manager": east,
        "supervisor": east, "store_manager": ["SH001"], "staff": ["SH001"], "supplier": [],
    }
    assert not Store.objects.for_user(users["auditor"], "change").exists()
    # The supplier's portal account is external: no employee record.
    assert all(user.employee.company_id == user.company_id for user in users.values() if user.role != "supplier")
    assert users["store_manager"].employee.position.code == "STORE_MANAGER"
    with FAST_HASHER:
        assert users["store_manager"].check_password(DEMO_PASSWORD)
    assert [row[1] for row in demo_logins()] == [
        "coo", "region_east", "supervisor", "manager_sh001", "staff_sh001", "auditor", "hr", "admin", "supplier"
    ]
    assert demo.logins == demo_logins()


@pytest.mark.django_db
def test_master_data_is_in_the_audit_trail(demo):
    # given
    from auditlog.models import LogEntry

    # when
    logged = LogEntry.objects.filter(action=LogEntry.Action.CREATE)
    # then
    assert logged.filter(content_type__model="product").count() == Product.objects.count()
    assert logged.filter(content_type__model="store").count() == Store.objects.count()
    assert logged.filter(content_type__model="user").count() == 9


@pytest.mark.django_db
def test_build_without_reset_refuses_and_changes_nothing(demo):
    # given
    before = _fingerprint()
    # when
    with pytest.raises(DemoExistsError):
        _build()
    # then
    assert _fingerprint() == before


@pytest.mark.django_db
def test_reset_regenerates_identical_data_without_duplicates(demo):
    # given
    before = _fingerprint()
    indexes = {model: _index_names(model._meta.db_table) for model in (SkuDaySales, StoreDaySales, StockSnapshot)}
    # when
    summary = _build(reset=True)
    # then
    assert summary.counts == demo.counts
    assert _fingerprint() == before
    assert {model: _index_names(model._meta.db_table) for model in indexes} == indexes
    assert SkuDaySales.objects.order_by("pk").values_list("pk", flat=True).first() == 1
    assert Company.objects.count() == 1
    assert User.objects.count() == 9


@pytest.mark.django_db
def test_another_seed_gives_another_company(demo):
    # given
    before = _fingerprint()
    # when
    _build(reset=True, seed=SEED + 1)
    # then
    assert _fingerprint() != before


def test_worker_process_draws_the_same_facts_as_this_process():
    # given
    plan = plan_company(seed=SEED, end_date=END, scale=SCALE)
    command = [sys.executable, "-m", "opsdesk.core.demo.generate", str(SEED), END.isoformat(), repr(SCALE)]
    # when
    output = subprocess.run(command, capture_output=True, check=True).stdout
    stream = io.BytesIO(output)
    from_worker = [pickle.load(stream) for _store in plan.stores]
    # then
    assert stream.read() == b""
    for local, remote in zip(iter_store_facts(plan), from_worker, strict=True):
        assert np.array_equal(local.revenue_cents, remote.revenue_cents)
        assert np.array_equal(local.snapshot_product_index, remote.snapshot_product_index)


# ------------------------------------------------------------------------------------------------ core.bulk


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, info in constraints.items() if info["index"] or info["unique"]}


@pytest.mark.django_db
def test_bulk_insert_writes_rows_and_deferred_indexes_come_back(demo):
    # given
    store = Store.objects.get(code="SH001")
    days = [date(2030, 1, 1) + timedelta(days=k) for k in range(250)]
    rows = [(store.pk, day.isoformat(), 12.34, 10.0, 3, 2, True, False, "0", False) for day in days]
    before = _index_names(StoreDaySales._meta.db_table)
    reported = []
    # when
    with transaction.atomic(), deferred_indexes(StoreDaySales, SkuDaySales, constraints=True):
        written = bulk_insert(StoreDaySales, DAY_COLUMNS, iter(rows), chunk=100, progress=reported.append)
    # then
    assert written == 250
    assert reported == [100, 100, 50]
    assert _index_names(StoreDaySales._meta.db_table) == before
    stored = StoreDaySales.objects.filter(store=store, date__year=2030)
    assert stored.count() == 250
    assert sum(stored.values_list("sales_amount", flat=True)) == Decimal("3085.00")


@pytest.mark.django_db
def test_deferred_indexes_require_a_transaction(demo, monkeypatch):
    # given: outside any atomic block (the test's own transaction hidden)
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    # when / then
    with pytest.raises(TransactionManagementError), deferred_indexes(StoreDaySales):
        pass  # pragma: no cover


@pytest.mark.django_db
def test_bulk_insert_violating_a_constraint_rolls_back_everything(demo):
    # given
    store = Store.objects.get(code="SH001")
    duplicate = StoreDaySales.objects.filter(store=store).values_list("date", flat=True).first()
    rows = [(store.pk, "2031-01-01", 1.0, 0.5, 1, 1, True, False, "0", False),
            (store.pk, duplicate.isoformat(), 1.0, 0.5, 1, 1, True, False, "0", False)]
    count = StoreDaySales.objects.count()
    # when
    with pytest.raises(IntegrityError), transaction.atomic(), deferred_indexes(StoreDaySales, constraints=True):
        bulk_insert(StoreDaySales, DAY_COLUMNS, rows)
    # then
    assert StoreDaySales.objects.count() == count


def test_promotions_carry_their_fixed_costs():
    plan = plan_company(seed=SEED, end_date=END, scale=SCALE)
    festival = next(p for p in plan.promotions if p.name.startswith(FESTIVAL_THEMES))
    weekly = next(p for p in plan.promotions if not p.name.startswith(FESTIVAL_THEMES))
    days = (festival.end_date - festival.start_date).days + 1
    assert (festival.promotion_type, festival.cost) == ("display", len(festival.store_indexes) * days * 120)
    assert (weekly.promotion_type, weekly.cost) == ("discount", len(weekly.store_indexes) * 150)
