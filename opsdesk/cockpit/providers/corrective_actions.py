"""Corrective actions (store operations) that are overdue or due within two days."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.inbox import InboxItem, deferred, end_of_day

DUE_WITHIN_DAYS = 2
PRIORITY_SEVERITY = {"low": Sev.LOW, "medium": Sev.MEDIUM, "high": Sev.HIGH, "critical": Sev.CRITICAL}


def _queryset(user, now):
    from opsdesk.storeops.models.actions import OPEN_ACTION_STATUSES
    from opsdesk.storeops.selectors import action_list

    horizon = (now + timedelta(days=DUE_WITHIN_DAYS)).date()
    return action_list(user=user).filter(status__in=OPEN_ACTION_STATUSES, due_date__lte=horizon)


def _item(action) -> InboxItem:
    return InboxItem(
        provider=PROVIDER.name, key=str(action.pk), severity=PRIORITY_SEVERITY.get(action.priority, Sev.MEDIUM),
        title=deferred(lambda: _("整改任务：%(title)s") % {"title": action.title}),
        detail=deferred(action.get_status_display),
        due=end_of_day(action.due_date), store_id=action.store_id, store_name=deferred(action.store.__str__),
        company_id=action.store.company_id, link=deferred(action.get_absolute_url), source_owner_id=action.owner_id)


class CorrectiveActionProvider:
    name = "corrective_action"
    label = gettext_lazy("整改任务")

    def items_for_user(self, user, now):
        return [_item(action) for action in _queryset(user, now).order_by("due_date", "pk")[:100]]

    def item_for_user(self, user, key, now):
        action = _queryset(user, now).filter(pk=int(key) if key.isdigit() else 0).first()
        return _item(action) if action else None


PROVIDER = CorrectiveActionProvider()
