"""Writes of reports: generate and store a pack, deliver it (e-mail with the PDF, group robots with Markdown) with
a delivery log, run the subscriptions due today, and keep meetings and their decisions."""

from __future__ import annotations

import logging
import urllib.error
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opsdesk.core import documents
from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.services import object_create, object_update
from opsdesk.core.notify import DeliveryError, post_robot
from opsdesk.core.permissions import user_can
from opsdesk.core.selectors import assignable_people
from opsdesk.reports import periods, selectors
from opsdesk.reports.choices import ChannelChoices, DecisionStatusChoices, PackKindChoices
from opsdesk.reports.models import (
    AREA,
    Meeting,
    MeetingDecision,
    ReportDelivery,
    ReportPack,
    ReportSubscription,
    document_to_data,
)

logger = logging.getLogger(__name__)
MEETING_FIELDS = ("title", "held_on", "region", "store", "notes")


# --- packs --------------------------------------------------------------------------------------------------------

def pack_generate(*, scope: selectors.PackScope, kind: str, period: periods.Period, language: str, actor=None,
                  subscription: ReportSubscription | None = None) -> ReportPack:
    """Build a scope's pack for a period and store it with its frozen document (the actor's inbox, or the
    company's COO's for a scheduled pack, gives the exceptions)."""
    reader = actor or selectors.company_reader(scope.company)
    content = selectors.pack_content(scope, kind, period, reader=reader)
    now = timezone.now()
    document = selectors.pack_document(content, language, generated_at=now)
    with transaction.atomic(), audit_actor(actor):
        return ReportPack.objects.create(
            company=scope.company, region=scope.region, store=scope.store, kind=kind, period_start=period[0],
            period_end=period[1], language=language, title=document.title[:200], content=document_to_data(document),
            generated_by=actor, subscription=subscription)


def _reason(error: BaseException) -> str:
    if isinstance(error, DeliveryError):
        return str(error)
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    return f"{type(error).__name__}: {error}"


def pack_filename(pack: ReportPack) -> str:
    return f"{pack.kind}-{pack.scope_code.replace(':', '-')}-{periods.code(pack.kind, pack.period_start)}"


def _send_email(pack: ReportPack, document: documents.Document, emails: list[str]) -> None:
    message = EmailMultiAlternatives(subject=pack.title, body=documents.render_markdown(document), to=list(emails))
    message.attach_alternative(f"<html><body>{documents.render_html(document)}</body></html>", "text/html")
    message.attach(f"{pack_filename(pack)}.pdf", documents.render_pdf(document), "application/pdf")
    message.send()


def pack_deliver(pack: ReportPack, *, emails: list[str] = (), dingtalk: str = "", wecom: str = ""
                 ) -> list[ReportDelivery]:
    """Send a stored pack to every given channel, each on its own: e-mail with the PDF attached, the robots in
    Markdown. Each attempt is logged on the pack (ok, or failed with the reason); a failure never stops the
    others."""
    document = pack.document()
    markdown = documents.render_markdown(document)
    attempts = []
    if emails:
        attempts.append((ChannelChoices.EMAIL, lambda: _send_email(pack, document, list(emails))))
    if dingtalk:
        attempts.append((ChannelChoices.DINGTALK, lambda: post_robot(
            dingtalk, {"msgtype": "markdown", "markdown": {"title": pack.title, "text": markdown}})))
    if wecom:
        attempts.append((ChannelChoices.WECOM, lambda: post_robot(
            wecom, {"msgtype": "markdown", "markdown": {"content": markdown}})))
    deliveries = []
    for channel, send in attempts:
        try:
            send()
        except Exception as error:  # one channel's failure must not lose the others
            reason = _reason(error)
            logger.error("report pack %s: %s failed: %s", pack.pk, channel, reason,
                         exc_info=not isinstance(error, OSError | DeliveryError))
            deliveries.append(ReportDelivery.objects.create(pack=pack, channel=channel, is_ok=False, reason=reason))
        else:
            deliveries.append(ReportDelivery.objects.create(pack=pack, channel=channel, is_ok=True))
    return deliveries


def subscription_run(subscription: ReportSubscription, *, today: date) -> ReportPack | None:
    """Build and send the subscription's pack of the period just ended; None when it was already sent."""
    period = periods.just_ended(subscription.kind, today)
    already = ReportPack.objects.filter(subscription=subscription, kind=subscription.kind, period_start=period[0])
    if already.exists():
        return None
    scope = selectors.scope_of_row(subscription)
    pack = pack_generate(scope=scope, kind=subscription.kind, period=period, language=subscription.language,
                         subscription=subscription)
    pack_deliver(pack, emails=subscription.email_list, dingtalk=subscription.dingtalk_webhook,
                 wecom=subscription.wecom_webhook)
    return pack


def subscriptions_run_due(*, today: date) -> list[ReportPack]:
    """The scheduled job: weekly subscriptions on Mondays, monthly ones on the 1st; a subscription whose pack
    cannot be built is logged and the next one still runs."""
    kinds = [kind for kind, due in ((PackKindChoices.WEEKLY, today.weekday() == 0),
                                    (PackKindChoices.MONTHLY, today.day == 1)) if due]
    packs = []
    for subscription in ReportSubscription.objects.filter(is_active=True, kind__in=kinds).select_related(
            "company", "region", "store").order_by("pk"):
        try:
            pack = subscription_run(subscription, today=today)
        except Exception:  # the next subscription still gets its pack
            logger.exception("report subscription %s could not be run", subscription.pk)
            continue
        if pack is not None:
            packs.append(pack)
    return packs


# --- meetings -----------------------------------------------------------------------------------------------------

def _attendees(actor, chosen) -> list:
    """The chosen attendees, each a person of the company the actor's scope meets (else a validation error)."""
    people = assignable_people(company_id=actor.company_id, area=AREA, action="view", visible_to=actor)
    ids = {getattr(person, "pk", person) for person in chosen or ()}
    found = list(people.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"attendees": _("所选对象不存在或不在你的权限范围内。")})
    return found


def meeting_create(*, actor, data: dict[str, Any]) -> Meeting:
    """Record a meeting (attendees: people of the actor's scope)."""
    data = dict(data)
    chosen = data.pop("attendees", ())
    with transaction.atomic():
        attendees = _attendees(actor, chosen)
        meeting = object_create(actor=actor, model=Meeting, data=data, fields=MEETING_FIELDS)
        meeting.attendees.set(attendees)
    return meeting


def meeting_update(*, actor, instance: Meeting, data: dict[str, Any]) -> Meeting:
    """Change a meeting; attendees the actor cannot see stay as they are."""
    data = dict(data)
    has_attendees = "attendees" in data
    chosen = data.pop("attendees", ())
    with transaction.atomic():
        meeting = object_update(actor=actor, instance=instance, data=data, fields=MEETING_FIELDS)
        if has_attendees:
            visible = assignable_people(company_id=actor.company_id, area=AREA, action="view", visible_to=actor)
            hidden = list(meeting.attendees.exclude(pk__in=visible.values("pk")))
            meeting.attendees.set([*_attendees(actor, chosen), *hidden])
    return meeting


DECISION_FIELDS = ("meeting", "text", "owner", "due_on", "status")


def _check_meeting(actor, data: dict[str, Any]) -> None:
    """A decision goes only to a meeting the actor may change (not one merely attended)."""
    meeting = data.get("meeting")
    if meeting is not None and not Meeting.objects.for_user(actor, "change").filter(
            pk=getattr(meeting, "pk", meeting)).exists():
        raise ValidationError({"meeting": _("所选对象不存在或不在你的权限范围内。")})


def decision_create(*, actor, data: dict[str, Any]) -> MeetingDecision:
    """Record a decision of a meeting the actor may change."""
    _check_meeting(actor, data)
    return object_create(actor=actor, model=MeetingDecision, data=data, fields=DECISION_FIELDS,
                         assignee_fields=("owner",))


def decision_update(*, actor, instance: MeetingDecision, data: dict[str, Any]) -> MeetingDecision:
    """Change a decision (moving it only to a meeting the actor may change); setting it done records the actor
    as who closed it."""
    _check_meeting(actor, data)
    with transaction.atomic(), audit_actor(actor):
        decision = object_update(actor=actor, instance=instance, data=data, fields=DECISION_FIELDS,
                                 assignee_fields=("owner",))
        if decision.status == DecisionStatusChoices.DONE and decision.done_by_id is None:
            decision.done_by = actor
            decision.save(update_fields=["done_by"])
    return decision


def decision_complete(*, actor, decision: MeetingDecision, now: datetime | None = None) -> MeetingDecision:
    """Mark a decision done, by the actor, at `now`: its owner, or anyone who may change the meeting
    (PermissionDenied for anyone else, and nothing changes). Done already: left as it was."""
    with transaction.atomic(), audit_actor(actor):
        current = MeetingDecision.objects.select_for_update().filter(pk=decision.pk).first()
        may_change = MeetingDecision.objects.for_user(actor, "change").filter(pk=decision.pk).exists()
        is_owner = current is not None and current.owner_id == actor.pk and user_can(actor, AREA, "view")
        if current is None or not (may_change or is_owner):
            raise PermissionDenied
        if current.status != DecisionStatusChoices.DONE:
            current.status, current.done_at, current.done_by = DecisionStatusChoices.DONE, now or timezone.now(), actor
            current.full_clean()
            current.save()
    return current


def meeting_document(meeting: Meeting, language: str) -> documents.Document:
    with translation.override(language):
        return selectors.meeting_document(meeting, language)
