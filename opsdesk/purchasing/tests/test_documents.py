"""Supplier documents: upload checks (type, size, content), the scoped download (never a public media URL),
delete, and the daily expiry reminders (once per document and expiry date)."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from opsdesk.core import scheduler
from opsdesk.purchasing import jobs, selectors, services
from opsdesk.purchasing.documents import validate_supplier_document
from opsdesk.purchasing.models import SupplierDocument, SupplierDocumentReminder
from opsdesk.purchasing.tests.factories import make_supplier

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(actor, supplier, *, expires_on=None, name="licence.pdf", data=PDF):
    return services.supplier_document_upload(actor=actor, supplier=supplier, kind="licence", title="食品经营许可证",
                                             upload=SimpleUploadedFile(name, data), expires_on=expires_on)


@pytest.mark.parametrize(("name", "data", "code"), [
    ("licence.pdf", b"", "size"),
    ("licence.pdf", PDF + b"0" * (10 * 1024 * 1024), "size"),
    ("licence.docx", PDF, "type"),
    ("licence.pdf", b"MZ\x90\x00 not a pdf", "content"),
    ("photo.png", PDF, "content"),
    ("photo.jpg", None, "content"),  # PNG bytes under a .jpg name
])
def test_uploads_are_judged_by_size_suffix_and_bytes(name, data, code):
    # given
    upload = SimpleUploadedFile(name, _png() if data is None else data)
    # when
    with pytest.raises(ValidationError) as error:
        validate_supplier_document(upload)
    # then
    assert error.value.code == code


def test_pdf_and_png_are_accepted_with_their_content_type():
    # when
    types = [validate_supplier_document(SimpleUploadedFile("a.pdf", PDF)),
             validate_supplier_document(SimpleUploadedFile("b.PNG", _png()))]
    # then
    assert types == ["application/pdf", "image/png"]


def test_supervisor_uploads_on_the_page_and_the_file_is_stored_under_a_random_name(client, org, media):
    # given
    client.force_login(org.users["supervisor"])
    supplier = make_supplier(org.company)
    # when
    response = client.post(reverse("purchasing:supplier_document_add", args=[supplier.pk]), {
        "kind": "certificate", "title": "质检证书", "expires_on": (TODAY + timedelta(days=90)).isoformat(),
        "upload": SimpleUploadedFile("质检 证书.pdf", PDF)})
    # then
    document = supplier.documents.get()
    assert response.status_code == 302
    assert (document.original_name, document.content_type, document.size) == ("质检 证书.pdf", "application/pdf",
                                                                                len(PDF))
    assert document.file.name.startswith(f"suppliers/{supplier.pk}/")
    assert document.file.name.endswith(".pdf")
    assert "质检" not in document.file.name
    assert document.uploaded_by == org.users["supervisor"]


def test_a_rejected_upload_shows_the_form_again_and_stores_nothing(client, org, media):
    # given
    client.force_login(org.users["supervisor"])
    supplier = make_supplier(org.company)
    # when
    response = client.post(reverse("purchasing:supplier_document_add", args=[supplier.pk]), {
        "kind": "licence", "title": "许可证", "upload": SimpleUploadedFile("licence.exe", PDF)})
    # then
    assert response.status_code == 400
    assert SupplierDocument.objects.count() == 0
    assert not (media / "suppliers").exists()


def test_download_is_scoped_and_pages_never_link_a_media_url(client, org, media):
    # given
    document = _upload(org.users["coo"], make_supplier(org.company), expires_on=TODAY + timedelta(days=5))
    foreign = _upload(org.other_user, make_supplier(org.other_company))
    url = reverse("purchasing:supplier_document_download", args=[document.pk])
    # when
    client.force_login(org.users["supervisor"])
    allowed = client.get(url)
    body = b"".join(allowed.streaming_content)
    out_of_scope = client.get(reverse("purchasing:supplier_document_download", args=[foreign.pk]))
    overview = client.get(document.supplier.get_absolute_url()).content.decode()
    client.force_login(org.users["store_manager"])
    no_area = client.get(url)
    client.logout()
    anonymous = client.get(url)
    # then
    assert (allowed.status_code, body) == (200, PDF)
    assert allowed["Content-Type"] == "application/pdf"
    assert allowed["Content-Disposition"].startswith("attachment;")
    assert allowed["X-Content-Type-Options"] == "nosniff"
    assert (out_of_scope.status_code, no_area.status_code, anonymous.status_code) == (404, 404, 302)
    assert url in overview
    assert "/media/" not in overview


def test_delete_needs_the_delete_right_and_removes_the_row(client, org, media):
    # given
    document = _upload(org.users["coo"], make_supplier(org.company))
    url = reverse("purchasing:supplier_document_delete", args=[document.pk])
    # when
    client.force_login(org.users["supervisor"])
    denied = client.post(url)
    client.force_login(org.users["coo"])
    deleted = client.post(url)
    # then
    assert (denied.status_code, deleted.status_code) == (404, 302)  # may not delete: reads as absent
    assert deleted["Location"] == document.supplier.get_absolute_url() + "#documents"
    assert not SupplierDocument.objects.filter(pk=document.pk).exists()


def test_editing_keeps_the_file_unless_a_new_one_is_uploaded(client, org, media):
    # given
    client.force_login(org.users["supervisor"])
    document = _upload(org.users["coo"], make_supplier(org.company), expires_on=TODAY)
    stored = document.file.name
    # when
    kept = client.post(reverse("purchasing:supplier_document_edit", args=[document.pk]), {
        "kind": "licence", "title": "许可证（续期）", "expires_on": (TODAY + timedelta(days=365)).isoformat()})
    document.refresh_from_db()
    kept_name = document.file.name
    replaced = client.post(reverse("purchasing:supplier_document_edit", args=[document.pk]), {
        "kind": "licence", "title": "许可证（扫描件）", "expires_on": (TODAY + timedelta(days=365)).isoformat(),
        "upload": SimpleUploadedFile("scan.png", _png())})
    document.refresh_from_db()
    # then
    assert (kept.status_code, replaced.status_code) == (302, 302)
    assert kept_name == stored
    assert (document.title, document.content_type, document.original_name) == ("许可证（扫描件）", "image/png",
                                                                                "scan.png")


# ------------------------------------------------------------------------------------------------ reminders


def test_expiring_documents_selector_covers_30_days_and_expired_in_scope(org):
    # given
    supplier = make_supplier(org.company)
    expired = SupplierDocument.objects.create(supplier=supplier, title="过期", expires_on=TODAY - timedelta(days=1))
    soon = SupplierDocument.objects.create(supplier=supplier, title="将到期", expires_on=TODAY + timedelta(days=30))
    SupplierDocument.objects.create(supplier=supplier, title="远期", expires_on=TODAY + timedelta(days=31))
    SupplierDocument.objects.create(supplier=supplier, title="无到期日")
    SupplierDocument.objects.create(supplier=make_supplier(org.other_company), title="外司",
                                    expires_on=TODAY)
    # when
    found = list(selectors.expiring_documents_for_user(org.users["coo"], days=30, today=TODAY))
    # then
    assert found == [expired, soon]


def test_reminders_are_sent_once_per_document_and_expiry_date(org, settings):
    # given: a licence expiring in 10 days, managers with e-mail (admin, COO), a supervisor without
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for role, address in (("admin", "admin@example.com"), ("coo", "coo@example.com"), ("supervisor", "")):
        org.users[role].email = address
        org.users[role].save(update_fields=["email"])
    supplier = make_supplier(org.company)
    document = SupplierDocument.objects.create(supplier=supplier, kind="licence", title="食品经营许可证",
                                               expires_on=TODAY + timedelta(days=10))
    SupplierDocument.objects.create(supplier=supplier, title="远期证书", expires_on=TODAY + timedelta(days=60))
    # when
    first = services.document_reminders_send(company_id=org.company.pk, today=TODAY)
    second = services.document_reminders_send(company_id=org.company.pk, today=TODAY + timedelta(days=1))
    # then
    assert (first, second) == (1, 0)
    assert sorted(message.to[0] for message in mail.outbox) == ["admin@example.com", "coo@example.com"]
    assert "食品经营许可证" in mail.outbox[0].body
    assert "10" in mail.outbox[0].body
    reminder = SupplierDocumentReminder.objects.get()
    assert (reminder.document, reminder.expires_on) == (document, TODAY + timedelta(days=10))
    assert sorted(reminder.recipients) == ["admin@example.com", "coo@example.com"]


def test_a_renewed_expiry_is_reminded_again_and_the_responsible_user_is_told(org, settings):
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    responsible = org.users["supervisor"]
    responsible.email = "buyer@example.com"
    responsible.save(update_fields=["email"])
    supplier = make_supplier(org.company)
    supplier.responsible = responsible
    supplier.save(update_fields=["responsible"])
    document = SupplierDocument.objects.create(supplier=supplier, title="许可证", expires_on=TODAY - timedelta(days=3))
    blocked = make_supplier(org.company)
    blocked.status = "blocked"
    blocked.save(update_fields=["status"])
    SupplierDocument.objects.create(supplier=blocked, title="停用供应商的证书", expires_on=TODAY)
    services.document_reminders_send(company_id=org.company.pk, today=TODAY)
    # when
    document.expires_on = TODAY + timedelta(days=20)
    document.save(update_fields=["expires_on"])
    again = services.document_reminders_send(company_id=org.company.pk, today=TODAY)
    # then
    assert again == 1
    assert [message.to for message in mail.outbox] == [["buyer@example.com"], ["buyer@example.com"]]
    assert "已过期 3 天" in mail.outbox[0].body
    assert "停用供应商的证书" not in mail.outbox[0].body
    assert SupplierDocumentReminder.objects.filter(document=document).count() == 2


def test_the_reminder_job_is_registered_daily_and_reminds_each_company(org, settings):
    # given: tasks run immediately; a COO with e-mail in each company
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (org.users["coo"], org.other_user):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    SupplierDocument.objects.create(supplier=make_supplier(org.company), title="许可证", expires_on=TODAY)
    SupplierDocument.objects.create(supplier=make_supplier(org.other_company), title="外司许可证", expires_on=TODAY)
    # when
    jobs.enqueue_document_reminders()
    jobs.enqueue_document_reminders()
    # then
    job = scheduler.jobs()["purchasing_document_reminders"]
    assert (job.hour, job.minute, job.enqueue) == (7, 30, jobs.enqueue_document_reminders)
    assert sorted(message.to[0] for message in mail.outbox) == ["matrix-coo@example.com", "matrix-other@example.com"]
    assert SupplierDocumentReminder.objects.count() == 2


def test_a_document_is_served_sandboxed_inline_only_when_its_bytes_proved_its_type(client, org, media):
    # given: a PDF whose bytes after the header are a web page with script
    page = PDF[:9] + b"<html><script>alert(document.cookie)</script></html>"
    document = _upload(org.users["coo"], make_supplier(org.company), data=page)
    url = reverse("purchasing:supplier_document_download", args=[document.pk])
    client.force_login(org.users["coo"])
    # when
    inline = client.get(url, {"inline": "1"})
    # then: inline as a PDF (the PDF viewer, never this site's page), in a sandbox without script
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["Content-Security-Policy"] == "sandbox"
    assert inline["X-Content-Type-Options"] == "nosniff"


def test_an_image_document_with_too_many_pixels_is_refused():
    # given: a 12,000 x 12,000 (144-megapixel) one-bit PNG, a few kilobytes on disk
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, format="PNG")
    # when
    with pytest.raises(ValidationError) as raised:
        validate_supplier_document(SimpleUploadedFile("scan.png", buffer.getvalue()))
    # then
    assert raised.value.code == "too_many_pixels"
