"""Inspections (store operations) due today or overdue in the user's scope."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.inbox import InboxItem, deferred, end_of_day


def _queryset(user, now):
    from opsdesk.storeops.models.runs import OPEN_RUN_STATUSES
    from opsdesk.storeops.selectors import run_list

    return run_list(user=user).filter(Q(due_date__lte=now.date()), status__in=OPEN_RUN_STATUSES)


def _item(run, now) -> InboxItem:
    overdue = run.due_date < now.date()
    return InboxItem(
        provider=PROVIDER.name, key=str(run.pk), severity=Sev.HIGH if overdue else Sev.MEDIUM,
        title=deferred(lambda: _("巡检待完成：%(name)s") % {"name": run.template_version.template}),
        detail=deferred(run.get_status_display), due=end_of_day(run.due_date), store_id=run.store_id,
        store_name=deferred(run.store.__str__), company_id=run.store.company_id, link=deferred(run.get_absolute_url),
        source_owner_id=run.assignee_id)


class InspectionProvider:
    name = "inspection"
    label = gettext_lazy("巡检到期")

    def items_for_user(self, user, now):
        return [_item(run, now) for run in _queryset(user, now).order_by("due_date", "pk")[:100]]

    def item_for_user(self, user, key, now):
        run = _queryset(user, now).filter(pk=int(key) if key.isdigit() else 0).first()
        return _item(run, now) if run else None


PROVIDER = InspectionProvider()
