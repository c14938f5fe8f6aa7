"""The compliance expiry reminder job (maintenance requests and compliance items are written by the kit)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.storeops.models import ComplianceItem


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
