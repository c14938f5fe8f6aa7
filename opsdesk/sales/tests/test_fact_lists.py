"""Sales data out: invoice lines, SKU-day and store-day sales have scoped list pages, CSV export and REST lists."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from django.urls import reverse

from opsdesk.catalog.models import Product
from opsdesk.sales.models import SalesLine, SkuDaySales, StoreDaySales


def _product(store, sku):
    return Product.objects.create(company=store.company, sku=sku, name=f"商品 {sku}", cost=5, price=9.5)


def _line(store, product, invoice, quantity, price, *, is_return=False):
    return SalesLine.objects.create(store=store, product=product, invoice=invoice, line_no=1, quantity=quantity,
                                    unit_price=price, sold_at=datetime(2026, 3, 1, 2, tzinfo=UTC),
                                    date=date(2026, 3, 1), is_return=is_return)


def test_the_lines_export_holds_exactly_the_filtered_lines_in_the_users_stores(client, org):
    # given
    a1, a2, b1 = org.stores["a1"], org.stores["a2"], org.stores["b1"]
    milk, bread = _product(a1, "MILK"), _product(a1, "BREAD")
    _line(a1, milk, "INV-1", 2, "9.50")
    _line(a1, bread, "INV-2", -1, "4.00", is_return=True)
    _line(a2, milk, "INV-3", 5, "9.50")
    _line(b1, milk, "INV-4", 7, "9.50")
    client.force_login(org.users["supervisor"])  # stores a1 and a2
    # when
    response = client.get(reverse("sales:salesline_list"), {"product": milk.pk, "export": "csv"})
    # then
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    invoices = sorted(row[rows[0].index("发票号")] for row in rows[1:])
    assert response.status_code == 200
    assert invoices == ["INV-1", "INV-3"]


def test_the_rest_list_of_lines_is_scoped_and_filterable_by_return(client, org):
    # given
    a1, b1 = org.stores["a1"], org.stores["b1"]
    milk = _product(a1, "MILK")
    _line(a1, milk, "INV-1", 2, "9.50")
    _line(a1, milk, "INV-2", -1, "9.50", is_return=True)
    _line(b1, milk, "INV-9", 3, "9.50")
    client.force_login(org.users["store_manager"])  # store a1
    # when
    every = client.get("/api/v1/sales/lines/").json()
    returns = client.get("/api/v1/sales/lines/", {"is_return": "true"}).json()
    # then
    assert sorted(item["invoice"] for item in every["items"]) == ["INV-1", "INV-2"]
    assert [item["invoice"] for item in returns["items"]] == ["INV-2"]


def test_store_day_and_sku_day_lists_show_the_users_stores_only(client, org):
    # given
    a1, b1 = org.stores["a1"], org.stores["b1"]
    milk = _product(a1, "MILK")
    StoreDaySales.objects.create(store=a1, date=date(2026, 3, 1), sales_amount=1234, transactions=50)
    StoreDaySales.objects.create(store=b1, date=date(2026, 3, 1), sales_amount=9999, transactions=70)
    SkuDaySales.objects.create(store=a1, product=milk, date=date(2026, 3, 1), quantity=3, revenue=28.5)
    SkuDaySales.objects.create(store=b1, product=milk, date=date(2026, 3, 1), quantity=8, revenue=76)
    client.force_login(org.users["store_manager"])
    # when
    days = client.get("/api/v1/sales/daily/").json()
    sku_days = client.get("/api/v1/sales/sku-daily/").json()
    page = client.get(reverse("sales:storedaysales_list"))
    # then
    assert [(item["store_id"], item["sales_amount"]) for item in days["items"]] == [(a1.pk, "1234.00")]
    assert [(item["store_id"], item["quantity"]) for item in sku_days["items"]] == [(a1.pk, "3.000")]
    assert page.status_code == 200
    assert "1,234" in page.content.decode() or "1234" in page.content.decode()
    assert "9999" not in page.content.decode()
    assert "9,999" not in page.content.decode()
