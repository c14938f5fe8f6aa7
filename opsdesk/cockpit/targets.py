"""Monthly store sales targets written by other apps (the goals app's store sales goals) through
`core.hooks.write_sales_targets`; imports and the demo write SalesTarget rows directly."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from opsdesk.cockpit.models import SalesTarget
from opsdesk.core import hooks
from opsdesk.core.models import Store


@transaction.atomic
def write_targets(company_id: int, targets: dict[tuple[int, date], Decimal], source: str) -> int:
    """Upsert the targets under `source`, drop the rows `source` wrote before that it no longer names, and refresh
    the cockpit's rollups. Stores of another company are refused."""
    if not source:
        raise ValueError("a target writer names its source")
    store_ids = {store_id for store_id, _month in targets}
    foreign = store_ids - set(Store.objects.filter(company_id=company_id, pk__in=store_ids).values_list(
        "pk", flat=True))
    if foreign:
        raise ValueError(f"stores {sorted(foreign)} are not of company {company_id}")
    stale = SalesTarget.objects.filter(store__company_id=company_id, source=source)
    keep = set(targets)
    stale_ids = [pk for pk, store_id, month in stale.values_list("pk", "store_id", "month")
                 if (store_id, month) not in keep]
    removed = SalesTarget.objects.filter(pk__in=stale_ids).delete()[0]
    current = {(store_id, month): (amount, row_source) for store_id, month, amount, row_source in
               SalesTarget.objects.filter(store__company_id=company_id).values_list("store_id", "month", "amount",
                                                                                   "source")}
    changed = 0
    for (store_id, month), amount in targets.items():
        if month.day != 1:
            raise ValueError(f"a target month is its first day, got {month}")
        amount = Decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if current.get((store_id, month)) == (amount, source):
            continue
        SalesTarget.objects.update_or_create(store_id=store_id, month=month,
                                             defaults={"amount": amount, "source": source})
        changed += 1
    if changed or removed:  # only then: the refresh re-measures goals, which re-syncs (no loop on no change)
        hooks.facts_changed(company_id)  # the rollups carry the daily target
    return len(targets)
