"""Kit specs of the sales facts, read-only: store-day totals, store x SKU x day sales and invoice lines (pages
sales:storedaysales_*|skudaysales_*|salesline_*, REST /api/v1/sales/...). Lists filter by store, region, product and
date and export exactly the filtered rows as CSV/XLSX; everything is scoped to the user's stores."""

from opsdesk.core.kit import ObjectSpec
from opsdesk.sales.models import SalesLine, SkuDaySales, StoreDaySales

store_day_sales = ObjectSpec(
    StoreDaySales, path="daily", name="storedaysales", fields=(), read_only=True,
    columns=("date", "store", "sales_amount", "cost_amount", "customers", "transactions", "is_open", "is_promo"),
    detail_fields=("store", "date", "sales_amount", "cost_amount", "customers", "transactions", "is_open",
                   "is_promo", "state_holiday", "is_school_holiday"),
    search_fields=("store__code", "store__name"),
    filter_fields=("store", "store__region", "date", "is_open", "is_promo"),
    select_related=("store",),
)

sku_day_sales = ObjectSpec(
    SkuDaySales, path="sku-daily", name="skudaysales", fields=(), read_only=True,
    columns=("date", "store", "product", "quantity", "revenue", "cost", "is_promo", "is_stockout"),
    search_fields=("product__sku", "product__name", "store__code"),
    filter_fields=("store", "store__region", "product", "date", "is_promo", "is_stockout"),
    select_related=("store", "product"),
)

sales_line = ObjectSpec(
    SalesLine, path="lines", name="salesline", fields=(), read_only=True,
    columns=("sold_at", "store", "invoice", "line_no", "product", "quantity", "unit_price", "amount",
             "is_return", "customer_id"),
    search_fields=("invoice", "product__sku", "product__name", "customer_id"),
    filter_fields=("store", "store__region", "product", "date", "is_return"),
    select_related=("store", "product"),
)

ALL = (store_day_sales, sku_day_sales, sales_line)
