"""The ranked inbox read as a page: filters, counts per type, one line per store for grouped providers, paging.

Everything here works in Python on the ranked list `inbox.inbox_for_user` returns (memoised per user for a short
while): filtering, counting, grouping and paging cost no query, whatever the number of items, and the ranking
("why first?") is the inbox's own. A group stands where its best-ranked item stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsdesk.core.inbox_items import InboxItem, end_of_day, groups_by_store

PAGE_SIZE = 25
DUE_CHOICES = (("overdue", _("已逾期")), ("today", _("今天到期")), ("week", _("本周到期")))
OWNER_MINE = "me"


@dataclass(frozen=True)
class InboxFilter:
    """What the person asked to see: one type (provider name), store, owner ("me" or a user's pk), due window, and
    optionally one group ("provider:store_id") shown line by line."""

    type: str = ""
    store_id: int | None = None
    owner: str = ""
    due: str = ""
    group: str = ""

    @property
    def group_key(self) -> tuple[str, int] | None:
        provider, _sep, store = self.group.partition(":")
        return (provider, int(store)) if provider and store.isdigit() else None


@dataclass
class InboxGroup:
    """The items of one grouped provider in one store (one line, with a count, expandable to the items)."""

    provider: str
    label: str
    items: list[InboxItem] = field(default_factory=list)
    is_group: bool = True

    @property
    def first(self) -> InboxItem:
        return self.items[0]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def store_id(self) -> int | None:
        return self.first.store_id

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.store_id}"

    @property
    def dom_id(self) -> str:
        return f"{self.provider}-{self.store_id}"


@dataclass
class TypeCount:
    name: str
    label: str
    count: int
    is_active: bool


@dataclass
class InboxPage:
    """One page of the inbox and what the filters offer."""

    page: Page
    total: int  # every item of the inbox
    matched: int  # the items the filters keep
    untyped: int  # the items the filters but the type keep (the "all" chip)
    type_counts: list[TypeCount]
    stores: list[tuple[int, str]]
    owners: list[tuple[str, str]]


def _due_bounds(now: datetime) -> dict[str, datetime]:
    today = timezone.localtime(now).date()
    return {"today": end_of_day(today), "week": end_of_day(today + timedelta(days=6 - today.weekday()))}


def _matches(item: InboxItem, selection: InboxFilter, user, bounds: dict[str, datetime], now: datetime,
             *, with_type: bool = True) -> bool:
    if with_type and selection.type and item.provider != selection.type:
        return False
    if selection.store_id is not None and item.store_id != selection.store_id:
        return False
    if selection.owner:
        owner_id = item.owner.pk if item.owner is not None else None
        wanted = user.pk if selection.owner == OWNER_MINE else int(selection.owner)
        if owner_id != wanted:
            return False
    if selection.due:
        if item.due is None:
            return False
        if selection.due == "overdue":
            return item.due < now
        return now <= item.due <= bounds[selection.due]
    return True


def inbox_filter(items: Iterable[InboxItem], selection: InboxFilter, user, now: datetime | None = None,
                 *, with_type: bool = True) -> list[InboxItem]:
    """The items the filter keeps, in ranked order (a group filter keeps that group's items)."""
    now = now or timezone.now()
    bounds = _due_bounds(now)
    kept = [item for item in items if _matches(item, selection, user, bounds, now, with_type=with_type)]
    group = selection.group_key
    if group is not None:
        kept = [item for item in kept if (item.provider, item.store_id) == group]
    return kept


def inbox_rows(items: list[InboxItem], labels: dict[str, str], grouped: set[str]) -> list[InboxItem | InboxGroup]:
    """The lines of the list: an item of a grouped provider joins its store's group, which stands at the place of
    its best-ranked item; a group of one is shown as the item itself."""
    rows: list[InboxItem | InboxGroup] = []
    groups: dict[tuple[str, int | None], InboxGroup] = {}
    for item in items:
        if item.provider not in grouped or item.store_id is None:
            rows.append(item)
            continue
        group = groups.get((item.provider, item.store_id))
        if group is None:
            group = groups[(item.provider, item.store_id)] = InboxGroup(item.provider, labels.get(item.provider, ""))
            rows.append(group)
        group.items.append(item)
    return [row.first if isinstance(row, InboxGroup) and row.count == 1 else row for row in rows]


def inbox_type_counts(items: list[InboxItem], labels: dict[str, str], active: str) -> list[TypeCount]:
    """How many items of each type (provider) the other filters keep, in the providers' order; empty types left out
    unless selected."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.provider] = counts.get(item.provider, 0) + 1
    return [TypeCount(name, str(label), counts.get(name, 0), name == active) for name, label in labels.items()
            if counts.get(name) or name == active]


def _stores(items: list[InboxItem]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for item in items:
        if item.store_id is not None and item.store_id not in seen:
            seen[item.store_id] = str(item.store_name)
    return sorted(seen.items(), key=lambda pair: pair[1])


def _owners(items: list[InboxItem], user) -> list[tuple[str, str]]:
    seen = {item.owner.pk: item.owner.display_name for item in items
            if item.owner is not None and item.owner.pk != user.pk}
    return [(str(pk), name) for pk, name in sorted(seen.items(), key=lambda pair: pair[1])]


def inbox_page(user, items: list[InboxItem], selection: InboxFilter, *, labels: dict[str, str], grouped: set[str],
               number=1, now: datetime | None = None, page_size: int = PAGE_SIZE) -> InboxPage:
    """Filter, count per type, group and page the ranked items (a group filter shows its items one by one)."""
    now = now or timezone.now()
    untyped = inbox_filter(items, selection, user, now, with_type=False)
    kept = [item for item in untyped if not selection.type or item.provider == selection.type]
    rows = kept if selection.group_key is not None else inbox_rows(kept, labels, grouped)
    return InboxPage(page=Paginator(rows, page_size).get_page(number), total=len(items), matched=len(kept),
                     untyped=len(untyped),
                     type_counts=inbox_type_counts(untyped, labels, selection.type), stores=_stores(items),
                     owners=_owners(items, user))


def grouped_providers(providers: dict) -> set[str]:
    """Names of the providers whose items the inbox groups by store."""
    return {name for name, provider in providers.items() if groups_by_store(provider)}
