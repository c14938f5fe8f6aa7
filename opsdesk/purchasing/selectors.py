"""Reads of the purchasing app: the price in force, the inbox feeds, suppliers' overviews, returns, complaints, and
the facts behind the scorecards."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from opsdesk.engine.suppliers import ScorecardLines
from opsdesk.purchasing.choices import ContractStatusChoices
from opsdesk.purchasing.models import (
    Contract,
    ContractPrice,
    ManagedSupplier,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatusChoices,
    Receipt,
    Supplier,
    SupplierComplaint,
    SupplierContact,
    SupplierDocument,
    SupplierReturn,
    SupplierScore,
)

S = PurchaseOrderStatusChoices
#: Orders the supplier has been asked to deliver: their lines count in the scorecard once due.
SCORED_STATUSES = (S.SENT, S.CONFIRMED, S.PARTLY_RECEIVED, S.RECEIVED)


def price_in_force(*, supplier_id: int, product_id: int, on: date) -> ContractPrice | None:
    """The contract price of a SKU from a supplier on a date: an active contract covering the date, and the price
    row valid on it; when several qualify, the one that started last (a renegotiation overrides)."""
    return (ContractPrice.objects.select_related("contract")
            .filter(contract__supplier_id=supplier_id, contract__status=ContractStatusChoices.ACTIVE,
                    contract__starts_on__lte=on, contract__ends_on__gte=on, product_id=product_id,
                    valid_from__lte=on, valid_to__gte=on)
            .order_by("-valid_from", "-contract__starts_on", "-pk").first())


def purchase_orders_for_user(user, action: str = "view") -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.for_user(user, action).select_related("supplier", "store", "created_by")


def late_deliveries_for_user(user, *, today: date | None = None) -> QuerySet[PurchaseOrder]:
    """Sent or confirmed orders (or partly received) past their due date, in the user's scope (action inbox)."""
    today = today or timezone.localdate()
    open_statuses = [S.SENT, S.CONFIRMED, S.PARTLY_RECEIVED]
    return (purchase_orders_for_user(user).filter(status__in=open_statuses)
            .filter(Q(promised_date__lt=today) | Q(promised_date__isnull=True, expected_date__lt=today))
            .order_by("expected_date", "pk"))


def expiring_contracts_for_user(user, days: int = 30, *, today: date | None = None) -> QuerySet[Contract]:
    """Active contracts ending within `days` days (action inbox)."""
    today = today or timezone.localdate()
    return (Contract.objects.for_user(user).filter(status=ContractStatusChoices.ACTIVE, ends_on__gte=today,
                                                    ends_on__lte=today + timedelta(days=days))
            .select_related("supplier").order_by("ends_on", "pk"))


def expiring_documents_for_user(user, days: int = 30, *, today: date | None = None) -> QuerySet[SupplierDocument]:
    """Supplier documents (licences, certificates) expiring within `days` days or already expired (action inbox;
    blocked suppliers' documents are left out, as in the reminder e-mails)."""
    today = today or timezone.localdate()
    return (SupplierDocument.objects.for_user(user).filter(expires_on__lte=today + timedelta(days=days))
            .exclude(supplier__status="blocked").select_related("supplier").order_by("expires_on", "pk"))


def receipts_for_order(order: PurchaseOrder) -> QuerySet[Receipt]:
    """The order's receipts, each with `returned` (units already sent back) and `returnable` (units left)."""
    returned = (SupplierReturn.objects.filter(receipt=OuterRef("pk")).values("receipt")
                .annotate(total=Sum("quantity")).values("total"))
    zero = Value(0, output_field=DecimalField(max_digits=12, decimal_places=3))
    return (Receipt.objects.filter(line__purchase_order=order).select_related("line__product", "created_by")
            .annotate(returned=Coalesce(Subquery(returned, output_field=DecimalField(max_digits=12, decimal_places=3)),
                                        zero)))


def returns_for_order(order: PurchaseOrder) -> QuerySet[SupplierReturn]:
    return (SupplierReturn.objects.filter(receipt__line__purchase_order=order)
            .select_related("receipt__line__product", "created_by").order_by("-date", "-pk"))


def supplier_returns_for_user(user, action: str = "view") -> QuerySet[SupplierReturn]:
    """Returns to suppliers in the user's stores, with what the list page and export show."""
    return SupplierReturn.objects.for_user(user, action).select_related(
        "receipt__line__product", "receipt__line__purchase_order__supplier",
        "receipt__line__purchase_order__store", "created_by")


# ------------------------------------------------------------------------------------------------ suppliers


def suppliers_for_user(user, action: str = "view") -> QuerySet[ManagedSupplier]:
    """Suppliers as supplier management reaches them (company scope, "supplier_management" area)."""
    return ManagedSupplier.objects.for_user(user, action).select_related("responsible")


def supplier_contacts(user, supplier: Supplier) -> QuerySet[SupplierContact]:
    return SupplierContact.objects.for_user(user).filter(supplier_id=supplier.pk)


def supplier_documents_for_user(user, action: str = "view") -> QuerySet[SupplierDocument]:
    return SupplierDocument.objects.for_user(user, action).select_related("supplier", "uploaded_by")


def supplier_overview(user, supplier: Supplier, *, today: date | None = None) -> dict:
    """What the supplier page shows besides the master data: contacts, documents, contracts, the last 10 orders
    in the user's stores, open complaints, and the last 12 months' line-weighted score."""
    today = today or timezone.localdate()
    scores = list(SupplierScore.objects.for_user(user).filter(supplier_id=supplier.pk).order_by("-period")[:12])
    lines = sum(score.lines for score in scores)
    return {
        "contacts": list(supplier_contacts(user, supplier)),
        "documents": list(supplier_documents_for_user(user).filter(supplier_id=supplier.pk)
                          .order_by("expires_on", "pk")),
        "contracts": list(Contract.objects.for_user(user).filter(supplier_id=supplier.pk)
                          .annotate(price_count=Count("prices")).order_by("-starts_on", "code")),
        "orders": list(purchase_orders_for_user(user).filter(supplier_id=supplier.pk)
                       .order_by("-order_date", "-pk")[:10]),
        "open_complaints": SupplierComplaint.objects.for_user(user).filter(supplier_id=supplier.pk,
                                                                          status="open").count(),
        "score": sum(score.score * score.lines for score in scores) / lines if lines else None,
        "standing": scores[0].get_standing_display() if scores else "",
        "expiring_before": today + timedelta(days=30),
        "today": today,
    }


# ------------------------------------------------------------------------------------------------ complaints


def complaints_for_user(user, action: str = "view") -> QuerySet[SupplierComplaint]:
    return SupplierComplaint.objects.for_user(user, action).select_related(
        "store", "product", "supplier", "created_by", "resolved_by", "order_line__purchase_order")


def scorecard_complaints(*, company_id: int, supplier_ids: list[int], periods: list[date], end: date) -> np.ndarray:
    """Complaints per supplier x month, shape (len(supplier_ids), len(periods)), for the scorecard's suppliers
    (those with scored lines) over [periods[0], end]; complaints of other suppliers are left out."""
    counts = np.zeros((len(supplier_ids), len(periods)))
    if not supplier_ids or not periods:
        return counts
    row = {supplier_id: i for i, supplier_id in enumerate(supplier_ids)}
    column = {(period.year, period.month): j for j, period in enumerate(periods)}
    facts = (SupplierComplaint.objects.filter(company_id=company_id, supplier_id__in=supplier_ids,
                                              date__gte=periods[0], date__lte=end)
             .annotate(month=TruncMonth("date")).values("supplier_id", "month").annotate(n=Count("pk"))
             .values_list("supplier_id", "month", "n"))
    for supplier_id, month, n in facts:
        month = month.date() if isinstance(month, datetime) else month
        counts[row[supplier_id], column[(month.year, month.month)]] += n
    for source in COMPLAINT_SOURCES:
        for supplier_id, day in source(company_id=company_id, supplier_ids=supplier_ids, start=periods[0], end=end):
            counts[row[supplier_id], column[(day.year, day.month)]] += 1
    return counts


#: Other apps' complaints about suppliers' products (e.g. customer-service tickets about product quality), each a
#: `source(*, company_id, supplier_ids, start, end) -> iterable of (supplier_id, date)`: one record per complaint,
#: counted where it lives, never copied into SupplierComplaint.
COMPLAINT_SOURCES: list = []


def register_complaint_source(source) -> None:
    """Add a source of supplier complaints to the scorecard (called from the source app's ready())."""
    if source not in COMPLAINT_SOURCES:
        COMPLAINT_SOURCES.append(source)


def scores_for_user(user) -> QuerySet[SupplierScore]:
    return SupplierScore.objects.for_user(user).select_related("supplier")


def scorecard_summary(user) -> list[dict]:
    """Per supplier: the last 12 months' persisted scores (line-weighted), for the scorecard list and chart."""
    rows: dict[int, dict] = {}
    for score in scores_for_user(user).order_by("supplier__code", "period"):
        row = rows.setdefault(score.supplier_id, {"supplier": score.supplier, "lines": 0, "weighted": 0.0,
                                                  "otif": 0.0, "fill": 0.0, "periods": []})
        row["lines"] += score.lines
        row["weighted"] += score.score * score.lines
        row["otif"] += score.otif_quantity_rate * score.lines
        row["fill"] += score.fill_rate * score.lines
        row["periods"].append(score)
    for row in rows.values():
        lines = max(row["lines"], 1)
        row.update(score=row["weighted"] / lines, otif=row["otif"] / lines, fill=row["fill"] / lines)
    return sorted(rows.values(), key=lambda row: -row["score"])


def scorecard_facts(*, company_id: int, start: date, end: date) -> tuple[ScorecardLines, list[int], list[date]]:
    """The facts of every scored line due in [start, end] of the company's orders, as flat NumPy arrays.

    One SQL pass for the lines and one for the receipts (aggregated per line); periods are calendar months of the
    due date. Returns the lines, the supplier ids of the supplier codes and the first day of each period.
    """
    order_table, line_table = PurchaseOrder._meta.db_table, PurchaseOrderLine._meta.db_table
    receipt_table = Receipt._meta.db_table
    statuses = [str(status) for status in SCORED_STATUSES]
    marks = ", ".join(["%s"] * len(statuses))
    sql = (
        "SELECT o.supplier_id, COALESCE(o.promised_date, o.expected_date), o.order_date, l.quantity, l.unit_price, "
        "l.contract_price, r.first_date, "
        "COALESCE(r.by_due, 0), COALESCE(r.received, 0), COALESCE(r.rejected, 0) "
        f"FROM {line_table} l JOIN {order_table} o ON o.id = l.purchase_order_id LEFT JOIN ("
        f"  SELECT x.line_id, MIN(x.date) AS first_date, SUM(x.quantity_received) AS received, "
        "   SUM(x.quantity_rejected) AS rejected, "
        "   SUM(CASE WHEN x.date <= COALESCE(y.promised_date, y.expected_date) "
        "       THEN x.quantity_received - x.quantity_rejected ELSE 0 END) AS by_due "
        f"  FROM {receipt_table} x JOIN {line_table} z ON z.id = x.line_id JOIN {order_table} y "
        "   ON y.id = z.purchase_order_id GROUP BY x.line_id) r ON r.line_id = l.id "
        f"WHERE o.company_id = %s AND o.status IN ({marks}) "
        "AND COALESCE(o.promised_date, o.expected_date) BETWEEN %s AND %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [company_id, *statuses, start, end])
        rows = cursor.fetchall()
    periods = _months(start, end)
    if not rows:
        return _empty_lines(), [], periods
    columns = list(zip(*rows, strict=True))
    supplier_ids, supplier_code = np.unique(np.asarray(columns[0], dtype=np.int64), return_inverse=True)
    due = _days(columns[1])
    start_month = start.year * 12 + start.month - 1
    months = due.astype("datetime64[M]").astype(np.int64) + 1970 * 12  # months since year 0
    period = months - start_month
    first = _days(columns[6])  # None (nothing received) becomes NaT
    lead_days = np.where(np.isnat(first), np.nan, (first - _days(columns[2])).astype("timedelta64[D]")
                         .astype(np.float64))
    received, rejected = _floats(columns[8]), _floats(columns[9])
    lines = ScorecardLines(
        supplier=supplier_code.reshape(-1), period=period, ordered=_floats(columns[3]),
        accepted_by_due=_floats(columns[7]), accepted=received - rejected, rejected=rejected,
        lead_days=lead_days, unit_price=_floats(columns[4]),
        contract_price=_floats([v if v is not None else np.nan for v in columns[5]]),
    )
    return lines, supplier_ids.tolist(), periods


def _days(values) -> np.ndarray:
    """Dates (ISO strings from SQLite, `date` objects from PostgreSQL) as datetime64[D], vectorised."""
    values = [value.date() if isinstance(value, datetime) else value for value in values]
    return np.asarray(values, dtype="datetime64[D]")


def supplier_ids_of_company(company_id: int) -> list[int]:
    return list(Supplier.objects.filter(company_id=company_id).values_list("pk", flat=True))


def _floats(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)  # Decimals (PostgreSQL) and numbers (SQLite) alike


def _empty_lines() -> ScorecardLines:
    empty = np.zeros(0)
    return ScorecardLines(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), *([empty] * 7))


def _months(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months
