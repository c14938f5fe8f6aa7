"""Scorecards from stored orders and receipts: OTIF golden values through the database, persisted per month."""

import math
from datetime import date
from decimal import Decimal

from opsdesk.purchasing import services
from opsdesk.purchasing.models import PurchaseOrderStatusChoices as S
from opsdesk.purchasing.models import Receipt, SupplierScore
from opsdesk.purchasing.tests.factories import make_order, make_supplier


def _receive(order, day: date, received: str, rejected: str = "0") -> None:
    line = order.lines.get()
    Receipt.objects.create(line=line, date=day, quantity_received=Decimal(received),
                           quantity_rejected=Decimal(rejected), rejection_reason="damaged" if rejected != "0" else "")


def test_scorecard_counts_partials_early_late_and_rejected_by_line_and_quantity(org):
    # given: four lines of 10 due 2026-05-10, ordered 2026-05-05
    supplier, store = make_supplier(org.company), org.stores["a1"]
    orders = [make_order(store, supplier, order_date=date(2026, 5, 5), expected_date=date(2026, 5, 10),
                         status=S.RECEIVED) for _ in range(4)]
    _receive(orders[0], date(2026, 5, 10), "10")  # on time, in full
    _receive(orders[1], date(2026, 5, 8), "6")  # partial by the due date ...
    _receive(orders[1], date(2026, 5, 12), "4")  # ... the rest late
    _receive(orders[2], date(2026, 5, 6), "10")  # early and full
    _receive(orders[3], date(2026, 5, 9), "10", rejected="2")  # on time, 2 rejected
    # an empty month (June) in the window; a cancelled order never counts
    make_order(store, supplier, order_date=date(2026, 7, 1), expected_date=date(2026, 7, 3), status=S.CANCELLED)
    # when
    written = services.scorecards_compute(company_id=org.company.pk, end=date(2026, 7, 31), months=3)
    # then: 1 row (May); OTIF 2/4 lines, 34/40 units; fill 38/40; rejection 2/40; lead 5, 3, 1, 4 days
    score = SupplierScore.objects.get(supplier=supplier)
    assert written == 1
    assert (score.period, score.lines, score.otif_lines) == (date(2026, 5, 1), 4, 2)
    assert math.isclose(score.otif_line_rate, 0.5, abs_tol=1e-12)
    assert math.isclose(score.otif_quantity_rate, 0.85, abs_tol=1e-12)
    assert math.isclose(score.fill_rate, 0.95, abs_tol=1e-12)
    assert math.isclose(score.rejection_rate, 0.05, abs_tol=1e-12)
    assert math.isclose(score.lead_time_mean, 3.25, abs_tol=1e-12)
    assert score.price_variance is None
    assert math.isclose(score.score, 0.35 * 0.85 + 0.2 * 0.5 + 0.2 * 0.95 + 0.15 * 0.95 + 0.1, abs_tol=1e-9)
    assert score.standing == "acceptable"


def test_recomputing_replaces_the_window_without_duplicates(org):
    # given
    supplier = make_supplier(org.company)
    order = make_order(org.stores["a1"], supplier, order_date=date(2026, 5, 5), expected_date=date(2026, 5, 10))
    _receive(order, date(2026, 5, 10), "10")
    # when
    services.scorecards_compute(company_id=org.company.pk, end=date(2026, 5, 31), months=1)
    services.scorecards_compute(company_id=org.company.pk, end=date(2026, 5, 31), months=1)
    # then
    assert SupplierScore.objects.filter(supplier=supplier).count() == 1
    assert SupplierScore.objects.get(supplier=supplier).standing == "excellent"
