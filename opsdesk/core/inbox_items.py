"""What an inbox provider hands over: the plain `InboxItem`, its severity and status choices, and two helpers.

These lived in `opsdesk.cockpit.inbox`; they moved here so a domain app can write its own provider without
importing the cockpit (an import-linter contract forbids that). The cockpit re-exports every name, and keeps the
ranking, the item states and the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class SeverityChoices(models.IntegerChoices):
    LOW = 1, gettext_lazy("低")
    MEDIUM = 2, gettext_lazy("中")
    HIGH = 3, gettext_lazy("高")
    CRITICAL = 4, gettext_lazy("紧急")


class InboxStatusChoices(models.TextChoices):
    OPEN = "open", gettext_lazy("待处理")
    SNOOZED = "snoozed", gettext_lazy("已暂缓")
    DONE = "done", gettext_lazy("已完成")


@dataclass
class InboxItem:
    """One thing that needs action, as a provider sees it (the state is merged in by the inbox)."""

    provider: str
    key: str
    title: str
    severity: int
    due: datetime | None
    store_id: int | None
    company_id: int
    link: str
    detail: str = ""
    store_name: str = ""
    source_owner_id: int | None = None
    # Filled in by the inbox.
    owner: Any = None  # a core User
    status: str = InboxStatusChoices.OPEN
    escalation_level: int = 0
    score: int = 0
    points: list[tuple[int, str, int]] = field(default_factory=list)  # (points, reason kind, argument)
    state: Any = None  # the cockpit's InboxItemState, when one exists

    @property
    def reasons(self) -> list[str]:
        """Why the item ranks where it does, one line per contribution (formatted only when shown)."""
        return [f"+{value} {_reason(self, kind, argument)}" for value, kind, argument in self.points]

    @property
    def severity_label(self) -> str:
        return SeverityChoices(self.severity).label

    @property
    def status_label(self) -> str:
        return InboxStatusChoices(self.status).label

    @property
    def item_id(self) -> str:
        return f"{self.provider}:{self.key}"


def _reason(item: InboxItem, kind: str, argument: int) -> str:
    if kind == "severity":
        return _("严重程度 %(label)s") % {"label": item.severity_label}
    if kind == "overdue":
        return _("已逾期 %(days)s 天") % {"days": argument}
    if kind == "due_soon":
        return _("24 小时内到期")
    if kind == "escalated":
        return _("已升级 %(level)s 级") % {"level": argument}
    return _("由你负责")


class Provider(Protocol):
    """A source of inbox items: every item of a user's scope, and one item by its key (None when out of scope).

    A provider of many small lines of one kind per store (a stockout risk per SKU) may also set the optional class
    attribute `group_by_store = True`: the inbox then shows its items as one line per store with a count, expandable
    to the lines (read it with `groups_by_store(provider)`).

    A provider whose items are records with a state of their own (a meeting decision) may also define
    `item_done(*, actor, key, now)`: marking the inbox item done then closes the record too, in the same transaction
    (read it with `done_hook(provider)`); it raises PermissionDenied when the actor may not close it.
    """

    name: str
    label: str

    def items_for_user(self, user, now: datetime) -> list[InboxItem]: ...

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None: ...


def groups_by_store(provider) -> bool:
    """Whether the inbox shows the provider's items as one line per store (the optional `group_by_store`)."""
    return bool(getattr(provider, "group_by_store", False))


def done_hook(provider) -> Callable | None:
    """The provider's optional `item_done(*, actor, key, now)`, or None."""
    return getattr(provider, "item_done", None)


def _call(function: Callable[[], str]) -> str:
    return function()


_lazy_call = lazy(_call, str)  # one proxy class, built once


def deferred(function: Callable[[], str]) -> str:
    """A string computed only when shown: an inbox ranks hundreds of items but a page shows a few dozen."""
    return _lazy_call(function)


def end_of_day(day) -> datetime:
    """A due date's deadline: the end of that local day."""
    return timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)))
