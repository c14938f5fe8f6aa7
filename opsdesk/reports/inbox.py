"""Meeting decisions in the inbox: each open decision is an action for its owner (provider "reports", key
"decision:<pk>"), due at the end of its due day, linked to its meeting where it is marked done. Marking the inbox
item done closes the decision too, through the provider's `item_done` hook."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import visible_stores
from opsdesk.reports.choices import DecisionStatusChoices
from opsdesk.reports.models import AREA, MeetingDecision

MAX_ITEMS = 200
PROVIDER_NAME = "reports"


def _store_id(decision: MeetingDecision, owner) -> int | None:
    """The meeting's store; for a region or company meeting owned by someone without the whole company, one of
    the owner's stores (of the region when there is one), so that the owner's inbox shows it."""
    meeting = decision.meeting
    if meeting.store_id is not None or owner is None or owner.has_company_scope:
        return meeting.store_id
    stores = visible_stores(owner).order_by("pk")
    if meeting.region_id is not None:
        stores = stores.filter(region_id=meeting.region_id) or stores
    first = stores.values_list("pk", flat=True).first()
    return first


def _item(decision: MeetingDecision) -> InboxItem:
    meeting = decision.meeting
    return InboxItem(
        provider=PROVIDER_NAME, key=f"decision:{decision.pk}", severity=Sev.MEDIUM,
        due=end_of_day(decision.due_on) if decision.due_on else None,
        title=deferred(lambda: _("会议决议：%(text)s") % {"text": decision.text}),
        detail=deferred(lambda: f"{meeting.held_on} {meeting.title}"), store_id=_store_id(decision, decision.owner),
        store_name=deferred(lambda: meeting.scope_label), company_id=meeting.company_id,
        link=meeting.get_absolute_url(), source_owner_id=decision.owner_id)


def open_decisions_of(user):
    """The open decisions the user owns (of meetings of the user's company)."""
    return (MeetingDecision.objects.filter(owner_id=user.pk, meeting__company_id=user.company_id,
                                           status=DecisionStatusChoices.OPEN)
            .select_related("meeting", "meeting__store", "meeting__region", "owner").order_by("due_on", "pk"))


class DecisionProvider:
    name = PROVIDER_NAME
    label = gettext_lazy("会议决议")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        if not user_can(user, AREA, "view"):
            return []
        return [_item(decision) for decision in open_decisions_of(user)[:MAX_ITEMS]]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if kind != "decision" or not number.isascii() or not number.isdigit() or not user_can(user, AREA, "view"):
            return None
        found = open_decisions_of(user).filter(pk=int(number)).first()
        return None if found is None else _item(found)

    def item_done(self, *, actor, key: str, now: datetime) -> None:
        """The inbox's "done" on a decision item: the decision is done, closed by the actor at `now` (audited).
        Only its owner or whoever may change the meeting may close it: PermissionDenied for anyone else (a key
        that is no decision of the actor's company included), and nothing changes."""
        from opsdesk.reports.services import decision_complete

        kind, _sep, number = key.partition(":")
        if kind != "decision" or not number.isascii() or not number.isdigit():
            raise PermissionDenied
        decision = MeetingDecision.objects.filter(pk=int(number), meeting__company_id=actor.company_id).first()
        if decision is None:
            raise PermissionDenied
        decision_complete(actor=actor, decision=decision, now=now)


PROVIDER = DecisionProvider()


def provider_factory() -> DecisionProvider:
    return PROVIDER
