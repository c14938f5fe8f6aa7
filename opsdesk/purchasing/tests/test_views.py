"""Purchasing pages: an order by hand through its page, receipts on the page, PDF, exports, scorecard charts and
the supplier portal."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from opsdesk.inventory.models import StockSnapshot
from opsdesk.purchasing.models import PurchaseOrder, SupplierScore
from opsdesk.purchasing.models import PurchaseOrderStatusChoices as S
from opsdesk.purchasing.tests.factories import make_contract, make_order, make_product, make_supplier

TODAY = timezone.localdate()


def _text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_supervisor_orders_by_hand_adds_a_line_and_sends(client, org):
    # given
    client.force_login(org.users["supervisor"])
    supplier, product = make_supplier(org.company), make_product(org.company)
    make_contract(supplier, product, price="4.20", starts=TODAY - timedelta(days=1), ends=TODAY + timedelta(days=60))
    # when
    created = client.post(reverse("purchasing:purchase_order_add"), {
        "supplier": supplier.pk, "store": org.stores["a2"].pk,
        "expected_date": (TODAY + timedelta(days=3)).isoformat(), "notes": "手工下单"})
    order = PurchaseOrder.objects.get(supplier=supplier)
    client.post(reverse("purchasing:purchase_order_line_add", args=[order.pk]),
                {"product": product.pk, "quantity": "24"})
    client.post(reverse("purchasing:purchase_order_send", args=[order.pk]))
    page = client.get(order.get_absolute_url())
    # then
    order.refresh_from_db()
    assert created.status_code == 302
    assert (order.status, order.total_value, order.store_id) == (S.SENT, Decimal("100.80"), org.stores["a2"].pk)
    assert page.status_code == 200
    assert "4.20" in page.content.decode()


def test_store_manager_receives_on_the_page_and_stock_follows(client, org):
    # given
    client.force_login(org.users["store_manager"])
    order = make_order(org.stores["a1"], make_supplier(org.company), quantity="6")
    line = order.lines.get()
    # when
    response = client.post(reverse("purchasing:purchase_order_receive", args=[order.pk]), {
        "line": line.pk, "date": TODAY.isoformat(), "quantity_received": "6", "quantity_rejected": "1",
        "rejection_reason": "expired"})
    # then
    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == S.PARTLY_RECEIVED
    assert StockSnapshot.objects.get(store=org.stores["a1"], product=line.product, date=TODAY).on_hand == Decimal(5)


def test_pdf_and_csv_export(client, org):
    # given
    client.force_login(org.users["coo"])
    order = make_order(org.stores["a1"], make_supplier(org.company))
    # when
    pdf = client.get(reverse("purchasing:purchase_order_pdf", args=[order.pk]))
    export = client.get(reverse("purchasing:purchase_order_list"), {"export": "csv"})
    # then
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert order.order_number in _text(export)


def test_scorecard_pages_carry_charts(client, org):
    # given
    client.force_login(org.users["supervisor"])
    supplier = make_supplier(org.company)
    SupplierScore.objects.create(supplier=supplier, period=TODAY.replace(day=1), lines=4, otif_lines=2,
                                 otif_line_rate=0.5, otif_quantity_rate=0.85, fill_rate=0.95, score=0.8,
                                 standing="acceptable", lead_time_mean=3.25, lead_time_std=1.48)
    # when
    listing = client.get(reverse("purchasing:scorecard_list"))
    detail = client.get(reverse("purchasing:supplier_detail", args=[supplier.pk]))
    export = client.get(reverse("purchasing:scorecard_list"), {"export": "csv"})
    # then
    assert 'data-chart="score-chart"' in listing.content.decode()
    assert 'data-chart="trend-chart"' in detail.content.decode()
    assert supplier.code in _text(export)


def test_supplier_portal_lists_only_own_orders_and_confirms(client, org):
    # given
    client.force_login(org.users["supplier"])
    own = make_order(org.stores["a1"], org.supplier)
    other = make_order(org.stores["a1"], make_supplier(org.company))
    promised = TODAY + timedelta(days=4)
    # when
    listing = client.get(reverse("purchasing:portal_order_list")).content.decode()
    confirm = client.post(reverse("purchasing:portal_order_confirm", args=[own.pk]),
                          {"promised_date": promised.isoformat()})
    denied = client.post(reverse("purchasing:portal_order_confirm", args=[other.pk]),
                         {"promised_date": promised.isoformat()})
    internal = client.get(reverse("purchasing:purchase_order_detail", args=[own.pk]))
    # then
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.order_number in listing
    assert other.order_number not in listing
    assert (confirm.status_code, own.status, own.promised_date) == (302, S.CONFIRMED, promised)
    assert (denied.status_code, other.status, other.promised_date) == (404, S.SENT, None)
    assert internal.status_code == 404


def test_supervisor_records_a_contract_and_its_price_then_orders_at_it(client, org):
    # given
    client.force_login(org.users["supervisor"])
    supplier, product = make_supplier(org.company), make_product(org.company)
    starts, ends = TODAY - timedelta(days=1), TODAY + timedelta(days=100)
    # when
    created = client.post(reverse("purchasing:contract_add"), {
        "supplier": supplier.pk, "code": "HT-2026-9", "title": "牛奶年度合同", "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(), "status": "active"})
    contract = supplier.contracts.get()
    client.post(reverse("purchasing:contract_price_add", args=[contract.pk]), {
        "product": product.pk, "unit_price": "3.90", "valid_from": starts.isoformat(), "valid_to": ends.isoformat(),
        "min_order_quantity": "12", "pack_size": "6", "lead_time_days": "2"})
    outside = client.post(reverse("purchasing:contract_price_add", args=[contract.pk]), {
        "product": product.pk, "unit_price": "3.00", "valid_from": starts.isoformat(),
        "valid_to": (ends + timedelta(days=1)).isoformat(), "min_order_quantity": "1", "pack_size": "1",
        "lead_time_days": "2"})
    # then
    assert created.status_code == 302
    assert outside.status_code == 302
    assert [(p.unit_price, p.min_order_quantity, p.pack_size) for p in contract.prices.all()] == [
        (Decimal("3.9000"), 12, 6)]
    in_force = client.get(reverse("purchasing:contract_detail", args=[contract.pk])).content.decode()
    assert "3.90" in in_force


def test_a_suppliers_score_and_otif_read_the_same_on_the_list_and_its_scorecard(client, org):
    # given: one month of scores, so the 12-month summary equals the month
    client.force_login(org.users["supervisor"])
    supplier = make_supplier(org.company)
    SupplierScore.objects.create(supplier=supplier, period=TODAY.replace(day=1), lines=4, otif_lines=2,
                                 otif_line_rate=0.5, otif_quantity_rate=0.85, fill_rate=0.95, score=0.727,
                                 standing="acceptable", rejection_rate=None)
    # when
    listing = client.get(reverse("purchasing:scorecard_list")).content.decode()
    detail = client.get(reverse("purchasing:supplier_detail", args=[supplier.pk])).content.decode()
    # then
    row = listing[listing.index(supplier.get_absolute_url()):]
    row = row[:row.index("</tr>")]
    scores = detail[detail.index('id="supplier-scores"'):]
    scores = scores[scores.index("<tbody>"):scores.index("</tbody>")]
    for figure in ("72.7", "85.0%", "95.0%"):
        text = f'<td class="text-end">{figure}</td>'
        assert text in row
        assert text in scores
    assert '<td class="text-end">—</td>' in scores  # no rejections recorded reads as a dash, not 0


def test_a_line_received_in_part_says_what_remains(client, org):
    # given: 10 ordered, 4 received
    client.force_login(org.users["store_manager"])
    order = make_order(org.stores["a1"], make_supplier(org.company), quantity="10")
    line = order.lines.get()
    client.post(reverse("purchasing:purchase_order_receive", args=[order.pk]), {
        "line": line.pk, "date": timezone.localdate().isoformat(), "quantity_received": "4", "quantity_rejected": "0",
        "rejection_reason": ""})
    # when
    page = client.get(reverse("purchasing:purchase_order_detail", args=[order.pk])).content.decode()
    # then
    order.refresh_from_db()
    assert order.status == S.PARTLY_RECEIVED
    assert '<div class="small text-secondary open-quantity">待收 6</div>' in page
