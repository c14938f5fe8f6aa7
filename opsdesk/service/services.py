"""Writes of customer service: tickets and their workflow (status, SLA pauses, escalation, contact log), the public
feedback and survey pages, CSAT requests and answers, and the company's default categories and SLA targets."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit import services as kit
from opsdesk.core.kit.guards import assert_can, in_scope_for_update
from opsdesk.service.choices import (
    OPEN_STATUSES,
    EventKindChoices,
    QuestionKindChoices,
    TicketChannelChoices,
    TicketStatusChoices,
    TicketTypeChoices,
)
from opsdesk.service.models import (
    AREA,
    CsatRequest,
    FeedbackLink,
    SlaTarget,
    SurveyAnswer,
    SurveyResponse,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketPause,
)

S = TicketStatusChoices
#: Which status may follow which (reopening a resolved or closed ticket goes back to in progress).
TRANSITIONS = {
    S.NEW: {S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING_CUSTOMER, S.RESOLVED},
    S.ACKNOWLEDGED: {S.IN_PROGRESS, S.WAITING_CUSTOMER, S.RESOLVED},
    S.IN_PROGRESS: {S.WAITING_CUSTOMER, S.RESOLVED},
    S.WAITING_CUSTOMER: {S.IN_PROGRESS, S.RESOLVED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: {S.IN_PROGRESS},
}
#: How long a CSAT link stays valid.
CSAT_DAYS = 14
DEFAULT_CATEGORIES = (
    ("product_quality", "商品质量", "Product quality", True),
    ("service_attitude", "服务态度", "Service attitude", False),
    ("hygiene", "卫生", "Hygiene", False),
    ("price", "价格", "Price", False),
    ("waiting_time", "等候时间", "Waiting time", False),
    ("other", "其他", "Other", False),
)
TICKET_FIELDS = ("store", "type", "category", "priority", "channel", "title", "description", "customer_name",
                 "customer_phone", "customer_email", "product", "supplier", "employee", "finding", "owner",
                 "compensation_type", "compensation_amount", "received_at")


def company_defaults_ensure(company_id: int) -> None:
    """The six default categories and the four SLA targets of a company (idempotent)."""
    from opsdesk.service.selectors import DEFAULT_TARGETS

    for order, (code, name_zh, name_en, is_quality) in enumerate(DEFAULT_CATEGORIES):
        TicketCategory.objects.get_or_create(company_id=company_id, code=code, defaults={
            "name_zh": name_zh, "name_en": name_en, "is_product_quality": is_quality, "order": order})
    for priority, (first, resolution) in DEFAULT_TARGETS.items():
        SlaTarget.objects.get_or_create(company_id=company_id, priority=priority, defaults={
            "first_response_minutes": first, "resolution_minutes": resolution})


def _next_number(company_id: int, moment: datetime) -> str:
    year = timezone.localtime(moment).year
    count = Ticket.objects.filter(company_id=company_id, number__startswith=f"T{year}-").count()
    return f"T{year}-{count + 1:06d}"


def _derive_supplier(ticket: Ticket) -> None:
    """A product-quality ticket about a product names its supplier (the scorecard counts it once, here)."""
    if ticket.product_id and not ticket.supplier_id:
        ticket.supplier_id = getattr(ticket.product, "supplier_id", None)


def _log(ticket: Ticket, kind: str, text: str, author=None, *, is_customer_contact: bool = False,
         at: datetime | None = None) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, text=text, author=author, at=at or timezone.now(),
                                      is_customer_contact=is_customer_contact)


def ticket_create(*, actor, data: dict[str, Any]) -> Ticket:
    """Log a ticket (hotline, counter, e-mail) at a store in scope; the owner defaults to the store's manager."""
    company_defaults_ensure(actor.company_id)
    data = _aware(data)
    with transaction.atomic(), audit_actor(actor):
        received = data.get("received_at") or timezone.now()
        created = kit.object_create(actor=actor, model=Ticket, data=data, fields=TICKET_FIELDS,
                                    initial={"company_id": actor.company_id, "created_by": actor},
                                    assignee_fields=("owner",))
        created.number = _next_number(actor.company_id, received)
        _derive_supplier(created)
        if created.owner_id is None:
            created.owner = default_owner(created.store)
        created.save(update_fields=["number", "supplier", "owner"])
        _log(created, EventKindChoices.STATUS, _("工单已登记（%(channel)s）。") % {
            "channel": created.get_channel_display()}, actor)
    return created


def default_owner(store):
    """Who handles a new ticket: the store's manager, else its supervisor (first by name)."""
    from opsdesk.core.choices import RoleChoices
    from opsdesk.core.selectors import assignable_people

    people = assignable_people(company_id=store.company_id, area=AREA, store_id=store.pk)
    for role in (RoleChoices.STORE_MANAGER, RoleChoices.SUPERVISOR, RoleChoices.REGIONAL_MANAGER):
        person = people.filter(role=role).first()
        if person is not None:
            return person
    return None


def _aware(data: dict[str, Any]) -> dict[str, Any]:
    """An API body may carry a local time without an offset: read it in the company's time zone, as forms do."""
    if data.get("received_at") is not None and timezone.is_naive(data["received_at"]):
        return {**data, "received_at": timezone.make_aware(data["received_at"])}
    return data


def ticket_update(*, actor, ticket: Ticket, data: dict[str, Any]) -> Ticket:
    """Change a ticket's plain fields (the status moves only through `ticket_transition`)."""
    data = _aware(data)
    with transaction.atomic(), audit_actor(actor):
        updated = kit.object_update(actor=actor, instance=ticket, data=data, fields=TICKET_FIELDS,
                                    assignee_fields=("owner",))
        if "product" in data:
            _derive_supplier(updated)
            updated.save(update_fields=["supplier"])
    return updated


def ticket_transition(*, actor, ticket: Ticket, status: str, note: str = "", resolution: str | None = None,
                      now: datetime | None = None) -> tuple[Ticket, str | None]:
    """Move a ticket to `status`: pauses the SLA clock while waiting on the customer or resolved, stamps the first
    response, resolution and closing, counts reopenings. Closing returns a one-time CSAT link token."""
    assert_can(actor, AREA, "change")
    now = now or timezone.now()
    with transaction.atomic(), audit_actor(actor):
        ticket = in_scope_for_update(actor, Ticket, ticket, "change")
        if status not in TRANSITIONS.get(ticket.status, set()):
            raise ValidationError({"status": _("工单不能从“%(old)s”变为“%(new)s”。") % {
                "old": ticket.get_status_display(), "new": S(status).label if status in S.values else status}})
        if resolution is not None:
            ticket.resolution = resolution.strip()
        if status == S.RESOLVED and not ticket.resolution:
            raise ValidationError({"resolution": _("解决工单需要填写处理结果。")})
        old = ticket.status
        _close_pause(ticket, now)
        # A closed ticket keeps its clock stopped too: a reopening must not count the closed gap.
        if status in (S.WAITING_CUSTOMER, S.RESOLVED, S.CLOSED):
            TicketPause.objects.create(ticket=ticket, started_at=now, reason=status)
        if ticket.first_response_at is None and status != S.NEW:
            ticket.first_response_at = now
        if status == S.RESOLVED:
            ticket.resolved_at = now
        if status == S.CLOSED:
            ticket.closed_at = now
        if old in (S.RESOLVED, S.CLOSED) and status == S.IN_PROGRESS:
            ticket.reopen_count += 1
            ticket.resolved_at = ticket.closed_at = None
        ticket.status = status
        ticket.full_clean()
        ticket.save()
        text = _("状态：%(old)s → %(new)s") % {"old": S(old).label, "new": S(status).label}
        _log(ticket, EventKindChoices.STATUS, f"{text}. {note}".strip().rstrip("."), actor, at=now)
        token = csat_request_create(ticket=ticket, now=now) if status == S.CLOSED else None
    return ticket, token


def _close_pause(ticket: Ticket, now: datetime) -> None:
    TicketPause.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)


def ticket_log(*, actor, ticket: Ticket, kind: str, text: str, is_customer_contact: bool = False) -> TicketEvent:
    """Add to a ticket's contact log; contacting the customer counts as the first response."""
    assert_can(actor, AREA, "change")
    if kind not in {EventKindChoices.NOTE, EventKindChoices.CALL, EventKindChoices.MESSAGE}:
        raise ValidationError({"kind": _("无效的记录类型。")})
    if not text.strip():
        raise ValidationError({"text": _("请填写内容。")})
    with transaction.atomic(), audit_actor(actor):
        ticket = in_scope_for_update(actor, Ticket, ticket, "change")
        now = timezone.now()
        if is_customer_contact and ticket.first_response_at is None:
            ticket.first_response_at = now
            if ticket.status == S.NEW:
                ticket.status = S.ACKNOWLEDGED
            ticket.save(update_fields=["first_response_at", "status"])
        return _log(ticket, kind, text.strip(), actor, is_customer_contact=is_customer_contact, at=now)


# --------------------------------------------------------------------------------------------- public pages


def feedback_link_for(store) -> FeedbackLink:
    """The store's public feedback link (made on first use)."""
    link, _created = FeedbackLink.objects.get_or_create(store=store)
    return link


def feedback_link_rotate(*, actor, store) -> FeedbackLink:
    """A new token for a store's feedback page (printed QR codes with the old one stop working)."""
    assert_can(actor, AREA, "change")
    from opsdesk.core.kit.guards import assert_store_in_scope

    assert_store_in_scope(actor, store)
    with transaction.atomic(), audit_actor(actor):
        link = feedback_link_for(store)
        link.token = secrets.token_urlsafe(24)
        link.save(update_fields=["token"])
    return link


def public_ticket_create(*, link: FeedbackLink, data: dict[str, Any], photo=None) -> tuple[Ticket, str]:
    """A ticket from a store's public feedback page (no login); returns it and the customer's tracking token."""
    if not link.is_active:
        raise PermissionDenied
    store = link.store
    company_defaults_ensure(store.company_id)
    category = data.get("category")
    if category is not None and category.company_id != store.company_id:
        raise ValidationError({"category": _("无效的类别。")})
    with transaction.atomic():
        now = timezone.now()
        ticket = Ticket(company_id=store.company_id, store=store, channel=TicketChannelChoices.QR,
                        type=data.get("type") or TicketTypeChoices.COMPLAINT, category=category,
                        title=data["title"], description=data.get("description", ""), rating=data.get("rating"),
                        customer_name=data.get("customer_name", ""), customer_phone=data.get("customer_phone", ""),
                        customer_email=data.get("customer_email", ""), received_at=now,
                        number=_next_number(store.company_id, now), owner=default_owner(store))
        if photo is not None:
            ticket.photo = photo
        ticket.full_clean()
        ticket.save()
        _log(ticket, EventKindChoices.STATUS, _("顾客通过门店二维码提交。"), None, at=now)
        token = csat_request_create(ticket=ticket, now=now, days=365, tracking=True)
    return ticket, token


def csat_request_create(*, ticket: Ticket, now: datetime | None = None, days: int = CSAT_DAYS,
                        tracking: bool = False) -> str:
    """A one-time link for the customer (the token is returned once; only its hash is stored). A closed ticket
    with an e-mail address gets the link by mail."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(24)
    CsatRequest.objects.create(ticket=ticket, token_hash=CsatRequest.hash_token(token), created_at=now,
                               expires_at=now + timedelta(days=days))
    if not tracking and ticket.customer_email:
        from django.conf import settings
        from django.urls import reverse

        url = f"{getattr(settings, 'OPSDESK_PUBLIC_URL', '')}{reverse('service:public_csat', args=[token])}"
        send_mail(_("请为我们的服务评分"), _("您的反馈 %(number)s 已处理完毕，请为我们的服务打分：%(url)s") % {
            "number": ticket.number, "url": url}, None, [ticket.customer_email], fail_silently=True)
    return token


def csat_request_find(token: str, *, now: datetime | None = None) -> CsatRequest | None:
    """The request of a token, if it exists (expired and answered ones included: the page says which)."""
    if not token or len(token) > 100:
        return None
    return CsatRequest.objects.select_related("ticket__store").filter(
        token_hash=CsatRequest.hash_token(token)).first()


def csat_answer(*, token: str, score: int, comment: str = "", now: datetime | None = None) -> CsatRequest:
    """Record the customer's 1-5 rating: once per link, before it expires, only for a resolved or closed ticket."""
    now = now or timezone.now()
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("请选择 1 到 5 分。")})
    with transaction.atomic():
        found = csat_request_find(token)
        if found is None:
            raise PermissionDenied
        request = CsatRequest.objects.select_for_update().get(pk=found.pk)
        if request.answered_at is not None:
            raise ValidationError(_("此链接已经评价过，谢谢。"))
        if request.expires_at < now:
            raise ValidationError(_("此链接已过期。"))
        ticket = request.ticket
        if ticket.status not in (S.RESOLVED, S.CLOSED):
            raise ValidationError(_("工单处理完毕后才能评价。"))
        # One rating per resolution: the tracking link and the link sent on closing are two ways to the same one.
        finished = ticket.resolved_at or ticket.closed_at
        answered = CsatRequest.objects.filter(ticket=ticket, answered_at__isnull=False)
        if finished is not None and answered.filter(answered_at__gte=finished).exists():
            raise ValidationError(_("此工单已经评价过，谢谢。"))
        request.score, request.comment, request.answered_at = score, comment.strip()[:2000], now
        request.save(update_fields=["score", "comment", "answered_at"])
        _log(request.ticket, EventKindChoices.NOTE, _("顾客评分：%(score)s/5") % {"score": score}, None, at=now)
    return request


def survey_response_create(*, survey, store, answers: dict[int, Any], now: datetime | None = None
                           ) -> SurveyResponse:
    """Store one anonymous survey response at a store (answers by question id; required ones must be there)."""
    if survey.company_id != store.company_id or not survey.is_active:
        raise PermissionDenied
    errors = {}
    rows = []
    nps_score, nps_reason = None, ""
    for question in survey.questions.all():
        value = answers.get(question.pk)
        if value in (None, ""):
            if question.is_required:
                errors[f"q{question.pk}"] = _("此题必答。")
            continue
        if question.kind in (QuestionKindChoices.RATING, QuestionKindChoices.NPS):
            low, high = (1, 5) if question.kind == QuestionKindChoices.RATING else (0, 10)
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = -1
            if not low <= number <= high:
                errors[f"q{question.pk}"] = _("请选择 %(low)s 到 %(high)s 分。") % {"low": low, "high": high}
                continue
            rows.append(SurveyAnswer(question=question, number=number))
            if question.kind == QuestionKindChoices.NPS and nps_score is None:
                nps_score = number
        elif question.kind == QuestionKindChoices.CHOICE:
            if value not in question.choice_list:
                errors[f"q{question.pk}"] = _("请选择一个选项。")
                continue
            rows.append(SurveyAnswer(question=question, text=value))
        else:
            text = str(value).strip()[:2000]
            rows.append(SurveyAnswer(question=question, text=text))
            if nps_score is not None and not nps_reason:
                nps_reason = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = SurveyResponse.objects.create(survey=survey, store=store, submitted_at=now or timezone.now(),
                                                 nps_score=nps_score, nps_reason=nps_reason)
        for row in rows:
            row.response = response
        SurveyAnswer.objects.bulk_create(rows)
    return response


# --------------------------------------------------------------------------------------------- escalation


#: Escalation levels: 0 the store manager, 1 the supervisor, 2 the regional manager, 3 the COO.
ESCALATION_LABELS = ("store_manager", "supervisor", "regional_manager", "coo")


def escalation_target_level(first, resolution) -> int:
    """How far a ticket climbs: approaching breach stays at the store; a broken first response goes to the
    supervisor; a broken resolution to the regional manager; twice the resolution target to the COO."""
    level = 0
    if first.is_breached:
        level = 1
    if resolution.is_breached:
        level = 2
        if resolution.elapsed_seconds >= 2 * resolution.target_seconds:
            level = 3
    return level


def tickets_escalate(*, now: datetime | None = None) -> int:
    """The SLA sweep: flag breaches and raise each open ticket to its escalation level (never down); returns how
    many tickets climbed. Each climb is in the contact log and mailed to the people of the new level."""
    from opsdesk.service.selectors import sla_states

    now = now or timezone.now()
    climbed = 0
    tickets = list(Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("store").prefetch_related("pauses"))
    states = sla_states(tickets, now=now)
    for ticket in tickets:
        first, resolution = states[ticket.pk]
        level = escalation_target_level(first, resolution)
        changed = {}
        if first.is_breached and not ticket.first_response_breached:
            changed["first_response_breached"] = True
        if resolution.is_breached and not ticket.resolution_breached:
            changed["resolution_breached"] = True
        if level > ticket.escalation_level:
            changed["escalation_level"] = level
        if not changed:
            continue
        Ticket.objects.filter(pk=ticket.pk).update(**changed)
        if "escalation_level" in changed:
            climbed += 1
            _log(ticket, EventKindChoices.ESCALATION, _("SLA 超时，升级至第 %(level)s 级。") % {"level": level}, at=now)
            _notify_escalation(ticket, level)
    return climbed


def _notify_escalation(ticket: Ticket, level: int) -> None:
    from opsdesk.core.choices import RoleChoices
    from opsdesk.core.selectors import assignable_people

    role = (RoleChoices.STORE_MANAGER, RoleChoices.SUPERVISOR, RoleChoices.REGIONAL_MANAGER, RoleChoices.COO)[level]
    emails = list(assignable_people(company_id=ticket.company_id, area=AREA, store_id=ticket.store_id)
                  .filter(role=role).exclude(email="").values_list("email", flat=True))
    if emails:
        send_mail(_("客服工单 SLA 超时：%(number)s") % {"number": ticket.number},
                  _("%(store)s 的工单“%(title)s”已超出 SLA，请跟进。") % {"store": ticket.store.name,
                                                                    "title": ticket.title},
                  None, emails, fail_silently=True)
