"""Inspections tied to operations data: shelf gaps raise stock checks, repeated service failures suggest training."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, in_scope_for_update
from opsdesk.storeops.choices import StockCheckReasonChoices, StockCheckStatusChoices, SuggestionStatusChoices
from opsdesk.storeops.models import Finding, StockCheck, StockCheckLine, TemplateItem, TrainingSuggestion
from opsdesk.storeops.services.common import AREA

RATE_WINDOW_DAYS = 28
LOW_COVER_DAYS = Decimal("3")
MAX_LINES = 40
TRAINING_WINDOW_DAYS = 30
TRAINING_MIN_FAILURES = 3


def stock_out_and_low(store, *, window_days: int = RATE_WINDOW_DAYS, low_cover_days: Decimal = LOW_COVER_DAYS,
                      limit: int = MAX_LINES) -> tuple[object, list[dict]]:
    """The store's SKUs that are out of stock or low, from the latest stock snapshot and recent daily sales.

    Returns (snapshot date or None, rows ordered out-first then by days of cover, fastest sellers first), each row
    {"product_id", "on_hand", "daily_rate", "days_of_cover", "reason"}. A SKU with no recent sales is not listed.
    """
    from opsdesk.inventory.models import StockSnapshot
    from opsdesk.sales.models import SkuDaySales

    snapshots = StockSnapshot.objects.filter(store=store)
    last_date = snapshots.aggregate(last=Max("date"))["last"]
    if last_date is None:
        return None, []
    on_hand = dict(snapshots.filter(date=last_date).values_list("product_id", "on_hand"))
    start = last_date - timedelta(days=window_days - 1)
    sold = (
        SkuDaySales.objects.filter(store=store, date__range=(start, last_date), product_id__in=list(on_hand))
        .values("product_id")
        .annotate(units=Sum("quantity"))
    )
    rows = []
    for row in sold:
        rate = (Decimal(row["units"] or 0) / window_days).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        if rate <= 0:
            continue
        stock = Decimal(on_hand[row["product_id"]])
        cover = (max(stock, Decimal(0)) / rate).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if stock <= 0:
            reason = StockCheckReasonChoices.OUT
        elif cover < low_cover_days:
            reason = StockCheckReasonChoices.LOW
        else:
            continue
        rows.append({"product_id": row["product_id"], "on_hand": stock, "daily_rate": rate, "days_of_cover": cover,
                     "reason": reason})
    rows.sort(key=lambda r: (r["reason"] != StockCheckReasonChoices.OUT, r["days_of_cover"], -r["daily_rate"],
                             r["product_id"]))
    return last_date, rows[:limit]


def stock_check_raise(*, run, finding: Finding) -> StockCheck:
    """Open a stock check for the run's store listing its out-of-stock and low SKUs (one per run)."""
    existing = StockCheck.objects.filter(run=run).first()
    if existing is not None:
        return existing
    snapshot_date, rows = stock_out_and_low(run.store)
    check = StockCheck.objects.create(store=run.store, run=run, finding=finding, snapshot_date=snapshot_date,
                                      created_at=finding.created_at)
    StockCheckLine.objects.bulk_create(StockCheckLine(stock_check=check, **row) for row in rows)
    return check


def stock_check_close(*, actor, stock_check: StockCheck, counts: dict[int, Decimal]) -> StockCheck:
    """Record counted quantities (line id -> units) and close the check."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        check = in_scope_for_update(actor, StockCheck, stock_check, "change")
        if check.status != StockCheckStatusChoices.OPEN:
            raise ValidationError(_("该核查已完成。"))
        for line in check.lines.all():
            if line.pk in counts:
                value = counts[line.pk]
                if value is not None and value < 0:
                    raise ValidationError(_("实盘数量不能为负数。"))
                line.counted_quantity = value
                line.save(update_fields=["counted_quantity"])
        check.status = StockCheckStatusChoices.DONE
        check.closed_at = timezone.now()
        check.save(update_fields=["status", "closed_at"])
    return check


def training_suggest(*, store, item: TemplateItem, now=None) -> TrainingSuggestion | None:
    """Suggest training when the item (by code) failed at least 3 times at the store in the last 30 days."""
    now = now or timezone.now()
    since = now - timedelta(days=TRAINING_WINDOW_DAYS)
    failures = Finding.objects.filter(store=store, item__code=item.code, created_at__gt=since, created_at__lte=now)
    count = failures.count()
    if count < TRAINING_MIN_FAILURES:
        return None
    suggestion = TrainingSuggestion.objects.filter(
        store=store, item_code=item.code, status=SuggestionStatusChoices.OPEN
    ).first()
    if suggestion is None:
        suggestion = TrainingSuggestion(store=store, item_code=item.code, created_at=now)
    suggestion.item_text = item.text
    suggestion.topic = item.topic
    suggestion.failure_count = count
    suggestion.window_days = TRAINING_WINDOW_DAYS
    suggestion.last_failed_at = failures.aggregate(last=Max("created_at"))["last"]
    suggestion.save()
    return suggestion


def training_decide(*, actor, suggestion: TrainingSuggestion, accept: bool) -> TrainingSuggestion:
    """Accept (plan a training) or dismiss a suggestion."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        suggestion = in_scope_for_update(actor, TrainingSuggestion, suggestion, "change")
        if suggestion.status != SuggestionStatusChoices.OPEN:
            raise ValidationError(_("该建议已处理。"))
        suggestion.status = SuggestionStatusChoices.ACCEPTED if accept else SuggestionStatusChoices.DISMISSED
        suggestion.decided_by = actor
        suggestion.save(update_fields=["status", "decided_by"])
    return suggestion
