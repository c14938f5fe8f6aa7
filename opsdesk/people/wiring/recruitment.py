"""Recruitment: the permission area (with the "approve" action of the next level), audited models, menu items, the
inbox provider ("people_recruitment") and the KPIs people_open_positions and people_time_to_hire."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.extensions import KpiDefinition
from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.navigation import MenuItem
from opsdesk.core.permissions import ALL, READ, WRITE, user_can

AREA = "recruitment"
APPROVE = "approve"
#: Requisitions, candidates, applications, interviews: stores ask and interview (view/add/change), line managers
#: above them also approve ("approve"; who approves which requisition is the next-level rule in the services),
#: HR and the COO run it all; staff take no part; auditors read.
RECRUITMENT_GRANTS = {
    R.ADMIN: ALL,
    R.COO: ALL | {APPROVE},
    R.HR: ALL | {APPROVE},
    R.REGIONAL_MANAGER: ALL | {APPROVE},
    R.SUPERVISOR: WRITE | {APPROVE},
    R.STORE_MANAGER: WRITE,
    R.AUDITOR: READ,
}

MENU_ITEMS = [
    MenuItem(pgettext_lazy("plural", "招聘需求"), "people:requisition_list", AREA),
    MenuItem(gettext_lazy("招聘看板"), "people:recruitment_board", AREA),
    MenuItem(pgettext_lazy("plural", "候选人"), "people:candidate_list", AREA),
    MenuItem(pgettext_lazy("plural", "面试"), "people:interview_list", AREA),
]

KPIS = (
    KpiDefinition(
        code="people_open_positions", name_zh="空缺岗位数", name_en="Open positions", unit="count", direction="lower",
        aggregation="sum over the requisitions of the scope, at the end of the period",
        description_zh="统计期末仍开放的招聘需求（已批准、未招满、未取消）的招聘人数减去截至期末已入职人数之和。",
        description_en="At the end of the period, the headcount of the requisitions still open (approved, neither "
                       "filled nor cancelled) minus the hires they made by then, summed.",
        measure=lambda scope, period: _selectors().open_positions(scope, period)),
    KpiDefinition(
        code="people_time_to_hire", name_zh="平均招聘周期", name_en="Time to hire", unit="days", direction="lower",
        aggregation="average over the hires of the scope and period",
        description_zh="统计期内转为员工的候选人：从招聘需求获批到转为员工的天数的平均值。",
        description_en="For the candidates who became employees in the period: the average number of days from the "
                       "requisition's approval to the hire.",
        measure=lambda scope, period: _selectors().time_to_hire(scope, period)),
)


def _selectors():
    from opsdesk.people.selectors import recruitment

    return recruitment


class RecruitmentInboxProvider:
    """Requisitions waiting for the user's approval, the user's interviews without feedback a day after, and offers
    waiting more than a week for an answer. Keys: "approve:<pk>", "feedback:<pk>", "offer:<pk>"."""

    name = "people_recruitment"
    label = gettext_lazy("招聘")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        if not user_can(user, AREA, "view"):
            return []
        selectors = _selectors()
        today = timezone.localdate(now)
        items = [_approval_item(item) for item in selectors.requisitions_to_approve(user)]
        items += [_feedback_item(item) for item in selectors.interviews_without_feedback(user, now)]
        items += [_offer_item(item) for item in selectors.offers_pending(user, today)]
        return sorted(items, key=lambda item: -item.severity)

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit() or not user_can(user, AREA, "view"):
            return None
        selectors, pk = _selectors(), int(number)
        if kind == "approve":
            found = selectors.requisitions_to_approve(user).filter(pk=pk).first()
            return None if found is None else _approval_item(found)
        if kind == "feedback":
            found = selectors.interviews_without_feedback(user, now).filter(pk=pk).first()
            return None if found is None else _feedback_item(found)
        if kind == "offer":
            found = selectors.offers_pending(user, timezone.localdate(now)).filter(pk=pk).first()
            return None if found is None else _offer_item(found)
        return None


def _store_name(store) -> str:
    return store.name if store is not None else str(_("总部"))


def _approval_item(requisition) -> InboxItem:
    submitted = requisition.submitted_at or timezone.now()
    return InboxItem(
        provider=RecruitmentInboxProvider.name, key=f"approve:{requisition.pk}", severity=Sev.MEDIUM,
        due=end_of_day(timezone.localtime(submitted).date() + timedelta(days=2)),
        title=deferred(lambda: _("待审批招聘需求：%(requisition)s") % {"requisition": requisition}),
        detail=deferred(lambda: requisition.requested_by.display_name),
        store_id=requisition.store_id, store_name=deferred(lambda: _store_name(requisition.store)),
        company_id=requisition.company_id, link=deferred(requisition.get_absolute_url),
        source_owner_id=requisition.requested_by_id)


def _feedback_item(interview) -> InboxItem:
    requisition = interview.application.requisition
    return InboxItem(
        provider=RecruitmentInboxProvider.name, key=f"feedback:{interview.pk}", severity=Sev.MEDIUM,
        due=interview.scheduled_at + timedelta(days=1),
        title=deferred(lambda: _("请填写面试反馈：%(name)s") % {"name": interview.application.candidate.name}),
        detail=deferred(lambda: timezone.localtime(interview.scheduled_at).strftime("%Y-%m-%d %H:%M")),
        store_id=requisition.store_id, store_name=deferred(lambda: _store_name(requisition.store)),
        company_id=requisition.company_id, link=deferred(interview.get_absolute_url),
        source_owner_id=interview.interviewer_id)


def _offer_item(application) -> InboxItem:
    requisition = application.requisition
    return InboxItem(
        provider=RecruitmentInboxProvider.name, key=f"offer:{application.pk}", severity=Sev.HIGH,
        due=end_of_day(application.offer_sent_on + timedelta(days=7)),
        title=deferred(lambda: _("录用通知超过 7 天未回复：%(name)s") % {"name": application.candidate.name}),
        detail=deferred(lambda: str(requisition)),
        store_id=requisition.store_id, store_name=deferred(lambda: _store_name(requisition.store)),
        company_id=requisition.company_id, link=deferred(application.get_absolute_url),
        source_owner_id=requisition.requested_by_id)


PROVIDER = RecruitmentInboxProvider()


def provider_factory() -> RecruitmentInboxProvider:
    return PROVIDER


def register() -> None:
    """Called from the people app's ready()."""
    from opsdesk.core import audit, extensions
    from opsdesk.core.permissions import register_area
    from opsdesk.people.models import recruitment as models

    register_area(AREA, RECRUITMENT_GRANTS)
    for model in (models.Requisition, models.Application, models.Interview, models.OnboardingChecklist,
                  models.OnboardingTask):
        audit.register(model)
    # Phone and email are personal: the audit trail (read by auditors and regional managers) never records them.
    audit.register(models.Candidate, exclude_fields=["phone", "email", "resume"])
    for definition in KPIS:
        extensions.register_kpi(definition)
    extensions.register_inbox_provider(provider_factory)
