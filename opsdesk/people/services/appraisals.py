"""Writes of appraisals: the cycle's workflow (open -> calibration -> closed), generating and measuring appraisals,
self-review, manager review, 360 peer requests and answers, calibration and sign-off.

Each service checks the role and the scope, runs `full_clean()`, writes inside `transaction.atomic()` under the
audit trail and re-reads the appraisal through the actor's scope. The 360 answer is the exception on purpose: it
writes no audit entry and nothing that records who answered or when (see `peer_review_answer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.choices import EmployeeStatusChoices, RoleChoices
from opsdesk.core.kit.guards import assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.engine import appraisal as engine
from opsdesk.people.models.appraisals import (
    AREA,
    CALIBRATION_AREA,
    REVIEW_AREA,
    SETUP_AREA,
    Appraisal,
    AppraisalCycle,
    AppraisalKpiResult,
    AppraisalStatusChoices,
    AppraisalTemplate,
    CompetencyRating,
    CycleStatusChoices,
    PeerRequestStatusChoices,
    PeerReviewAnswer,
    PeerReviewRequest,
)
from opsdesk.people.selectors import appraisals as selectors

S = AppraisalStatusChoices
#: The cycle's steps: from -> allowed next statuses.
CYCLE_STEPS = {
    CycleStatusChoices.DRAFT: (CycleStatusChoices.OPEN,),
    CycleStatusChoices.OPEN: (CycleStatusChoices.CALIBRATION,),
    CycleStatusChoices.CALIBRATION: (CycleStatusChoices.OPEN, CycleStatusChoices.CLOSED),
    CycleStatusChoices.CLOSED: (),
}


def _one_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


# ------------------------------------------------------------------------------------------------ the cycle


def cycle_transition(*, actor, cycle: AppraisalCycle, status: str) -> AppraisalCycle:
    """Move a cycle one step: opening generates the appraisals; closing needs every appraisal done."""
    assert_can(actor, SETUP_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, AppraisalCycle, cycle, "change")
        if status not in CYCLE_STEPS.get(current.status, ()):
            raise ValidationError({"status": _("考核周期不能从“%(from)s”变为“%(to)s”。") % {
                "from": current.get_status_display(), "to": dict(CycleStatusChoices.choices).get(status, status)}})
        if status == CycleStatusChoices.OPEN and current.status == CycleStatusChoices.DRAFT:
            _check_templates(current)
            appraisals_generate(actor=actor, cycle=current)
        if status == CycleStatusChoices.CLOSED:
            pending = current.appraisals.exclude(status=S.DONE).count()
            if pending:
                raise ValidationError({"status": _("还有 %(count)s 份考核未完成签字，不能结束周期。") % {
                    "count": pending}})
        current.status = status
        current.full_clean()
        current.save()
        confirm_in_scope(actor, current, "change")
        return current


def _check_templates(cycle: AppraisalCycle) -> None:
    templates = AppraisalTemplate.objects.filter(company_id=cycle.company_id)
    if not templates.exists():
        raise ValidationError({"status": _("公司还没有考核模板，请先建立默认模板。")})
    problems = [problem for template in templates for problem in template.weight_problems()]
    if problems:
        raise ValidationError({"status": problems})


def template_for(employee, templates: list[AppraisalTemplate]) -> AppraisalTemplate | None:
    """The template of the employee's position, else the default one (no position), else None."""
    by_position = {template.position_id: template for template in templates if template.position_id}
    if employee.position_id in by_position:
        return by_position[employee.position_id]
    return next((template for template in templates if template.position_id is None), None)


def manager_for(employee):
    """The user who reviews the employee: their manager's account, else the store manager of their store."""
    from opsdesk.core.models import User

    manager = employee.manager
    if manager is not None and manager.user_id and manager.user.is_active and manager.user_id != employee.user_id:
        return manager.user
    if employee.store_id is None:
        return None
    return (User.objects.filter(company_id=employee.company_id, is_active=True, role=RoleChoices.STORE_MANAGER,
                                scope_stores=employee.store_id).exclude(pk=employee.user_id or 0)
            .order_by("username").first())


def appraisals_generate(*, actor, cycle: AppraisalCycle) -> int:
    """Create the appraisals of the cycle's active employees in the actor's reach (the template of their position,
    else the default), measure their KPIs; employees already appraised in the cycle are skipped. Returns the count."""
    from opsdesk.people.models import Employee

    assert_can(actor, SETUP_AREA, "change")
    templates = list(AppraisalTemplate.objects.filter(company_id=cycle.company_id)
                     .prefetch_related("kpis", "competencies").order_by("pk"))
    employees = (Employee.objects.for_user(actor).filter(company_id=cycle.company_id,
                                                         status=EmployeeStatusChoices.ACTIVE)
                 .exclude(appraisals__cycle=cycle).select_related("store", "manager__user", "user"))
    cache: dict = {}
    created = 0
    with transaction.atomic(), audit_actor(actor):
        for employee in employees.order_by("employee_no"):
            template = template_for(employee, templates)
            if template is None:
                continue
            appraisal = Appraisal(cycle=cycle, employee=employee, template=template, manager=manager_for(employee))
            appraisal.full_clean(exclude=["cycle"])
            appraisal.save()
            CompetencyRating.objects.bulk_create([
                CompetencyRating(appraisal=appraisal, competency=line, name=line.name, description=line.description,
                                 weight=line.weight) for line in template.competencies.all()])
            measure_into(appraisal, cache=cache)
            created += 1
    return created


# ------------------------------------------------------------------------------------------------ measuring


def measure_into(appraisal: Appraisal, *, cache: dict | None = None, now=None) -> list[AppraisalKpiResult]:
    """(Re)measure the appraisal's KPIs from the product's data and rescore it (no checks: callers have made them).

    `cache` shares values between appraisals measured together (store colleagues have the same scope)."""
    cache = {} if cache is None else cache
    now = now or timezone.now()
    cycle = appraisal.cycle
    period = (cycle.period_start, cycle.period_end)
    employee_scope = selectors.employee_kpi_scope(appraisal.employee)
    results = []
    for line in appraisal.template.kpis.all():
        key = (line.pk, employee_scope.scope, period)
        if key not in cache:
            cache[key] = selectors.measure_kpi(line, employee_scope, period, cycle.period_label)
        measured = cache[key]
        results.append(AppraisalKpiResult(
            appraisal=appraisal, kpi_code=line.kpi_code, name=measured.name, weight=line.weight,
            threshold=line.threshold, target=line.target, stretch=line.stretch, rule=line.rule,
            higher_is_better=line.higher_is_better, value=measured.value, unit=measured.unit,
            score=_one_decimal(measured.score), scope_label=measured.scope_label, period_start=period[0],
            period_end=period[1], source_text=measured.source_text, source_url=measured.source_url, measured_at=now))
    AppraisalKpiResult.objects.filter(appraisal=appraisal).delete()
    AppraisalKpiResult.objects.bulk_create(results)
    appraisal.kpi_measured_at = now
    rescore(appraisal, results)
    return results


def rescore(appraisal: Appraisal, results: Iterable[AppraisalKpiResult] | None = None) -> None:
    """Recompute the KPI, competency and overall scores and the proposed rating, and save them."""
    results = list(results if results is not None else appraisal.kpi_results.all())
    kpi = engine.weighted_mean([None if r.score is None else float(r.score) for r in results],
                               [r.weight for r in results])
    competency = selectors.competency_score(appraisal.competency_ratings.all())
    overall = engine.overall_score(kpi, competency, appraisal.template.kpi_share)
    appraisal.kpi_score = _one_decimal(kpi)
    appraisal.competency_score = _one_decimal(competency)
    appraisal.overall_score = _one_decimal(overall)
    appraisal.proposed_rating = engine.proposed_rating(None if overall is None else round(overall, 1))
    appraisal.save()


def appraisal_measure(*, actor, appraisal: Appraisal) -> Appraisal:
    """Measure the KPIs again (new facts came in) while the appraisal is still under review."""
    with transaction.atomic(), audit_actor(actor):
        current = _for_review(actor, appraisal)
        _locked(actor, current)
        if current.status not in (S.SELF_REVIEW, S.MANAGER_REVIEW):
            raise ValidationError(_("考核已进入校准，KPI 不再重新取数。"))
        measure_into(current)
        confirm_in_scope(actor, current, "view", model=Appraisal)
    return current


# ------------------------------------------------------------------------------------------------ reviews


def _locked(actor, appraisal: Appraisal) -> Appraisal:
    current = in_scope_for_update(actor, Appraisal, appraisal, "view")
    if current.cycle.status not in (CycleStatusChoices.OPEN, CycleStatusChoices.CALIBRATION):
        raise ValidationError(_("考核周期“%(cycle)s”未在进行中。") % {"cycle": current.cycle})
    return current


def _for_review(actor, appraisal: Appraisal) -> Appraisal:
    assert_can(actor, REVIEW_AREA, "change")
    current = in_scope_for_update(actor, Appraisal, appraisal, "view")
    if not selectors.can_review(actor, current):
        raise PermissionDenied(_("你不能评价这份考核。"))
    return current


def _parse_ratings(appraisal: Appraisal, ratings: dict[Any, Any], *, required: bool) -> dict[int, int | None]:
    """{competency rating id: 1-5 or None}; unknown ids, values outside 1-5 and (when required) blanks are errors
    named `rating_<id>`."""
    known = {rating.pk: rating for rating in appraisal.competency_ratings.all()}
    parsed: dict[int, int | None] = {}
    errors = {}
    for key, value in ratings.items():
        pk = int(key) if str(key).isdigit() else None
        if pk not in known:
            errors[f"rating_{key}"] = _("不是这份考核的能力项。")
            continue
        if value in (None, ""):
            parsed[pk] = None
            continue
        number = int(value) if str(value).strip().isdigit() else None
        if number is None or not 1 <= number <= 5:
            errors[f"rating_{pk}"] = _("评分须为 1 到 5 的整数。")
            continue
        parsed[pk] = number
    if required:
        for pk, rating in known.items():
            if parsed.get(pk) is None:
                errors.setdefault(f"rating_{pk}", _("请为“%(name)s”评分。") % {"name": rating.name})
    if errors:
        raise ValidationError(errors)
    return parsed


def appraisal_self_review(*, actor, appraisal: Appraisal, ratings: dict, comments: dict | None = None,
                          summary: str = "", submit: bool = False) -> Appraisal:
    """The employee rates themselves (their own appraisal only); `submit` hands it to the manager."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        current = _locked(actor, appraisal)
        if current.employee.user_id != actor.pk:
            raise PermissionDenied(_("只有员工本人可以自评。"))
        if current.status != S.SELF_REVIEW:
            raise ValidationError(_("这份考核不在自评阶段。"))
        parsed = _parse_ratings(current, ratings, required=submit)
        _save_ratings(current, parsed, comments or {}, "self")
        current.self_comment = summary
        if submit:
            current.status = S.MANAGER_REVIEW
        current.full_clean()
        current.save()
        confirm_in_scope(actor, current, "view", model=Appraisal)
        return current


def _save_ratings(appraisal: Appraisal, parsed: dict[int, int | None], comments: dict, who: str) -> None:
    for rating in appraisal.competency_ratings.all():
        if rating.pk not in parsed and str(rating.pk) not in comments and rating.pk not in comments:
            continue
        if rating.pk in parsed:
            setattr(rating, f"{who}_rating", parsed[rating.pk])
        comment = comments.get(rating.pk, comments.get(str(rating.pk)))
        if comment is not None:
            setattr(rating, f"{who}_comment", str(comment))
        rating.full_clean()
        rating.save()


def appraisal_manager_review(*, actor, appraisal: Appraisal, ratings: dict, comments: dict | None = None,
                             summary: str = "", submit: bool = False) -> Appraisal:
    """The manager (or a reviewer in scope) rates the competencies; `submit` scores the appraisal, closes the 360
    requests still open and sends it to calibration."""
    with transaction.atomic(), audit_actor(actor):
        current = _for_review(actor, appraisal)
        _locked(actor, current)
        if current.status not in (S.SELF_REVIEW, S.MANAGER_REVIEW):
            raise ValidationError(_("这份考核不在上级评价阶段。"))
        if submit and current.status != S.MANAGER_REVIEW:
            raise ValidationError(_("员工尚未提交自评。"))
        parsed = _parse_ratings(current, ratings, required=submit)
        _save_ratings(current, parsed, comments or {}, "manager")
        current.manager_comment = summary
        if submit:
            current.status = S.CALIBRATION
            current.peer_requests.filter(status=PeerRequestStatusChoices.REQUESTED).update(
                status=PeerRequestStatusChoices.CLOSED)
        current.full_clean()
        rescore(current)
        confirm_in_scope(actor, current, "view", model=Appraisal)
        return current


def appraisal_calibrate(*, actor, appraisal: Appraisal, final_rating: int, note: str = "") -> Appraisal:
    """Set the final rating (calibration); a rating other than the proposed one needs a note. Sends it to sign-off."""
    assert_can(actor, CALIBRATION_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        current = _locked(actor, appraisal)
        if not selectors.can_calibrate(actor, current):
            raise PermissionDenied(_("你不能校准这份考核。"))
        if current.status not in (S.CALIBRATION, S.SIGN_OFF) or current.employee_signed_at \
                or current.manager_signed_at:
            raise ValidationError(_("只有待校准、且尚无人签字的考核可以校准。"))
        if not isinstance(final_rating, int) or not 1 <= final_rating <= 5:
            raise ValidationError({"final_rating": _("最终评级须为 1 到 5 的整数。")})
        if final_rating != current.proposed_rating and not note.strip():
            raise ValidationError({"calibration_note": _("最终评级与建议评级不同，请填写校准说明。")})
        current.final_rating = final_rating
        current.calibration_note = note.strip()
        current.status = S.SIGN_OFF
        current.full_clean()
        current.save()
        confirm_in_scope(actor, current, "view", model=Appraisal)
        return current


def appraisal_sign(*, actor, appraisal: Appraisal) -> Appraisal:
    """The employee or the manager (the appraisal's manager; any reviewer in reach when it has none) signs the
    calibrated appraisal; both signatures make it done."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        current = _locked(actor, appraisal)
        if current.status != S.SIGN_OFF:
            raise ValidationError(_("这份考核不在签字确认阶段。"))
        now = timezone.now()
        if current.employee.user_id == actor.pk:
            if current.employee_signed_at:
                raise ValidationError(_("你已经签过字了。"))
            current.employee_signed_at = now
        elif selectors.can_sign_as_manager(actor, current):
            if current.manager_signed_at:
                raise ValidationError(_("上级已经签过字了。"))
            current.manager_signed_at = now
        else:
            raise PermissionDenied(_("只有员工本人和其上级可以签字。"))
        if current.employee_signed_at and current.manager_signed_at:
            current.status = S.DONE
        current.full_clean()
        current.save()
        confirm_in_scope(actor, current, "view", model=Appraisal)
        return current


# ------------------------------------------------------------------------------------------------ 360 peers


def peer_reviews_request(*, actor, appraisal: Appraisal, reviewers: Iterable) -> list[PeerReviewRequest]:
    """Ask colleagues for an anonymous 360 review (not the employee themself; each colleague once)."""
    from opsdesk.core.models import User

    with transaction.atomic(), audit_actor(actor):
        current = _for_review(actor, appraisal)
        _locked(actor, current)
        if not current.cycle.peers_enabled:
            raise ValidationError(_("该考核周期未启用 360 同事评价。"))
        if current.status not in (S.SELF_REVIEW, S.MANAGER_REVIEW):
            raise ValidationError(_("只能在自评和上级评价阶段邀请同事评价。"))
        ids = {getattr(reviewer, "pk", reviewer) for reviewer in reviewers}
        people = list(User.objects.filter(pk__in=ids, company_id=current.employee.company_id, is_active=True))
        if not ids or len(people) != len(ids) or any(person.pk == current.employee.user_id for person in people):
            raise ValidationError({"reviewers": _("请选择本公司的同事（不能是员工本人）。")})
        existing = set(current.peer_requests.values_list("reviewer_id", flat=True))
        today = timezone.localdate()
        created = PeerReviewRequest.objects.bulk_create([
            PeerReviewRequest(appraisal=current, reviewer=person, requested_on=today)
            for person in people if person.pk not in existing])
        _audit_requests(actor, created)
        return created


def _audit_requests(actor, requests: list[PeerReviewRequest]) -> None:
    """Who was asked is no secret (each request's creation is audited, by the requester); who answered what is:
    the model stays off the audit registry, so its later status change (the answer) is never recorded."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(PeerReviewRequest)
    now = timezone.now()
    LogEntry.objects.bulk_create([
        LogEntry(content_type=content_type, object_pk=str(request.pk), object_id=request.pk,
                 object_repr=str(request)[:2000], action=LogEntry.Action.CREATE, actor=actor, timestamp=now,
                 changes={"appraisal": ["None", str(request.appraisal_id)],
                          "reviewer": ["None", str(request.reviewer_id)]},
                 additional_data=request.get_additional_data())
        for request in requests])


@dataclass(frozen=True)
class PeerAnswerReceipt:
    """What the reviewer is told after answering (nothing that links them to the stored answer)."""

    appraisal_id: int
    answered_on: date


def peer_review_answer(*, actor, request: PeerReviewRequest, ratings: dict, comment: str = "") -> PeerAnswerReceipt:
    """Store an anonymous 360 answer.

    The answer row has a random key, no reviewer, no time (only the cycle's end date) and is not audited; the request
    keeps only the day it was answered. Nothing else is written, so neither the audit trail nor a timestamp can tie
    an answer to its author.
    """
    with transaction.atomic():
        current = PeerReviewRequest.objects.select_for_update().filter(pk=request.pk, reviewer=actor).first()
        if current is None:
            raise PermissionDenied(_("这不是发给你的评价邀请。"))
        if current.status != PeerRequestStatusChoices.REQUESTED:
            raise ValidationError(_("这份评价邀请已经结束。"))
        appraisal = current.appraisal
        if appraisal.status not in (S.SELF_REVIEW, S.MANAGER_REVIEW) or appraisal.cycle.status != "open":
            raise ValidationError(_("这份考核已不再接受同事评价。"))
        parsed = _parse_ratings(appraisal, ratings, required=True)
        answer = PeerReviewAnswer(appraisal=appraisal, ratings={str(pk): value for pk, value in parsed.items()},
                                  comment=comment.strip(), period_bucket=appraisal.cycle.period_end)
        answer.full_clean()
        answer.save()
        PeerReviewRequest.objects.filter(pk=current.pk).update(status=PeerRequestStatusChoices.ANSWERED,
                                                               answered_on=timezone.localdate())
        return PeerAnswerReceipt(appraisal.pk, timezone.localdate())
