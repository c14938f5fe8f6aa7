"""Writes of maintenance requests and compliance items, and the expiry reminder job."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.storeops.models import ComplianceItem, MaintenanceRequest
from opsdesk.storeops.services.common import AREA, assert_can, assert_store_in_scope, assign, confirm_in_scope, locked

MAINTENANCE_FIELDS = {"store", "title", "equipment", "description", "priority", "status", "vendor", "estimated_cost",
                      "actual_cost", "scheduled_date", "completed_date"}
COMPLIANCE_FIELDS = {"store", "kind", "name", "reference_no", "holder", "issued_date", "expiry_date", "reminder_days",
                     "note"}


def maintenance_create(*, actor, data: dict[str, Any]) -> MaintenanceRequest:
    """Report a maintenance request at a store in scope."""
    assert_can(actor, AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        request = MaintenanceRequest(reported_by=actor)
        assign(request, data, MAINTENANCE_FIELDS)
        assert_store_in_scope(actor, request.store)
        request.full_clean()
        request.save()
        confirm_in_scope(actor, request, "add")
    return request


def maintenance_update(*, actor, request: MaintenanceRequest, data: dict[str, Any]) -> MaintenanceRequest:
    """Change a maintenance request (vendor, cost, status...)."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        request = locked(MaintenanceRequest.objects.for_user(actor, "change"), request.pk)
        assign(request, data, MAINTENANCE_FIELDS)
        assert_store_in_scope(actor, request.store)
        request.full_clean()
        request.save()
        confirm_in_scope(actor, request, "change")
    return request


def maintenance_delete(*, actor, request: MaintenanceRequest) -> None:
    """Delete a maintenance request."""
    assert_can(actor, AREA, "delete")
    with transaction.atomic(), audit_actor(actor):
        MaintenanceRequest.objects.for_user(actor, "delete").get(pk=request.pk).delete()


def compliance_create(*, actor, data: dict[str, Any]) -> ComplianceItem:
    """Record a compliance item (licence, check, certificate) of a store in scope."""
    assert_can(actor, AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        item = ComplianceItem()
        assign(item, data, COMPLIANCE_FIELDS)
        assert_store_in_scope(actor, item.store)
        item.full_clean()
        item.save()
        confirm_in_scope(actor, item, "add")
    return item


def compliance_update(*, actor, item: ComplianceItem, data: dict[str, Any]) -> ComplianceItem:
    """Change a compliance item; a new expiry date re-arms the reminder."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        item = locked(ComplianceItem.objects.for_user(actor, "change"), item.pk)
        assign(item, data, COMPLIANCE_FIELDS)
        assert_store_in_scope(actor, item.store)
        item.full_clean()
        item.save()
        confirm_in_scope(actor, item, "change")
    return item


def compliance_delete(*, actor, item: ComplianceItem) -> None:
    """Delete a compliance item."""
    assert_can(actor, AREA, "delete")
    with transaction.atomic(), audit_actor(actor):
        ComplianceItem.objects.for_user(actor, "delete").get(pk=item.pk).delete()


def compliance_due_for_reminder(today: date):
    """Items inside their reminder window (or expired) that have not been reminded for this expiry date."""
    # The window length is per row; prefilter in SQL to the next year, then compare in Python.
    candidates = ComplianceItem.objects.filter(expiry_date__lte=today + timedelta(days=366)).filter(
        Q(reminded_for_expiry__isnull=True) | ~Q(reminded_for_expiry=F("expiry_date"))
    )
    return [item for item in candidates.select_related("store") if item.expiry_date - timedelta(days=item.reminder_days)
            <= today]


def compliance_send_reminders(*, today: date | None = None) -> int:
    """The reminder job: mail the store's managers once per expiry date; returns the number of items reminded."""
    from opsdesk.core.choices import RoleChoices
    from opsdesk.core.models import User

    today = today or timezone.localdate()
    reminded = 0
    for item in compliance_due_for_reminder(today):
        recipients = list(
            User.objects.filter(is_active=True, company_id=item.store.company_id)
            .filter(Q(role=RoleChoices.STORE_MANAGER, scope_stores=item.store)
                    | Q(role=RoleChoices.SUPERVISOR, scope_stores=item.store)
                    | Q(role=RoleChoices.SUPERVISOR, scope_regions=item.store.region_id))
            .exclude(email="").values_list("email", flat=True).distinct()
        )
        if recipients:
            subject = _("证照即将到期：%(name)s") % {"name": item.name}
            body = _("%(store)s 的“%(name)s”将于 %(date)s 到期，请及时办理。") % {
                "store": item.store.name, "name": item.name, "date": item.expiry_date}
            send_mail(subject, body, None, recipients, fail_silently=True)
        ComplianceItem.objects.filter(pk=item.pk).update(reminded_for_expiry=item.expiry_date)
        reminded += 1
    return reminded
