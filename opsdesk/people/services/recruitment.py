"""Writes of recruitment: requisitions (submit, approval by the next level, reject, cancel), candidates and their
résumés, applications moving through the pipeline, interviews and feedback, offers, and the hire that turns an
accepted offer into an employee with an onboarding checklist and the position's required trainings proposed.

Every write checks the role and the scope, runs full_clean() inside transaction.atomic() under the audit trail, and
re-reads the row through the actor's scope before commit.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.kit import services as kit
from opsdesk.core.kit.guards import NOT_FOUND_MESSAGE, assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.core.models import User
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import visible_store_ids
from opsdesk.people.models.recruitment import (
    AREA,
    Application,
    Candidate,
    Interview,
    OnboardingChecklist,
    OnboardingTask,
    Requisition,
)
from opsdesk.people.models.recruitment import RequisitionStatusChoices as Status
from opsdesk.people.models.recruitment import StageChoices as Stage

logger = logging.getLogger(__name__)

APPROVE = "approve"
REQUISITION_FIELDS = ("store", "department", "position", "headcount", "reason", "description", "target_start")
CANDIDATE_FIELDS = ("name", "phone", "email", "source", "notes")
APPLICATION_FIELDS = ("requisition", "candidate")
INTERVIEW_FIELDS = ("application", "scheduled_at", "interviewer")

#: Who approves a requisition, by the requester's role: the next level up the line. A store manager's goes to the
#: store's supervisor or regional manager, a supervisor's to the regional manager, a regional manager's (and a
#: head-office request) to the COO or HR; at the top a peer approves (never the requester themself).
APPROVER_ROLES: dict[str, tuple[str, ...]] = {
    R.STORE_MANAGER: (R.SUPERVISOR, R.REGIONAL_MANAGER),
    R.SUPERVISOR: (R.REGIONAL_MANAGER,),
    R.REGIONAL_MANAGER: (R.COO, R.HR),
    R.COO: (R.COO, R.HR),
    R.HR: (R.COO, R.HR),
    R.ADMIN: (R.COO, R.HR),
}
EDITABLE_STATUSES = (Status.DRAFT, Status.REJECTED)
#: Moves a kanban button (or a drag) may make; the offer and the hire have their own steps with their own data.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.APPLIED: frozenset({Stage.SCREENED, Stage.REJECTED}),
    Stage.SCREENED: frozenset({Stage.APPLIED, Stage.INTERVIEW, Stage.REJECTED}),
    Stage.INTERVIEW: frozenset({Stage.SCREENED, Stage.OFFER, Stage.REJECTED}),
    Stage.OFFER: frozenset({Stage.HIRED, Stage.REJECTED}),
    Stage.HIRED: frozenset(),
    Stage.REJECTED: frozenset(),
}
ONBOARDING_TEMPLATE_CODE = "ONBOARDING"
ONBOARDING_DAYS = 14
RESUME_MAX_BYTES = 10 * 1024 * 1024
RESUME_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


# ------------------------------------------------------------------------------------------------ requisitions


def approver_roles(requisition: Requisition) -> tuple[str, ...]:
    """The roles that approve this requisition (the next level above its requester)."""
    return APPROVER_ROLES.get(requisition.requested_by.role, ())


def _sees_requisition(user, requisition: Requisition) -> bool:
    if user.company_id != requisition.company_id:
        return False
    if requisition.store_id is None:
        return bool(user.has_company_scope)
    return requisition.store_id in visible_store_ids(user)


def approvers_for(requisition: Requisition) -> models.QuerySet[User]:
    """Active users of the next level who see the requisition's store (head office: company-wide users), never the
    requester."""
    people = User.objects.filter(company_id=requisition.company_id, is_active=True,
                                 role__in=approver_roles(requisition)).exclude(pk=requisition.requested_by_id)
    if requisition.store_id is None:
        return people.filter(has_company_scope=True).order_by("pk")
    store = requisition.store
    return people.filter(Q(has_company_scope=True) | Q(scope_stores=store.pk)
                         | Q(scope_regions=store.region_id)).distinct().order_by("pk")


def approval_refusal(user, requisition: Requisition) -> str | None:
    """Why `user` may not approve or reject the requisition now, or None when they may."""
    if requisition.status != Status.PENDING:
        return _("只有待审批的招聘需求可以审批。")
    if not user_can(user, AREA, APPROVE) or not _sees_requisition(user, requisition):
        return _("你不能审批该招聘需求。")
    if user.pk == requisition.requested_by_id:
        return _("不能审批自己提交的招聘需求。")
    if user.role not in approver_roles(requisition):
        return _("该招聘需求应由申请人的上一级审批。")
    return None


def can_approve(user, requisition: Requisition) -> bool:
    return approval_refusal(user, requisition) is None


def _check_store_choice(actor, data: dict[str, Any]) -> None:
    """Head office (no store) is for company-wide users; everyone else names a store of their scope."""
    if "store" in data and data["store"] is None and not actor.has_company_scope:
        raise ValidationError({"store": _("请选择门店（只有公司级用户可以提总部的招聘需求）。")})


def requisition_create(*, actor, data: dict[str, Any]) -> Requisition:
    """Create a draft requisition requested by the actor."""
    data = {"store": None, **data}
    _check_store_choice(actor, data)
    return kit.object_create(actor=actor, model=Requisition, data=data, fields=REQUISITION_FIELDS,
                             initial={"requested_by": actor, "status": Status.DRAFT})


def requisition_update(*, actor, instance: Requisition, data: dict[str, Any]) -> Requisition:
    """Change a draft (or rejected) requisition; a submitted one is frozen until decided."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        requisition = in_scope_for_update(actor, Requisition, instance, "change")
        if requisition.status not in EDITABLE_STATUSES:
            raise ValidationError({"status": _("只能修改草稿或被驳回的招聘需求。")})
        _check_store_choice(actor, data)
        return kit.object_update(actor=actor, instance=requisition, data=data, fields=REQUISITION_FIELDS)


def _locked(actor, requisition: Requisition, action: str) -> Requisition:
    return in_scope_for_update(actor, Requisition, requisition, action)


def requisition_submit(*, actor, requisition: Requisition) -> Requisition:
    """Send a draft (or a rejected one, after changes) for approval; refused when nobody could approve it."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        requisition = _locked(actor, requisition, "change")
        if requisition.status not in EDITABLE_STATUSES:
            raise ValidationError({"status": _("只能提交草稿或被驳回的招聘需求。")})
        if not approvers_for(requisition).exists():
            raise ValidationError({"approver": _("没有可以审批该招聘需求的上级（请联系人力资源）。")})
        requisition.status = Status.PENDING
        requisition.submitted_at = timezone.now()
        requisition.decided_at = None
        requisition.approver = None
        requisition.full_clean()
        requisition.save()
    return requisition


def _decide(actor, requisition: Requisition, *, approve: bool, note: str) -> Requisition:
    assert_can(actor, AREA, APPROVE)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"decision_note": _("驳回时请填写审批意见。")})
    with transaction.atomic(), audit_actor(actor):
        requisition = _locked(actor, requisition, APPROVE)
        refusal = approval_refusal(actor, requisition)
        if refusal is not None:
            raise ValidationError({"approver": refusal})
        now = timezone.now()
        requisition.status = Status.APPROVED if approve else Status.REJECTED
        requisition.approver = actor
        requisition.decided_at = now
        requisition.decision_note = note
        if approve:
            requisition.approved_at = now
        requisition.full_clean()
        requisition.save()
    return requisition


def requisition_approve(*, actor, requisition: Requisition, note: str = "") -> Requisition:
    """Approve a pending requisition: only the next level above the requester, who sees its store."""
    return _decide(actor, requisition, approve=True, note=note)


def requisition_reject(*, actor, requisition: Requisition, note: str) -> Requisition:
    """Send a pending requisition back to its requester with a note (they may change and resubmit it)."""
    return _decide(actor, requisition, approve=False, note=note)


def requisition_cancel(*, actor, requisition: Requisition, note: str = "") -> Requisition:
    """Cancel a requisition that is not filled; open applications stay as they are."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        requisition = _locked(actor, requisition, "change")
        if requisition.status in (Status.FILLED, Status.CANCELLED):
            raise ValidationError({"status": _("该招聘需求已关闭。")})
        if requisition.status == Status.APPROVED:
            requisition.closed_at = timezone.now()
        requisition.status = Status.CANCELLED
        if note:
            requisition.decision_note = note.strip()[:500]
        requisition.save()
    return requisition


def requisition_delete(*, actor, instance: Requisition) -> None:
    """Delete a requisition that never left draft (later ones are cancelled, to keep the record)."""
    assert_can(actor, AREA, "delete")
    with transaction.atomic(), audit_actor(actor):
        requisition = _locked(actor, instance, "delete")
        if requisition.status != Status.DRAFT:
            raise ValidationError(_("只能删除草稿；已提交的招聘需求请取消。"))
        kit.object_delete(actor=actor, instance=requisition)


# ------------------------------------------------------------------------------------------------ candidates


def can_see_contact(user, candidate: Candidate) -> bool:
    """HR of the candidate's company, the requester of a requisition they applied to, and their interviewers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.company_id != candidate.company_id:
        return False
    if user.role == R.HR and user_can(user, AREA, "view"):
        return True
    applications = Application.objects.filter(candidate_id=candidate.pk)
    return (applications.filter(requisition__requested_by=user).exists()
            or Interview.objects.filter(application__candidate_id=candidate.pk, interviewer=user).exists())


def candidate_contact_access_record(*, actor, candidate: Candidate, channel: str) -> bool:
    """Record in the audit trail (action ACCESS) that `actor` was shown the candidate's phone/email in clear through
    `channel` (page, api, resume); nothing is written for people who see them masked. Returns whether it wrote."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    names = sorted(name for name in Candidate.PERSONAL_FIELDS if getattr(candidate, name))
    if channel == "resume":
        names = ["resume"]
    if not names or not can_see_contact(actor, candidate):
        return False
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Candidate), object_pk=str(candidate.pk),
        object_id=candidate.pk, object_repr=str(candidate)[:2000], action=LogEntry.Action.ACCESS, actor=actor,
        changes={name: ["", "read"] for name in names}, changes_text=", ".join(names),
        additional_data={**candidate.get_additional_data(), "fields": names, "channel": channel})
    return True


def _refuse_hidden_contact(actor, candidate: Candidate, data: dict[str, Any]) -> None:
    hidden = sorted(name for name in Candidate.PERSONAL_FIELDS if name in data)
    if hidden and not can_see_contact(actor, candidate):
        raise ValidationError({name: _("你无权查看或修改候选人的联系方式。") for name in hidden})


def candidate_create(*, actor, data: dict[str, Any]) -> Candidate:
    """Enter a candidate (the actor is recorded as who entered them)."""
    return kit.object_create(actor=actor, model=Candidate, data=data, fields=CANDIDATE_FIELDS,
                             initial={"created_by": actor, "company_id": actor.company_id})


def candidate_update(*, actor, instance: Candidate, data: dict[str, Any]) -> Candidate:
    """Change a candidate; phone and email only by those who may read them."""
    _refuse_hidden_contact(actor, instance, data)
    return kit.object_update(actor=actor, instance=instance, data=data, fields=CANDIDATE_FIELDS)


def validate_resume(upload) -> str:
    """The content type of an uploaded résumé (PDF, PNG or JPEG judged by its bytes, at most 10 MB)."""
    size = getattr(upload, "size", None) or 0
    if size <= 0 or size > RESUME_MAX_BYTES:
        raise ValidationError({"resume": _("文件为空或超过 %(mb)d MB。") % {"mb": RESUME_MAX_BYTES // (1024 * 1024)}})
    expected = RESUME_TYPES.get(Path(getattr(upload, "name", "") or "").suffix.lower())
    if expected is None:
        raise ValidationError({"resume": _("简历只接受 PDF 或图片（PNG、JPEG）。")})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    detected = None
    if head.startswith(b"%PDF-"):
        detected = "application/pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = "image/png"
    elif head.startswith(b"\xff\xd8\xff"):
        detected = "image/jpeg"
    if detected != expected:
        raise ValidationError({"resume": _("文件内容与类型不符。")})
    return expected


def candidate_resume_upload(*, actor, candidate: Candidate, upload) -> Candidate:
    """Store (or replace) a candidate's résumé under a random name; the old file goes after commit."""
    assert_can(actor, AREA, "change")
    content_type = validate_resume(upload)
    with transaction.atomic(), audit_actor(actor):
        candidate = in_scope_for_update(actor, Candidate, candidate, "change")
        old = candidate.resume.name if candidate.resume else ""
        storage = candidate.resume.storage
        candidate.resume.save(upload.name, upload, save=False)
        candidate.resume_name = Path(upload.name).name[:255]
        candidate.resume_type = content_type
        candidate.save()
        if old:
            transaction.on_commit(lambda: storage.delete(old))
    return candidate


# ------------------------------------------------------------------------------------------------ applications


def _check_open(requisition: Requisition) -> None:
    if requisition.status != Status.APPROVED:
        raise ValidationError({"requisition": _("只有已批准且未招满的招聘需求可以接收应聘。")})


def application_create(*, actor, data: dict[str, Any]) -> Application:
    """Put a candidate in the pipeline of an approved requisition (once per requisition)."""
    requisition, candidate = data.get("requisition"), data.get("candidate")
    if requisition is not None:  # its current status, not that of the caller's copy
        _check_open(Requisition.objects.get(pk=requisition.pk))
    if requisition is not None and candidate is not None:
        if candidate.company_id != requisition.company_id:
            raise ValidationError({"candidate": NOT_FOUND_MESSAGE})
        if Application.objects.filter(requisition=requisition, candidate=candidate).exists():
            raise ValidationError({"candidate": _("该候选人已应聘这个招聘需求。")})
    return kit.object_create(actor=actor, model=Application, data=data, fields=APPLICATION_FIELDS,
                             initial={"stage": Stage.APPLIED, "stage_changed_at": timezone.now()})


def application_update(*, actor, instance: Application, data: dict[str, Any]) -> Application:
    """Change the requisition or candidate of an application that is still at "applied"."""
    if instance.stage != Stage.APPLIED:
        raise ValidationError({"stage": _("只能修改刚投递的应聘。")})
    if data.get("requisition") is not None and data["requisition"].pk != instance.requisition_id:
        _check_open(Requisition.objects.get(pk=data["requisition"].pk))
    return kit.object_update(actor=actor, instance=instance, data=data, fields=APPLICATION_FIELDS)


def _application_for_change(actor, application: Application) -> Application:
    assert_can(actor, AREA, "change")
    return in_scope_for_update(actor, Application, application, "change")


def _set_stage(application: Application, stage: str) -> None:
    application.stage = stage
    application.stage_changed_at = timezone.now()


def application_move(*, actor, application: Application, stage: str, rejection_reason: str = "") -> Application:
    """Move an application one step on the board (validated); the offer and the hire have their own steps."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("无效的阶段。")})
    with transaction.atomic(), audit_actor(actor):
        application = _application_for_change(actor, application)
        current = application.stage
        if stage == current:
            return application
        if stage not in TRANSITIONS[current]:
            raise ValidationError({"stage": _("不能从“%(current)s”直接移到“%(stage)s”。") % {
                "current": Stage(current).label, "stage": Stage(stage).label}})
        if stage == Stage.OFFER:
            raise ValidationError({"stage": _("请填写录用条件（薪资档位、入职日期）后发出录用通知。")})
        if stage == Stage.HIRED:
            raise ValidationError({"stage": _("请在候选人接受录用后使用“转为员工”。")})
        if stage == Stage.REJECTED:
            reason = (rejection_reason or "").strip()
            if not reason:
                raise ValidationError({"rejection_reason": _("请填写未录用原因。")})
            application.rejection_reason = reason[:300]
        else:
            _check_open(application.requisition)
        _set_stage(application, stage)
        application.full_clean()
        application.save()
    return application


def application_offer(*, actor, application: Application, salary_band: str, start_date: date | None,
                      sent_on: date | None = None) -> Application:
    """Send an offer to a candidate after interviews: salary band and start date; the stage becomes "offer"."""
    errors = {}
    if not (salary_band or "").strip():
        errors["salary_band"] = _("请填写薪资档位。")
    if start_date is None:
        errors["start_date"] = _("请填写入职日期。")
    elif not 2000 <= start_date.year <= 2100:
        errors["start_date"] = _("入职日期不合理。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), audit_actor(actor):
        application = _application_for_change(actor, application)
        if application.stage != Stage.INTERVIEW:
            raise ValidationError({"stage": _("只有面试阶段的候选人可以发录用通知。")})
        if not application.interviews.filter(feedback_at__isnull=False).exists():
            raise ValidationError({"stage": _("至少需要一份面试反馈才能发录用通知。")})
        _check_open(application.requisition)
        application.salary_band = salary_band.strip()[:20]
        application.start_date = start_date
        application.offer_sent_on = sent_on or timezone.localdate()
        application.offer_accepted_on = None
        _set_stage(application, Stage.OFFER)
        application.full_clean()
        application.save()
    return application


def application_offer_accept(*, actor, application: Application, accepted_on: date | None = None) -> Application:
    """Record that the candidate accepted the offer (the hire may follow)."""
    with transaction.atomic(), audit_actor(actor):
        application = _application_for_change(actor, application)
        if application.stage != Stage.OFFER:
            raise ValidationError({"stage": _("只有已发录用通知的候选人可以接受录用。")})
        accepted_on = accepted_on or timezone.localdate()
        if application.offer_sent_on and accepted_on < application.offer_sent_on:
            raise ValidationError({"offer_accepted_on": _("接受日期不能早于发出日期。")})
        application.offer_accepted_on = accepted_on
        application.full_clean()
        application.save()
    return application


# ------------------------------------------------------------------------------------------------ interviews


def _check_interviewer(application: Application, interviewer) -> None:
    requisition = application.requisition
    allowed = (interviewer is not None and interviewer.is_active and user_can(interviewer, AREA, "change")
               and _sees_requisition(interviewer, requisition))
    if not allowed:
        raise ValidationError({"interviewer": _("面试官看不到该招聘需求，或其角色不能参与招聘。")})


def interview_schedule(*, actor, data: dict[str, Any]) -> Interview:
    """Schedule an interview of a screened (or interviewing) candidate; a screened one moves to "interview"."""
    application = data.get("application")
    if application is None:
        raise ValidationError({"application": _("此字段为必填项。")})
    with transaction.atomic(), audit_actor(actor):
        assert_can(actor, AREA, "add")
        current = Application.objects.for_user(actor, "change").select_for_update().filter(pk=application.pk).first()
        if current is None:
            raise ValidationError({"application": NOT_FOUND_MESSAGE})
        if current.stage not in (Stage.SCREENED, Stage.INTERVIEW):
            raise ValidationError({"application": _("只有已筛选或面试中的候选人可以安排面试。")})
        _check_interviewer(current, data.get("interviewer"))
        interview = kit.object_create(actor=actor, model=Interview, data=data, fields=INTERVIEW_FIELDS,
                                      assignee_fields=("interviewer",))
        if current.stage == Stage.SCREENED:
            _check_open(current.requisition)
            _set_stage(current, Stage.INTERVIEW)
            current.save()
    return interview


def interview_update(*, actor, instance: Interview, data: dict[str, Any]) -> Interview:
    """Reschedule an interview (or change its interviewer) before feedback is in."""
    if instance.has_feedback:
        raise ValidationError({"scheduled_at": _("已有反馈的面试不能再修改。")})
    if "application" in data and data["application"].pk != instance.application_id:
        raise ValidationError({"application": _("不能把面试改到另一个应聘。")})
    if "interviewer" in data:
        _check_interviewer(instance.application, data["interviewer"])
    return kit.object_update(actor=actor, instance=instance, data=data, fields=INTERVIEW_FIELDS,
                             assignee_fields=("interviewer",))


def interview_feedback(*, actor, interview: Interview, rating: int | None, recommendation: str,
                       feedback: str) -> Interview:
    """The interviewer's rating (1-5), recommendation and written feedback (given once, changeable by them)."""
    from opsdesk.people.models.recruitment import RecommendationChoices

    assert_can(actor, AREA, "change")
    errors = {}
    if rating is None or not 1 <= int(rating) <= 5:
        errors["rating"] = _("评分须在 1 到 5 之间。")
    if recommendation not in RecommendationChoices.values:
        errors["recommendation"] = _("请选择录用建议。")
    if not (feedback or "").strip():
        errors["feedback"] = _("请填写面试反馈。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), audit_actor(actor):
        interview = in_scope_for_update(actor, Interview, interview, "change")
        if interview.interviewer_id != actor.pk:
            raise PermissionDenied(_("只有面试官本人可以填写反馈。"))
        interview.rating = int(rating)
        interview.recommendation = recommendation
        interview.feedback = feedback.strip()
        interview.feedback_at = timezone.now()
        interview.full_clean()
        interview.save()
    return interview


# ------------------------------------------------------------------------------------------------ the hire


def _employee_number(application: Application) -> str:
    """The company's next hire number, H000001, H000002, ...: counted per company (never from a database id,
    which another company's rows or a restarted sequence would change). Hires of one company are serialised on
    its row, so two at once cannot draw the same number."""
    from opsdesk.core.models import Company
    from opsdesk.people.models import Employee

    company_id = application.requisition.company_id
    Company.objects.select_for_update().filter(pk=company_id).first()
    numbers = Employee.objects.filter(company_id=company_id, employee_no__regex=r"^H[0-9]{6}$").values_list(
        "employee_no", flat=True)
    return f"H{max((int(number[1:]) for number in numbers), default=0) + 1:06d}"


def _may_write_personal(actor) -> bool:
    try:
        from opsdesk.people.selectors.employees import can_write_personal
    except ImportError:
        return False
    return bool(can_write_personal(actor))


def _create_employee(actor, application: Application):
    """The new Employee, through the employees area's service when it exists (the kit's object_create otherwise).

    The candidate's phone and the offer's salary band are the employee's personal data: they are copied only when
    the actor may write personal data (HR); otherwise HR completes them on the employee later."""
    from opsdesk.people.models import Employee

    requisition, candidate = application.requisition, application.candidate
    data = {"employee_no": _employee_number(application), "name": candidate.name, "store": requisition.store,
            "department": requisition.department, "position": requisition.position,
            "hire_date": application.start_date, "position_since": application.start_date, "status": "active"}
    if _may_write_personal(actor):
        data.update(phone=candidate.phone, salary_band=application.salary_band)
    try:
        from opsdesk.people.services.employees import employee_create
    except ImportError:
        employee_create = None
    if employee_create is not None:
        return employee_create(actor=actor, data=data)
    return kit.object_create(actor=actor, model=Employee, data=data, fields=tuple(data))


def application_hire(*, actor, application: Application) -> Application:
    """Turn an accepted offer into an Employee (store, position, hire date = start date), start their onboarding
    checklist and propose the position's required trainings; the requisition is filled when hires reach its
    headcount. Hiring the same application twice is refused."""
    with transaction.atomic(), audit_actor(actor):
        application = _application_for_change(actor, application)
        if application.hired_employee_id is not None or application.stage == Stage.HIRED:
            raise ValidationError({"stage": _("该候选人已转为员工。")})
        if application.stage != Stage.OFFER or application.offer_accepted_on is None:
            raise ValidationError({"stage": _("候选人接受录用后才能转为员工。")})
        requisition = Requisition.objects.select_for_update().get(pk=application.requisition_id)
        _check_open(requisition)
        employee = _create_employee(actor, application)
        application.hired_employee = employee
        application.hired_on = timezone.localdate()
        _set_stage(application, Stage.HIRED)
        application.full_clean()
        application.save()
        _onboarding_start(actor=actor, application=application, employee=employee)
        _propose_trainings(actor, application, employee)
        hired = Application.objects.filter(requisition=requisition, stage=Stage.HIRED).count()
        if hired >= requisition.headcount:
            requisition.status = Status.FILLED
            requisition.closed_at = timezone.now()
            requisition.save(update_fields=["status", "closed_at"])
        confirm_in_scope(actor, application, "change")
    return application


def _propose_trainings(actor, application: Application, employee) -> int:
    """Propose each required training of the position (training area; skipped with a log line when absent)."""
    try:
        from opsdesk.people.models import PositionTraining
        from opsdesk.people.services.training import training_propose
    except ImportError:
        logger.info("recruitment: training area absent, no trainings proposed for employee %s", employee.pk)
        return 0
    proposed = 0
    position = application.requisition.position
    for required in PositionTraining.objects.filter(position=position).select_related("programme"):
        try:
            training_propose(actor=actor, employee=employee, programme=required.programme,
                             reason=_("新员工入职必修：%(position)s") % {"position": position.name},
                             source="hire", source_ref=f"application:{application.pk}")
        except PermissionDenied:
            logger.warning("recruitment: %s may not propose trainings; employee %s gets none", actor, employee.pk)
            return proposed
        proposed += 1
    return proposed


# ------------------------------------------------------------------------------------------------ onboarding

ONBOARDING_TEMPLATE = {
    "code": ONBOARDING_TEMPLATE_CODE, "name": "新员工入职清单",
    "description": "招聘转为员工时自动生成的入职事项（人员模块使用，勿删除）。",
    "sections": [
        {"title": "入职手续", "items": [
            {"code": "ONB-01", "text": "签订劳动合同并收集入职资料"},
            {"code": "ONB-02", "text": "开通系统账号与工牌"},
            {"code": "ONB-03", "text": "发放工服与储物柜"},
        ]},
        {"title": "岗位引导", "items": [
            {"code": "ONB-04", "text": "门店参观与同事介绍"},
            {"code": "ONB-05", "text": "消防与食品安全须知"},
            {"code": "ONB-06", "text": "安排带教师傅并确认首周排班"},
        ]},
    ],
}


def onboarding_template_ensure(company):
    """The company's onboarding checklist template (code ONBOARDING), built through the store-operations services
    when missing. Returns the ChecklistTemplate."""
    from opsdesk.storeops.models import ChecklistTemplate
    from opsdesk.storeops.services import template_build

    template = ChecklistTemplate.objects.filter(company=company, code=ONBOARDING_TEMPLATE_CODE).first()
    if template is None:
        template = template_build(actor=None, company=company, spec=ONBOARDING_TEMPLATE)
    return template


def _template_tasks(template) -> list[tuple[str, str, str]]:
    """(section title, item code, text) of the template's current version, in order."""
    from opsdesk.storeops.models import TemplateItem

    if template is None or template.current_version_id is None:
        return []
    items = (TemplateItem.objects.filter(section__version_id=template.current_version_id)
             .select_related("section").order_by("section__position", "position", "pk"))
    return [(item.section.title, item.code, item.text) for item in items]


def _onboarding_start(*, actor, application: Application, employee) -> OnboardingChecklist:
    """The hire's onboarding checklist: one task per item of the onboarding template, assigned to the requester,
    due ONBOARDING_DAYS after the start date."""
    template = onboarding_template_ensure(application.requisition.company)
    start = application.start_date or timezone.localdate()
    with transaction.atomic(), audit_actor(actor):
        checklist = OnboardingChecklist(application=application, employee=employee, template=template,
                                        template_version_id=template.current_version_id,
                                        assignee=application.requisition.requested_by,
                                        due_date=start + timedelta(days=ONBOARDING_DAYS))
        checklist.full_clean()
        checklist.save()
        tasks = [OnboardingTask(checklist=checklist, position=index, section=section, item_code=code, text=text)
                 for index, (section, code, text) in enumerate(_template_tasks(template), start=1)]
        for task in tasks:
            task.save()
    return checklist


def onboarding_task_toggle(*, actor, task: OnboardingTask) -> OnboardingTask:
    """Tick a task off (or back on); the checklist is complete when every task is done."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        task = in_scope_for_update(actor, OnboardingTask, task, "change")
        if task.done_at is None:
            task.done_at, task.done_by = timezone.now(), actor
        else:
            task.done_at, task.done_by = None, None
        task.save()
        checklist = task.checklist
        open_tasks = checklist.tasks.filter(done_at__isnull=True).exists()
        checklist.completed_at = None if open_tasks else timezone.now()
        checklist.save(update_fields=["completed_at"])
    return task
