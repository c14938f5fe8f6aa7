"""The action inbox: one ranked list of what needs attention in the user's scope, from every registered provider.

A provider (one small module in `providers/`) turns its source into `InboxItem`s for a user, through the source's
own `for_user` selectors, and can fetch one item by key. What people did with an item (assign, comment, snooze,
done, escalation) is kept in `InboxItemState`, keyed by provider and object key. Ranking is a sum of explained
points; overdue items climb the organisation one level after 1, 3 and 7 days. The plain item, its choices and
`deferred`/`end_of_day` live in `opsdesk.core.inbox_items` (domain apps build items without importing the cockpit)
and are re-exported here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.cockpit.choices import InboxStatusChoices as S
from opsdesk.cockpit.models import InboxComment, InboxItemState
from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.inbox_items import InboxItem, Provider, deferred, done_hook, end_of_day  # noqa: F401 (re-exported)
from opsdesk.core.models import Company, Store, User
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import visible_store_ids

#: Days overdue after which an item climbs to the next level: store manager -> supervisor -> regional manager -> COO.
ESCALATION_DAYS = (1, 3, 7)
#: What an item key may look like (providers build them from primary keys).
ITEM_KEY = re.compile(r"[0-9A-Za-z:_-]{1,80}")
ESCALATION_ROLES = (R.STORE_MANAGER, R.SUPERVISOR, R.REGIONAL_MANAGER, R.COO)
SEVERITY_POINTS = 100
OVERDUE_POINTS_PER_DAY = 10
OVERDUE_POINTS_CAP = 300
DUE_SOON_POINTS = 30
ESCALATION_POINTS = 50
MINE_POINTS = 20


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    """Add a source of inbox items (one provider module per source)."""
    _PROVIDERS[provider.name] = provider


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


# ------------------------------------------------------------------------------------------------ ranking


def escalation_level(due: datetime | None, now: datetime) -> int:
    """How many levels an item has climbed: 0 when not overdue, then one per threshold in ESCALATION_DAYS."""
    if due is None or due >= now:
        return 0
    days = (now - due).total_seconds() / 86400
    return sum(1 for threshold in ESCALATION_DAYS if days >= threshold)


def rank(item: InboxItem, user, now: datetime) -> None:
    """Score an item and record why (the "why first?" explanation)."""
    points = [(item.severity * SEVERITY_POINTS, "severity", item.severity)]
    if item.due is not None and item.due < now:
        days = max(1, int((now - item.due).total_seconds() // 86400))
        points.append((min(days * OVERDUE_POINTS_PER_DAY, OVERDUE_POINTS_CAP), "overdue", days))
    elif item.due is not None and item.due - now <= timedelta(days=1):
        points.append((DUE_SOON_POINTS, "due_soon", 0))
    if item.escalation_level:
        points.append((item.escalation_level * ESCALATION_POINTS, "escalated", item.escalation_level))
    if item.owner is not None and item.owner.pk == user.pk:
        points.append((MINE_POINTS, "mine", 0))
    item.score = sum(value for value, _kind, _argument in points)
    item.points = points


def _sort_key(item: InboxItem):
    due = item.due.timestamp() if item.due else float("inf")
    return (-item.score, due, item.provider, item.key)


# ------------------------------------------------------------------------------------------------ owners


class OwnerDirectory:
    """Who owns a store's items at each level (store manager, supervisor, regional manager, COO)."""

    def __init__(self, company_ids: set[int]):
        users = list(User.objects.filter(company_id__in=company_ids, is_active=True, role__in=ESCALATION_ROLES)
                     .prefetch_related("scope_stores", "scope_regions").order_by("pk"))
        self.stores = dict(Store.objects.filter(company_id__in=company_ids).values_list("pk", "region_id"))
        self.users = {user.pk: user for user in users}
        self._by_role: dict[str, list[User]] = {}
        self._scopes = {user.pk: ({s.pk for s in user.scope_stores.all()}, {r.pk for r in user.scope_regions.all()})
                        for user in users}
        self._cache: dict[tuple[int | None, int], User | None] = {}
        for user in users:
            self._by_role.setdefault(user.role, []).append(user)

    def _covers(self, user: User, store_id: int) -> bool:
        if user.has_company_scope:
            return True
        stores, regions = self._scopes[user.pk]
        return store_id in stores or self.stores.get(store_id) in regions

    def owner_at(self, store_id: int | None, level: int) -> User | None:
        """The first user of the level's role covering the store (climbing further when the level is empty)."""
        key = (store_id, level)
        if key not in self._cache:
            self._cache[key] = self._find(store_id, level)
        return self._cache[key]

    def _find(self, store_id: int | None, level: int) -> User | None:
        for role in ESCALATION_ROLES[min(level, len(ESCALATION_ROLES) - 1):]:
            for user in self._by_role.get(role, []):
                if store_id is None and user.has_company_scope or store_id is not None and self._covers(user,
                                                                                                       store_id):
                    return user
        return None


# ------------------------------------------------------------------------------------------------ reading


def _merge(items: list[InboxItem], user, now: datetime, include_closed: bool) -> list[InboxItem]:
    states = {(s.provider, s.object_key): s for s in InboxItemState.objects.filter(
        provider__in={i.provider for i in items}, object_key__in={i.key for i in items}).select_related("assignee")
        .prefetch_related(Prefetch("comments", InboxComment.objects.select_related("author")))}
    directory = OwnerDirectory({i.company_id for i in items}) if items else None
    source_owners = _source_owners(items, directory)
    out = []
    for item in items:
        state = states.get((item.provider, item.key))
        item.state = state
        item.status = state.status if state else S.OPEN
        if state and state.status == S.SNOOZED and state.snoozed_until and state.snoozed_until <= now:
            item.status = S.OPEN
        if item.status != S.OPEN and not include_closed:
            continue
        item.escalation_level = max(escalation_level(item.due, now), state.escalation_level if state else 0)
        item.owner = _owner(item, state, directory, source_owners)
        rank(item, user, now)
        out.append(item)
    return sorted(out, key=_sort_key)


def _owner(item: InboxItem, state: InboxItemState | None, directory: OwnerDirectory, source_owners: dict):
    """Who owns an item. An explicit assignee owns it at the level it was assigned at (`assigned_level`) and below;
    once the item climbs past that level, the owner of the new level takes it over (an assignment made after an
    escalation therefore sticks until the next one). Without an assignee: the escalation owner, else the source's
    owner, else the store's manager."""
    if state and state.assignee_id and item.escalation_level <= state.assigned_level:
        return state.assignee
    if item.escalation_level:
        return directory.owner_at(item.store_id, item.escalation_level)
    if item.source_owner_id:
        return source_owners.get(item.source_owner_id)
    return directory.owner_at(item.store_id, 0)


def _source_owners(items: list[InboxItem], directory: OwnerDirectory | None) -> dict[int, User]:
    """The sources' owners by id, in one query for those the directory does not hold (no query per item)."""
    if directory is None:
        return {}
    wanted = {i.source_owner_id for i in items if i.source_owner_id} - set(directory.users)
    return {**directory.users, **User.objects.in_bulk(wanted)} if wanted else dict(directory.users)


#: Provider output and each user's ranked list are memoised per worker process for a short while: reading every
#: source and ranking hundreds of items costs far more than one request should. Provider output may lag its source
#: by up to that long (a new stockout risk may wait half a minute); the ranked list is also dropped at once when
#: any item state of the company changes (assign, comment, snooze, done, escalation), so what a person does shows
#: on the next page. Rankings passed an explicit `now` (tests, the nightly jobs) are never memoised. 0 turns it off.
_MEMO: dict[tuple, tuple[float, object, list[InboxItem]]] = {}
MEMO_SIZE = 500


def _memo_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "OPSDESK_INBOX_CACHE_SECONDS", 30))


def _clone(item: InboxItem) -> InboxItem:
    """A shallow copy (the merge and the views write on items: never on the memo's)."""
    copy = object.__new__(InboxItem)
    copy.__dict__.update(item.__dict__)
    return copy


def _memoised(key: tuple, version, compute: Callable[[], list[InboxItem]]) -> list[InboxItem]:
    seconds = _memo_seconds()
    if seconds <= 0:
        return compute()
    clock = time.monotonic()
    hit = _MEMO.get(key)
    if hit is None or hit[0] < clock or hit[1] != version:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        hit = (clock + seconds, version, compute())
        _MEMO[key] = hit
    return [_clone(item) for item in hit[2]]


def _scope_key(user) -> tuple:
    return (user.pk, user.role, tuple(visible_store_ids(user)), user.has_company_scope)


def _provider_items(provider: Provider, user, now: datetime) -> list[InboxItem]:
    return _memoised((provider.name, *_scope_key(user)), None, lambda: provider.items_for_user(user, now))


def _state_version(company_id: int | None) -> tuple:
    """Changes whenever an item state of the company is written or deleted."""
    row = InboxItemState.objects.filter(company_id=company_id).aggregate(last=Max("updated_at"), count=Count("pk"))
    return row["last"], row["count"]


def inbox_for_user(user, *, now: datetime | None = None, include_closed: bool = False,
                   store_id: int | None = None) -> list[InboxItem]:
    """The user's ranked inbox: every provider's items in the user's scope, minus done and snoozed ones."""
    if not user_can(user, "inbox", "view"):
        return []
    if now is not None or _memo_seconds() <= 0:
        return _ranked(user, now or timezone.now(), include_closed, store_id)
    key = ("ranked", *_scope_key(user), include_closed, store_id)
    return _memoised(key, _state_version(user.company_id),
                     lambda: _ranked(user, timezone.now(), include_closed, store_id))


def inbox_revision(user, *, include_closed: bool = False, store_id: int | None = None) -> tuple | None:
    """Which memoised ranking `inbox_for_user` last served this user (None when not memoised): a page rendered from
    it may be reused while the revision stays the same (it changes when the memo expires or an item state changes).
    """
    if _memo_seconds() <= 0:
        return None
    hit = _MEMO.get(("ranked", *_scope_key(user), include_closed, store_id))
    return None if hit is None else (hit[0], hit[1])


def _ranked(user, now: datetime, include_closed: bool, store_id: int | None) -> list[InboxItem]:
    visible = set(visible_store_ids(user))
    items = []
    for provider in _PROVIDERS.values():
        for item in _provider_items(provider, user, now):
            # Belt and braces: a provider's item outside the user's stores never reaches the list.
            if item.store_id is not None and item.store_id not in visible:
                continue
            if item.store_id is None and (item.company_id != user.company_id or not user.has_company_scope):
                continue
            if store_id is None or item.store_id == store_id:
                items.append(item)
    return _merge(items, user, now, include_closed)


def inbox_item_get(user, provider: str, key: str, *, now: datetime | None = None) -> InboxItem:
    """One item of the user's scope (404 when unknown or out of scope)."""
    now = now or timezone.now()
    source = _PROVIDERS.get(provider)
    if not ITEM_KEY.fullmatch(key or ""):  # keys are ASCII ids ("12", "7:3"); "²".isdigit() would reach int()
        raise Http404
    item = source.item_for_user(user, key, now) if source and user_can(user, "inbox", "view") else None
    if item is None or (item.store_id is not None and item.store_id not in set(visible_store_ids(user))):
        raise Http404
    if item.store_id is None and (item.company_id != user.company_id or not user.has_company_scope):
        raise Http404
    return _merge([item], user, now, include_closed=True)[0]


# ------------------------------------------------------------------------------------------------ writing


def _state(item: InboxItem) -> InboxItemState:
    state, _created = InboxItemState.objects.select_for_update().get_or_create(
        provider=item.provider, object_key=item.key,
        defaults={"store_id": item.store_id, "company_id": item.company_id})
    return state


def _assert_can_act(actor) -> None:
    if not user_can(actor, "inbox", "change"):
        raise PermissionDenied


def _write(actor, item: InboxItem, change: Callable[[InboxItemState], None]) -> InboxItemState:
    from opsdesk.core.audit import audit_actor

    _assert_can_act(actor)
    with audit_actor(actor), transaction.atomic():
        state = _state(item)
        change(state)
        state.full_clean()
        state.save()
        InboxItemState.objects.for_user(actor, "change").get(pk=state.pk)
    return state


def inbox_item_assign(*, actor, item: InboxItem, assignee: User) -> InboxItemState:
    """Give an item to a person who can see it and act on it."""
    if item.store_id is not None and item.store_id not in set(visible_store_ids(assignee)) or not user_can(
            assignee, "inbox", "change") or assignee.company_id != item.company_id:
        raise ValidationError(_("此人看不到这条待办。"))

    def change(state):
        # The assignee owns the item at its present level (see `_owner`): escalation no longer overrides it.
        state.assignee, state.assigned_level = assignee, item.escalation_level
    return _write(actor, item, change)


def inbox_item_comment(*, actor, item: InboxItem, text: str) -> InboxComment:
    """Add a comment to an item."""
    text = text.strip()
    if not text:
        raise ValidationError(_("请填写评论。"))
    state = _write(actor, item, lambda state: None)
    return InboxComment.objects.create(state=state, author=actor, text=text)


def inbox_item_snooze(*, actor, item: InboxItem, until: datetime, reason: str, now: datetime | None = None
                      ) -> InboxItemState:
    """Hide an item until a time, with a reason (required)."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("暂缓需要填写原因。"))
    if until <= now:
        raise ValidationError(_("暂缓时间必须晚于现在。"))

    def change(state):
        state.status, state.snoozed_until, state.snooze_reason = S.SNOOZED, until, reason.strip()
    return _write(actor, item, change)


def inbox_item_done(*, actor, item: InboxItem, now: datetime | None = None) -> InboxItemState:
    """Mark an item handled: it leaves every inbox. A provider with an `item_done` hook closes its record too, in the
    same transaction (a refusal there leaves the inbox state unchanged)."""
    now = now or timezone.now()

    def change(state):
        state.status, state.done_by, state.done_at = S.DONE, actor, now
    close = done_hook(_PROVIDERS.get(item.provider))
    with transaction.atomic():
        state = _write(actor, item, change)
        if close is not None:
            close(actor=actor, key=item.key, now=now)
    return state


def inbox_escalate(*, company: Company, now: datetime | None = None) -> int:
    """Persist the escalation level of the company's overdue items (the nightly job); returns items escalated."""
    now = now or timezone.now()
    system = User.objects.filter(company=company, has_company_scope=True, is_active=True,
                                 role__in=[R.COO, R.ADMIN]).order_by("pk").first()
    if system is None:
        return 0
    count = 0
    for item in inbox_for_user(system, now=now):
        level = escalation_level(item.due, now)
        if level and (item.state is None or item.state.escalation_level < level):
            with transaction.atomic():
                state = _state(item)
                state.escalation_level, state.escalated_at = level, now
                state.save()
            count += 1
    return count


# ------------------------------------------------------------------------------------------------ several at once


def inbox_items_select(user, item_ids: list[str], members: list[InboxItem]) -> list[InboxItem]:
    """The items a person ticked: ids ("provider:key") and the members of ticked groups (read from the person's own
    filtered inbox). An id that is not in the open inbox is read like a single action reads it: 404 when unknown or
    out of the person's scope, so a request with one foreign id changes nothing."""
    chosen = {item.item_id: item for item in members}
    ranked = {item.item_id: item for item in inbox_for_user(user)}
    for item_id in item_ids:
        provider, _sep, key = item_id.partition(":")
        if item_id not in chosen:
            chosen[item_id] = ranked.get(item_id) or inbox_item_get(user, provider, key)
    return list(chosen.values())


def inbox_items_bulk(*, actor, items: list[InboxItem], action: str, until: datetime | None = None, reason: str = "",
                     now: datetime | None = None) -> int:
    """Assign to oneself, snooze or complete several items: each goes through its single action (same checks), all
    in one transaction, so either every item changes or none does. Returns the number of items changed."""
    _assert_can_act(actor)
    if not items:
        raise ValidationError(_("请先勾选待办。"))
    if action == "snooze" and until is None:
        raise ValidationError(_("请填写暂缓时间。"))
    with transaction.atomic():
        for item in items:
            if action == "assign_me":
                inbox_item_assign(actor=actor, item=item, assignee=actor)
            elif action == "snooze":
                inbox_item_snooze(actor=actor, item=item, until=until, reason=reason, now=now)
            elif action == "done":
                inbox_item_done(actor=actor, item=item, now=now)
            else:
                raise ValidationError(_("未知的操作。"))
    return len(items)
