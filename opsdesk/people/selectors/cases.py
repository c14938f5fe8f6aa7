"""Reads of HR cases, always through `HrCase.objects.for_user` (readable: owner, HR not party, members)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce

from opsdesk.people.models.cases import OPEN_CASE_STATUSES, HrCase, HrCaseDocument, HrCaseStep

#: An open case owned by someone with no step for this many days needs their attention (inbox).
STALE_DAYS = 14


def cases_for_user(user, action: str = "view") -> QuerySet[HrCase]:
    return HrCase.objects.for_user(user, action).select_related("store", "owner")


def case_steps(user, case: HrCase) -> QuerySet[HrCaseStep]:
    return HrCaseStep.objects.for_user(user).filter(case=case).select_related("author").order_by("date", "pk")


def case_documents(user, case: HrCase) -> QuerySet[HrCaseDocument]:
    return HrCaseDocument.objects.for_user(user).filter(case=case).select_related("uploaded_by")


def can_change_case(user, case: HrCase) -> bool:
    return HrCase.objects.for_user(user, "change").filter(pk=case.pk).exists()


@dataclass(frozen=True)
class StaleCase:
    """An open case without a step for STALE_DAYS days: its last activity (last step, else opening) and age."""

    case: HrCase
    last_activity: date
    idle_days: int


def stale_cases_owned_by(user, today: date) -> list[StaleCase]:
    """The user's own open cases whose last step (or opening, without steps) is STALE_DAYS days old or more."""
    cutoff = today - timedelta(days=STALE_DAYS)
    cases = (cases_for_user(user).filter(owner=user, status__in=OPEN_CASE_STATUSES)
             .annotate(last_activity=Coalesce(Max("steps__date"), "opened_on"))
             .filter(last_activity__lte=cutoff).order_by("last_activity", "pk"))
    return [StaleCase(case, case.last_activity, (today - case.last_activity).days) for case in cases]
