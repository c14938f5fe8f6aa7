"""Reads of recruitment: candidates' contact details (masked for all but their readers), the pipeline board, what
waits for a user (approvals, interview feedback, offers), and the KPI selectors `people_open_positions` and
`people_time_to_hire`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from opsdesk.core.extensions import KpiScope, Period
from opsdesk.people.models.recruitment import Application, Candidate, Interview, Requisition
from opsdesk.people.models.recruitment import RequisitionStatusChoices as Status
from opsdesk.people.models.recruitment import StageChoices as Stage
from opsdesk.people.services.recruitment import TRANSITIONS, approver_roles, can_see_contact

MASK = "••••••"
#: Days after the interview when missing feedback is chased; days an offer may wait for an answer.
FEEDBACK_GRACE = timedelta(days=1)
OFFER_WAIT_DAYS = 7
BOARD_STAGES = (Stage.APPLIED, Stage.SCREENED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED, Stage.REJECTED)


def contact_value(user, candidate: Candidate, name: str) -> str:
    """A candidate's phone or email as `user` may see it: the value for its readers, MASK for everyone else."""
    if name not in Candidate.PERSONAL_FIELDS:
        raise ValueError(f"{name} is not a personal field of Candidate")
    value = getattr(candidate, name)
    if not value:
        return ""
    return value if can_see_contact(user, candidate) else MASK


def contact(user, candidate: Candidate) -> dict[str, str]:
    """{"phone", "email"} of a candidate as the user may see them, and whether they are shown in clear."""
    shown = can_see_contact(user, candidate)
    values = {name: (getattr(candidate, name) if shown or not getattr(candidate, name) else MASK)
              for name in Candidate.PERSONAL_FIELDS}
    return {**values, "is_visible": shown}


# ------------------------------------------------------------------------------------------------ the board


@dataclass
class Column:
    """One stage of the board and its cards (applications)."""

    stage: str
    label: str
    cards: list = field(default_factory=list)


def board(user, requisition: Requisition | None = None) -> list[Column]:
    """The pipeline: one column per stage, cards = applications the user sees (of one requisition or of all open
    ones), each card with the moves it may make (`card.moves`)."""
    applications = (Application.objects.for_user(user).select_related("candidate", "requisition__position",
                                                                       "requisition__store")
                    .annotate(interview_count=Count("interviews"),
                              feedback_count=Count("interviews", filter=Q(interviews__feedback_at__isnull=False)))
                    .order_by("stage_changed_at", "pk"))
    if requisition is not None:
        applications = applications.filter(requisition=requisition)
    else:
        applications = applications.filter(requisition__status=Status.APPROVED)
    columns = {stage: Column(stage, Stage(stage).label) for stage in BOARD_STAGES}
    for application in applications:
        application.moves = [(stage, Stage(stage).label) for stage in BOARD_STAGES
                             if stage in TRANSITIONS[application.stage]
                             and stage not in (Stage.OFFER, Stage.HIRED, Stage.REJECTED)]
        columns[application.stage].cards.append(application)
    return list(columns.values())


# ------------------------------------------------------------------------------------------------ waiting for a user


def requisitions_to_approve(user) -> QuerySet[Requisition]:
    """Pending requisitions the user may approve (next level, sees the store, not their own)."""
    pending = (Requisition.objects.for_user(user, "approve").filter(status=Status.PENDING)
               .exclude(requested_by=user).select_related("requested_by", "store", "position"))
    allowed = [item.pk for item in pending if user.role in approver_roles(item)]
    return pending.filter(pk__in=allowed)


def interviews_without_feedback(user, now: datetime) -> QuerySet[Interview]:
    """The user's interviews held more than a day ago whose feedback is missing."""
    return (Interview.objects.for_user(user).filter(interviewer=user, feedback_at__isnull=True,
                                                    scheduled_at__lt=now - FEEDBACK_GRACE)
            .select_related("application__candidate", "application__requisition__store"))


def offers_pending(user, today: date) -> QuerySet[Application]:
    """Offers sent more than OFFER_WAIT_DAYS days ago and not yet accepted, in the user's scope."""
    return (Application.objects.for_user(user, "change")
            .filter(stage=Stage.OFFER, offer_accepted_on__isnull=True,
                    offer_sent_on__lt=today - timedelta(days=OFFER_WAIT_DAYS))
            .select_related("candidate", "requisition__store", "requisition__position"))


# ------------------------------------------------------------------------------------------------ KPIs


def _requisitions_in(scope: KpiScope) -> QuerySet[Requisition]:
    queryset = Requisition.objects.filter(company_id=scope.company_id)
    if scope.store_ids is not None:
        queryset = queryset.filter(store_id__in=scope.store_ids)
    return queryset


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def open_positions(scope: KpiScope, period: Period) -> float | None:
    """Unfilled headcount of the requisitions open at the end of the period: approved by then and not yet closed
    (filled or cancelled), each counting its headcount minus its hires made by then (never below zero)."""
    end = _day_end(period[1])
    requisitions = (_requisitions_in(scope)
                    .filter(approved_at__lt=end)
                    .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
                    .annotate(hires=Count("applications", filter=Q(applications__hired_on__lte=period[1]))))
    return float(sum(max(0, item.headcount - item.hires) for item in requisitions))


def time_to_hire(scope: KpiScope, period: Period) -> float | None:
    """Average days from the requisition's approval (local date) to the hire (the day the accepted offer became an
    employee), over the hires made in the period; None without hires."""
    hires = (Application.objects.filter(requisition__in=_requisitions_in(scope), hired_on__gte=period[0],
                                        hired_on__lte=period[1], requisition__approved_at__isnull=False)
             .values_list("hired_on", "requisition__approved_at"))
    days = [(hired_on - timezone.localtime(approved_at).date()).days for hired_on, approved_at in hires]
    return sum(days) / len(days) if days else None
