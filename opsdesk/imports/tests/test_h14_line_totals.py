"""Sales lines that give a total, a discount, a profit or a cost (issue #14 item 4): golden rollups to SKU day and
store day from a file in the US "Superstore" shape, and the per-row conflicts that are refused."""

from datetime import date
from decimal import Decimal

from opsdesk.catalog.models import Product
from opsdesk.imports.kinds import CREATE_MISSING, kind_spec
from opsdesk.imports.mapping import guess_mapping
from opsdesk.imports.models import ImportBatch
from opsdesk.imports.services import import_run
from opsdesk.sales.models import SalesLine, SkuDaySales, StoreDaySales

SUPERSTORE = ["Order ID", "Order Date", "Ship Date", "Customer ID", "Product ID", "Sales", "Quantity", "Discount",
              "Profit"]
D1, D2 = date(2024, 11, 8), date(2024, 11, 21)


def _run(chain, path, **options) -> ImportBatch:
    batch = import_run(actor=None, company=chain["company"], kind="sales_lines", path=path, **options)
    assert batch.status == "committed", (batch.status, batch.message)
    return batch


def _reasons(batch) -> list[tuple[int, str, str, str]]:
    return list(batch.quarantine.order_by("row_number").values_list("row_number", "column", "value", "reason"))


def _sku_days():
    return list(SkuDaySales.objects.order_by("store__code", "date", "product__sku").values_list(
        "store__code", "product__sku", "date", "quantity", "revenue", "cost", "source"))


def _store_days():
    return list(StoreDaySales.objects.order_by("store__code", "date").values_list(
        "store__code", "date", "sales_amount", "cost_amount", "transactions", "customers", "source"))


def test_the_superstore_columns_are_recognised_without_a_mapping():
    # given
    spec = kind_spec("sales_lines")
    # when
    mapping = guess_mapping(spec, SUPERSTORE)
    # then: Sales is the line's total, Ship Date is left alone
    assert mapping == {"product": "Product ID", "invoice": "Order ID", "sold_at": "Order Date",
                       "quantity": "Quantity", "line_total": "Sales", "discount": "Discount", "profit": "Profit",
                       "customer_id": "Customer ID"}


def test_superstore_lines_roll_up_with_their_totals_as_revenue_and_total_less_profit_as_cost(chain, write_file):
    # given: an order-line export (month-first dates, totals after discount, profit per line), one store
    path = write_file("superstore.csv", [
        SUPERSTORE,
        ["CA-1", "11/8/2024", "11/11/2024", "CG-12520", "P1", "261.96", "2", "0", "41.9136"],
        ["CA-1", "11/8/2024", "11/11/2024", "CG-12520", "P2", "731.94", "3", "0", "219.582"],
        ["CA-2", "11/8/2024", "11/12/2024", "DV-13045", "P1", "14.62", "2", "0", "6.8714"],
        ["CA-3", "11/21/2024", "11/25/2024", "SO-20335", "P3", "470.302", "2", "0.3", "-47.0302"],
        ["CA-3", "11/21/2024", "11/25/2024", "SO-20335", "P1", "22.368", "2", "0.2", "2.5164"],
        ["CA-4", "11/21/2024", "11/26/2024", "BH-11710", "P1", "48.86", "7", "0", "14.1694"],
    ])
    # when
    batch = _run(chain, path, defaults={"store": "S1"})
    # then: every line is in, with its net unit price (total / quantity) and its cost (total - profit, to the cent)
    assert (batch.rows_read, batch.rows_committed, batch.rows_quarantined) == (6, 6, 0)
    assert list(SalesLine.objects.order_by("invoice", "line_no").values_list(
        "invoice", "line_no", "quantity", "unit_price", "cost", "is_return")) == [
        ("CA-1", 1, Decimal("2.000"), Decimal("130.9800"), Decimal("220.05"), False),
        ("CA-1", 2, Decimal("3.000"), Decimal("243.9800"), Decimal("512.36"), False),
        ("CA-2", 1, Decimal("2.000"), Decimal("7.3100"), Decimal("7.75"), False),
        ("CA-3", 1, Decimal("2.000"), Decimal("235.1510"), Decimal("517.33"), False),  # a loss: cost above revenue
        ("CA-3", 2, Decimal("2.000"), Decimal("11.1840"), Decimal("19.85"), False),
        ("CA-4", 1, Decimal("7.000"), Decimal("6.9800"), Decimal("34.69"), False),
    ]
    # and the SKU days and store days carry the totals as revenue and the derived costs
    assert _sku_days() == [
        ("S1", "P1", D1, Decimal("4.000"), Decimal("276.58"), Decimal("227.80"), "lines"),
        ("S1", "P2", D1, Decimal("3.000"), Decimal("731.94"), Decimal("512.36"), "lines"),
        ("S1", "P1", D2, Decimal("9.000"), Decimal("71.23"), Decimal("54.54"), "lines"),  # 22.368 + 48.86
        ("S1", "P3", D2, Decimal("2.000"), Decimal("470.30"), Decimal("517.33"), "lines"),
    ]
    assert _store_days() == [
        ("S1", D1, Decimal("1008.52"), Decimal("740.16"), 2, 2, "lines"),
        ("S1", D2, Decimal("541.53"), Decimal("571.87"), 2, 2, "lines"),
    ]


def test_unit_prices_less_a_discount_are_the_revenue_and_a_line_without_cost_leaves_the_cost_unknown(
        chain, write_file):
    # given: unit prices with discounts as fractions and percents; S2's second line has neither cost nor profit
    path = write_file("lines.csv", [
        ["门店", "小票号", "商品编码", "时间", "数量", "单价", "折扣", "成本", "利润"],
        ["S1", "T1", "P1", "2024-05-01 09:00", "2", "2.50", "20%", "", "1.00"],  # 4.00, cost 3.00
        ["S1", "T1", "P2", "2024-05-01 09:00", "3", "10", "0.1", "20.00", ""],  # 27.00, cost 20.00
        ["S1", "T2", "P1", "2024-05-01 10:00", "4", "1.50", "", "4.00", ""],  # 6.00, cost 4.00
        ["S2", "T3", "P1", "2024-05-01 11:00", "1", "8", "12.5 %", "5.00", "2.00"],  # 7.00, cost 5.00 (agrees)
        ["S2", "T3", "P3", "2024-05-01 11:00", "2", "3", "", "", ""],  # 6.00, cost unknown
        ["S1", "R1", "P1", "2024-05-01 12:00", "-1", "2.50", "20%", "", "-1.00"],  # a return: -2.00, cost -1.00
    ])
    # when
    batch = _run(chain, path)
    # then
    assert (batch.rows_committed, batch.rows_quarantined) == (6, 0)
    assert list(SalesLine.objects.order_by("invoice", "line_no").values_list(
        "invoice", "quantity", "unit_price", "cost", "is_return")) == [
        ("R1", Decimal("-1.000"), Decimal("2.0000"), Decimal("-1.00"), True),
        ("T1", Decimal("2.000"), Decimal("2.0000"), Decimal("3.00"), False),
        ("T1", Decimal("3.000"), Decimal("9.0000"), Decimal("20.00"), False),
        ("T2", Decimal("4.000"), Decimal("1.5000"), Decimal("4.00"), False),
        ("T3", Decimal("1.000"), Decimal("7.0000"), Decimal("5.00"), False),
        ("T3", Decimal("2.000"), Decimal("3.0000"), None, False),
    ]
    assert _sku_days() == [
        ("S1", "P1", date(2024, 5, 1), Decimal("5.000"), Decimal("8.00"), Decimal("6.00"), "lines"),  # 4 + 6 - 2
        ("S1", "P2", date(2024, 5, 1), Decimal("3.000"), Decimal("27.00"), Decimal("20.00"), "lines"),
        ("S2", "P1", date(2024, 5, 1), Decimal("1.000"), Decimal("7.00"), Decimal("5.00"), "lines"),
        ("S2", "P3", date(2024, 5, 1), Decimal("2.000"), Decimal("6.00"), Decimal("0.00"), "lines"),  # no cost known
    ]
    assert _store_days() == [
        ("S1", date(2024, 5, 1), Decimal("35.00"), Decimal("26.00"), 2, 0, "lines"),
        ("S2", date(2024, 5, 1), Decimal("13.00"), None, 1, 0, "lines"),  # unknown, never 0
    ]


def test_conflicting_amounts_are_quarantined_with_row_column_and_field(chain, write_file):
    # given
    header = ["门店", "小票号", "商品编码", "时间", "数量", "单价", "金额", "折扣", "成本", "利润"]
    path = write_file("conflicts.csv", [
        header,
        ["S1", "T1", "P1", "2024-05-01 09:00", "2", "2.50", "5.50", "", "", ""],  # 2 x 2.50 is not 5.50
        ["S1", "T2", "P1", "2024-05-01 09:00", "2", "2.50", "4.00", "20%", "", ""],  # the discount explains it
        ["S1", "T3", "P1", "2024-05-01 09:00", "3", "3.333", "10.00", "", "", ""],  # 9.999: within a cent
        ["S1", "T4", "P1", "2024-05-01 09:00", "1", "2.50", "", "120%", "", ""],
        ["S1", "T5", "P1", "2024-05-01 09:00", "1", "", "10.00", "", "8.00", "3.00"],  # 10 - 3 is not 8
        ["S1", "T6", "P1", "2024-05-01 09:00", "1", "", "10.00", "", "", "12.00"],  # profit above revenue
        ["S1", "T7", "P1", "2024-05-01 09:00", "1", "", "", "", "", ""],
        ["S1", "T8", "P1", "2024-05-01 09:00", "2", "", "-4.00", "", "", ""],  # a sale with a negative total
        ["S1", "T9", "P1", "2024-05-01 09:00", "1", "", "10.00", "", "7.00", "3.00"],  # cost and profit agree
    ])
    # when
    batch = _run(chain, path)
    # then: each refused row says its row, the column and the field at fault
    assert (batch.rows_read, batch.rows_committed, batch.rows_quarantined) == (9, 3, 6)
    assert _reasons(batch) == [
        (2, "金额", "5.5", "行金额（line_total）与 单价 × 数量 × (1 − 折扣) = 5.00 不符，相差超过 0.01"),
        (5, "折扣", "120%", "应为 0 到 1 之间的比例（如 0.2）或百分数（如 20%），且小于 100%"),
        (6, "利润", "3.0", "利润（profit）与 行金额 − 成本 = 2.00 不符，相差超过 0.01"),
        (7, "利润", "12.0", "利润大于行金额（成本将为负）"),
        (8, "单价", "", "缺少单价或行金额"),
        (9, "金额", "-4.0", "行金额为负，但本行不是退货"),
    ]
    assert list(SalesLine.objects.order_by("invoice").values_list("invoice", "unit_price", "cost")) == [
        ("T2", Decimal("2.0000"), None),
        ("T3", Decimal("3.3333"), None),  # the total is the revenue: 10.00 / 3
        ("T9", Decimal("10.0000"), Decimal("7.00")),
    ]


def test_products_created_from_an_order_line_export_are_priced_at_total_over_quantity(chain, write_file):
    # given: a product the company does not have yet, on a file without unit prices
    path = write_file("superstore.csv", [
        SUPERSTORE,
        ["CA-9", "11/8/2024", "11/11/2024", "CG-12520", "FUR-BO-10001798", "261.96", "2", "0", "41.9136"],
        ["CA-9", "11/21/2024", "11/25/2024", "CG-12520", "FUR-BO-10001798", "100.00", "1", "0", "10"],
    ])
    # when
    batch = _run(chain, path, defaults={"store": "S1", CREATE_MISSING: "1"})
    # then: the product exists, priced from its first line; both lines are in
    assert batch.report["masters"] == {"created": {"products": ["FUR-BO-10001798"]}}
    assert Product.objects.get(company=chain["company"], sku="FUR-BO-10001798").price == Decimal("130.98")
    assert batch.rows_committed == 2


def test_mapping_the_profit_on_a_second_import_fills_the_costs_of_the_same_lines(chain, write_file):
    # given: the export imported once without its profit column: revenue known, cost unknown
    rows = [
        SUPERSTORE,
        ["CA-1", "11/8/2024", "11/11/2024", "CG-12520", "P1", "261.96", "2", "0", "41.9136"],
        ["CA-2", "11/21/2024", "11/25/2024", "DV-13045", "P1", "14.62", "2", "0", "6.8714"],
    ]
    first = _run(chain, write_file("superstore.csv", rows), defaults={"store": "S1"}, mapping={"profit": ""})
    before = _store_days()
    # when: the same file again, with the profit mapped
    second = _run(chain, write_file("superstore.csv", rows), defaults={"store": "S1"})
    # then: the same two lines, updated with their costs; the store days gain a cost
    assert (first.rows_inserted, second.rows_inserted, second.rows_updated, second.rows_unchanged) == (2, 0, 2, 0)
    assert SalesLine.objects.count() == 2
    assert before == [("S1", D1, Decimal("261.96"), None, 1, 1, "lines"),
                      ("S1", D2, Decimal("14.62"), None, 1, 1, "lines")]
    assert _store_days() == [("S1", D1, Decimal("261.96"), Decimal("220.05"), 1, 1, "lines"),
                             ("S1", D2, Decimal("14.62"), Decimal("7.75"), 1, 1, "lines")]


def test_line_totals_that_no_unit_price_gives_exactly_add_up_to_the_cent(chain, write_file):
    # given: 300 lines of 3 units for 10.00 (a price of 3.3333... that 4 decimals cannot hold) and a return of one
    rows = [["Order ID", "Order Date", "Product ID", "Sales", "Quantity"]]
    rows += [[f"CA-{n}", "11/21/2024", "P1", "10.00", "3"] for n in range(300)]
    rows += [["CA-R", "11/21/2024", "P1", "-10.00", "-3"]]
    # when
    _run(chain, write_file("thirds.csv", rows), defaults={"store": "S1"})
    # then: the SKU day and the store day hold the file's sum, 2990.00, not 2989.97 from 3.3333 x 3 per line
    assert SalesLine.objects.filter(invoice="CA-R").values_list("amount", "unit_price", "is_return").get() == (
        Decimal("-10.00"), Decimal("3.3333"), True)
    assert SkuDaySales.objects.values_list("revenue", flat=True).get() == Decimal("2990.00")
    assert StoreDaySales.objects.values_list("sales_amount", flat=True).get() == Decimal("2990.00")


def test_a_pos_export_with_list_price_and_amount_paid_takes_the_amount_and_refuses_one_above_list(chain, write_file):
    # given: 单价 is the list price, 金额 what was paid (an unstated discount), no discount column; row 3 paid more
    path = write_file("pos.csv", [
        ["门店", "小票号", "商品编码", "时间", "数量", "单价", "金额"],
        ["S1", "T1", "P1", "2024-05-01 09:00", "3", "10.00", "27.00"],
        ["S1", "T2", "P1", "2024-05-01 10:00", "1", "10.00", "12.00"],
    ])
    # when
    batch = import_run(actor=None, company=chain["company"], kind="sales_lines", path=path)
    # then: the paid amount is the revenue; a total above list price x quantity is refused, naming the figure
    assert (batch.rows_committed, batch.rows_quarantined) == (1, 1)
    assert _reasons(batch) == [
        (3, "金额", "12.0", "行金额（line_total）与 单价 × 数量 × (1 − 折扣) = 10.00 不符，相差超过 0.01")]
    assert SalesLine.objects.values_list("amount", "unit_price").get() == (Decimal("27.00"), Decimal("9.0000"))
    assert SkuDaySales.objects.values_list("revenue", flat=True).get() == Decimal("27.00")
