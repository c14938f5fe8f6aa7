"""The supplier-documents inbox provider: expired and expiring documents for company-wide supplier managers."""

from datetime import date, datetime, timedelta

import time_machine
from django.utils import timezone

from opsdesk.cockpit import inbox
from opsdesk.cockpit.choices import SeverityChoices
from opsdesk.purchasing.models import Supplier, SupplierDocument

TODAY = date(2026, 3, 16)
NOW = timezone.make_aware(datetime(2026, 3, 16, 9, 0))


def _supplier(company, code: str) -> Supplier:
    return Supplier.objects.create(company=company, code=code, name="鲜达供应链")


def _document(supplier, title: str, days: int | None) -> SupplierDocument:
    expires = TODAY + timedelta(days=days) if days is not None else None
    return SupplierDocument.objects.create(supplier=supplier, kind="licence", title=title, expires_on=expires)


@time_machine.travel(NOW, tick=False)
def test_provider_lists_expired_and_expiring_documents_with_severity_and_due(org):
    # given
    supplier = _supplier(org.company, "DOC-1")
    expired = _document(supplier, "营业执照", -2)
    soon = _document(supplier, "食品经营许可证", 30)
    _document(supplier, "远期证书", 31)
    _document(supplier, "无到期日", None)
    _document(_supplier(org.other_company, "DOC-X"), "外司证书", 0)
    provider = inbox.providers()["supplier_document"]
    # when
    items = provider.items_for_user(org.users["coo"], NOW)
    # then
    assert [(item.key, str(item.title), item.severity) for item in items] == [
        (str(expired.pk), "供应商文件已过期：营业执照", SeverityChoices.HIGH),
        (str(soon.pk), "供应商文件即将到期：食品经营许可证", SeverityChoices.MEDIUM)]
    assert items[0].due == inbox.end_of_day(TODAY - timedelta(days=2))
    assert (items[0].store_id, items[0].company_id) == (None, org.company.pk)
    assert str(items[0].link) == f"/purchasing/suppliers/{supplier.pk}/#documents"


@time_machine.travel(NOW, tick=False)
def test_inbox_shows_them_to_company_wide_managers_only_and_fetches_one_by_key(org):
    # given
    document = _document(_supplier(org.company, "DOC-2"), "营业执照", 5)
    # when
    coo = [item.item_id for item in inbox.inbox_for_user(org.users["coo"], now=NOW)]
    supervisor = [item.item_id for item in inbox.inbox_for_user(org.users["supervisor"], now=NOW)]
    store_manager = inbox.providers()["supplier_document"].items_for_user(org.users["store_manager"], NOW)
    one = inbox.providers()["supplier_document"].item_for_user(org.users["coo"], str(document.pk), NOW)
    missing = inbox.providers()["supplier_document"].item_for_user(org.users["coo"], "nope", NOW)
    # then: supervisors manage suppliers but items without a store reach company-wide users only
    assert f"supplier_document:{document.pk}" in coo
    assert f"supplier_document:{document.pk}" not in supervisor
    assert store_manager == []
    assert (one.key, missing) == (str(document.pk), None)
