"""Pages of supplier management: the supplier list and overview, master data, contact book and documents (upload,
list, scoped download, delete), and contract and price-line editing."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core.files import harden_file_response
from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from opsdesk.purchasing import forms, selectors, services
from opsdesk.purchasing.documents import DOCUMENT_TYPES
from opsdesk.purchasing.filtersets import SupplierDocumentFilterSet, SupplierFilterSet
from opsdesk.purchasing.models import Contract, ContractPrice, ManagedSupplier, SupplierContact, SupplierDocument
from opsdesk.purchasing.services.suppliers import ContactData
from opsdesk.purchasing.tables import SupplierDocumentTable, SupplierTable
from opsdesk.purchasing.views._base import ObjectActionView

SUPPLIER_FIELDS = ["code", "name", "status", "payment_terms", "lead_time_days", "min_order_value", "responsible",
                   "contact_name", "phone", "email", "notes"]


def _with_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# ------------------------------------------------------------------------------------------------ suppliers


class SupplierListView(ObjectListView):
    model = ManagedSupplier
    filterset_class = SupplierFilterSet
    table_class = SupplierTable
    export_filename = "suppliers"
    add_url_name = "purchasing:supplier_add"

    def get_queryset(self, request, action="view"):
        return selectors.suppliers_for_user(request.user, action)


class SupplierOverviewView(ObjectDetailView):
    """One supplier at a glance: master data, contacts, categories, documents, contracts, recent orders, score."""

    model = ManagedSupplier
    template_name = "purchasing/supplier_overview.html"
    fields = SUPPLIER_FIELDS

    def get_queryset(self, request, action="view"):
        return selectors.suppliers_for_user(request.user, action).prefetch_related("categories")

    def get_extra_context(self, request, instance) -> dict:
        user = request.user
        return {**selectors.supplier_overview(user, instance),
                "categories": list(instance.categories.all()),
                "can_complain": user_can(user, "supplier_complaints", "view"),
                "can_view_orders": user_can(user, "purchasing", "view")}


class SupplierEditView(ObjectEditView):
    model = ManagedSupplier
    form_class = forms.SupplierForm

    def get_queryset(self, request, action="view"):
        return selectors.suppliers_for_user(request.user, action)

    def _fields(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in services.suppliers.MASTER_FIELDS}

    def create(self, request, form):
        data = form.cleaned_data
        contact = ContactData(name=data["contact_name"], phone=data["contact_phone"], email=data["contact_email"])
        return services.supplier_create(actor=request.user, categories=list(data["categories"]), contact=contact,
                                        **self._fields(form))

    def update(self, request, instance, form):
        return services.supplier_update(actor=request.user, supplier=instance,
                                        categories=list(form.cleaned_data["categories"]), **self._fields(form))


class _SupplierFormPage(ObjectActionView):
    """A form page about one supplier (GET shows it, POST runs the service): 404 out of scope or without the
    action."""

    model = ManagedSupplier
    template_name = "purchasing/supplier_form.html"
    title = ""
    multipart = False

    def get_queryset(self, request, action="view"):
        return selectors.suppliers_for_user(request.user, action)

    def make_form(self, request, data=None, files=None):
        raise NotImplementedError

    def save(self, request, supplier, form) -> str:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        supplier = self.get_object(request, pk, self.action)
        return self._render(request, supplier, self.make_form(request))

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        supplier = self.get_object(request, pk, self.action)
        form = self.make_form(request, request.POST, request.FILES)
        if form.is_valid():
            try:
                messages.success(request, self.save(request, supplier, form))
                return redirect(self.redirect_to(request, supplier))
            except ValidationError as error:
                _with_errors(form, error)
        return self._render(request, supplier, form, status=400)

    def _render(self, request, supplier, form, status: int = 200) -> HttpResponse:
        context = {**self.base_context(request), "supplier": supplier, "form": form, "title": self.title,
                   "multipart": self.multipart}
        return render(request, self.template_name, context, status=status)


class SupplierContactAddView(_SupplierFormPage):
    action = "change"
    title = gettext_lazy("添加联系人")

    def make_form(self, request, data=None, files=None):
        return forms.SupplierContactForm(data=data, user=request.user)

    def redirect_to(self, request, supplier) -> str:
        return supplier.get_absolute_url() + "#contacts"

    def save(self, request, supplier, form) -> str:
        services.supplier_contact_create(actor=request.user, supplier=supplier,
                                         data=ContactData(**form.cleaned_data))
        return _("已添加联系人。")


class SupplierContactEditView(ObjectEditView):
    model = SupplierContact
    form_class = forms.SupplierContactForm

    def update(self, request, instance, form):
        return services.supplier_contact_update(actor=request.user, contact=instance,
                                                data=ContactData(**form.cleaned_data))


class SupplierContactDeleteView(ObjectActionView):
    """Remove a contact (a change of the supplier's contact book)."""

    model = SupplierContact
    action = "change"

    def perform(self, request, contact) -> str:
        services.supplier_contact_delete(actor=request.user, contact=contact)
        return _("已删除联系人：%(name)s") % {"name": contact.name}


# ------------------------------------------------------------------------------------------------ documents


class SupplierDocumentAddView(_SupplierFormPage):
    action = "add"
    title = gettext_lazy("上传供应商文件")
    multipart = True

    def make_form(self, request, data=None, files=None):
        return forms.SupplierDocumentForm(data=data, files=files, user=request.user)

    def redirect_to(self, request, supplier) -> str:
        return supplier.get_absolute_url() + "#documents"

    def save(self, request, supplier, form) -> str:
        data = form.cleaned_data
        services.supplier_document_upload(actor=request.user, supplier=supplier, kind=data["kind"],
                                          title=data["title"], upload=data["upload"], expires_on=data["expires_on"],
                                          notes=data["notes"])
        return _("已上传文件。")


class SupplierDocumentListView(ObjectListView):
    model = SupplierDocument
    filterset_class = SupplierDocumentFilterSet
    table_class = SupplierDocumentTable
    export_filename = "supplier-documents"

    def get_queryset(self, request, action="view"):
        return selectors.supplier_documents_for_user(request.user, action)


class SupplierDocumentEditView(ObjectEditView):
    model = SupplierDocument
    form_class = forms.SupplierDocumentForm
    template_name = "purchasing/supplier_document_edit.html"

    def get_form(self, request, instance=None, data=None):
        files = request.FILES if data is not None else None
        return self.form_class(data=data, files=files, instance=instance, user=request.user)

    def update(self, request, instance, form):
        data = form.cleaned_data
        return services.supplier_document_update(actor=request.user, document=instance, kind=data["kind"],
                                                 title=data["title"], expires_on=data["expires_on"],
                                                 notes=data["notes"], upload=data.get("upload") or None)


class SupplierDocumentDownloadView(ObjectDetailView):
    """The stored file, for users who can see the document (404 otherwise: there is no public media URL)."""

    model = SupplierDocument

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        document = self.get_object(request, pk)
        if not document.file:
            raise Http404(_("未找到。"))
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("未找到。")) from error
        content_type = document.content_type or mimetypes.guess_type(document.file.name)[0] or "application/pdf"
        # Inline only for the types the upload check proved from the bytes; anything else downloads.
        inline = request.GET.get("inline") == "1" and content_type in DOCUMENT_TYPES.values()
        response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                                filename=document.original_name or document.file.name.rsplit("/", 1)[-1])
        return harden_file_response(response, cache="private, no-store")


class SupplierDocumentDeleteView(ObjectDeleteView):
    model = SupplierDocument

    def delete(self, request, instance) -> None:
        services.supplier_document_delete(actor=request.user, document=instance)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        document = self.get_object(request, pk)
        response = super().post(request, pk)
        return redirect(document.get_absolute_url()) if response.status_code == 302 else response


# ------------------------------------------------------------------------------------------------ contracts


class ContractEditView(ObjectEditView):
    model = Contract
    form_class = forms.ContractEditForm

    def update(self, request, instance, form):
        return services.contract_update(actor=request.user, contract=instance, **form.cleaned_data)


class ContractPriceEditView(ObjectEditView):
    model = ContractPrice
    form_class = forms.ContractPriceEditForm

    def get_queryset(self, request, action="view"):
        return super().get_queryset(request, action).select_related("contract", "product")

    def update(self, request, instance, form):
        return services.contract_price_update(actor=request.user, price=instance, **form.cleaned_data)


class ContractPriceDeleteView(ObjectActionView):
    """Remove a price line (a change of the contract's price list)."""

    model = ContractPrice
    action = "change"

    def perform(self, request, price) -> str:
        try:
            services.contract_price_delete(actor=request.user, price=price)
        except PermissionDenied as error:
            raise Http404(_("未找到。")) from error
        return _("已删除价格：%(product)s") % {"product": price.product}

