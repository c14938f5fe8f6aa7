"""Writes of training: sessions and their workflow (confirm, close as held, cancel, the automatic hold), enrolment
with its capacity and scope checks, attendance by the trainer's list or by the trainee's QR check-in, the short
test and the feedback, enrolment proposals (`training_propose`, idempotent while open) and the proposals that the
store-operations training suggestions turn into.

How an inspection suggestion finds its programme: `TrainingProgramme.inspection_topics` lists inspection item
topics (storeops ItemTopicChoices values such as "service", "grooming") and/or item codes, comma-separated; a
suggestion matches a programme when its item code or its topic is listed (item codes first: when some programme
lists the item's code, only those programmes match). The employees proposed are the store's active employees in
the positions that require the programme (PositionTraining), or all its active employees when no position
requires it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit import services as kit
from opsdesk.core.kit.guards import NOT_FOUND_MESSAGE, assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.people.models.training import (
    AREA,
    CheckinMethodChoices,
    Enrolment,
    EnrolmentStatusChoices,
    ProposalStatusChoices,
    SessionStatusChoices,
    TrainingProgramme,
    TrainingProposal,
    TrainingSession,
    TrainingSourceChoices,
)

SESSION_FIELDS = ("programme", "store", "place", "starts_at", "ends_at", "trainer", "trainer_name", "capacity",
                  "actual_cost", "note")
#: Sessions still open for enrolment and attendance.
OPEN_SESSION_STATUSES = (SessionStatusChoices.PLANNED, SessionStatusChoices.CONFIRMED)
#: The QR check-in opens this long before the start and closes at the end of the session's local day.
CHECKIN_OPENS_BEFORE = timedelta(hours=2)
#: Enrolments that take a seat.
SEATED = (EnrolmentStatusChoices.ENROLLED, EnrolmentStatusChoices.ATTENDED, EnrolmentStatusChoices.ABSENT)


class NotEnrolled(Exception):
    """The signed-in user has no enrolment in the session (the check-in page says so)."""


# ------------------------------------------------------------------------------------------------ sessions


def session_create(*, actor, data: dict[str, Any]) -> TrainingSession:
    """Schedule a session; its trainer must be someone who may run trainings at its store (assignable)."""
    return kit.object_create(actor=actor, model=TrainingSession, data=data, fields=SESSION_FIELDS,
                             initial={"company_id": actor.company_id}, assignee_fields=("trainer",))


def session_update(*, actor, instance: TrainingSession, data: dict[str, Any]) -> TrainingSession:
    """Change a session's details (its status moves only through the workflow services)."""
    return kit.object_update(actor=actor, instance=instance, data=data, fields=SESSION_FIELDS,
                             assignee_fields=("trainer",))


def _session_for_change(actor, session: TrainingSession) -> TrainingSession:
    assert_can(actor, AREA, "change")
    return in_scope_for_update(actor, TrainingSession, session, "change")


def session_confirm(*, actor, session: TrainingSession) -> TrainingSession:
    """Confirm a planned session (the trainer and the room are booked)."""
    with transaction.atomic(), audit_actor(actor):
        session = _session_for_change(actor, session)
        if session.status != SessionStatusChoices.PLANNED:
            raise ValidationError({"status": _("只有计划中的场次可以确认。")})
        session.status = SessionStatusChoices.CONFIRMED
        session.save(update_fields=["status"])
    return session


def session_close(*, actor, session: TrainingSession) -> TrainingSession:
    """The trainer closes the session: it counts as held; trainees who never checked in are marked absent."""
    with transaction.atomic(), audit_actor(actor):
        session = _session_for_change(actor, session)
        if session.status not in OPEN_SESSION_STATUSES:
            raise ValidationError({"status": _("只有计划中或已确认的场次可以结束。")})
        if not session.enrolments.filter(status=EnrolmentStatusChoices.ATTENDED).exists():
            raise ValidationError({"status": _("还没有学员出席，不能结束场次；未举办请取消。")})
        _hold(session)
    return session


def _hold(session: TrainingSession) -> None:
    session.enrolments.filter(status=EnrolmentStatusChoices.ENROLLED).update(status=EnrolmentStatusChoices.ABSENT)
    session.status = SessionStatusChoices.HELD
    session.save(update_fields=["status"])


def session_cancel(*, actor, session: TrainingSession) -> TrainingSession:
    """Cancel a session that has not been held; its enrolments are cancelled with it."""
    with transaction.atomic(), audit_actor(actor):
        session = _session_for_change(actor, session)
        if session.status not in OPEN_SESSION_STATUSES:
            raise ValidationError({"status": _("已举办或已取消的场次不能取消。")})
        session.enrolments.exclude(status=EnrolmentStatusChoices.CANCELLED).update(
            status=EnrolmentStatusChoices.CANCELLED)
        session.status = SessionStatusChoices.CANCELLED
        session.save(update_fields=["status"])
    return session


def sessions_auto_hold(*, now: datetime | None = None) -> int:
    """Mark held every open session that has ended and where someone checked in; returns how many."""
    now = now or timezone.now()
    count = 0
    due = TrainingSession.objects.filter(status__in=OPEN_SESSION_STATUSES, ends_at__lte=now,
                                         enrolments__status=EnrolmentStatusChoices.ATTENDED).distinct()
    for session in due:
        with transaction.atomic():
            _hold(session)
        count += 1
    return count


# ------------------------------------------------------------------------------------------------ enrolment


def enrolment_create(*, actor, session: TrainingSession, employee, source: str = TrainingSourceChoices.MANUAL
                     ) -> Enrolment:
    """Enrol an employee the actor can see in an open session with a free seat (never twice)."""
    from opsdesk.people.models import Employee

    assert_can(actor, AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        session = _session_for_change(actor, session)
        if not Employee.objects.for_user(actor, "view").filter(pk=getattr(employee, "pk", employee)).exists():
            raise ValidationError({"employee": NOT_FOUND_MESSAGE})
        employee = Employee.objects.get(pk=getattr(employee, "pk", employee))
        if employee.company_id != session.company_id:
            raise ValidationError({"employee": NOT_FOUND_MESSAGE})
        if session.status not in OPEN_SESSION_STATUSES:
            raise ValidationError({"session": _("该场次已举办或已取消，不能再报名。")})
        existing = Enrolment.objects.select_for_update().filter(session=session, employee=employee).first()
        if existing is not None and existing.status != EnrolmentStatusChoices.CANCELLED:
            raise ValidationError({"employee": _("%(name)s 已报名该场次。") % {"name": employee.name}})
        if session.enrolments.filter(status__in=SEATED).count() >= session.capacity:
            raise ValidationError({"session": _("该场次名额已满（%(n)d 人）。") % {"n": session.capacity}})
        enrolment = existing or Enrolment(session=session, employee=employee)
        enrolment.status, enrolment.source = EnrolmentStatusChoices.ENROLLED, source
        enrolment.full_clean()
        enrolment.save()
        confirm_in_scope(actor, enrolment, "view")
    return enrolment


def enrolment_cancel(*, actor, enrolment: Enrolment) -> Enrolment:
    """Withdraw an enrolment before the session is held (the seat is freed)."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        enrolment = in_scope_for_update(actor, Enrolment, enrolment, "change")
        if enrolment.session.status not in OPEN_SESSION_STATUSES:
            raise ValidationError({"status": _("该场次已举办或已取消。")})
        enrolment.status = EnrolmentStatusChoices.CANCELLED
        enrolment.save(update_fields=["status"])
    return enrolment


def attendance_mark(*, actor, session: TrainingSession, attended: Iterable[int], absent: Iterable[int] = ()
                    ) -> int:
    """The trainer's list: mark enrolments (by id) of the session attended or absent; returns how many changed."""
    attended, absent = {int(pk) for pk in attended}, {int(pk) for pk in absent}
    if attended & absent:
        raise ValidationError({"attended": _("同一学员不能同时标记为出席和缺席。")})
    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        session = _session_for_change(actor, session)
        if session.status == SessionStatusChoices.CANCELLED:
            raise ValidationError({"status": _("该场次已取消。")})
        rows = {row.pk: row for row in session.enrolments.exclude(status=EnrolmentStatusChoices.CANCELLED)
                .select_for_update()}
        unknown = (attended | absent) - set(rows)
        if unknown:
            raise ValidationError({"attended": NOT_FOUND_MESSAGE})
        changed = 0
        for pk in attended:
            row = rows[pk]
            if row.status != EnrolmentStatusChoices.ATTENDED:
                row.status, row.checkin_method = EnrolmentStatusChoices.ATTENDED, CheckinMethodChoices.LIST
                row.checked_in_at = row.checked_in_at or now
                row.save(update_fields=["status", "checkin_method", "checked_in_at"])
                changed += 1
        for pk in absent:
            row = rows[pk]
            if row.status != EnrolmentStatusChoices.ABSENT:
                row.status, row.checked_in_at, row.checkin_method = EnrolmentStatusChoices.ABSENT, None, ""
                row.save(update_fields=["status", "checked_in_at", "checkin_method"])
                changed += 1
    return changed


# ------------------------------------------------------------------------------------------------ self-service


def session_for_token(*, user, token: str) -> TrainingSession | None:
    """The session a check-in code belongs to, if it is of the user's company and not cancelled."""
    if not token or len(token) > 64 or not getattr(user, "company_id", None):
        return None
    return (TrainingSession.objects.select_related("programme", "store")
            .filter(checkin_token=token, company_id=user.company_id)
            .exclude(status=SessionStatusChoices.CANCELLED).first())


def own_enrolment(*, user, session: TrainingSession) -> Enrolment:
    """The signed-in user's own enrolment in the session; NotEnrolled when there is none."""
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    found = None
    if employee is not None:
        found = (Enrolment.objects.filter(session=session, employee=employee)
                 .exclude(status=EnrolmentStatusChoices.CANCELLED).first())
    if found is None:
        raise NotEnrolled
    return found


def checkin(*, user, session: TrainingSession, now: datetime | None = None) -> tuple[Enrolment, bool]:
    """QR check-in of the signed-in trainee: attended once (a second scan changes nothing); (enrolment, is_new)."""
    now = now or timezone.now()
    with transaction.atomic(), audit_actor(user):
        enrolment = own_enrolment(user=user, session=session)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.checked_in_at is not None and enrolment.status == EnrolmentStatusChoices.ATTENDED:
            return enrolment, False
        opens = session.starts_at - CHECKIN_OPENS_BEFORE
        closes = timezone.make_aware(datetime.combine(timezone.localtime(session.ends_at).date() + timedelta(days=1),
                                                      time.min))
        if now < opens:
            raise ValidationError(_("签到将于 %(time)s 开放。") % {
                "time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")})
        if now >= closes:
            raise ValidationError(_("该场次的签到已结束。"))
        enrolment.status, enrolment.checkin_method = EnrolmentStatusChoices.ATTENDED, CheckinMethodChoices.QR
        enrolment.checked_in_at = now
        enrolment.save(update_fields=["status", "checkin_method", "checked_in_at"])
    return enrolment, True


def test_score(questions, answers: Mapping[int, int]) -> int:
    """Percentage (0-100, rounded half up) of the questions answered with their correct choice."""
    questions = list(questions)
    if not questions:
        return 0
    correct = sum(1 for question in questions if answers.get(question.pk) == question.correct_choice)
    return (correct * 200 + len(questions)) // (2 * len(questions))


test_score.__test__ = False  # not a pytest test, despite its name


def test_submit(*, user, enrolment: Enrolment, answers: Mapping[int, int]) -> Enrolment:
    """The trainee's short test: scored once, passed when the score reaches the programme's pass mark."""
    programme = enrolment.session.programme
    if programme.pass_mark is None:
        raise ValidationError(_("该课程没有测试。"))
    questions = list(programme.questions.all())
    missing = [question for question in questions if question.pk not in answers]
    if missing:
        raise ValidationError({f"question_{missing[0].pk}": _("请回答所有题目。")})
    with transaction.atomic(), audit_actor(user):
        enrolment = own_enrolment(user=user, session=enrolment.session)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status != EnrolmentStatusChoices.ATTENDED:
            raise ValidationError(_("请先签到，再参加测试。"))
        if enrolment.test_score is not None:
            raise ValidationError(_("你已完成测试。"))
        enrolment.test_score = test_score(questions, answers)
        enrolment.passed = enrolment.test_score >= programme.pass_mark
        enrolment.save(update_fields=["test_score", "passed"])
    return enrolment


test_submit.__test__ = False


def feedback_submit(*, user, enrolment: Enrolment, rating: int, text: str = "") -> Enrolment:
    """The trainee's rating (1-5) and comment, after attending."""
    if rating not in range(1, 6):
        raise ValidationError({"feedback_rating": _("评分须为 1-5。")})
    with transaction.atomic(), audit_actor(user):
        enrolment = own_enrolment(user=user, session=enrolment.session)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status != EnrolmentStatusChoices.ATTENDED:
            raise ValidationError(_("请先签到，再提交反馈。"))
        enrolment.feedback_rating, enrolment.feedback_text = rating, (text or "").strip()[:2000]
        enrolment.save(update_fields=["feedback_rating", "feedback_text"])
    return enrolment


# ------------------------------------------------------------------------------------------------ proposals


def training_propose(*, actor, employee, programme: TrainingProgramme, reason: str,
                     source: str = TrainingSourceChoices.MANUAL, source_ref: str = "") -> TrainingProposal:
    """Propose a programme for an employee the actor can see; the open proposal is returned if there is one."""
    from opsdesk.people.models import Employee

    assert_can(actor, AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        if not Employee.objects.for_user(actor, "view").filter(pk=employee.pk).exists():
            raise PermissionDenied(_("该员工不在你的权限范围内。"))
        if programme.company_id != employee.company_id:
            raise ValidationError({"programme": NOT_FOUND_MESSAGE})
        existing = TrainingProposal.objects.select_for_update().filter(
            employee=employee, programme=programme, status=ProposalStatusChoices.OPEN).first()
        if existing is not None:
            return existing
        proposal = TrainingProposal(employee=employee, programme=programme, reason=(reason or "")[:300],
                                    source=source, source_ref=source_ref)
        proposal.full_clean()
        proposal.save()
        confirm_in_scope(actor, proposal, "view")
    return proposal


def proposal_accept(*, actor, proposal: TrainingProposal, session: TrainingSession) -> TrainingProposal:
    """Enrol the proposed employee in a session of the proposed programme; the proposal becomes accepted."""
    with transaction.atomic(), audit_actor(actor):
        proposal = in_scope_for_update(actor, TrainingProposal, proposal, "change")
        if proposal.status != ProposalStatusChoices.OPEN:
            raise ValidationError({"status": _("该建议已处理。")})
        if session.programme_id != proposal.programme_id:
            raise ValidationError({"session": _("请选择该课程的场次。")})
        enrolment = enrolment_create(actor=actor, session=session, employee=proposal.employee,
                                     source=proposal.source)
        proposal.status, proposal.enrolment = ProposalStatusChoices.ACCEPTED, enrolment
        proposal.save(update_fields=["status", "enrolment"])
    return proposal


def proposal_dismiss(*, actor, proposal: TrainingProposal) -> TrainingProposal:
    """Dismiss an open proposal."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        proposal = in_scope_for_update(actor, TrainingProposal, proposal, "change")
        if proposal.status != ProposalStatusChoices.OPEN:
            raise ValidationError({"status": _("该建议已处理。")})
        proposal.status = ProposalStatusChoices.DISMISSED
        proposal.save(update_fields=["status"])
    return proposal


def proposals_from_inspections(*, actor, store) -> list[TrainingProposal]:
    """Turn the store's current (open or accepted) inspection training suggestions into enrolment proposals.

    Idempotent: an employee already proposed a programme for the same suggestion (any status) is skipped, and
    `training_propose` returns the open proposal of an employee+programme instead of a second one.
    """
    from opsdesk.people.selectors.training import inspection_suggestions, programmes_for_suggestion, store_trainees

    assert_can(actor, AREA, "add")
    programmes = list(TrainingProgramme.objects.filter(company_id=store.company_id, is_active=True)
                      .exclude(inspection_topics=""))
    made: list[TrainingProposal] = []
    for suggestion in inspection_suggestions(user=actor, store=store):
        ref = f"storeops.trainingsuggestion:{suggestion.pk}"
        for programme in programmes_for_suggestion(programmes, suggestion):
            done = set(TrainingProposal.objects.filter(programme=programme, source_ref=ref)
                       .values_list("employee_id", flat=True))
            for employee in store_trainees(store=store, programme=programme):
                if employee.pk in done:
                    continue
                reason = _("巡检项“%(item)s”近 %(days)d 天不合格 %(n)d 次") % {
                    "item": suggestion.item_text, "days": suggestion.window_days, "n": suggestion.failure_count}
                made.append(training_propose(actor=actor, employee=employee, programme=programme, reason=reason,
                                             source=TrainingSourceChoices.INSPECTION, source_ref=ref))
    return made
