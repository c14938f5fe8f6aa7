"""Purchasing KPIs against hand computations and the supplier scorecard, their scope and None cases.

Company A: stores a1, a2 (region A), b1, b2 (region B); company B: store x1 (see core/testing/org.py).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiScope
from opsdesk.purchasing import kpis, services
from opsdesk.purchasing.models import PurchaseOrderStatusChoices as S
from opsdesk.purchasing.models import Receipt, SupplierScore
from opsdesk.purchasing.tests.factories import make_order, make_supplier

MAY = (date(2026, 5, 1), date(2026, 5, 31))


def scope_of(*stores) -> KpiScope:
    return KpiScope(company_id=stores[0].company_id, store_ids=tuple(store.pk for store in stores))


def receive(order, day: date, received: str, rejected: str = "0") -> None:
    Receipt.objects.create(line=order.lines.get(), date=day, quantity_received=Decimal(received),
                           quantity_rejected=Decimal(rejected), rejection_reason="damaged" if rejected != "0" else "")


def order_due(store, supplier, due: date, *, quantity: str = "10", status: str = S.RECEIVED,
              promised: date | None = None):
    order = make_order(store, supplier, order_date=due - timedelta(days=5), expected_date=due, status=status,
                       quantity=quantity)
    if promised is not None:
        order.promised_date = promised
        order.save(update_fields=["promised_date"])
    return order


def test_otif_pools_units_on_time_in_full_over_the_lines_due_in_the_period(org):
    # given: a1's lines due in May (the scorecard's golden example plus a promised date and a bigger line)
    supplier, a1 = make_supplier(org.company), org.stores["a1"]
    due = date(2026, 5, 10)
    lines = []  # (ordered, accepted by the due date) of the lines that count

    def line(quantity: str, receipts: list[tuple[date, str, str]], *, counted: bool = True, **options):
        order = order_due(a1, supplier, due, quantity=quantity, **options)
        for day, received, rejected in receipts:
            receive(order, day, received, rejected)
        if counted:
            limit = order.promised_date or order.expected_date
            lines.append((Decimal(quantity), sum((Decimal(r) - Decimal(x) for d, r, x in receipts if d <= limit),
                                                 Decimal(0))))

    line("10", [(due, "10", "0")])  # on time, in full
    line("10", [(date(2026, 5, 8), "6", "0"), (date(2026, 5, 12), "4", "0")])  # 6 by the due date
    line("10", [(date(2026, 5, 6), "10", "0")])  # early
    line("10", [(date(2026, 5, 9), "10", "2")])  # 2 rejected
    line("25", [(date(2026, 5, 20), "25", "0")], promised=date(2026, 5, 20))  # promised later: on time
    line("7", [(date(2026, 5, 11), "9", "0")])  # more than ordered, a day late: nothing by the due date
    line("4", [], status=S.SENT)  # nothing received
    line("10", [(due, "10", "0")], counted=False, promised=date(2026, 6, 2))  # promised in June
    line("10", [], counted=False, status=S.DRAFT)  # never sent
    line("10", [], counted=False, status=S.CANCELLED)
    order_due(a1, supplier, date(2026, 4, 30))  # due in April
    order_due(org.stores["b1"], supplier, due)  # another store: nothing received
    order_due(org.stores["x1"], make_supplier(org.other_company), due)  # another company
    # when
    value = kpis.supplier_otif_percent(scope_of(a1), MAY)
    region = kpis.supplier_otif_percent(scope_of(a1, org.stores["b1"]), MAY)
    # then: 10 + 6 + 10 + 8 + 25 + 0 + 0 = 59 of 76
    on_time = sum(min(accepted, ordered) for ordered, accepted in lines)
    ordered = sum(ordered for ordered, _accepted in lines)
    assert (on_time, ordered) == (Decimal(59), Decimal(76))
    assert value == pytest.approx(float(on_time * 100 / ordered), abs=1e-9)
    assert region == pytest.approx(59 * 100 / 86, abs=1e-9)


def test_otif_of_a_month_is_the_scorecards_otif_by_quantity(org):
    # given: 40 seeded lines of one supplier due in May at a1 and a2, received in parts around the due date
    rng = random.Random(5)
    supplier = make_supplier(org.company)
    for _ in range(40):
        due = date(2026, 5, rng.randint(1, 31))
        order = order_due(org.stores[rng.choice(["a1", "a2"])], supplier, due, quantity=str(rng.randint(1, 30)))
        for _receipt in range(rng.randint(0, 2)):
            received = rng.randint(0, 15)
            receive(order, due + timedelta(days=rng.randint(-3, 3)), str(received), str(rng.randint(0, received)))
    # when
    services.scorecards_compute(company_id=org.company.pk, end=MAY[1], months=1)
    score = SupplierScore.objects.get(supplier=supplier, period=MAY[0])
    # then: the same figure, whole company and the two stores alike
    assert kpis.supplier_otif_percent(KpiScope(company_id=org.company.pk), MAY) == pytest.approx(
        100 * score.otif_quantity_rate, abs=1e-9)
    assert kpis.supplier_otif_percent(scope_of(org.stores["a1"], org.stores["a2"]), MAY) == pytest.approx(
        100 * score.otif_quantity_rate, abs=1e-9)


def test_lines_not_yet_due_do_not_count(org):
    # given: a period around today; one line due yesterday in full, one due in three days with nothing yet
    today = timezone.localdate()
    supplier, a1 = make_supplier(org.company), org.stores["a1"]
    receive(order_due(a1, supplier, today - timedelta(days=1)), today - timedelta(days=1), "10")
    order_due(a1, supplier, today + timedelta(days=3), status=S.SENT)
    # when
    value = kpis.supplier_otif_percent(scope_of(a1), (today - timedelta(days=10), today + timedelta(days=10)))
    # then
    assert value == 100.0


def test_otif_without_lines_due_is_none(org):
    supplier = make_supplier(org.company)
    order_due(org.stores["b1"], supplier, date(2026, 5, 10))
    order_due(org.stores["a1"], supplier, date(2026, 5, 10), status=S.DRAFT)
    assert kpis.supplier_otif_percent(scope_of(org.stores["a1"]), MAY) is None
    assert kpis.supplier_otif_percent(KpiScope(company_id=org.other_company.pk), MAY) is None


def test_the_purchasing_kpis_are_registered_with_unit_and_direction():
    registered = extensions.kpis()
    assert {code: (registered[code].unit, registered[code].direction) for code in registered
            if code.startswith("purchasing_")} == {"purchasing_supplier_otif": ("%", "higher")}
    assert registered["purchasing_supplier_otif"].measure is kpis.supplier_otif_percent
