"""Targets other apps write through the hook: upserted under their source, stale ones removed, others untouched."""

from datetime import date
from decimal import Decimal

import pytest

from opsdesk.cockpit.models import SalesTarget
from opsdesk.core import hooks
from opsdesk.core.testing.factories import CompanyFactory, StoreFactory

pytestmark = pytest.mark.django_db


def rows(company):
    return sorted(SalesTarget.objects.filter(store__company=company).values_list("store__code", "month", "amount",
                                                                              "source"))


def test_goal_targets_replace_their_own_rows_and_win_over_imported_ones():
    company = CompanyFactory()
    a, b = StoreFactory(company=company, code="A"), StoreFactory(company=company, code="B")
    SalesTarget.objects.create(store=a, month=date(2027, 1, 1), amount=Decimal("500"))  # imported
    SalesTarget.objects.create(store=b, month=date(2027, 3, 1), amount=Decimal("700"))  # imported, untouched

    written = hooks.write_sales_targets(company.pk, {(a.pk, date(2027, 1, 1)): Decimal("1000.005"),
                                                     (b.pk, date(2027, 2, 1)): Decimal("2000")}, "goal:7")
    assert written == 2
    assert rows(company) == [("A", date(2027, 1, 1), Decimal("1000.01"), "goal:7"),
                             ("B", date(2027, 2, 1), Decimal("2000.00"), "goal:7"),
                             ("B", date(2027, 3, 1), Decimal("700.00"), "")]

    # The goal now names only store A: its row for B goes, the imported B row stays.
    hooks.write_sales_targets(company.pk, {(a.pk, date(2027, 1, 1)): Decimal("900")}, "goal:7")
    assert rows(company) == [("A", date(2027, 1, 1), Decimal("900.00"), "goal:7"),
                             ("B", date(2027, 3, 1), Decimal("700.00"), "")]


def test_a_store_of_another_company_or_a_mid_month_date_is_refused():
    company, other = CompanyFactory(), CompanyFactory()
    store = StoreFactory(company=other)
    with pytest.raises(ValueError, match=r"stores \[\d+\] are not of company"):
        hooks.write_sales_targets(company.pk, {(store.pk, date(2027, 1, 1)): Decimal("1")}, "goal:1")
    own = StoreFactory(company=company)
    with pytest.raises(ValueError, match="a target month is its first day, got 2027-01-15"):
        hooks.write_sales_targets(company.pk, {(own.pk, date(2027, 1, 15)): Decimal("1")}, "goal:1")
    assert not SalesTarget.objects.exists()
