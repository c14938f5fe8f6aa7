"""The inbox provider of the risk register ("risks"): indicators in breach (with the numbers), response actions past
due, and risks whose review is overdue.

Keys: "kri:<indicator pk>", "action:<action pk>", "review:<risk pk>". A red indicator is critical, an amber one high;
an overdue action or review is high when the risk is above appetite, medium otherwise.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core.extensions import kpis
from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.permissions import user_can
from opsdesk.risks import selectors
from opsdesk.risks.choices import SERIOUS_SEVERITIES, DrillStatusChoices, IncidentStatusChoices, KriStatusChoices
from opsdesk.risks.models import AREA, INCIDENT_AREA, Drill, Incident, KeyRiskIndicator, Risk, RiskAction

MAX_ITEMS = 200
PROVIDER_NAME = "risks"


def _kri_item(indicator: KeyRiskIndicator, definitions) -> InboxItem:
    red = indicator.status == KriStatusChoices.RED
    link = indicator.risk.get_absolute_url() if indicator.risk_id else indicator.get_absolute_url()
    return InboxItem(
        provider=PROVIDER_NAME, key=f"kri:{indicator.pk}", severity=Sev.CRITICAL if red else Sev.HIGH,
        due=end_of_day(indicator.breached_since or timezone.localdate()),
        title=deferred(lambda: (_("关键风险指标超限：%(name)s") if red else _("关键风险指标预警：%(name)s"))
                       % {"name": indicator.name}),
        detail=deferred(lambda: selectors.breach_text(indicator, definitions.get(indicator.kpi_code))),
        store_id=indicator.store_id, store_name=deferred(lambda: indicator.scope_label),
        company_id=indicator.company_id, link=link,
        source_owner_id=indicator.risk.owner_id if indicator.risk_id else None)


def _action_item(action: RiskAction) -> InboxItem:
    risk = action.risk
    return InboxItem(
        provider=PROVIDER_NAME, key=f"action:{action.pk}",
        severity=Sev.HIGH if risk.is_above_appetite else Sev.MEDIUM, due=end_of_day(action.due_date),
        title=deferred(lambda: _("风险应对行动逾期：%(title)s") % {"title": action.title}),
        detail=deferred(lambda: _("%(risk)s · 负责人：%(owner)s · 截止：%(due)s") % {
            "risk": risk, "owner": _owner_name(action.owner or risk.owner), "due": action.due_date.isoformat()}),
        store_id=risk.store_id, store_name=deferred(lambda: risk.scope_label), company_id=risk.company_id,
        link=risk.get_absolute_url(), source_owner_id=action.owner_id or risk.owner_id)


def _owner_name(user) -> str:
    return "—" if user is None else user.display_name


def _review_item(risk: Risk) -> InboxItem:
    return InboxItem(
        provider=PROVIDER_NAME, key=f"review:{risk.pk}",
        severity=Sev.HIGH if risk.is_above_appetite else Sev.MEDIUM, due=end_of_day(risk.next_review_on),
        title=deferred(lambda: _("风险复核逾期：%(risk)s") % {"risk": risk}),
        detail=deferred(lambda: _("剩余分值 %(score)s，应于 %(due)s 复核") % {
            "score": risk.residual_score, "due": risk.next_review_on.isoformat()}),
        store_id=risk.store_id, store_name=deferred(lambda: risk.scope_label), company_id=risk.company_id,
        link=risk.get_absolute_url(), source_owner_id=risk.owner_id)


def _open_serious_incidents(user):
    return (Incident.objects.for_user(user).filter(severity__in=SERIOUS_SEVERITIES)
            .exclude(status=IncidentStatusChoices.CLOSED).select_related("store"))


def _overdue_drills(user, today):
    return (Drill.objects.for_user(user).filter(status__in=[DrillStatusChoices.SCHEDULED,
                                                             DrillStatusChoices.IN_PROGRESS], scheduled_for__lt=today)
            .select_related("store", "plan"))


def _incident_item(incident: Incident) -> InboxItem:
    return InboxItem(
        provider=PROVIDER_NAME, key=f"incident:{incident.pk}", severity=Sev.CRITICAL,
        due=end_of_day(timezone.localtime(incident.occurred_at).date() + timedelta(days=3)),
        title=deferred(lambda: _("严重事件待调查：%(title)s") % {"title": incident.title}),
        detail=deferred(lambda: f"{incident.number} · {incident.get_severity_display()} · "
                                f"{incident.get_status_display()}"),
        store_id=incident.store_id, store_name=deferred(incident.store.__str__), company_id=incident.company_id,
        link=incident.get_absolute_url(), source_owner_id=incident.owner_id)


def _drill_item(drill: Drill) -> InboxItem:
    return InboxItem(
        provider=PROVIDER_NAME, key=f"drill:{drill.pk}", severity=Sev.MEDIUM, due=end_of_day(drill.scheduled_for),
        title=deferred(lambda: _("应急演练逾期：%(plan)s") % {"plan": drill.plan.title}),
        detail=deferred(lambda: _("计划于 %(day)s") % {"day": drill.scheduled_for.isoformat()}),
        store_id=drill.store_id, store_name=deferred(drill.store.__str__), company_id=drill.company_id,
        link=drill.get_absolute_url())


class RiskProvider:
    name = PROVIDER_NAME
    label = gettext_lazy("风险")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        today = timezone.localtime(now).date()
        items = []
        if user_can(user, AREA, "view"):
            definitions = kpis()
            items += [_kri_item(indicator, definitions) for indicator in selectors.breached_indicators(user=user)]
            items += [_action_item(action) for action in
                      selectors.overdue_actions(user=user, today=today).select_related(
                          "risk__category", "risk__owner", "owner")[:MAX_ITEMS]]
            items += [_review_item(risk) for risk in selectors.overdue_reviews(user=user, today=today)[:MAX_ITEMS]]
        if user_can(user, INCIDENT_AREA, "change"):
            items += [_incident_item(incident) for incident in _open_serious_incidents(user)[:MAX_ITEMS]]
            items += [_drill_item(drill) for drill in _overdue_drills(user, today)[:MAX_ITEMS]]
        return sorted(items, key=lambda item: -item.severity)[:MAX_ITEMS]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit():
            return None
        today = timezone.localtime(now).date()
        if kind in ("incident", "drill"):
            if not user_can(user, INCIDENT_AREA, "change"):
                return None
            if kind == "incident":
                found = _open_serious_incidents(user).filter(pk=int(number)).first()
                return None if found is None else _incident_item(found)
            found = _overdue_drills(user, today).filter(pk=int(number)).first()
            return None if found is None else _drill_item(found)
        if not user_can(user, AREA, "view"):
            return None
        if kind == "kri":
            found = selectors.breached_indicators(user=user).filter(pk=int(number)).first()
            return None if found is None else _kri_item(found, kpis())
        if kind == "action":
            found = selectors.overdue_actions(user=user, today=today).filter(pk=int(number)).first()
            return None if found is None else _action_item(found)
        if kind == "review":
            found = selectors.overdue_reviews(user=user, today=today).filter(pk=int(number)).first()
            return None if found is None else _review_item(found)
        return None


PROVIDER = RiskProvider()


def provider_factory() -> RiskProvider:
    return PROVIDER



