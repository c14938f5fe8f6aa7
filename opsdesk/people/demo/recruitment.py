"""Recruitment demo data (Chinese): one requisition per status, candidates in every stage of the pipeline, interviews
with and without feedback, an offer waiting for an answer, and one hire (employee + onboarding checklist), all written
through the recruitment services by the demo company's own users; dates are then set relative to `today`.

    from opsdesk.people.demo.recruitment import build
    build(company, today)          # -> {"requisitions": 6, "candidates": 7, "interviews": 3, "hires": 1}
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.models import User

logger = logging.getLogger(__name__)
CANDIDATES = [  # name, phone, source, stage on the "growth" requisition
    ("陈静", "13812340001", "job_board", "applied"),
    ("刘洋", "13812340002", "walk_in", "screened"),
    ("王磊", "13812340003", "referral", "interview"),
    ("赵敏", "13812340004", "agency", "offer"),
    ("孙悦", "13812340005", "job_board", "rejected"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _people(company) -> dict[str, User] | None:
    people = {}
    for role in (R.STORE_MANAGER, R.HR):
        user = User.objects.filter(company=company, role=role, is_active=True).order_by("pk").first()
        if user is None:
            return None
        people[role] = user
    return people


def _position(company, code: str, name: str, level: int):
    from opsdesk.people.models import Position

    position = Position.objects.filter(company=company, code=code).first()
    return position or Position.objects.create(company=company, code=code, name=name, level=level)


def build(company, today: date) -> dict[str, int]:
    """Add the recruitment demo to `company` (nothing when it already has requisitions or lacks a role's user)."""
    from opsdesk.people.models.recruitment import Requisition

    people = _people(company)
    if people is None or Requisition.objects.filter(company=company).exists():
        return {"requisitions": 0, "candidates": 0, "interviews": 0, "hires": 0}
    store = people[R.STORE_MANAGER].scope_stores.order_by("pk").first()
    if store is None:
        return {"requisitions": 0, "candidates": 0, "interviews": 0, "hires": 0}
    try:
        with transaction.atomic():
            return _build(company, today, people, store)
    except ValidationError as error:  # e.g. nobody above the store manager covers the store: no demo, no half of it
        logger.warning("recruitment demo skipped: %s", "; ".join(error.messages))
        return {"requisitions": 0, "candidates": 0, "interviews": 0, "hires": 0}


def _build(company, today: date, people: dict[str, User], store) -> dict[str, int]:
    from opsdesk.people.models.recruitment import Application, Interview, Requisition
    from opsdesk.people.services import recruitment as services

    manager, hr = people[R.STORE_MANAGER], people[R.HR]
    clerk = _position(company, "CLERK", "店员", 1)
    lead = _position(company, "SECTION_LEAD", "柜组长", 2)
    assistant = _position(company, "ASSISTANT_MANAGER", "副店长", 3)

    def requisition(actor, position, headcount, reason, description, *, where=store):
        return services.requisition_create(actor=actor, data={
            "store": where, "position": position, "headcount": headcount, "reason": reason,
            "description": description, "target_start": today + timedelta(days=21)})

    requisition(manager, clerk, 1, "replacement", "收银员离职补缺，需熟悉收银系统。")
    pending = requisition(manager, lead, 1, "growth", "生鲜柜组长，负责早班订货与陈列。")
    services.requisition_submit(actor=manager, requisition=pending)
    growth = requisition(manager, clerk, 3, "growth", "周末客流增长，增加三名理货与收银人员。")
    services.requisition_submit(actor=manager, requisition=growth)
    # The store's supervisor (or its regional manager) approves, and interviews.
    approver = services.approvers_for(growth).first()
    services.requisition_approve(actor=approver, requisition=growth, note="同意，优先内部推荐。")
    rejected = requisition(manager, assistant, 1, "growth", "门店扩大营业面积，需增设副店长。")
    services.requisition_submit(actor=manager, requisition=rejected)
    services.requisition_reject(actor=approver, requisition=rejected, note="营业面积调整尚未批准，暂缓。")
    filled = requisition(manager, clerk, 1, "new_store", "新店开业储备店员。")
    services.requisition_submit(actor=manager, requisition=filled)
    services.requisition_approve(actor=approver, requisition=filled, note="同意。")
    cancelled = requisition(hr, assistant, 1, "replacement", "总部培训专员岗位，已内部调岗解决。", where=None)
    services.requisition_cancel(actor=hr, requisition=cancelled, note="已内部调岗。")

    candidates, interviews = 0, 0
    for name, phone, source, stage in CANDIDATES:
        candidate = services.candidate_create(actor=hr, data={"name": name, "phone": phone, "source": source,
                                                              "notes": "周末可到岗。"})
        candidates += 1
        application = services.application_create(actor=hr, data={"requisition": growth, "candidate": candidate})
        if stage == "applied":
            continue
        services.application_move(actor=manager, application=application, stage="screened")
        if stage == "rejected":
            services.application_move(actor=manager, application=application, stage="rejected",
                                      rejection_reason="期望薪资高于岗位档位。")
            continue
        if stage == "screened":
            continue
        interview = services.interview_schedule(actor=manager, data={
            "application": application, "scheduled_at": timezone.now() + timedelta(days=1),
            "interviewer": approver})
        interviews += 1
        if stage == "offer":
            services.interview_feedback(actor=approver, interview=interview, rating=4, recommendation="hire",
                                        feedback="有两年超市收银经验，沟通清楚。")
            services.application_offer(actor=hr, application=application, salary_band="S1",
                                       start_date=today + timedelta(days=14))
            Application.objects.filter(pk=application.pk).update(offer_sent_on=today - timedelta(days=9))
            Interview.objects.filter(pk=interview.pk).update(scheduled_at=_at(today - timedelta(days=12)),
                                                             feedback_at=_at(today - timedelta(days=12), 15))
        else:  # the interview was two days ago and the feedback is missing: it shows in the interviewer's inbox
            Interview.objects.filter(pk=interview.pk).update(scheduled_at=_at(today - timedelta(days=2)))

    hire = services.candidate_create(actor=hr, data={"name": "周杰", "phone": "13812340006", "source": "referral"})
    candidates += 1
    application = services.application_create(actor=hr, data={"requisition": filled, "candidate": hire})
    services.application_move(actor=manager, application=application, stage="screened")
    interview = services.interview_schedule(actor=manager, data={
        "application": application, "scheduled_at": timezone.now(), "interviewer": manager})
    interviews += 1
    services.interview_feedback(actor=manager, interview=interview, rating=5, recommendation="hire",
                                feedback="做事细致，认同服务理念。")
    services.application_offer(actor=hr, application=application, salary_band="S1",
                               start_date=today - timedelta(days=10))
    services.application_offer_accept(actor=hr, application=application)
    services.application_hire(actor=hr, application=application)

    # Dates as they would have happened: the growth requisition approved 40 days ago, the filled one 45 days ago
    # and hired 10 days ago (time to hire 35 days).
    Requisition.objects.filter(pk=growth.pk).update(submitted_at=_at(today - timedelta(days=42)),
                                                   decided_at=_at(today - timedelta(days=40)),
                                                   approved_at=_at(today - timedelta(days=40)))
    Requisition.objects.filter(pk=filled.pk).update(submitted_at=_at(today - timedelta(days=46)),
                                                   decided_at=_at(today - timedelta(days=45)),
                                                   approved_at=_at(today - timedelta(days=45)),
                                                   closed_at=_at(today - timedelta(days=10)))
    Application.objects.filter(pk=application.pk).update(hired_on=today - timedelta(days=10))
    Interview.objects.filter(pk=interview.pk).update(scheduled_at=_at(today - timedelta(days=20)),
                                                     feedback_at=_at(today - timedelta(days=20), 16))
    return {"requisitions": 6, "candidates": candidates, "interviews": interviews, "hires": 1}
