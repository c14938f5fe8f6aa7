"""A complaint ticket about a supplier's product quality counts in that supplier's scorecard, once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from opsdesk.purchasing.models import SupplierComplaint
from opsdesk.purchasing.selectors import scorecard_complaints
from opsdesk.purchasing.tests.factories import make_product, make_supplier
from opsdesk.service import services
from opsdesk.service.models import Ticket, TicketCategory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _ticket(org, *, supplier, category_code, type_="complaint", when=datetime(2025, 3, 10, 12, tzinfo=SHANGHAI)):
    category = TicketCategory.objects.get(company=org.company, code=category_code)
    return Ticket.objects.create(company=org.company, store=org.stores["a1"], title="t", type=type_,
                                 category=category, supplier=supplier, received_at=when)


def test_quality_complaint_ticket_counts_once_next_to_supplier_complaints(org):
    # given: one supplier complaint (March), two quality complaint tickets (March, April), and tickets that must
    # not count: a hygiene complaint, a quality praise, a quality complaint of another supplier
    services.company_defaults_ensure(org.company.pk)
    supplier, other = make_supplier(org.company), make_supplier(org.company)
    product = make_product(org.company)
    SupplierComplaint.objects.create(company=org.company, store=org.stores["a1"], product=product, supplier=supplier,
                                     date=date(2025, 3, 3), description="包装破损")
    _ticket(org, supplier=supplier, category_code="product_quality")
    _ticket(org, supplier=supplier, category_code="product_quality",
            when=datetime(2025, 4, 1, 0, 30, tzinfo=SHANGHAI))  # local April 1st (UTC still March 31st)
    _ticket(org, supplier=supplier, category_code="hygiene")
    _ticket(org, supplier=supplier, category_code="product_quality", type_="praise")
    _ticket(org, supplier=other, category_code="product_quality")
    # when
    counts = scorecard_complaints(company_id=org.company.pk, supplier_ids=[supplier.pk],
                                  periods=[date(2025, 3, 1), date(2025, 4, 1)], end=date(2025, 4, 30))
    # then
    assert counts.tolist() == [[2.0, 1.0]]
