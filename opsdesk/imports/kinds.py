"""What each import kind reads: its fields (with header synonyms and parsers), natural key and target model.

Fact kinds also name a `check` that applies the cross-field rules (returns, prices, derived amounts) to one
parsed record; it returns (field, reason) of the first problem, or None when the record may be written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.imports.choices import ImportKindChoices as K

STORE = (
    "门店编号",
    "门店代码",
    "门店编码",
    "门店",
    "店号",
    "店铺编号",
    "store_code",
    "store",
    "store_id",
    "shop",
    "shop_code",
)
SKU = (
    "商品编码",
    "商品编号",
    "商品代码",
    "货号",
    "sku",
    "stockcode",
    "stock_code",
    "product_code",
    "item_code",
    "item",
    "article",
    "product",
    "product_id",
)
DATE = ("日期", "营业日期", "销售日期", "业务日期", "date", "day", "business_date", "sales_date")
QUANTITY = ("数量", "销量", "销售数量", "qty", "quantity", "units")
LINE_TOTAL = (
    "行金额",
    "金额",
    "销售金额",
    "实收金额",
    "小计",
    "line_total",
    "line_amount",
    "amount",
    "total",
    "sales",
    "subtotal",
    "extended_price",
)


@dataclass(frozen=True)
class FieldSpec:
    """One field of an import kind: parser name, whether it is required, header synonyms, value when absent."""

    name: str
    label: str
    parser: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    default: object = None


@dataclass(frozen=True)
class KindSpec:
    """One import kind: master data (all-or-nothing) or facts (valid rows commit, the rest is quarantined)."""

    code: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]
    model: str
    is_master: bool = False
    check: Callable[[dict], tuple[str, str] | None] | None = None
    one_of: tuple[tuple[str, ...], ...] = ()
    future_days: int = 1
    columns: tuple[str, ...] = ()
    # A kind another app registers (`register_kind`): its own label, and `writer(batch)` -> an object whose
    # `write(records)` commits a chunk of parsed records (dicts) inside the batch's transaction, idempotently.
    title: str = ""
    writer: Callable | None = None
    # Who may import a registered kind, when the facts/master rule does not fit (`may_import(user) -> bool`; the
    # "imports" area's add is still required): e.g. HR records, which only HR may write.
    may_import: Callable | None = None
    # Batch options this kind reads (RETURN_PREFIX, DATE_FORMAT), given as fixed values under their "@" keys.
    options: tuple[str, ...] = ()
    # Dotted path of `f(batch, touched)` run after a committed batch: `touched` maps store id -> (first, last)
    # date of the rows it wrote (sales.rollups refreshes the daily sales of those days).
    rollup: str = ""
    # A JSON field of the model that keeps the file's other columns, {header: text}, so nothing the file says about
    # a master is dropped (stores: their attributes, read by the forecast). A file updates the names it has columns
    # for (an empty cell removes that name) and keeps the others: a stores file without those columns, or with
    # fewer, does not wipe what an earlier file brought.
    extra_field: str = ""

    @property
    def label(self) -> str:
        return self.title or K(self.code).label

    def field(self, name: str) -> FieldSpec:
        return next(item for item in self.fields if item.name == name)

    def unset_fields(self, mapping: dict, defaults: dict) -> frozenset[str]:
        """The fields a batch neither maps to a column nor gives a fixed value: a master file (and the HR export)
        leaves them as they are on the rows it updates; new rows take the defaults."""
        return frozenset(item.name for item in self.fields
                         if not mapping.get(item.name) and defaults.get(item.name) in (None, ""))


# The columns a quarantine download adds to the file's own (``selectors.quarantine_table``): not data when the fixed
# file comes back, so never kept in an ``extra_field``.
QUARANTINE_COLUMNS = (gettext_lazy("原行号"), gettext_lazy("错误"))


@lru_cache(maxsize=1)
def quarantine_column_names() -> frozenset[str]:
    """The quarantine download's own column headers in every interface language."""
    from django.conf import settings
    from django.utils import translation

    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.update(str(label) for label in QUARANTINE_COLUMNS)
    return frozenset(names)


def F(name, label, parser, required=False, synonyms=(), default=None) -> FieldSpec:  # noqa: N802 - a table row
    return FieldSpec(name, gettext_lazy(label), parser, required, tuple(synonyms), default)


EARLIEST_DATE = date(2000, 1, 1)


@lru_cache(maxsize=65536)
def date_window_problem(value: date, future_days: int) -> str:
    """A fact dated before 2000 or too far in the future is almost always a mis-read date."""
    if value < EARLIEST_DATE:
        return _("日期早于 2000-01-01")
    if value > date.today() + timedelta(days=future_days):
        return _("日期在未来")
    return ""


# ---------------------------------------------------------------- cross-field checks of fact kinds


def _check_store_day(record: dict) -> tuple[str, str] | None:
    record["source"] = "imported"  # replaces a row rolled up from lines or SKU days (sales.rollups)
    if record["sales_amount"] < 0:
        return "sales_amount", _("销售额为负")
    if record["customers"] < 0 or record["transactions"] < 0:
        return "customers", _("客流或交易笔数为负")
    return None


def _check_sku_day(record: dict) -> tuple[str, str] | None:
    record["source"] = "imported"
    if record["quantity"] < 0:
        return "quantity", _("数量为负（退货请按销售明细导入并标记退货）")
    price = record.get("unit_price")
    if price is not None and price <= 0:
        return "unit_price", _("单价为 0 或负数")
    if record.get("revenue") is None:
        if price is None:
            return "unit_price", _("缺少销售额或单价")
        record["revenue"] = round(record["quantity"] * price, 2)
    if record["revenue"] < 0:
        return "revenue", _("销售额为负")
    return None


#: Batch options kept with the fixed values (they travel with the batch and its mapping profile): a key starting
#: with "@" is an option of the import, not a field.
RETURN_PREFIX = "@return_prefix"
DATE_FORMAT = "@date_format"
#: Create the stores, products, regions, categories and suppliers a file names that are not masters yet (masters.py).
CREATE_MISSING = "@create_missing"


def creates_missing(defaults: dict) -> bool:
    """Whether the batch's options ask to create the masters its file names that are not there yet."""
    return str(defaults.get(CREATE_MISSING, "")).strip().lower() in ("1", "true", "yes", "on")


def _check_sales_line(record: dict) -> tuple[str, str] | None:
    # A return is what the file says: its return column when it has one, else a negative quantity, else the invoice
    # prefix the profile names (Online Retail's "C"); no prefix is assumed.
    prefix = (record.pop(RETURN_PREFIX, "") or "").strip().upper()
    explicit = record.get("is_return")
    quantity = record["quantity"]
    if explicit is None:
        is_return = quantity < 0 or bool(prefix and record["invoice"].upper().startswith(prefix))
    else:
        is_return = bool(explicit)
    record["is_return"] = is_return
    if quantity == 0:
        return "quantity", _("数量为 0")
    if quantity < 0 and not is_return:
        return "quantity", _("负数量但退货列为否")
    found = _line_amounts(record, quantity, is_return)
    if found:
        return found
    if is_return and quantity > 0:
        record["quantity"] = -quantity
    cost = record.get("cost")
    if cost is not None:
        if is_return:  # a returned line takes its cost back, as its quantity (whichever sign the file wrote)
            record["cost"] = -abs(cost)
        elif cost < 0:
            return "cost", _("成本为负")
    record["date"] = record["sold_at"].date()
    return None


#: Amounts that differ by more than a cent disagree (the float slack keeps 0.01 itself within).
CENT = 0.01 + 1e-9


def _rounded(value: float, places: int) -> float:
    """Half-up rounding of a computed amount, alike on every database (a float difference such as 957.5775 + 383.031
    lies just below its half cent in binary)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(f"{value:.9f}").quantize(step, rounding=ROUND_HALF_UP))


def _line_amounts(record: dict, quantity: float, is_return: bool) -> tuple[str, str] | None:
    """Revenue and cost of a sales line from what the file gives (`quantity` as the file wrote it).

    Revenue is the line total when given, else unit price x quantity x (1 - discount). The line keeps it as its
    amount (to the cent, what the rollups sum) and as its net unit price (revenue / units, 4 decimals, for readers of
    a price); a line given only a unit price has no amount and its revenue is quantity x unit_price.
    Cost is the cost given, else revenue - profit when a profit is given, else unknown (None, never 0).
    A unit price, a discount and a total that disagree by more than a cent are refused; without a discount column a
    total below price x quantity is taken as paid (an unstated discount) and one above it is refused; a cost and a
    profit that disagree are refused."""
    price, total = record.get("unit_price"), record.get("line_total")
    discount_given = record.get("discount") is not None
    discount = record.get("discount") or 0.0
    units = abs(quantity)
    if price is not None and price == 0:
        return "unit_price", _("单价为 0")
    if price is not None and price < 0:
        return "unit_price", _("单价为负")
    if total is not None and total == 0:
        return "line_total", _("行金额为 0")
    if total is not None and total < 0 and not is_return:
        return "line_total", _("行金额为负，但本行不是退货")
    if price is None and total is None:
        return "unit_price", _("缺少单价或行金额")
    from_price = None if price is None else price * units * (1 - discount)
    # With a discount the three must agree; without one, a total below list price x quantity is what was paid (a POS
    # export's 单价 is the list price, its 金额 the amount after an unstated discount), one above it is an error.
    off = None if total is None or from_price is None else abs(total) - from_price
    if off is not None and (off > CENT or (discount_given and -off > CENT)):
        return "line_total", _("行金额（line_total）与 单价 × 数量 × (1 − 折扣) = %(expected)s 不符，相差超过 0.01") % {
            "expected": f"{from_price:.2f}"}
    revenue = abs(total) if total is not None else from_price
    # The line keeps its amount to the cent (negative for a return) whenever it is not simply quantity x price.
    record["amount"] = None
    if total is not None or discount:
        record["unit_price"] = _rounded(revenue / units, 4)
        record["amount"] = _rounded(revenue, 2) * (-1 if is_return else 1)
    profit = record.get("profit")
    if profit is None:
        return None
    # In the file's own signs: a return written with negative amounts has a negative profit too.
    written_revenue = total if total is not None else from_price * (1 if quantity > 0 else -1)
    from_profit = written_revenue - profit
    cost = record.get("cost")
    if cost is not None:
        if abs(abs(cost) - abs(from_profit)) > CENT:
            return "profit", _("利润（profit）与 行金额 − 成本 = %(expected)s 不符，相差超过 0.01") % {
                "expected": f"{written_revenue - cost:.2f}"}
        return None
    if from_profit < 0 and not is_return:
        return "profit", _("利润大于行金额（成本将为负）")
    record["cost"] = _rounded(from_profit, 2)
    return None


def _check_stock(record: dict) -> tuple[str, str] | None:
    if record["on_hand"] < 0 or record["on_order"] < 0:
        return "on_hand", _("库存数量为负")
    if record["unit_cost"] < 0:
        return "unit_cost", _("单位成本为负")
    return None


def _check_receipt(record: dict) -> tuple[str, str] | None:
    if record["quantity"] <= 0:
        return "quantity", _("收货数量应大于 0")
    if record["unit_cost"] < 0:
        return "unit_cost", _("单位成本为负")
    return None


def _check_cost(record: dict) -> tuple[str, str] | None:
    record["date"], record["is_monthly"] = record["date"]
    if record["amount"] < 0:
        return "amount", _("金额为负")
    return None


# ---------------------------------------------------------------- the kinds

KINDS: dict[str, KindSpec] = {}


def _register(spec: KindSpec) -> None:
    KINDS[spec.code] = spec


_register(
    KindSpec(
        K.REGIONS,
        (
            F("code", "区域编码", "code", True, ("区域编码", "区域编号", "区域代码", "region_code", "region")),
            F("name", "区域名称", "text", True, ("区域名称", "名称", "region_name", "name")),
        ),
        key=("code",),
        model="core.Region",
        is_master=True,
    )
)

_register(
    KindSpec(
        K.STORES,
        (
            F("code", "门店编号", "code", True, STORE),
            F("name", "门店名称", "text", False, ("门店名称", "店名", "名称", "store_name", "name")),
            F("region", "区域编码", "code", True, ("区域编码", "区域", "所属区域", "region_code", "region")),
            F("city", "城市", "text", False, ("城市", "city"), "—"),
            F("address", "地址", "text", False, ("地址", "address"), ""),
            F("opening_date", "开业日期", "date", False, ("开业日期", "opening_date", "opened", "open_date")),
            F("format", "业态", "text", False, ("业态", "format", "store_format"), "supermarket"),
            F("floor_area", "面积（㎡）", "number", False, ("面积", "营业面积", "floor_area", "area", "sqm")),
            F("status", "状态", "text", False, ("状态", "status"), "open"),
        ),
        key=("code",),
        model="core.Store",
        is_master=True,
        extra_field="attributes",
    )
)

_register(
    KindSpec(
        K.CATEGORIES,
        (
            F("code", "品类编码", "code", True, ("品类编码", "类别编码", "category_code", "code")),
            F("name", "品类名称", "text", True, ("品类名称", "类别名称", "名称", "category_name", "name")),
            F("parent", "上级品类编码", "code", False, ("上级品类", "上级品类编码", "parent", "parent_code"), ""),
        ),
        key=("code",),
        model="catalog.ProductCategory",
        is_master=True,
    )
)

_register(
    KindSpec(
        K.SUPPLIERS,
        (
            F("code", "供应商编码", "code", True, ("供应商编码", "供应商编号", "supplier_code", "vendor_code", "code")),
            F("name", "供应商名称", "text", True, ("供应商名称", "名称", "supplier_name", "vendor", "name")),
            F("contact_name", "联系人", "text", False, ("联系人", "contact", "contact_name"), ""),
            F("phone", "电话", "text", False, ("电话", "手机", "phone", "tel"), ""),
            F("email", "邮箱", "text", False, ("邮箱", "email", "e-mail"), ""),
            F("lead_time_days", "交期（天）", "integer", False, ("交期", "承诺交期", "lead_time", "lead_time_days"), 3),
            F("payment_terms", "付款条件", "text", False, ("付款条件", "账期", "payment_terms", "terms"), ""),
        ),
        key=("code",),
        model="purchasing.Supplier",
        is_master=True,
    )
)

_register(
    KindSpec(
        K.PRODUCTS,
        (
            F("sku", "商品编码", "code", True, SKU),
            F("name", "商品名称", "text", True, ("商品名称", "品名", "名称", "description", "product_name", "name")),
            F("barcode", "条码", "text", False, ("条码", "条形码", "barcode", "ean", "upc"), ""),
            F("unit", "单位", "text", False, ("单位", "unit", "uom"), "件"),
            F("pack_size", "箱规", "integer", False, ("箱规", "包装数", "pack_size", "case_size", "pack"), 1),
            F("cost", "成本价", "number", False, ("成本价", "进价", "成本", "cost", "unit_cost"), 0.0),
            F(
                "price",
                "零售价",
                "number",
                True,
                ("零售价", "售价", "单价", "price", "unitprice", "unit_price", "retail_price"),
            ),
            F("category", "品类编码", "code", False, ("品类编码", "品类", "类别", "category", "category_code"), ""),
            F("supplier", "供应商编码", "code", False, ("供应商编码", "供应商", "supplier", "supplier_code"), ""),
        ),
        key=("sku",),
        model="catalog.Product",
        is_master=True,
    )
)

_register(
    KindSpec(
        K.EMPLOYEES,
        (
            F("employee_no", "工号", "code", True, ("工号", "员工编号", "employee_no", "employee_id", "staff_id")),
            F("name", "姓名", "text", True, ("姓名", "名字", "name", "employee_name")),
            F("store", "门店编号", "code", False, STORE, ""),
            F("hire_date", "入职日期", "date", False, ("入职日期", "hire_date", "start_date")),
            F("email", "邮箱", "text", False, ("邮箱", "email"), ""),
        ),
        key=("employee_no",),
        model="people.Employee",
        is_master=True,
    )
)

_register(
    KindSpec(
        K.STORE_DAY_SALES,
        (
            F("store", "门店编号", "store", True, STORE),
            F("date", "日期", "date", True, DATE),
            F(
                "sales_amount",
                "销售额",
                "number",
                True,
                ("销售额", "营业额", "销售金额", "sales", "sales_amount", "turnover", "revenue"),
            ),
            F(
                "customers",
                "客流",
                "integer",
                False,
                ("客流", "来客数", "客数", "customers", "visitors", "footfall"),
                0,
            ),
            F(
                "transactions",
                "交易笔数",
                "integer",
                False,
                ("交易笔数", "客单数", "笔数", "transactions", "tickets", "receipts"),
                0,
            ),
            F("cost_amount", "销售成本", "number", False, ("销售成本", "成本", "cost", "cost_amount", "cogs"), None),
            F("is_open", "营业", "bool", False, ("营业", "是否营业", "open", "is_open"), True),
            F("is_promo", "促销", "bool", False, ("促销", "是否促销", "promo", "is_promo", "promotion"), False),
            F(
                "state_holiday",
                "法定假日",
                "holiday",
                False,
                ("法定假日", "节假日", "stateholiday", "state_holiday", "holiday"),
                "0",
            ),
            F(
                "is_school_holiday",
                "学校假期",
                "bool",
                False,
                ("学校假期", "寒暑假", "schoolholiday", "school_holiday"),
                False,
            ),
        ),
        key=("store", "date"),
        model="sales.StoreDaySales",
        check=_check_store_day,
        columns=(
            "store",
            "date",
            "sales_amount",
            "customers",
            "transactions",
            "cost_amount",
            "is_open",
            "is_promo",
            "state_holiday",
            "is_school_holiday",
            "source",
        ),
        rollup="opsdesk.sales.rollups.rollup_after_import",
    )
)

_register(
    KindSpec(
        K.SKU_DAY_SALES,
        (
            F("store", "门店编号", "store", True, STORE),
            F("product", "商品编码", "sku", True, SKU),
            F("date", "日期", "date", True, DATE),
            F("quantity", "数量", "number", True, QUANTITY),
            F(
                "revenue",
                "销售额",
                "number",
                False,
                ("销售额", "销售金额", "金额", "revenue", "sales", "amount", "sales_amount"),
            ),
            F("unit_price", "单价", "number", False, ("单价", "售价", "price", "unitprice", "unit_price")),
            F("cost", "成本", "number", False, ("成本", "销售成本", "cost", "cogs"), 0.0),
            F("is_promo", "促销", "bool", False, ("促销", "promo", "is_promo"), False),
            F("is_stockout", "缺货", "bool", False, ("缺货", "stockout", "is_stockout", "oos"), False),
        ),
        key=("store", "product", "date"),
        model="sales.SkuDaySales",
        check=_check_sku_day,
        one_of=(("revenue", "unit_price"),),
        columns=("store", "product", "date", "quantity", "revenue", "cost", "is_promo", "is_stockout", "source"),
        rollup="opsdesk.sales.rollups.rollup_after_import",
    )
)

_register(
    KindSpec(
        K.SALES_LINES,
        (
            F("store", "门店编号", "store", True, STORE),
            F("product", "商品编码", "sku", True, SKU),
            F(
                "invoice",
                "发票号",
                "code",
                True,
                (
                    "发票号",
                    "小票号",
                    "单号",
                    "销售单号",
                    "invoice",
                    "invoiceno",
                    "invoice_no",
                    "receipt",
                    "receipt_no",
                    "ticket",
                    "订单号",
                    "order_id",
                    "order_no",
                ),
            ),
            F("line_no", "行号", "integer", False, ("行号", "line", "line_no", "lineno", "line_number")),
            F(
                "sold_at",
                "时间",
                "datetime",
                True,
                (
                    "销售时间",
                    "交易时间",
                    "时间",
                    "日期",
                    "invoicedate",
                    "invoice_date",
                    "datetime",
                    "timestamp",
                    "date",
                    "订单日期",
                    "order_date",
                ),
            ),
            F("quantity", "数量", "number", True, QUANTITY),
            F("unit_price", "单价", "number", False, ("单价", "售价", "price", "unitprice", "unit_price")),
            # An order-line export gives the line's total (after discount) instead of, or besides, a unit price.
            F("line_total", "行金额", "number", False, LINE_TOTAL),
            F("discount", "折扣", "fraction", False, ("折扣", "折扣率", "discount", "discount_rate"), None),
            F("profit", "利润", "number", False, ("利润", "毛利", "毛利额", "profit", "gross_profit"), None),
            F(
                "customer_id",
                "客户",
                "text",
                False,
                ("客户", "客户编号", "会员号", "customer", "customerid", "customer_id", "member"),
                "",
            ),
            F("is_return", "退货", "bool", False, ("退货", "是否退货", "return", "is_return", "returns"), None),
            F("cost", "成本", "number", False, ("成本", "销售成本", "行成本", "cost", "line_cost", "cogs"), None),
            # Not stored with the line: it names a product created by "create missing masters" (masters.py).
            F("product_name", "商品名称", "text", False, ("商品名称", "品名", "description", "product_name"), ""),
        ),
        key=("store", "invoice", "line_no"),
        model="sales.SalesLine",
        check=_check_sales_line,
        one_of=(("unit_price", "line_total"),),
        options=(RETURN_PREFIX, DATE_FORMAT),
        columns=(
            "store",
            "product",
            "invoice",
            "line_no",
            "sold_at",
            "date",
            "quantity",
            "unit_price",
            "amount",
            "customer_id",
            "is_return",
            "cost",
        ),
        rollup="opsdesk.sales.rollups.rollup_after_import",
    )
)

_register(
    KindSpec(
        K.STOCK_SNAPSHOTS,
        (
            F("store", "门店编号", "store", True, STORE),
            F("product", "商品编码", "sku", True, SKU),
            F("date", "日期", "date", True, DATE),
            F(
                "on_hand",
                "在库数量",
                "number",
                True,
                ("在库数量", "库存", "库存数量", "on_hand", "onhand", "stock", "qty_on_hand"),
            ),
            F("on_order", "在途数量", "number", False, ("在途数量", "在途", "on_order", "onorder"), 0.0),
            F("unit_cost", "单位成本", "number", False, ("单位成本", "成本价", "unit_cost", "cost"), 0.0),
        ),
        key=("store", "product", "date"),
        model="inventory.StockSnapshot",
        check=_check_stock,
    )
)

_register(
    KindSpec(
        K.GOODS_RECEIPTS,
        (
            F("store", "门店编号", "store", True, STORE),
            F("product", "商品编码", "sku", True, SKU),
            F("date", "日期", "date", True, ("收货日期", *DATE, "receipt_date")),
            F("quantity", "数量", "number", True, ("收货数量", *QUANTITY)),
            F("unit_cost", "单位成本", "number", False, ("单位成本", "进价", "unit_cost", "cost"), 0.0),
            F(
                "supplier",
                "供应商编码",
                "supplier",
                False,
                ("供应商编码", "供应商", "supplier", "supplier_code", "vendor"),
                None,
            ),
            F(
                "reference",
                "单据号",
                "code",
                False,
                ("单据号", "收货单号", "送货单号", "reference", "ref", "delivery_no", "grn"),
                "",
            ),
        ),
        key=("store", "product", "date", "reference"),
        model="inventory.GoodsReceipt",
        check=_check_receipt,
    )
)

_register(
    KindSpec(
        K.OPERATING_COSTS,
        (
            F("store", "门店编号", "store", True, STORE),
            F("date", "日期或月份", "month_or_date", True, ("月份", "期间", *DATE, "month", "period")),
            F(
                "category",
                "费用类别",
                "code",
                True,
                ("费用类别", "费用项目", "科目", "类别", "category", "cost_type", "account"),
            ),
            F("amount", "金额", "number", True, ("金额", "费用", "amount", "cost", "value")),
        ),
        key=("store", "date", "category"),
        model="finance.OperatingCost",
        check=_check_cost,
        columns=("store", "date", "is_monthly", "category", "amount"),
    )
)

_register(
    KindSpec(
        K.CALENDAR,
        (
            F("store", "门店编号", "store", True, STORE),
            F("date", "日期", "date", True, DATE),
            F("is_open", "营业", "bool", False, ("营业", "是否营业", "open", "is_open"), True),
            F("is_promo", "促销", "bool", False, ("促销", "是否促销", "promo", "is_promo"), False),
            F(
                "state_holiday",
                "法定假日",
                "holiday",
                False,
                ("法定假日", "节假日", "stateholiday", "state_holiday"),
                "0",
            ),
            F("is_school_holiday", "学校假期", "bool", False, ("学校假期", "schoolholiday", "school_holiday"), False),
        ),
        key=("store", "date"),
        model="sales.StoreCalendarDay",
        future_days=3 * 366,
        rollup="opsdesk.sales.rollups.rollup_after_import",  # the derived store days take the calendar's flags
    )
)


def register_kind(spec: KindSpec) -> None:
    """Add a fact kind defined by another app (called from its AppConfig.ready()); it must name a `writer`."""
    if spec.writer is None or spec.is_master:
        raise ValueError(f"{spec.code}: a kind registered from outside the imports app is a fact kind with a writer")
    if spec.code in KINDS and KINDS[spec.code] != spec:
        raise ValueError(f"import kind {spec.code!r} is already registered")
    KINDS[spec.code] = spec


def kind_spec(code: str) -> KindSpec:
    """The spec of an import kind (KeyError for an unknown code)."""
    return KINDS[code]


def db_columns(spec: KindSpec) -> tuple[str, ...]:
    """Model field names written by a fact kind, in order."""
    return spec.columns or tuple(item.name for item in spec.fields)
