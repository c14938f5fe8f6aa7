"""Training: permission areas, audited models, menu items, the four KPIs, the inbox provider ("people_training":
sessions to confirm, proposals left open), the cockpit tile and the automatic hold of ended sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_tasks import task

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.navigation import MenuItem
from opsdesk.core.permissions import ALL, READ, WRITE

#: Sessions, enrolments, proposals and plans: run by stores and their line managers, HR company-wide. Staff reach
#: their own enrolments through the self-service pages only.
TRAINING_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: ALL, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.AUDITOR: READ,
}
#: Programmes, their questions and the trainings each position requires: company master data kept by HR.
CATALOG_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: READ, R.SUPERVISOR: READ, R.STORE_MANAGER: READ,
    R.STAFF: READ, R.AUDITOR: READ,
}
#: Inbox: a planned session starting within this many days still needs confirming; a proposal open this long.
CONFIRM_WITHIN = timedelta(days=7)
PROPOSAL_STALE_AFTER = timedelta(days=14)
MAX_ITEMS = 200
#: When the automatic hold of ended sessions runs (local time, once a day each).
HOLD_SWEEPS = ((12, 30), (18, 30), (23, 30))

MENU_ITEMS = [
    MenuItem(pgettext_lazy("plural", "培训场次"), "people:trainingsession_list", "training"),
    MenuItem(gettext_lazy("培训日历"), "people:training_calendar", "training"),
    MenuItem(gettext_lazy("季度培训计划"), "people:training_plan", "training"),
    MenuItem(pgettext_lazy("plural", "培训建议报名"), "people:trainingproposal_list", "training"),
    MenuItem(pgettext_lazy("plural", "培训报名"), "people:enrolment_list", "training"),
    MenuItem(pgettext_lazy("plural", "培训课程"), "people:trainingprogramme_list", "training_catalog"),
    MenuItem(pgettext_lazy("plural", "职位必修培训"), "people:positiontraining_list", "training_catalog"),
    MenuItem(gettext_lazy("我的培训"), "people:training_mine", "training_catalog"),
]


def _kpis():
    from opsdesk.core.extensions import KpiDefinition
    from opsdesk.people.selectors import training as selectors

    return (
        KpiDefinition(
            code="people_trainings_held", name_zh="已举办培训场次", name_en="Trainings held", unit="count",
            direction="higher", aggregation="count of sessions over the scope and period",
            description_zh="开始日期在统计期内、状态为“已举办”的培训场次数；按场次门店计入范围，总部/外部场地（无门店）的"
                           "场次只计入全公司范围。",
            description_en="Sessions with status held whose start date falls in the period, counted by the session's "
                           "store; head-office / off-site sessions (no store) count only for the whole company.",
            measure=selectors.trainings_held),
        KpiDefinition(
            code="people_training_attendance", name_zh="培训出席率", name_en="Training attendance rate", unit="%",
            direction="higher", aggregation="ratio of counts over the scope and period",
            description_zh="统计期内已举办场次的报名（已报名、已出席、缺席，不含已取消）中出席的比例。",
            description_en="Of the enrolments (enrolled, attended, absent; cancelled left out) of the sessions held "
                           "in the period, the share attended.",
            measure=selectors.training_attendance),
        KpiDefinition(
            code="people_training_hours", name_zh="培训学时（人·小时）", name_en="Training hours (trainee-hours)",
            unit="count", direction="higher", aggregation="sum over the scope and period",
            description_zh="统计期内已举办场次的出席人次 × 课程时长（小时）之和。",
            description_en="Sum over the sessions held in the period of attended trainees × the programme's "
                           "duration in hours.",
            measure=selectors.training_hours),
        KpiDefinition(
            code="people_training_cost_per_trainee", name_zh="人均培训费用", name_en="Training cost per trainee",
            unit="currency", direction="lower", aggregation="sum of costs / sum of attended trainees",
            description_zh="统计期内已举办场次的费用之和 ÷ 出席人次；场次费用取实际费用，"
                           "未填时按课程每场费用 + 每人费用 × 出席人数计。",
            description_en="The costs of the sessions held in the period ÷ their attended trainees; a session's cost "
                           "is its actual cost, else the programme's cost per session + cost per trainee × attended.",
            measure=selectors.training_cost_per_trainee),
    )


@task()
def hold_ended_sessions() -> int:
    """Mark held the ended sessions where someone checked in (see services.sessions_auto_hold)."""
    from opsdesk.people.services.training import sessions_auto_hold

    return sessions_auto_hold()


# ------------------------------------------------------------------------------------------------ inbox


class TrainingInboxProvider:
    name = "people_training"
    label = gettext_lazy("培训")

    def _sessions(self, user, now: datetime):
        from opsdesk.people.models.training import SessionStatusChoices, TrainingSession

        return (TrainingSession.objects.for_user(user, "change")
                .filter(status=SessionStatusChoices.PLANNED, starts_at__gte=now, starts_at__lt=now + CONFIRM_WITHIN)
                .select_related("programme", "store").order_by("starts_at", "pk"))

    def _proposals(self, user, now: datetime):
        from opsdesk.people.models.training import ProposalStatusChoices, TrainingProposal

        return (TrainingProposal.objects.for_user(user, "change")
                .filter(status=ProposalStatusChoices.OPEN, created_at__lt=now - PROPOSAL_STALE_AFTER)
                .select_related("employee__store", "programme").order_by("created_at", "pk"))

    def items_for_user(self, user, now: datetime) -> list:
        from opsdesk.core.permissions import user_can

        if not user_can(user, "training", "change"):
            return []
        items = [self._session_item(session) for session in self._sessions(user, now)[:MAX_ITEMS]]
        items += [self._proposal_item(proposal) for proposal in self._proposals(user, now)[:MAX_ITEMS]]
        return items[:MAX_ITEMS]

    def item_for_user(self, user, key: str, now: datetime):
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit():
            return None
        if kind == "confirm":
            found = self._sessions(user, now).filter(pk=int(number)).first()
            return None if found is None else self._session_item(found)
        if kind == "proposal":
            found = self._proposals(user, now).filter(pk=int(number)).first()
            return None if found is None else self._proposal_item(found)
        return None

    def _session_item(self, session):
        from opsdesk.core.inbox_items import InboxItem, deferred
        from opsdesk.core.inbox_items import SeverityChoices as Sev

        return InboxItem(
            provider=self.name, key=f"confirm:{session.pk}", severity=Sev.MEDIUM, due=session.starts_at,
            title=deferred(lambda: _("待确认的培训场次：%(name)s") % {"name": session.programme.name}),
            detail=deferred(lambda: f"{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M} · "
                                    f"{session.store.name if session.store_id else session.place}"),
            store_id=session.store_id, store_name=session.store.name if session.store_id else "",
            company_id=session.company_id, link=session.get_absolute_url(), source_owner_id=session.trainer_id)

    def _proposal_item(self, proposal):
        from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
        from opsdesk.core.inbox_items import SeverityChoices as Sev

        store = proposal.employee.store
        due = end_of_day(timezone.localtime(proposal.created_at).date() + PROPOSAL_STALE_AFTER)
        return InboxItem(
            provider=self.name, key=f"proposal:{proposal.pk}", severity=Sev.LOW, due=due,
            title=deferred(lambda: _("培训建议待处理：%(employee)s · %(programme)s") % {
                "employee": proposal.employee.name, "programme": proposal.programme.name}),
            detail=deferred(lambda: proposal.reason), store_id=store.pk if store else None,
            store_name=store.name if store else "", company_id=proposal.employee.company_id,
            link=proposal.get_absolute_url())


PROVIDER = TrainingInboxProvider()


def provider_factory() -> TrainingInboxProvider:
    return PROVIDER


# ------------------------------------------------------------------------------------------------ cockpit


def cockpit_tiles(user, today) -> list:
    """Trainings held and trainee-hours this quarter, for the user's scope."""
    from django.urls import reverse

    from opsdesk.core.extensions import Tile, kpi_scope_for_user
    from opsdesk.core.permissions import user_can
    from opsdesk.people.selectors.training import training_figures

    if not user_can(user, "training", "view"):
        return []
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    figures = training_figures(kpi_scope_for_user(user), (quarter_start, today))
    url = reverse("people:training_plan")
    return [
        Tile(label=_("已举办培训（本季度）"), value=str(figures.held), unit="count", url=url, tone="neutral"),
        Tile(label=_("培训学时（本季度）"), value=f"{figures.hours:.1f}", unit="count", url=url, tone="neutral"),
    ]


def brief_section(company_id: int, store_ids, day, language: str):
    """The day's trainings: sessions held that day and this month, attendance and trainee-hours of the month."""
    from django.utils import translation

    from opsdesk.core.extensions import BriefSection, KpiScope
    from opsdesk.people.selectors.training import training_figures

    scope = KpiScope(company_id=company_id, store_ids=None if store_ids is None else tuple(store_ids))
    today, month = training_figures(scope, (day, day)), training_figures(scope, (day.replace(day=1), day))
    if not today.scheduled and not month.held:
        return None
    rate = "—" if month.attendance_rate is None else f"{month.attendance_rate:.1f}%"
    with translation.override(language):
        return BriefSection(title=_("培训"), lines=[
            _("当日举办培训 %(today)s 场；本月已举办 %(month)s 场，出席率 %(rate)s，学时 %(hours)s 人·小时") % {
                "today": today.held, "month": month.held, "rate": rate, "hours": f"{month.hours:.1f}"},
        ])


def register() -> None:
    """Called from the people app's ready()."""
    from opsdesk.core import audit, extensions, scheduler
    from opsdesk.core.permissions import register_area
    from opsdesk.people.models import training as models

    register_area(models.AREA, TRAINING_GRANTS)
    register_area(models.CATALOG_AREA, CATALOG_GRANTS)
    for model in (models.TrainingProgramme, models.TrainingQuestion, models.PositionTraining,
                  models.TrainingSession, models.Enrolment, models.TrainingProposal, models.TrainingPlan):
        audit.register(model, exclude_fields=["checkin_token"] if model is models.TrainingSession else None)
    for definition in _kpis():
        extensions.register_kpi(definition)
    extensions.register_inbox_provider(provider_factory)
    extensions.register_cockpit_tile(cockpit_tiles)
    extensions.register_brief_section(brief_section)
    for hour, minute in HOLD_SWEEPS:
        scheduler.register(f"people_training_hold_{hour:02d}{minute:02d}", hour=hour, minute=minute,
                           enqueue=hold_ended_sessions.enqueue)
