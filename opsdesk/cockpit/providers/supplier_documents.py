"""Supplier documents (licences, certificates, contracts) expiring within 30 days or already expired, for the
users who manage suppliers (company-wide items: the inbox shows them to company-scope users)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.inbox import InboxItem, deferred, end_of_day

DAYS = 30


def _queryset(user, now):
    from opsdesk.purchasing.selectors import expiring_documents_for_user

    return expiring_documents_for_user(user, days=DAYS, today=timezone.localtime(now).date())


def _item(document, now) -> InboxItem:
    expired = document.expires_on < timezone.localtime(now).date()
    title = _("供应商文件已过期：%(title)s") if expired else _("供应商文件即将到期：%(title)s")
    supplier = document.supplier
    return InboxItem(
        provider=PROVIDER.name, key=str(document.pk), severity=Sev.HIGH if expired else Sev.MEDIUM,
        title=deferred(lambda: title % {"title": document.title}),
        detail=deferred(lambda: f"{supplier} · {document.get_kind_display()} · {document.expires_on}"),
        due=end_of_day(document.expires_on), store_id=None, store_name="", company_id=supplier.company_id,
        link=deferred(document.get_absolute_url), source_owner_id=supplier.responsible_id)


class SupplierDocumentProvider:
    name = "supplier_document"
    label = gettext_lazy("供应商文件到期")

    def items_for_user(self, user, now):
        return [_item(document, now) for document in _queryset(user, now)[:100]]

    def item_for_user(self, user, key, now):
        document = _queryset(user, now).filter(pk=int(key) if key.isdigit() else 0).first()
        return _item(document, now) if document else None


PROVIDER = SupplierDocumentProvider()
