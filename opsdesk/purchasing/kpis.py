"""KPIs of purchasing as selectors `(scope, period) -> value`, registered in the core KPI registry from the app's
ready().

Every period is a pair of local dates, both included. Supplier OTIF follows the supplier scorecard
(`selectors.scorecard_facts` and `opsdesk.engine.suppliers.compute_scorecards`): the lines of orders sent to the
supplier (`selectors.SCORED_STATUSES`) due in the period, due meaning the promised date or else the expected one,
each contributing min(units accepted by the due date, units ordered). The scorecard's facts are company-wide, so the
same sums are taken here in one aggregate query restricted to the scope's stores.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiDefinition, KpiScope, Period
from opsdesk.purchasing.models import PurchaseOrderLine, Receipt
from opsdesk.purchasing.selectors import SCORED_STATUSES

QUANTITY = DecimalField(max_digits=14, decimal_places=3)


def otif_sums(scope: KpiScope, period: Period) -> tuple[Decimal, Decimal]:
    """(units on time in full, units ordered) of the scored lines due in the period and not after today (a line
    counts once due, as in the nightly scorecard)."""
    end = min(period[1], timezone.localdate())
    lines = scope.restrict(
        PurchaseOrderLine.objects.filter(purchase_order__status__in=SCORED_STATUSES),
        company_field="purchase_order__company_id", store_field="purchase_order__store_id",
    ).annotate(due=Coalesce("purchase_order__promised_date", "purchase_order__expected_date")).filter(
        due__gte=period[0], due__lte=end)
    # Accepted units (received minus rejected) of the line's receipts up to its due date; early receipts count.
    accepted = (Receipt.objects.filter(line_id=OuterRef("pk"), date__lte=OuterRef("due")).order_by()
                .values("line_id").annotate(units=Sum(F("quantity_received") - F("quantity_rejected")))
                .values("units"))
    zero = Value(Decimal(0), output_field=QUANTITY)
    row = lines.annotate(by_due=Coalesce(Subquery(accepted, output_field=QUANTITY), zero)).aggregate(
        on_time=Sum(Least("by_due", "quantity", output_field=QUANTITY)), ordered=Sum("quantity"))
    return Decimal(row["on_time"] or 0), Decimal(row["ordered"] or 0)


def supplier_otif_percent(scope: KpiScope, period: Period) -> float | None:
    """On-time-in-full rate by quantity (%) of the scored purchase-order lines due in the period, as the supplier
    scorecard computes it; None without units ordered."""
    on_time, ordered = otif_sums(scope, period)
    return None if not ordered else float(on_time * 100 / ordered)


KPIS = (
    KpiDefinition(
        code="purchasing_supplier_otif", name_zh="供应商准时足量率（OTIF）", name_en="Supplier OTIF",
        unit="%", direction="higher",
        aggregation="sum of units on time in full ÷ sum of units ordered over the scope's lines due in the period",
        description_zh="截止日期（供应商承诺到货日期，无则预计到货日期）在统计期内且不晚于今天的采购单明细"
                       "（已发送、已确认、部分收货或已收货的采购单）中："
                       "Σ min(截止日前验收数量, 订购数量) ÷ Σ 订购数量 × 100。"
                       "验收数量 = 到货数量 − 拒收数量；提前到货算准时。"
                       "与供应商评分的按数量 OTIF 相同，但跨月按数量合计，不是各月比率的加权平均。",
        description_en="Over the purchase-order lines (of sent, confirmed, partly received or received orders) due in "
                       "the period and not after today, due meaning the supplier's promised date or else the "
                       "expected date: Σ min(units accepted by the due date, units ordered) ÷ Σ units ordered × "
                       "100. Accepted = received − rejected; early deliveries count as on time. The supplier "
                       "scorecard's OTIF by quantity, pooled over the months (not an average of monthly rates).",
        measure=supplier_otif_percent),
)


def register_extensions() -> None:
    """Register the purchasing KPIs in the core registry (called from PurchasingConfig.ready())."""
    for definition in KPIS:
        extensions.register_kpi(definition)
