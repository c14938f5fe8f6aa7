"""Seed the contact book: each supplier's order contact (contact_name, phone, email) becomes its primary contact.

The supplier's own fields stay: purchase orders are still e-mailed to `Supplier.email` and imports still fill
them; saving the primary contact through the services copies it back onto the supplier.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Supplier = apps.get_model("purchasing", "Supplier")
    SupplierContact = apps.get_model("purchasing", "SupplierContact")
    with_contact = SupplierContact.objects.filter(is_primary=True).values("supplier_id")
    suppliers = (Supplier.objects.exclude(contact_name="", phone="", email="").exclude(pk__in=with_contact)
                 .only("pk", "name", "contact_name", "phone", "email").order_by("pk"))
    contacts = [SupplierContact(supplier_id=supplier.pk, name=supplier.contact_name or supplier.name,
                                phone=supplier.phone, email=supplier.email, is_primary=True)
                for supplier in suppliers.iterator(chunk_size=2000)]
    SupplierContact.objects.bulk_create(contacts, batch_size=2000)


def backwards(apps, schema_editor):
    """The supplier's fields were never changed: nothing to restore (the seeded contacts go with the table)."""


class Migration(migrations.Migration):
    dependencies = [("purchasing", "0005_suppliers_contacts_documents_complaints")]

    operations = [migrations.RunPython(forwards, backwards)]
