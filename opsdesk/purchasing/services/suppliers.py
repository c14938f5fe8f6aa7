"""Writes of supplier management: the supplier master, its contact book, its documents and their expiry reminders.

The primary contact is mirrored onto `Supplier.contact_name/phone/email` (the order contact that purchase-order
e-mails and imports use), so the two never disagree after an edit made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.core.permissions import role_can
from opsdesk.purchasing.documents import validate_supplier_document
from opsdesk.purchasing.models import (
    ManagedSupplier,
    Supplier,
    SupplierContact,
    SupplierDocument,
    SupplierDocumentReminder,
    SupplierStatusChoices,
)

#: Fields of the supplier master a supplier manager edits (contacts and documents have their own writes).
MASTER_FIELDS = ("code", "name", "status", "payment_terms", "lead_time_days", "min_order_value", "responsible",
                 "notes")
#: Documents expiring within this many days (or already expired) are reminded about, once per expiry date.
REMINDER_DAYS = 30


@dataclass(frozen=True)
class ContactData:
    """What a contact says about a person at a supplier."""

    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False
    notes: str = ""


# ------------------------------------------------------------------------------------------------ the master


def _supplier_in_scope(actor, supplier: Supplier, action: str) -> Supplier:
    """The supplier, if supplier management lets the actor `action` it, as a plain (audited) Supplier, locked."""
    confirm_in_scope(actor, supplier, action, model=ManagedSupplier)
    return Supplier.objects.select_for_update().get(pk=supplier.pk)


def _check_master(actor, supplier: Supplier, categories) -> None:
    responsible = supplier.responsible
    if responsible is not None and (responsible.company_id != supplier.company_id or not responsible.is_active
                                    or not role_can(responsible.role, "supplier_management", "view")):
        raise ValidationError({"responsible": _("负责人必须是本公司可管理供应商的在职用户。")})
    if categories is not None and any(category.company_id != supplier.company_id for category in categories):
        raise ValidationError({"categories": _("品类不属于该公司。")})


def supplier_create(*, actor, categories=(), contact: ContactData | None = None, **fields) -> Supplier:
    """Create a supplier of the actor's company, with its categories and (optionally) its primary contact."""
    assert_can(actor, "supplier_management", "add")
    unknown = set(fields) - set(MASTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown supplier fields: {sorted(unknown)}")
    with transaction.atomic(), audit_actor(actor):
        supplier = Supplier(company_id=actor.company_id, **fields)
        _check_master(actor, supplier, categories)
        supplier.full_clean()
        supplier.save()
        supplier.categories.set(categories)
        confirm_in_scope(actor, supplier, "add", model=ManagedSupplier)
        if contact is not None and contact.name:
            _save_contact(SupplierContact(supplier=supplier), ContactData(**{**contact.__dict__, "is_primary": True}))
    return supplier


def supplier_update(*, actor, supplier: Supplier, categories=None, **fields) -> Supplier:
    """Change a supplier's master data (status, payment terms, stated lead time, categories ...)."""
    assert_can(actor, "supplier_management", "change")
    unknown = set(fields) - set(MASTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown supplier fields: {sorted(unknown)}")
    with transaction.atomic(), audit_actor(actor):
        supplier = _supplier_in_scope(actor, supplier, "change")
        for name, value in fields.items():
            setattr(supplier, name, value)
        _check_master(actor, supplier, categories)
        supplier.full_clean()
        supplier.save()
        if categories is not None:
            supplier.categories.set(categories)
    return supplier


# ------------------------------------------------------------------------------------------------ contacts


def _save_contact(contact: SupplierContact, data: ContactData) -> SupplierContact:
    """Save a contact; a primary one replaces the previous primary and is mirrored onto the supplier."""
    for name, value in data.__dict__.items():
        setattr(contact, name, value)
    supplier = contact.supplier
    others = SupplierContact.objects.filter(supplier=supplier).exclude(pk=contact.pk)
    if not contact.is_primary and not others.filter(is_primary=True).exists() and contact.pk is None:
        contact.is_primary = True  # the first contact of a supplier is its primary contact
    contact.full_clean(validate_constraints=False)
    if contact.is_primary:
        for previous in others.filter(is_primary=True):
            previous.is_primary = False
            previous.save(update_fields=["is_primary"])
    contact.save()
    if contact.is_primary:
        supplier.contact_name = contact.name
        supplier.phone = contact.phone or supplier.phone
        supplier.email = contact.email or supplier.email  # never blank the address orders are e-mailed to
        supplier.save(update_fields=["contact_name", "phone", "email"])
    return contact


def supplier_contact_create(*, actor, supplier: Supplier, data: ContactData) -> SupplierContact:
    """Add a person to a supplier's contact book (the first one becomes the primary contact)."""
    assert_can(actor, "supplier_management", "change")
    with transaction.atomic(), audit_actor(actor):
        supplier = _supplier_in_scope(actor, supplier, "change")
        return _save_contact(SupplierContact(supplier=supplier), data)


def supplier_contact_update(*, actor, contact: SupplierContact, data: ContactData) -> SupplierContact:
    """Change a contact; making it primary demotes the previous primary contact."""
    assert_can(actor, "supplier_management", "change")
    with transaction.atomic(), audit_actor(actor):
        contact = in_scope_for_update(actor, SupplierContact, contact, "change")
        return _save_contact(contact, data)


def supplier_contact_delete(*, actor, contact: SupplierContact) -> None:
    """Remove a contact (the supplier keeps its order contact fields)."""
    assert_can(actor, "supplier_management", "change")
    with transaction.atomic(), audit_actor(actor):
        in_scope_for_update(actor, SupplierContact, contact, "change").delete()


# ------------------------------------------------------------------------------------------------ documents


def _delete_file_on_commit(field_file) -> None:
    name, storage = field_file.name, field_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def supplier_document_upload(*, actor, supplier: Supplier, kind: str, title: str, upload,
                             expires_on: date | None = None, notes: str = "") -> SupplierDocument:
    """Store a supplier's document (PDF or image, <= 10 MB) under a random name; it is only ever downloaded
    through the scoped download view."""
    assert_can(actor, "supplier_management", "add")
    content_type = validate_supplier_document(upload)
    with transaction.atomic(), audit_actor(actor):
        supplier = _supplier_in_scope(actor, supplier, "add")
        document = SupplierDocument(supplier=supplier, kind=kind, title=title, expires_on=expires_on, notes=notes,
                                    original_name=_original_name(upload), content_type=content_type,
                                    size=upload.size, uploaded_by=actor, uploaded_at=timezone.now())
        document.full_clean(exclude=["file"])
        _store_file(document, upload)
    return document


def _store_file(document: SupplierDocument, upload) -> None:
    """Write the file, then the row; a row that fails to save takes its file with it."""
    document.file.save(upload.name, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise


def _original_name(upload) -> str:
    return (getattr(upload, "name", "") or "document").replace("/", "_").replace("\\", "_")[-255:]


def supplier_document_update(*, actor, document: SupplierDocument, kind: str, title: str, expires_on: date | None,
                             notes: str = "", upload=None) -> SupplierDocument:
    """Change a document's details, or replace its file (a renewed licence); a new expiry date is reminded anew."""
    assert_can(actor, "supplier_management", "change")
    content_type = validate_supplier_document(upload) if upload is not None else None
    with transaction.atomic(), audit_actor(actor):
        document = in_scope_for_update(actor, SupplierDocument, document, "change")
        document.kind, document.title, document.expires_on, document.notes = kind, title, expires_on, notes
        document.full_clean(exclude=["file"])
        if upload is None:
            document.save()
            return document
        _delete_file_on_commit(document.file)
        document.original_name, document.content_type = _original_name(upload), content_type
        document.size, document.uploaded_by, document.uploaded_at = upload.size, actor, timezone.now()
        _store_file(document, upload)
    return document


def supplier_document_delete(*, actor, document: SupplierDocument) -> None:
    """Delete a document and, once committed, its stored file."""
    assert_can(actor, "supplier_management", "delete")
    with transaction.atomic(), audit_actor(actor):
        document = in_scope_for_update(actor, SupplierDocument, document, "delete")
        _delete_file_on_commit(document.file)
        document.delete()


# ------------------------------------------------------------------------------------------------ reminders


def _supplier_managers(company_id: int) -> list[str]:
    """E-mail addresses of the company's active users whose role may change supplier management data."""
    from opsdesk.core.models import User

    users = User.objects.filter(company_id=company_id, is_active=True).exclude(email="").order_by("pk")
    return [user.email for user in users if role_can(user.role, "supplier_management", "change")]


def _recipients(document: SupplierDocument, managers: list[str]) -> list[str]:
    responsible = document.supplier.responsible
    if responsible is not None and responsible.is_active and responsible.email:
        return [responsible.email]
    return managers


def _reminder_line(document: SupplierDocument, today: date) -> str:
    days = (document.expires_on - today).days
    state = _("已过期 %(days)d 天") % {"days": -days} if days < 0 else _("%(days)d 天后到期") % {"days": days}
    return f"- {document.supplier} · {document.get_kind_display()} · {document.title} · {document.expires_on} ({state})"


def document_reminders_send(*, company_id: int, today: date | None = None) -> int:
    """E-mail reminders about a company's supplier documents that expire within 30 days or have expired.

    Each document is reminded about once per expiry date (a `SupplierDocumentReminder` row, unique per document
    and date, is written in the same transaction as the e-mails); a renewed document with a new expiry date is
    reminded about again. One e-mail per recipient lists their documents. Blocked suppliers are left out.
    Returns the number of documents reminded about.
    """
    today = today or timezone.localdate()
    reminded = SupplierDocumentReminder.objects.filter(document=OuterRef("pk"), expires_on=OuterRef("expires_on"))
    horizon = today + timedelta(days=REMINDER_DAYS)
    documents = list(SupplierDocument.objects.filter(
        supplier__company_id=company_id, expires_on__isnull=False, expires_on__lte=horizon)
        .exclude(supplier__status=SupplierStatusChoices.BLOCKED).exclude(Exists(reminded))
        .select_related("supplier__responsible").order_by("expires_on", "pk"))
    managers = _supplier_managers(company_id)
    by_recipient: dict[str, list[SupplierDocument]] = {}
    count = 0
    with transaction.atomic():
        for document in documents:
            recipients = _recipients(document, managers)
            if not recipients:
                continue  # nobody to tell yet: tried again tomorrow
            try:
                with transaction.atomic():
                    SupplierDocumentReminder.objects.create(document=document, expires_on=document.expires_on,
                                                            recipients=recipients)
            except IntegrityError:
                continue  # reminded by a concurrent run
            count += 1
            for address in recipients:
                by_recipient.setdefault(address, []).append(document)
        for address, items in by_recipient.items():
            subject = _("供应商文件到期提醒（%(count)d 份）") % {"count": len(items)}
            body = "\n".join([_("以下供应商文件即将到期或已过期，请及时更新："), "",
                              *(_reminder_line(document, today) for document in items)])
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return count

