"""Goals everywhere else: the inbox provider ("goals": running goals at risk or off track, key "goal:<pk>"; work
plans submitted to the user for approval, key "plan:<pk>"), the
cockpit tiles (running goals by status) and the brief section (goals needing attention, with their explanation).

An off-track goal is high, an at-risk one medium; the item is due at the period end.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from opsdesk.core.extensions import BriefSection, Tile
from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.permissions import user_can
from opsdesk.goals import selectors
from opsdesk.goals.choices import GoalStatusChoices
from opsdesk.goals.models import AREA, Goal, WorkPlan

MAX_ITEMS = 200
#: A submitted plan is due for its decision within a week.
PLAN_DECISION_DAYS = 7
PROVIDER_NAME = "goals"


def _latest_explanation(goal: Goal) -> str:
    from opsdesk.goals.services import explain

    measurement = goal.measurements.order_by("-as_of").first()
    return explain(measurement) if measurement else ""


def _item(goal: Goal) -> InboxItem:
    off = goal.status == GoalStatusChoices.OFF_TRACK
    return InboxItem(
        provider=PROVIDER_NAME, key=f"goal:{goal.pk}", severity=Sev.HIGH if off else Sev.MEDIUM,
        due=end_of_day(goal.period_end),
        title=deferred(lambda: (_("目标偏离：%(goal)s") if off else _("目标有风险：%(goal)s")) % {"goal": goal}),
        detail=deferred(lambda: _latest_explanation(goal)), store_id=goal.store_id,
        store_name=deferred(lambda: goal.scope_label), company_id=goal.company_id, link=goal.get_absolute_url(),
        source_owner_id=goal.owner_id)


def _plan_item(plan: WorkPlan, now: datetime) -> InboxItem:
    return InboxItem(
        provider=PROVIDER_NAME, key=f"plan:{plan.pk}", severity=Sev.MEDIUM, due=end_of_day(
            timezone.localtime(now).date() + timedelta(days=PLAN_DECISION_DAYS)),
        title=deferred(lambda: _("待审批工作计划：%(plan)s") % {"plan": plan}),
        detail=deferred(lambda: _("v%(number)s，提交人 %(person)s") % {
            "number": plan.version, "person": plan.submitted_by.display_name if plan.submitted_by else "—"}),
        store_id=plan.store_id, store_name=deferred(lambda: plan.scope_label), company_id=plan.company_id,
        link=plan.get_absolute_url())


class GoalProvider:
    name = PROVIDER_NAME
    label = pgettext_lazy("goals", "目标")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        plans = [_plan_item(plan, now) for plan in selectors.plans_awaiting_approval(user=user)[:MAX_ITEMS]]
        if not user_can(user, AREA, "view"):
            return plans
        today = timezone.localtime(now).date()
        return plans + [_item(goal) for goal in selectors.goals_needing_attention(user=user, today=today)[:MAX_ITEMS]]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit():
            return None
        if kind == "plan":
            found = next((p for p in selectors.plans_awaiting_approval(user=user) if p.pk == int(number)), None)
            return None if found is None else _plan_item(found, now)
        if kind != "goal" or not user_can(user, AREA, "view"):
            return None
        today = timezone.localtime(now).date()
        found = selectors.goals_needing_attention(user=user, today=today).filter(pk=int(number)).first()
        return None if found is None else _item(found)


PROVIDER = GoalProvider()


def provider_factory() -> GoalProvider:
    return PROVIDER


def cockpit_tiles(user, today: date) -> list[Tile]:
    """Running goals of the user's scope on track, and those at risk or off track."""
    if not user_can(user, AREA, "view"):
        return []
    counts = {status: 0 for status in GoalStatusChoices.values}
    for status in selectors.running_goals(user=user, today=today).values_list("status", flat=True):
        counts[status] += 1
    attention = counts[GoalStatusChoices.AT_RISK] + counts[GoalStatusChoices.OFF_TRACK]
    url = reverse("goals:goal_list")
    return [
        Tile(label=_("进展正常的目标"), value=str(counts[GoalStatusChoices.ON_TRACK]), unit="count",
             url=f"{url}?status=on_track", tone="good"),
        Tile(label=_("有风险或偏离的目标"), value=str(attention), unit="count", url=f"{url}?status=off_track",
             tone=("danger" if counts[GoalStatusChoices.OFF_TRACK] else "warning") if attention else "good"),
    ]


def brief_section(company_id: int, store_ids: tuple[int, ...] | None, day: date, language: str
                  ) -> BriefSection | None:
    """Running goals at risk or off track in the scope (the least likely five), each with its explanation."""
    goals = Goal.objects.filter(company_id=company_id, period_start__lte=day, period_end__gte=day,
                                status__in=selectors.ATTENTION)
    if store_ids is not None:
        goals = goals.filter(store_id__in=store_ids)
    goals = list(goals.select_related("store", "region", "person").order_by("probability", "pk")[:5])
    if not goals:
        return None
    with translation.override(language):
        lines = [f"{goal.get_status_display()} · {goal} · {_latest_explanation(goal)}" for goal in goals]
        return BriefSection(title=pgettext("goals", "目标"), lines=lines)
