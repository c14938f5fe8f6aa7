"""The "online_reviews" import kind: reviews from Meituan, Dianping, ... become online-review tickets.

Each review row (date, store code, 1-5 rating, text, optional platform and review id) becomes one ticket of channel
online_review in category "other": praise for 4 or 5 stars, a complaint below. Rows go through the imports
framework (mapping, validation, quarantine with row/column/reason, batch accounting, one transaction).

The natural key is (store, platform, review id) when the file has review ids, else (store, date, text hash); its
fingerprint is the ticket's `external_ref` ("review:<16 hex>", unique per company), so a re-import skips the
reviews already there. A review is received on its date (trends count it there) but its SLA clocks start when the
import brings it to the store (`sla_started_at`): a past review is not overdue the moment it arrives.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.imports.kinds import STORE, F, KindSpec, register_kind
from opsdesk.service.choices import EventKindChoices, TicketChannelChoices, TicketTypeChoices

KIND = "online_reviews"


def review_key(record: dict) -> str:
    """The fingerprint of a review's natural key (16 hex digits of SHA-256)."""
    if record.get("review_id"):
        parts = ("id", record["store"], record.get("platform") or "", record["review_id"])
    else:
        text = hashlib.sha256(record["text"].encode()).hexdigest()
        parts = ("text", record["store"], record["date"].isoformat(), text)
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def _check(record: dict) -> tuple[str, str] | None:
    if not 1 <= record["rating"] <= 5:
        return "rating", _("评分应为 1 到 5")
    record["review_key"] = review_key(record)
    return None


class ReviewWriter:
    """Creates the tickets of one batch's reviews, skipping those an earlier import created."""

    def __init__(self, batch):
        self.company_id, self.actor = batch.company_id, batch.created_by
        self.owners: dict[int, object] = {}

    def write(self, records: list[dict]) -> None:
        from opsdesk.core.models import Store
        from opsdesk.service import services
        from opsdesk.service.models import Ticket, TicketCategory, TicketEvent

        if not records:
            return
        services.company_defaults_ensure(self.company_id)
        category = TicketCategory.objects.get(company_id=self.company_id, code="other")
        store_ids = {record["store"] for record in records}
        refs = {f"review:{record['review_key']}" for record in records}
        known = set(Ticket.objects.filter(company_id=self.company_id, external_ref__in=refs)
                    .values_list("external_ref", flat=True))
        fresh = list({record["review_key"]: record for record in records
                      if f"review:{record['review_key']}" not in known}.values())
        stores = Store.objects.in_bulk(store_ids)
        tickets = [self._ticket(record, stores[record["store"]], category) for record in fresh]
        self._number(tickets)
        Ticket.objects.bulk_create(tickets)
        TicketEvent.objects.bulk_create([
            TicketEvent(ticket=ticket, kind=EventKindChoices.STATUS, author=self.actor, at=ticket.received_at,
                        text=_("线上评价导入（%(source)s）。") % {"source": _source(record)})
            for ticket, record in zip(tickets, fresh, strict=True)])

    def _ticket(self, record: dict, store, category):
        from opsdesk.service.models import Ticket
        from opsdesk.service.services import default_owner

        if store.pk not in self.owners:
            self.owners[store.pk] = default_owner(store)
        # A review carries only its date: the ticket is received at the start of it (today's: now).
        received = min(timezone.now(), timezone.make_aware(datetime.combine(record["date"], time())))
        rating = record["rating"]
        text = record["text"]
        return Ticket(company_id=self.company_id, store=store, channel=TicketChannelChoices.ONLINE_REVIEW,
                      type=TicketTypeChoices.PRAISE if rating >= 4 else TicketTypeChoices.COMPLAINT,
                      category=category, rating=rating, title=f"{_source(record)}：{text[:60]}"[:200],
                      description=text[:4000], received_at=received, owner=self.owners[store.pk],
                      created_by=self.actor, sla_started_at=max(received, timezone.now()),
                      external_ref=f"review:{record['review_key']}")

    def _number(self, tickets) -> None:
        from opsdesk.service.models import Ticket

        counters: dict[int, int] = {}
        for ticket in sorted(tickets, key=lambda item: item.received_at):
            year = timezone.localtime(ticket.received_at).year
            if year not in counters:
                counters[year] = Ticket.objects.filter(company_id=self.company_id,
                                                       number__startswith=f"T{year}-").count()
            counters[year] += 1
            ticket.number = f"T{year}-{counters[year]:06d}"


def _source(record: dict) -> str:
    platform = record.get("platform") or _("线上评价")
    return f"{platform} #{record['review_id']}" if record.get("review_id") else platform


SPEC = KindSpec(
    KIND,
    (
        F("date", "日期", "date", True, ("日期", "评价日期", "评价时间", "date", "review_date")),
        F("store", "门店编号", "store", True, STORE),
        F("rating", "评分", "integer", True, ("评分", "星级", "打分", "rating", "stars", "score")),
        F("text", "评价内容", "text", True, ("评价内容", "内容", "评价", "text", "review", "comment", "content")),
        F("platform", "平台", "text", False, ("平台", "来源", "platform", "source", "channel"), ""),
        F("review_id", "评价编号", "text", False, ("评价编号", "评价ID", "review_id", "id"), ""),
    ),
    key=("review_key",),
    model="service.Ticket",
    check=_check,
    title=gettext_lazy("线上评价"),
    writer=ReviewWriter,
)


def register() -> None:
    """Called from the service app's registry."""
    register_kind(SPEC)
