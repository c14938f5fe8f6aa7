"""Deterministic synthetic data of the demo company: master-data records and per-store fact arrays.

Pure NumPy + `holidays` (no Django). `plan_company()` draws the company (regions, stores, catalogue, suppliers,
promotions, people, demo users); `store_facts()` draws one store's daily facts. Demand is a multiplicative mean
(SKU rate x store size x weekly x yearly x holidays x Spring Festival x promotions x trends) with negative-binomial
noise; the store's stock is then simulated with a reorder-point policy and supplier lead times, so sales never
exceed stock, stockouts come in runs until the next delivery, and the stock snapshots agree with the sales.
Every random draw comes from a generator seeded with (seed, purpose, index): same seed and end date, same data.
Money is held in integer cents so that store totals equal the sum of their SKU rows exactly.
"""

from __future__ import annotations

import math
import pickle
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import holidays
import numpy as np

from opsdesk.core.demo import names

FULL_DAYS = 760  # two years and a month of history at scale 1
FULL_STORES = len(names.STORES)
RECEIPT_DAYS = 90  # deliveries kept as goods receipts: every one of the last 90 days, and each SKU's last one
FULL_PRODUCTS = sum(count for _code, _name, leaves in names.CATEGORIES for _leaf, _leaf_name, count in leaves)

# Weekly trading profile (Monday first): supermarkets peak at the weekend, convenience stores on workdays.
WEEKLY = {
    "S": np.array([0.92, 0.88, 0.90, 0.94, 1.04, 1.20, 1.12]),
    "H": np.array([0.88, 0.85, 0.87, 0.92, 1.04, 1.26, 1.18]),
    "C": np.array([1.04, 1.02, 1.03, 1.04, 1.07, 0.92, 0.88]),
}
FORMATS = {"S": "supermarket", "H": "hypermarket", "C": "convenience"}
AVERAGE_TICKET = {"S": 68.0, "H": 115.0, "C": 28.0}  # yuan per transaction


class LeafProfile(NamedTuple):
    """Demand and supply traits of a leaf category."""

    margin: tuple[float, float]  # gross margin range (share of the price)
    shelf_life: tuple[int, int] | None  # days
    packs: tuple[int, ...]  # case sizes (kg for loose produce)
    rate: float  # median units (kg) a day of one SKU in a reference supermarket
    dispersion: float  # negative-binomial k: smaller is clumpier
    weekend: float  # exponent on the weekly profile
    season: tuple[float, int]  # yearly amplitude, peak day of the year
    festival: tuple[float, float]  # Spring Festival: pre-festival surge, festival-week level
    elasticity: float  # promotion uplift per unit of discount
    carry: tuple[float, float]  # share of SKUs carried by convenience stores, by supermarkets
    portion: float  # kg per sale of loose produce (0: counted items)
    review: int  # days between orders


# Columns: margin, shelf life, packs, rate, dispersion, weekend, season, festival, elasticity, carry, portion, review.
_L = LeafProfile
LEAVES = {
    "1001": _L((0.25, 0.35), (5, 14), (5, 10), 4, 4, 1.2, (0.12, 200), (1, 0.55), 3.5, (0, 0.77), 0.9, 1),
    "1002": _L((0.25, 0.35), (2, 7), (5, 10), 3.5, 5, 1.3, (0.08, 30), (0.8, 0.5), 3, (0, 0.77), 0.6, 1),
    "1003": _L((0.15, 0.22), (2, 5), (5, 10), 1, 4, 1.3, (0.12, 15), (1.4, 0.45), 3, (0, 0.77), 0.7, 1),
    "1004": _L((0.2, 0.3), (1, 3), (5,), 0.5, 3, 1.4, (0.1, 15), (1.6, 0.4), 3, (0, 0.68), 0.8, 1),
    "1005": _L((0.12, 0.18), (30, 45), (10, 20), 0.975, 5, 1.1, (0.05, 30), (0.6, 0.6), 2.5, (0.3, 0.85), 0, 2),
    "2001": _L((0.18, 0.25), (7, 180), (6, 12), 0.9, 3, 1.1, (0.08, 30), (1.2, 0.6), 3.5, (0.6, 0.85), 0, 2),
    "2002": _L((0.35, 0.5), (3, 7), (6, 12), 0.585, 3, 1.1, (0.05, 300), (0.3, 0.55), 3, (0.5, 0.77), 0, 1),
    "2003": _L((0.3, 0.4), (3, 10), (10, 20), 0.78, 4, 1.1, (0.06, 20), (0.5, 0.5), 2.5, (0.2, 0.77), 0, 1),
    "3001": _L((0.22, 0.3), (270, 365), (6, 10), 0.273, 2, 1.1, (0.18, 20), (1.5, 0.7), 3.5, (0.3, 0.77), 0, 7),
    "3002": _L((0.3, 0.4), (365, 540), (12, 24), 0.312, 2, 1, (0.6, 200), (0.1, 0.8), 3, (0.7, 0.77), 0, 7),
    "4001": _L((0.22, 0.3), (270, 540), (12, 24), 0.624, 2, 1, (0.3, 195), (1, 0.8), 3, (1, 0.85), 0, 7),
    "4002": _L((0.3, 0.4), (365, 730), (6, 12), 0.078, 1, 0.9, (0.1, 15), (0.8, 0.8), 2.5, (0.3, 0.59), 0, 14),
    "4003": _L((0.2, 0.3), (365, 1095), (6, 12), 0.117, 1, 1.3, (0.1, 15), (2, 0.8), 3, (0.5, 0.68), 0, 14),
    "5001": _L((0.3, 0.4), (180, 365), (12, 24), 0.273, 1.5, 1, (0.08, 20), (1.3, 0.85), 3, (0.8, 0.77), 0, 7),
    "5002": _L((0.28, 0.35), (180, 365), (12, 24), 0.156, 1.2, 1, (0.06, 20), (1, 0.85), 3, (0.4, 0.68), 0, 10),
    "5003": _L((0.3, 0.4), (270, 540), (12, 24), 0.137, 1, 1, (0.15, 25), (1.8, 0.9), 3, (0.6, 0.68), 0, 14),
    "6001": _L((0.1, 0.15), (365, 540), (4, 6), 0.195, 1.5, 1.1, (0.06, 20), (1.2, 0.6), 4, (0.1, 0.68), 0, 7),
    "6002": _L((0.25, 0.32), (365, 720), (12, 24), 0.156, 1.2, 1, (0.05, 15), (0.8, 0.7), 2.5, (0.2, 0.68), 0, 14),
    "6003": _L((0.2, 0.28), (180, 365), (12, 24), 0.273, 1.5, 1, (0.08, 30), (0.6, 1), 3, (0.9, 0.68), 0, 7),
    "7001": _L((0.25, 0.33), (1095, 1095), (6, 12), 0.098, 1, 0.9, (0.03, 180), (0.5, 0.5), 4, (0.2, 0.59), 0, 14),
    "7002": _L((0.18, 0.25), (1095, 1095), (6, 12), 0.234, 1.5, 1, (0.03, 30), (0.6, 0.6), 4, (0.6, 0.77), 0, 10),
    "8001": _L((0.3, 0.38), (730, 1095), (12, 24), 0.078, 1, 0.9, (0.02, 30), (0.3, 0.5), 3, (0.4, 0.59), 0, 14),
    "8002": _L((0.3, 0.38), (730, 1095), (6, 12), 0.078, 1, 0.9, (0.05, 200), (0.4, 0.5), 3.5, (0.3, 0.59), 0, 14),
    "8003": _L((0.35, 0.45), (730, 1095), (6, 12), 0.058, 1, 0.9, (0.15, 190), (0.3, 0.5), 3, (0.3, 0.51), 0, 14),
    "9001": _L((0.35, 0.45), None, (6, 12), 0.046, 0.8, 1.1, (0.03, 30), (0.5, 0.5), 3, (0.1, 0.42), 0, 14),
    "9002": _L((0.38, 0.5), None, (6, 12), 0.046, 0.8, 1.1, (0.1, 200), (0.4, 0.5), 3, (0.2, 0.42), 0, 14),
}
# Mooncakes, fruit and liquor sell ahead of the Mid-Autumn Festival: leaf -> uplift over the 14 days before.
MID_AUTUMN_SURGE = {"5002": 1.5, "1001": 0.3, "4003": 0.5, "5003": 0.2}


# ------------------------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class DemoSize:
    """How much to generate: scale 1 is the full company, tests use about 0.05."""

    n_stores: int
    n_products: int
    n_days: int


def demo_size(scale: float) -> DemoSize:
    """Stores, SKUs and days for a scale factor (stores are capped at the 24 named stores)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    return DemoSize(
        n_stores=min(FULL_STORES, max(4, round(FULL_STORES * scale))),
        n_products=max(40, round(FULL_PRODUCTS * scale)),
        n_days=max(120, round(FULL_DAYS * scale)),
    )


@dataclass
class StoreRecord:
    code: str
    name: str
    region_index: int
    city: str
    address: str
    format: str  # S, H, C
    floor_area: float
    opening_date: date
    status: str  # planned, open, renovating
    closes_for_festival: bool  # closed on New Year's Eve and the first day of the Spring Festival
    renovation_days: int = 0  # closed for this many days up to the end date


@dataclass
class CategoryRecord:
    code: str
    name: str
    parent_index: int | None


@dataclass
class SupplierRecord:
    code: str
    name: str
    contact_name: str
    phone: str
    email: str
    lead_time_days: int
    min_order_value: int  # yuan
    payment_terms: str
    status: str


@dataclass
class ProductRecord:
    sku: str
    barcode: str
    name: str
    category_index: int  # a leaf category
    unit: str
    pack_size: int
    cost_cents: int
    price_cents: int
    supplier_index: int
    shelf_life_days: int | None
    is_active: bool


@dataclass
class PromotionRecord:
    code: str
    name: str
    start_date: date
    end_date: date
    discount_percent: int
    category_index: int | None  # None: the whole assortment
    store_indexes: list[int]
    promotion_type: str = "discount"
    cost: int = 0  # fixed fees (display, flyers, ads), yuan


#: Festival promotions come with paid end-cap displays; weekly category promotions with a flyer per store.
FESTIVAL_THEMES = ("年货节", "618 年中大促", "双十一")
DISPLAY_FEE_PER_STORE_DAY = 120
FLYER_FEE_PER_STORE = 150


@dataclass
class DepartmentRecord:
    code: str
    name: str
    parent_index: int | None


@dataclass
class PositionRecord:
    code: str
    name: str
    level: int
    track: str
    next_index: int | None


@dataclass
class EmployeeRecord:
    employee_no: str
    name: str
    store_index: int | None
    department_index: int
    position_index: int
    hire_date: date
    status: str
    phone: str
    email: str


@dataclass
class DemoUserRecord:
    username: str
    role: str  # RoleChoices value
    employee_index: int
    has_company_scope: bool = False
    region_indexes: list[int] = field(default_factory=list)
    store_indexes: list[int] = field(default_factory=list)


@dataclass
class Calendar:
    """Day features of the history window; arrays have shape (n_days,)."""

    dates: np.ndarray  # datetime64[D]
    iso: np.ndarray  # object: "YYYY-MM-DD"
    weekday: np.ndarray  # trading pattern 0 Monday .. 6 Sunday (working weekends as Thursday, holidays as Saturday)
    holiday_code: np.ndarray  # "0" none, "a" public holiday, "b" Spring Festival, "c" National Day
    is_school_holiday: np.ndarray
    is_eve: np.ndarray  # last working day before public holidays
    festival_offset: np.ndarray  # days since the nearest first day of the Spring Festival (negative before it)
    mid_autumn_offset: np.ndarray  # days since the nearest Mid-Autumn Festival
    day_of_year: np.ndarray
    is_month_end: np.ndarray
    festival_days: list[date]  # first days of the Spring Festival around the window


@dataclass
class DemoPlan:
    """The whole company before it is written: records plus the per-SKU arrays the fact draws need."""

    seed: int
    scale: float
    size: DemoSize
    start_date: date
    end_date: date
    calendar: Calendar
    regions: list[tuple[str, str]]
    stores: list[StoreRecord]
    store_keys: list[int]  # position of each store in names.STORES (seeds its facts)
    categories: list[CategoryRecord]
    leaf_codes: list[str]  # category code of each leaf, in leaf-index order
    suppliers: list[SupplierRecord]
    products: list[ProductRecord]
    promotions: list[PromotionRecord]
    departments: list[DepartmentRecord]
    positions: list[PositionRecord]
    employees: list[EmployeeRecord]
    users: list[DemoUserRecord]
    supervisor_groups: list[list[int]]  # store indexes of each supervisor, by supervisor employee order
    # per product, shape (n_products,)
    product_leaf: np.ndarray  # leaf index
    product_rate: np.ndarray  # units a day in a reference supermarket
    product_launch: np.ndarray  # first day index on sale (0: before the window)
    product_delist: np.ndarray  # first day index no longer sold (n_days: still sold)
    product_trend: np.ndarray  # yearly log growth
    product_portion: np.ndarray  # kg per sale (0: counted)
    supplier_delay: np.ndarray  # (n_suppliers, n_days) extra days of delivery delay for an order placed that day


@dataclass
class StoreFacts:
    """One store's facts. SKU rows are sparse: only selling days and stockout days, ordered by (product, day)."""

    store_index: int
    product_index: np.ndarray  # (n_rows,)
    day_index: np.ndarray
    quantity: np.ndarray  # units, or kg with 3 decimals
    revenue_cents: np.ndarray
    cost_cents: np.ndarray
    is_promo: np.ndarray
    is_stockout: np.ndarray
    # store totals, one row per day from the opening (or the window start), shape (n_store_days,)
    total_day_index: np.ndarray
    total_sales_cents: np.ndarray
    total_cost_cents: np.ndarray
    customers: np.ndarray
    transactions: np.ndarray
    is_open: np.ndarray
    total_is_promo: np.ndarray
    # stock snapshots, shape (n_snapshots,)
    snapshot_product_index: np.ndarray
    snapshot_day_index: np.ndarray
    on_hand: np.ndarray
    on_order: np.ndarray
    # deliveries received (the stock simulation's arrivals): every one of the last RECEIPT_DAYS days and each SKU's
    # last one before them, so that the age of the stock is known; shape (n_receipts,), ordered by (product, day)
    receipt_product_index: np.ndarray
    receipt_day_index: np.ndarray
    receipt_quantity: np.ndarray  # units, or kg with 3 decimals


def ean13(body: str) -> str:
    """The 13-digit EAN for a 12-digit body (appends the check digit)."""
    if len(body) != 12 or not body.isdigit():
        raise ValueError(f"EAN-13 body must be 12 digits, got {body!r}")
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _rng(seed: int, *purpose: int) -> np.random.Generator:
    return np.random.default_rng([seed, *purpose])


# ------------------------------------------------------------------------------------------------ calendar


def _holiday_code(day: date, name: str, festivals: list[date]) -> str:
    if "Spring Festival" in name or "New Year's Eve" in name:
        return "b"
    if "National Day" in name:
        return "c"
    if "substituted" in name:
        if any(abs((day - festival).days) <= 10 for festival in festivals):
            return "b"
        if day.month == 10 and day.day <= 8:
            return "c"
    return "a"


def _offsets_to_nearest(dates: np.ndarray, anchors: list[date]) -> np.ndarray:
    points = np.array(anchors, dtype="datetime64[D]")
    delta = dates[:, None] - points[None, :]
    nearest = np.abs(delta.astype(np.int64)).argmin(axis=1)
    return delta[np.arange(len(dates)), nearest].astype(np.int64)


def build_calendar(start: date, end: date) -> Calendar:
    """Chinese trading calendar of [start, end] from `holidays.China`, including working weekends (调休)."""
    dates = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    n = len(dates)
    table = holidays.China(years=range(start.year - 1, end.year + 2), language="en_US")
    by_year: dict[int, date] = {}
    for day, name in table.items():
        if "Spring Festival" in name and "observed" not in name:
            by_year[day.year] = min(day, by_year.get(day.year, day))
    festivals = sorted(by_year.values())
    mid_autumn = sorted(day for day, name in table.items() if "Mid-Autumn" in name)
    code = np.full(n, "0", dtype="<U1")
    working_weekend = np.zeros(n, dtype=bool)
    for day, name in table.items():
        index = (day - start).days
        if 0 <= index < n:
            code[index] = _holiday_code(day, name, festivals)
        for month, dom, year in re.findall(r"substituted from (\d\d)/(\d\d)/(\d{4})", name):
            index = (date(int(year), int(month), int(dom)) - start).days
            if 0 <= index < n:
                working_weekend[index] = True
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    is_holiday = code != "0"
    trading = np.where(working_weekend, 3, np.where(is_holiday, 5, weekday))
    day_off = is_holiday | ((weekday >= 5) & ~working_weekend)
    is_eve = ~day_off & np.append(is_holiday[1:], False)
    festival_offset = _offsets_to_nearest(dates, festivals)
    months = dates.astype("datetime64[M]")
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(np.int64) + 1
    month_of_year = months.astype(np.int64) % 12 + 1
    day_of_month = (dates - months).astype(np.int64) + 1
    summer = ((month_of_year == 7) & (day_of_month >= 5)) | (month_of_year == 8)
    winter = (festival_offset >= -18) & (festival_offset <= 16)
    return Calendar(
        dates=dates,
        iso=np.array([str(day) for day in dates], dtype=object),
        weekday=trading,
        holiday_code=code,
        is_school_holiday=summer | winter | is_holiday,
        is_eve=is_eve,
        festival_offset=festival_offset,
        mid_autumn_offset=_offsets_to_nearest(dates, mid_autumn) if mid_autumn else np.full(n, 999),
        day_of_year=day_of_year,
        is_month_end=(dates + 1).astype("datetime64[M]") != months,
        festival_days=festivals,
    )


# ------------------------------------------------------------------------------------------------ company


def _person_name(rng: np.random.Generator) -> str:
    surname = names.SURNAMES[rng.integers(len(names.SURNAMES))]
    count = 2 if rng.random() < 0.7 else 1
    characters = names.GIVEN_NAME_CHARACTERS
    return surname + "".join(characters[i] for i in rng.integers(len(characters), size=count))


def _phone(rng: np.random.Generator) -> str:
    return "1" + str(rng.choice([3, 5, 8])) + "".join(str(d) for d in rng.integers(0, 10, size=9))


def _plan_stores(rng: np.random.Generator, size: DemoSize, end: date) -> tuple[list, list[StoreRecord], list[int]]:
    chosen = set(names.STORE_PRIORITY[: size.n_stores])
    keys = [i for i, spec in enumerate(names.STORES) if spec[0] in chosen]
    region_codes = [code for code, _name in names.REGIONS if any(names.STORES[k][1] == code for k in keys)]
    regions = [(code, name) for code, name in names.REGIONS if code in region_codes]
    area_range = {"S": (1500, 4200), "H": (6000, 12000), "C": (80, 220)}
    stores = []
    for key in keys:
        code, region_code, city, name, address, fmt = names.STORES[key]
        low, high = area_range[fmt]
        opened = date(2009, 3, 1) + timedelta(days=int(rng.integers(0, 13 * 365)))
        status, renovation = "open", 0
        if code == "SJ001":
            opened = end - timedelta(days=250)
        elif code == "CQ002":
            opened, status = end + timedelta(days=40), "planned"
        elif code == "TJ001":
            status, renovation = "renovating", 12
        closes = fmt != "C" and names.CITY_FESTIVAL_OUTFLOW[city] >= 0.45 and rng.random() < 0.5
        stores.append(
            StoreRecord(code, name, region_codes.index(region_code), city, address, fmt,
                        round(float(rng.uniform(low, high)), 1), opened, status, bool(closes), renovation)
        )
    if not any(store.closes_for_festival for store in stores):
        candidates = [s for s in stores if s.format != "C"] or stores
        max(candidates, key=lambda s: names.CITY_FESTIVAL_OUTFLOW[s.city]).closes_for_festival = True
    return regions, stores, keys


def _plan_categories() -> tuple[list[CategoryRecord], list[str], list[int]]:
    """Two-level categories; returns the records, leaf codes and the record index of each leaf."""
    categories: list[CategoryRecord] = []
    leaf_codes, leaf_records = [], []
    for code, name, leaves in names.CATEGORIES:
        parent = len(categories)
        categories.append(CategoryRecord("C" + code, name, None))
        for leaf_code, leaf_name, _count in leaves:
            leaf_codes.append(leaf_code)
            leaf_records.append(len(categories))
            categories.append(CategoryRecord("C" + leaf_code, leaf_name, parent))
    return categories, leaf_codes, leaf_records


def _plan_suppliers(rng: np.random.Generator) -> list[SupplierRecord]:
    suppliers = []
    for i, (name, _leaves, lead, min_order, terms) in enumerate(names.SUPPLIERS, start=1):
        status = "probation" if i % 11 == 0 else "active"
        suppliers.append(
            SupplierRecord(f"SUP{i:03d}", name, _person_name(rng), _phone(rng), f"order{i:03d}@supplier.example",
                           lead, min_order, terms, status)
        )
    return suppliers


def _retail_price(value: float) -> int:
    """A shelf price in cents with the usual endings (4.5, 12.9, 168)."""
    if value < 10:
        return int(round(value * 10)) * 10
    if value < 100:
        return int(math.floor(value)) * 100 + 90
    return int(round(value)) * 100


def _product_names(leaf: str, count: int) -> list[tuple[str, str, str, float, int]]:
    """(name, unit, brand, reference price, item number) of the first `count` SKUs of a leaf."""
    rows = []
    if leaf in names.LOOSE_ITEMS:
        items = names.LOOSE_ITEMS[leaf]
        for i in range(count):
            item, price = items[i % len(items)]
            grade = names.LOOSE_GRADES[i // len(items)]
            rows.append((f"{grade}{item}", "千克", grade, price * (1.35 if grade else 1.0), i))
        return rows
    brands, items = names.PACKAGED_ITEMS[leaf]
    for i in range(count):
        item, spec, unit, price = items[i % len(items)]
        brand = brands[(i // len(items)) % len(brands)]
        rows.append((f"{brand}{item} {spec}", unit, brand, price, i))
    return rows


def _plan_products(rng, size, leaf_codes, leaf_records, suppliers_by_leaf):
    """The catalogue, stratified so every leaf keeps SKUs when scaled down; returns records and arrays."""
    leaf_counts = [count for _c, _n, leaves in names.CATEGORIES for _l, _ln, count in leaves]
    share = size.n_products / FULL_PRODUCTS
    products, leaf_of, rates, portions = [], [], [], []
    brand_codes: dict[str, int] = {}
    for leaf_index, (leaf, full_count) in enumerate(zip(leaf_codes, leaf_counts, strict=True)):
        profile = LEAVES[leaf]
        count = max(1, round(full_count * share))
        rows = _product_names(leaf, count)
        median_price = float(np.median([row[3] for row in rows]))
        for name, unit, brand, reference, item in rows:
            price = _retail_price(reference * rng.uniform(0.9, 1.15) * (0.9 if brand == "禾丰" else 1.0))
            margin = rng.uniform(*profile.margin)
            cost = int(round(price * (1 - margin)))
            sequence = len(products) + 1
            if profile.portion:
                barcode = ean13(f"20{int(leaf) % 100:02d}{item:03d}00000")
            else:
                maker = brand_codes.setdefault(brand, 10000 + 137 * len(brand_codes))
                barcode = ean13(f"69{maker:05d}{sequence:05d}")
            shelf = None if profile.shelf_life is None else int(rng.integers(*profile.shelf_life, endpoint=True))
            products.append(
                ProductRecord(
                    sku=f"{leaf}{item + 1:03d}", barcode=barcode, name=name, category_index=leaf_records[leaf_index],
                    unit=unit, pack_size=int(rng.choice(profile.packs)), cost_cents=cost, price_cents=price,
                    supplier_index=int(rng.choice(suppliers_by_leaf[leaf])), shelf_life_days=shelf, is_active=True,
                )
            )
            leaf_of.append(leaf_index)
            rates.append(profile.rate * rng.lognormal(0.0, 1.1) * (median_price / max(reference, 0.5)) ** 0.35)
            portions.append(profile.portion)
    return products, np.array(leaf_of), np.array(rates), np.array(portions)


def _plan_lifecycle(rng, products: list[ProductRecord], n_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Launch and delisting days (a few new SKUs, a few delisted ones) and each SKU's yearly trend."""
    n = len(products)
    launch = np.zeros(n, dtype=np.int64)
    delist = np.full(n, n_days, dtype=np.int64)
    draw = rng.random(n)
    new = draw < 0.04
    launch[new] = n_days - rng.integers(20, min(180, n_days - 10), size=int(new.sum()))
    gone = draw > 0.97
    delist[gone] = n_days - rng.integers(10, min(300, n_days - 10), size=int(gone.sum()))
    for index in np.flatnonzero(gone):
        products[index].is_active = False
    trend = rng.normal(0.0, 0.15, size=n)
    return launch, delist, trend


def _plan_supplier_delay(rng, cal: Calendar, suppliers: list[SupplierRecord]) -> np.ndarray:
    """Extra delivery days of an order placed on each day: disruptions, and no deliveries in festival week."""
    n_days = len(cal.dates)
    delay = np.zeros((len(suppliers), n_days), dtype=np.int64)
    for i, supplier in enumerate(suppliers):
        starts = np.flatnonzero(rng.random(n_days) < 1 / 90)
        for start in starts:
            delay[i, start : start + int(rng.integers(3, 11))] = int(rng.integers(2, 7))
        arrival_offset = cal.festival_offset + supplier.lead_time_days
        blocked = (arrival_offset >= 0) & (arrival_offset <= 4)
        delay[i] = np.maximum(delay[i], np.where(blocked, 5 - arrival_offset, 0))
    return delay


def _plan_promotions(rng, cal: Calendar, categories, leaf_records, regions, stores, horizon: int):
    """Category promotions over the history and the next weeks, plus the yearly festivals of Chinese retail."""
    start = cal.dates[0].astype(object)
    end = cal.dates[-1].astype(object) + timedelta(days=horizon)
    by_region = [[i for i, s in enumerate(stores) if s.region_index == r] for r in range(len(regions))]
    every_store = list(range(len(stores)))
    by_code = {c.code: i for i, c in enumerate(categories)}
    # (first day, last day, percent off, category index or None for the whole assortment, stores, theme)
    promotions: list[tuple] = []
    for festival in cal.festival_days:
        first, last = festival - timedelta(days=20), festival - timedelta(days=3)
        if start <= last and first <= end:
            promotions.append((first, last, 15, by_code["C50"], every_store, "年货节"))
    for year in range(start.year, end.year + 1):
        for month, day, days, percent, category, theme in (
            (6, 14, 5, 5, None, "618 年中大促"), (11, 9, 3, 20, by_code["C70"], "双十一"),
        ):
            first = date(year, month, day)
            if start <= first <= end:
                promotions.append((first, first + timedelta(days=days - 1), percent, category, every_store, theme))
    week = start - timedelta(days=start.weekday()) + timedelta(days=3)  # Thursdays
    while week <= end:
        for _ in range(int(rng.integers(2, 4))):
            category = leaf_records[int(rng.integers(len(leaf_records)))]
            days = int(rng.integers(3, 11))
            percent = int(rng.choice([10, 15, 20, 25, 30], p=[0.25, 0.3, 0.25, 0.12, 0.08]))
            scope = every_store if rng.random() < 0.5 else by_region[int(rng.integers(len(regions)))]
            theme = names.PROMOTION_THEMES[int(rng.integers(len(names.PROMOTION_THEMES)))]
            if scope:
                promotions.append((week, week + timedelta(days=days - 1), percent, category, scope, theme))
        week += timedelta(days=7)
    promotions.sort(key=lambda row: (row[0], row[1], -1 if row[3] is None else row[3]))
    records = []
    for number, (first, last, percent, category, scope, theme) in enumerate(promotions, start=1):
        label = "全场" if category is None else categories[category].name
        discount = f"{(100 - percent) / 10:g}折"
        festival = theme in FESTIVAL_THEMES
        cost = (len(scope) * ((last - first).days + 1) * DISPLAY_FEE_PER_STORE_DAY if festival
                else len(scope) * FLYER_FEE_PER_STORE)
        records.append(PromotionRecord(f"PR{number:04d}", f"{theme}·{label} {discount}", first, last, percent,
                                       category, list(scope), "display" if festival else "discount", cost))
    return records


def _plan_people(rng, regions, stores, end: date):
    """Departments, the job ladder, head-office and store employees, and supervisors' store groups."""
    departments = []
    for code, name, parent in names.DEPARTMENTS:
        parent_index = None if parent is None else [d.code for d in departments].index(parent)
        departments.append(DepartmentRecord(code, name, parent_index))
    ops = [d.code for d in departments].index("OPS")
    for code, name in regions:
        departments.append(DepartmentRecord(f"OPS-{code}", name + names.REGION_DEPARTMENT_SUFFIX, ops))
    department = {d.code: i for i, d in enumerate(departments)}
    codes = [p[0] for p in names.POSITIONS]
    positions = [PositionRecord(c, n, lvl, track, None if nxt is None else codes.index(nxt))
                 for c, n, lvl, track, nxt in names.POSITIONS]
    position = {p.code: i for i, p in enumerate(positions)}
    employees: list[EmployeeRecord] = []

    def hire(store_index, department_code, position_code, earliest: date, status: str = "active") -> int:
        number = f"E{len(employees) + 1:05d}"
        span = max(1, (end - earliest).days - 7)
        hired = earliest + timedelta(days=int(rng.integers(0, span)))
        employees.append(EmployeeRecord(number, _person_name(rng), store_index, department[department_code],
                                        position[position_code], hired, status, _phone(rng),
                                        f"{number.lower()}@hefeng.example"))
        return len(employees) - 1

    head_office = date(2012, 1, 1)
    hire(None, "EXEC", "COO", head_office)
    hire(None, "OPS", "OPERATIONS_DIRECTOR", head_office)
    for code, _name in regions:
        hire(None, f"OPS-{code}", "REGIONAL_MANAGER", head_office)
    supervisor_groups = []
    for region_index, (code, _name) in enumerate(regions):
        members = [i for i, s in enumerate(stores) if s.region_index == region_index]
        n_groups = max(1, math.ceil(len(members) / 5))
        for group in np.array_split(np.array(members), n_groups):
            hire(None, f"OPS-{code}", "AREA_SUPERVISOR", head_office)
            supervisor_groups.append([int(i) for i in group])
    for dept, position_code, count in (
        ("AUD", "AUDIT_MANAGER", 1), ("AUD", "AUDITOR", 2), ("PUR", "CATEGORY_MANAGER", 1), ("PUR", "BUYER", 3),
        ("HR", "HR_SPECIALIST", 1), ("FIN", "ACCOUNTANT", 2), ("IT", "SYSTEM_ADMIN", 1),
    ):
        for _ in range(count):
            hire(None, dept, position_code, head_office)
    staff_range = {"C": (6, 9), "S": (9, 14), "H": (13, 16)}
    sections = {"C": ["SEC-FRONT"], "S": ["SEC-FRESH", "SEC-FRONT"],
                "H": ["SEC-FRESH", "SEC-FOOD", "SEC-NONFOOD", "SEC-FRONT"]}
    for store_index, store in enumerate(stores):
        earliest = min(store.opening_date, end) - timedelta(days=60)
        earliest = max(earliest, date(2009, 1, 1))
        hire(store_index, "OPS-STORE", "STORE_MANAGER", earliest)
        hire(store_index, "OPS-STORE", "ASSISTANT_MANAGER", earliest)
        leads = sections[store.format] if store.format != "C" else []
        for section in leads:
            hire(store_index, section, "SECTION_LEAD", earliest)
        for k in range(int(rng.integers(*staff_range[store.format])) - len(leads)):
            status = "on_leave" if rng.random() < 0.04 else "active"
            hire(store_index, sections[store.format][k % len(sections[store.format])], "CLERK", earliest, status)
        if rng.random() < 0.5:
            hire(store_index, "SEC-FRONT", "CLERK", earliest, "left")
    return departments, positions, employees, supervisor_groups


def _plan_users(employees, positions, stores, supervisor_groups) -> list[DemoUserRecord]:
    """One demo user per role, each linked to the employee doing that job."""
    def first(position_code: str, store_index: int | None = None) -> int:
        return next(i for i, e in enumerate(employees)
                    if positions[e.position_index].code == position_code and e.store_index == store_index)

    flagship = 0  # SH001 is always generated and comes first
    group = supervisor_groups[0]
    return [
        DemoUserRecord("coo", "coo", first("COO"), has_company_scope=True),
        DemoUserRecord("region_east", "regional_manager", first("REGIONAL_MANAGER"), region_indexes=[0]),
        DemoUserRecord("supervisor", "supervisor", first("AREA_SUPERVISOR"), store_indexes=group),
        DemoUserRecord(f"manager_{stores[flagship].code.lower()}", "store_manager", first("STORE_MANAGER", flagship),
                       store_indexes=[flagship]),
        DemoUserRecord(f"staff_{stores[flagship].code.lower()}", "staff", first("CLERK", flagship),
                       store_indexes=[flagship]),
        DemoUserRecord("auditor", "auditor", first("AUDITOR"), has_company_scope=True),
        DemoUserRecord("hr", "hr", first("HR_SPECIALIST"), has_company_scope=True),
        DemoUserRecord("admin", "admin", first("SYSTEM_ADMIN"), has_company_scope=True),
    ]


def plan_company(*, seed: int, end_date: date, scale: float = 1.0) -> DemoPlan:
    """Draw the whole demo company (master data and the arrays behind its facts)."""
    size = demo_size(scale)
    start = end_date - timedelta(days=size.n_days - 1)
    cal = build_calendar(start, end_date)
    rng = _rng(seed, 1)
    regions, stores, keys = _plan_stores(rng, size, end_date)
    categories, leaf_codes, leaf_records = _plan_categories()
    suppliers = _plan_suppliers(rng)
    suppliers_by_leaf = {leaf: [i for i, spec in enumerate(names.SUPPLIERS) if leaf in spec[1]] for leaf in leaf_codes}
    products, leaf_of, rates, portions = _plan_products(rng, size, leaf_codes, leaf_records, suppliers_by_leaf)
    launch, delist, trend = _plan_lifecycle(rng, products, size.n_days)
    delay = _plan_supplier_delay(rng, cal, suppliers)
    promotions = _plan_promotions(rng, cal, categories, leaf_records, regions, stores, horizon=28)
    departments, positions, employees, groups = _plan_people(rng, regions, stores, end_date)
    users = _plan_users(employees, positions, stores, groups)
    return DemoPlan(
        seed=seed, scale=scale, size=size, start_date=start, end_date=end_date, calendar=cal, regions=regions,
        stores=stores,
        store_keys=keys, categories=categories, leaf_codes=leaf_codes, suppliers=suppliers, products=products,
        promotions=promotions, departments=departments, positions=positions, employees=employees, users=users,
        supervisor_groups=groups, product_leaf=leaf_of, product_rate=rates, product_launch=launch,
        product_delist=delist, product_trend=trend, product_portion=portions, supplier_delay=delay,
    )


# ------------------------------------------------------------------------------------------------ facts


def _assortment(rng, plan: DemoPlan, store: StoreRecord) -> np.ndarray:
    """Product indexes a store carries: all in hypermarkets, the popular part of each category elsewhere."""
    n = len(plan.products)
    if store.format == "H":
        return np.arange(n)
    column = 0 if store.format == "C" else 1
    carry = np.array([LEAVES[plan.leaf_codes[leaf]].carry[column] for leaf in plan.product_leaf])
    popularity = np.empty(n)
    for leaf in np.unique(plan.product_leaf):
        members = np.flatnonzero(plan.product_leaf == leaf)
        popularity[members] = plan.product_rate[members].argsort().argsort() / max(1, len(members) - 1)
    score = rng.random(n) * (1.3 - 0.6 * popularity)
    return np.flatnonzero(score < carry)


def _festival_profile(offset: np.ndarray, surge: np.ndarray, level: np.ndarray, outflow: float) -> np.ndarray:
    """Spring Festival factor, shape (n_leaves, n_days): stock-up before, quiet festival week, people away."""
    o = offset.astype(float)[None, :]
    bump = np.exp(-(((o + 5) / 6.0) ** 2)) * ((o <= -2) & (o >= -25))
    away = np.clip(np.minimum((o + 12) / 12, 1 - (o - 10) / 14), 0, 1)
    factor = (1 + surge[:, None] * bump * (1 - 0.5 * outflow)) * (1 - outflow * away)
    factor = np.where((o >= 0) & (o <= 6), factor * level[:, None], factor)
    return np.where(o == -1, factor * 0.75, factor)


def _leaf_time_factors(plan: DemoPlan, store: StoreRecord) -> np.ndarray:
    """Weekly x yearly x holiday x festival factor per leaf category, shape (n_leaves, n_days)."""
    cal = plan.calendar
    profiles = [LEAVES[code] for code in plan.leaf_codes]
    weekend = np.array([p.weekend for p in profiles])[:, None]
    amplitude = np.array([p.season[0] for p in profiles])[:, None]
    peak = np.array([p.season[1] for p in profiles])[:, None]
    weekly = WEEKLY[store.format][cal.weekday][None, :] ** weekend
    yearly = 1 + amplitude * np.cos(2 * np.pi * (cal.day_of_year[None, :] - peak) / 365.25)
    festival = _festival_profile(
        cal.festival_offset,
        np.array([p.festival[0] for p in profiles]),
        np.array([p.festival[1] for p in profiles]),
        names.CITY_FESTIVAL_OUTFLOW[store.city],
    )
    holiday = np.ones(len(cal.dates))
    holiday[cal.holiday_code == "a"] = 1.15
    holiday[cal.holiday_code == "c"] = 1.25
    holiday[cal.is_eve] = 1.2
    mid_autumn = np.ones((len(profiles), len(cal.dates)))
    window = (cal.mid_autumn_offset >= -14) & (cal.mid_autumn_offset <= -1)
    for leaf, uplift in MID_AUTUMN_SURGE.items():
        if leaf in plan.leaf_codes:
            mid_autumn[plan.leaf_codes.index(leaf), window] += uplift
    return weekly * yearly * festival * holiday[None, :] * mid_autumn


def _store_scale(rng, store: StoreRecord) -> float:
    if store.format == "C":
        size = 0.3
    elif store.format == "H":
        size = 1.6 * (store.floor_area / 8000) ** 0.6
    else:
        size = (store.floor_area / 2500) ** 0.6
    tier = {"上海": 1.15, "北京": 1.15, "深圳": 1.15, "广州": 1.1, "石家庄": 0.85}.get(store.city, 1.0)
    return size * tier * float(rng.lognormal(0.0, 0.15))


def _open_days(plan: DemoPlan, store: StoreRecord) -> tuple[int, np.ndarray]:
    """Index of the first trading day and the open flag per day, shape (n_days,)."""
    cal = plan.calendar
    n = len(cal.dates)
    first = max(0, (store.opening_date - plan.start_date).days)
    is_open = np.arange(n) >= first
    if store.renovation_days:
        is_open[n - store.renovation_days :] = False
    if store.closes_for_festival:
        is_open &= ~np.isin(cal.festival_offset, (-1, 0))
    return min(first, n), is_open


def _store_time_factor(rng, plan: DemoPlan, store: StoreRecord, first: int) -> np.ndarray:
    """Growth, ramp-up after opening, and day-to-day shocks (weather, events), shape (n_days,)."""
    n = len(plan.calendar.dates)
    t = np.arange(n)
    growth = np.exp(rng.normal(0.03, 0.04) * (t - n) / 365)
    ramp = np.clip(0.6 + 0.4 * (t - first) / 90, 0.6, 1.0)
    shock = rng.lognormal(0.0, 0.06, size=n)
    school = np.where(plan.calendar.is_school_holiday, 0.9, 1.0) if store.format == "C" else 1.0
    return growth * ramp * shock * school


def _promotion_discounts(plan: DemoPlan, store_index: int, assortment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Discount share per (SKU, day), shape (n_sku, n_days), and whether any promotion runs, shape (n_days,)."""
    n_days = len(plan.calendar.dates)
    discount = np.zeros((len(assortment), n_days))
    any_promo = np.zeros(n_days, dtype=bool)
    leaf_category = np.array([plan.products[i].category_index for i in assortment])
    parent = np.array([plan.categories[c].parent_index for c in leaf_category])
    for promo in plan.promotions:
        first = (promo.start_date - plan.start_date).days
        last = (promo.end_date - plan.start_date).days
        if last < 0 or first >= n_days or store_index not in promo.store_indexes:
            continue
        first, last = max(first, 0), min(last, n_days - 1)
        if promo.category_index is None:
            rows = np.arange(len(assortment))
        else:
            rows = np.flatnonzero((leaf_category == promo.category_index) | (parent == promo.category_index))
        block = discount[rows, first : last + 1]
        discount[rows, first : last + 1] = np.maximum(block, promo.discount_percent / 100)
        any_promo[first : last + 1] = True
    return discount, any_promo


def _demand_mean(rng, plan: DemoPlan, store: StoreRecord, assortment, discount, open_days, first) -> np.ndarray:
    """Expected units per (SKU, day), shape (n_sku, n_days)."""
    n_days = len(plan.calendar.dates)
    t = np.arange(n_days)
    leaf = plan.product_leaf[assortment]
    rate = plan.product_rate[assortment] * _store_scale(rng, store)
    elasticity = np.array([LEAVES[plan.leaf_codes[i]].elasticity for i in leaf])[:, None]
    leaf_time = _leaf_time_factors(plan, store)[leaf]
    store_time = _store_time_factor(rng, plan, store, first)
    trend = np.exp(plan.product_trend[assortment][:, None] * (t - n_days)[None, :] / 365)
    alive = (t >= plan.product_launch[assortment][:, None]) & (t < plan.product_delist[assortment][:, None])
    dip = _post_promotion_dip(discount)
    mean = rate[:, None] * leaf_time * store_time[None, :] * trend * (1 + elasticity * discount) * dip
    return mean * alive * open_days[None, :]


def _post_promotion_dip(discount: np.ndarray) -> np.ndarray:
    """Customers stocked up during a promotion buy less in the week after it, shape like `discount`."""
    ended = np.zeros_like(discount)
    ended[:, 1:] = np.maximum(discount[:, :-1] - discount[:, 1:], 0)
    dip = np.zeros_like(discount)
    for lag in range(7):
        dip[:, lag:] = np.maximum(dip[:, lag:], ended[:, : discount.shape[1] - lag])
    return 1 - 0.6 * dip


def _order_levels(rng, plan, assortment, mean, lead, review, dispersion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The planner's reorder point and order-up-to level per (SKU, day) from a noisy forward demand estimate."""
    n_sku, n_days = mean.shape
    window = lead + review
    cumulative = np.zeros((n_sku, n_days + 1))
    np.cumsum(mean, axis=1, out=cumulative[:, 1:])
    t = np.arange(n_days)[None, :]
    stop = np.minimum(t + window[:, None], n_days)
    rows = np.arange(n_sku)[:, None]
    forward = (cumulative[rows, stop] - cumulative[rows, t]) / np.maximum(stop - t, 1)
    noise = rng.lognormal(0.0, 0.2, size=(n_sku, n_days // 7 + 1)).repeat(7, axis=1)[:, :n_days]
    forecast = forward * noise
    z = rng.uniform(0.8, 2.2, size=n_sku)[:, None]
    variance = forecast + forecast**2 / dispersion[:, None]
    reorder = forecast * lead[:, None] + z * np.sqrt(variance * lead[:, None])
    up_to = reorder + np.maximum(forecast * review[:, None], 1.0)
    return reorder, up_to, forecast


def _simulate_stock(rng, demand, reorder, up_to, forecast, lead, pack, delay, is_open, first, snapshot_days):
    """Day-by-day stock with lost sales; returns sales, stockout flags, snapshot on-hand/on-order and the arrivals.

    Shapes: demand (n_sku, n_days) units; lead, pack (n_sku,); delay (n_sku, n_days); snapshot_days (n_snap,).
    The arrivals are ``(sku, day, units)`` arrays, one entry per delivery, in day order.
    """
    n_sku, n_days = demand.shape
    sales = np.zeros_like(demand)
    stockout = np.zeros((n_sku, n_days), dtype=bool)
    horizon = int(lead.max() + delay.max() + 3)
    pipeline = np.zeros((horizon, n_sku), dtype=np.int64)
    columns = np.arange(n_sku)
    start = min(first, n_days - 1)
    on_hand = np.ceil(up_to[:, start]).astype(np.int64)
    on_order = np.zeros(n_sku, dtype=np.int64)
    snap_on_hand = np.zeros((len(snapshot_days), n_sku), dtype=np.int64)
    snap_on_order = np.zeros_like(snap_on_hand)
    snap_slot = {int(day): i for i, day in enumerate(snapshot_days)}
    late = rng.random((n_days, n_sku)) < 0.08
    arrived: list[tuple[np.ndarray, int, np.ndarray]] = []
    for t in range(start, n_days):
        arriving = pipeline[t % horizon]
        on_hand += arriving
        on_order -= arriving
        delivered = np.flatnonzero(arriving)
        if delivered.size:
            arrived.append((delivered, t, arriving[delivered].copy()))
        arriving[:] = 0
        if is_open[t]:
            sold = np.minimum(demand[:, t], on_hand)
            stockout[:, t] = on_hand <= 0
            on_hand -= sold
            sales[:, t] = sold
            position = on_hand + on_order
            need = np.flatnonzero((position <= reorder[:, t]) & (forecast[:, t] > 0))
            if need.size:
                quantity = np.ceil((up_to[need, t] - position[need]) / pack[need]).astype(np.int64) * pack[need]
                due = (t + lead[need] + delay[need, t] + late[t, need]) % horizon
                pipeline[due, columns[need]] += quantity
                on_order[need] += quantity
        slot = snap_slot.get(t)
        if slot is not None:
            snap_on_hand[slot] = on_hand
            snap_on_order[slot] = on_order
    if not arrived:
        return sales, stockout, snap_on_hand, snap_on_order, (np.zeros(0, dtype=np.int64),) * 3
    arrivals = (np.concatenate([a[0] for a in arrived]), np.concatenate([np.full(len(a[0]), a[1]) for a in arrived]),
                np.concatenate([a[2] for a in arrived]))
    return sales, stockout, snap_on_hand, snap_on_order, arrivals


def _receipts(arrivals, n_days: int, alive: np.ndarray, portion: np.ndarray):
    """The deliveries kept as goods receipts (see StoreFacts), kg for loose produce, ordered by (product, day)."""
    sku, day, units = arrivals
    keep = alive[sku, day] & (day >= n_days - RECEIPT_DAYS)
    last = np.zeros(len(sku), dtype=bool)
    if len(sku):
        order = np.lexsort((day, sku))
        is_last = np.append(sku[order][1:] != sku[order][:-1], True)
        last[order[is_last]] = True
    keep |= last & alive[sku, day]
    weight = np.where(portion > 0, portion, 1.0)
    sku, day, units = sku[keep], day[keep], units[keep]
    order = np.lexsort((day, sku))
    return sku[order], day[order], np.round(units[order] * weight[sku[order]], 3)


def _empty_facts(store_index: int) -> StoreFacts:
    empty_int, empty_bool = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    return StoreFacts(store_index, empty_int, empty_int, np.zeros(0), empty_int, empty_int, empty_bool, empty_bool,
                      empty_int, empty_int, empty_int, empty_int, empty_int, empty_bool, empty_bool,
                      empty_int, empty_int, np.zeros(0), np.zeros(0), empty_int, empty_int, np.zeros(0))


class ExpectedDemand(NamedTuple):
    """One store's demand law before the draws: what a perfect forecaster could know (``expected_demand``)."""

    rng: np.random.Generator  # the store's generator, positioned after the draws of this law
    first: int  # index of the first trading day
    is_open: np.ndarray  # (n_days,) bool
    assortment: np.ndarray  # (n_sku,) product indexes
    discount: np.ndarray  # (n_sku, n_days) promotion discount share
    any_promo: np.ndarray  # (n_days,) bool
    mean: np.ndarray  # (n_sku, n_days) expected units
    dispersion: np.ndarray  # (n_sku,) gamma shape: units are Poisson(Gamma(dispersion, mean / dispersion))


def expected_demand(plan: DemoPlan, store_index: int) -> ExpectedDemand:
    """The demand law ``store_facts`` draws one store's units from: expected units per (SKU, day) - growth, season,
    weekday, holidays, festivals, promotions and the dip after them, the store's daily shocks - and the dispersion
    of the draw around them (variance ``mean + mean^2 / dispersion``). Stores not open by the end have none."""
    store = plan.stores[store_index]
    rng = _rng(plan.seed, 2, plan.store_keys[store_index])
    first, is_open = _open_days(plan, store)
    assortment = _assortment(rng, plan, store)
    profiles = [LEAVES[plan.leaf_codes[leaf]] for leaf in plan.product_leaf[assortment]]
    discount, any_promo = _promotion_discounts(plan, store_index, assortment)
    mean = _demand_mean(rng, plan, store, assortment, discount, is_open, first)
    dispersion = np.array([p.dispersion for p in profiles])
    return ExpectedDemand(rng, first, is_open, assortment, discount, any_promo, mean, dispersion)


def store_facts(plan: DemoPlan, store_index: int) -> StoreFacts:
    """Draw one store's SKU x day sales, daily totals and stock snapshots (deterministic per store)."""
    store = plan.stores[store_index]
    if store.opening_date > plan.end_date:
        return _empty_facts(store_index)
    law = expected_demand(plan, store_index)
    rng, first, is_open, assortment, discount, any_promo, mean, dispersion = law
    cal = plan.calendar
    n_days = len(cal.dates)
    profiles = [LEAVES[plan.leaf_codes[leaf]] for leaf in plan.product_leaf[assortment]]
    portion = plan.product_portion[assortment]
    demand = rng.poisson(rng.gamma(dispersion[:, None], mean / dispersion[:, None]))
    supplier = np.array([plan.products[i].supplier_index for i in assortment])
    lead = np.array([plan.suppliers[s].lead_time_days for s in supplier], dtype=np.int64)
    review = np.array([p.review for p in profiles], dtype=np.int64)
    pack_size = np.array([plan.products[i].pack_size for i in assortment], dtype=np.int64)
    pack = np.where(portion > 0, np.maximum(1, np.round(pack_size / np.where(portion > 0, portion, 1))), pack_size)
    reorder, up_to, forecast = _order_levels(rng, plan, assortment, mean, lead, review, dispersion)
    snapshot_days = np.flatnonzero(cal.is_month_end | (np.arange(n_days) == n_days - 1))
    snapshot_days = snapshot_days[snapshot_days >= first]
    sales, stockout, snap_on_hand, snap_on_order, arrivals = _simulate_stock(
        rng, demand, reorder, up_to, forecast, lead, pack.astype(np.int64), plan.supplier_delay[supplier],
        is_open, first, snapshot_days,
    )
    t = np.arange(n_days)[None, :]
    alive = (t >= plan.product_launch[assortment][:, None]) & (t < plan.product_delist[assortment][:, None])
    stockout &= alive & is_open[None, :]
    rows, days = np.nonzero((sales > 0) | stockout)
    units = sales[rows, days]
    weighed = portion[rows] > 0
    quantity = units.astype(float)
    jitter = rng.uniform(0.85, 1.15, size=int(weighed.sum()))
    quantity[weighed] = np.round(units[weighed] * portion[rows][weighed] * jitter, 3)
    price = np.array([plan.products[i].price_cents for i in assortment], dtype=np.int64)
    cost = np.array([plan.products[i].cost_cents for i in assortment], dtype=np.int64)
    cell_discount = discount[rows, days]
    revenue_cents = np.round(quantity * price[rows] * (1 - cell_discount)).astype(np.int64)
    cost_cents = np.round(quantity * cost[rows]).astype(np.int64)
    totals = _day_totals(rng, store, first, is_open, any_promo, days, revenue_cents, cost_cents, cal)
    snap_rows, snap_days, on_hand, on_order = _snapshots(
        snapshot_days, snap_on_hand, snap_on_order, alive, portion
    )
    return StoreFacts(
        store_index, assortment[rows], days, quantity, revenue_cents, cost_cents, cell_discount > 0,
        stockout[rows, days], *totals, assortment[snap_rows], snap_days, on_hand, on_order,
        *_receipt_columns(assortment, _receipts(arrivals, n_days, alive, portion)),
    )


def _receipt_columns(assortment: np.ndarray, receipts):
    sku, day, quantity = receipts
    return assortment[sku], day, quantity


def _day_totals(rng, store, first, is_open, any_promo, days, revenue_cents, cost_cents, cal):
    """Store totals per day from the first trading day: exact sums of the SKU rows, customers and tickets."""
    n_days = len(is_open)
    sales = np.bincount(days, weights=revenue_cents, minlength=n_days).round().astype(np.int64)
    costs = np.bincount(days, weights=cost_cents, minlength=n_days).round().astype(np.int64)
    weekend = cal.weekday >= 5
    festival = (cal.festival_offset >= -14) & (cal.festival_offset <= -2)
    ticket = AVERAGE_TICKET[store.format] * (1 + 0.08 * weekend + 0.25 * festival) * rng.lognormal(0, 0.04, n_days)
    transactions = np.where(sales > 0, np.maximum(1, np.round(sales / 100 / ticket)), 0).astype(np.int64)
    customers = np.round(transactions / rng.uniform(0.78, 0.9, n_days)).astype(np.int64)
    index = np.arange(first, n_days)
    return (index, sales[index], costs[index], customers[index], transactions[index], is_open[index],
            (any_promo & is_open)[index])


def _snapshots(snapshot_days, snap_on_hand, snap_on_order, alive, portion):
    """Sparse snapshot rows for SKUs on sale on each snapshot day (kg for loose produce)."""
    sku_rows, day_rows, on_hand, on_order = [], [], [], []
    weight = np.where(portion > 0, portion, 1.0)
    for slot, day in enumerate(snapshot_days):
        carried = np.flatnonzero(alive[:, day])
        sku_rows.append(carried)
        day_rows.append(np.full(len(carried), day, dtype=np.int64))
        on_hand.append(np.round(snap_on_hand[slot, carried] * weight[carried], 3))
        on_order.append(np.round(snap_on_order[slot, carried] * weight[carried], 3))
    if not sku_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    sku, day = np.concatenate(sku_rows), np.concatenate(day_rows)
    order = np.lexsort((day, sku))  # (product, day) order keeps the unique index append-only
    return sku[order], day[order], np.concatenate(on_hand)[order], np.concatenate(on_order)[order]


def iter_store_facts(plan: DemoPlan) -> Iterator[StoreFacts]:
    """Every store's facts, in store order."""
    for index in range(len(plan.stores)):
        yield store_facts(plan, index)


def write_store_facts(seed: int, end_date: date, scale: float, stream) -> None:
    """Worker mode: pickle every store's facts to a binary stream, one object per store, in store order."""
    for facts in iter_store_facts(plan_company(seed=seed, end_date=end_date, scale=scale)):
        pickle.dump(facts, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.flush()


if __name__ == "__main__":
    # `python -m opsdesk.core.demo.generate SEED END_DATE SCALE`: the loader draws facts here while it writes.
    # Import under the canonical name so the pickled classes are opsdesk.core.demo.generate.StoreFacts.
    from opsdesk.core.demo.generate import write_store_facts as _write

    _write(int(sys.argv[1]), date.fromisoformat(sys.argv[2]), float(sys.argv[3]), sys.stdout.buffer)
