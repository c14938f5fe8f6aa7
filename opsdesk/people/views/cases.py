"""HR case pages beside the kit's: the detail with steps, documents and readers (each open audited), and the
forms that add a step, a reader or a document; the scoped, audited document download."""

from __future__ import annotations

import mimetypes

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsdesk.core.files import harden_file_response
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.permissions import role_can
from opsdesk.people.models.cases import AREA, HrCase, HrCaseDocument
from opsdesk.people.selectors import cases as selectors
from opsdesk.people.services import cases as services

DATE = {"type": "date", "class": "form-control form-control-sm"}


class StepForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    description = forms.CharField(label=gettext_lazy("内容"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("授权查阅人"), queryset=get_user_model().objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args, case: HrCase, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [role for role in _roles() if role_can(role, AREA, "view")]
        self.fields["user"].queryset = (get_user_model().objects.filter(company_id=case.company_id, is_active=True,
                                                                        role__in=roles)
                                        .exclude(pk=case.owner_id).exclude(pk__in=case.members.values("pk"))
                                        .order_by("last_name", "first_name", "username"))
        self.fields["user"].label_from_instance = lambda person: f"{person.display_name} ({person.get_role_display()})"


def _roles():
    from opsdesk.core.choices import RoleChoices

    return [role.value for role in RoleChoices]


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("名称"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    file = forms.FileField(label=gettext_lazy("文件"),
                           help_text=gettext_lazy("PDF 或图片（PNG、JPEG、WebP），不超过 10 MB。"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm",
                                                                  "accept": ".pdf,.png,.jpg,.jpeg,.webp"}))


class CaseEditMixin:
    """The edit form shows the case: opening it is a read, audited like the detail page."""

    def _render(self, request, form, instance, status: int = 200):
        if instance is not None and request.method == "GET":
            services.case_access_record(actor=request.user, case=instance, channel="edit")
        return super()._render(request, form, instance, status)


def case_views(spec) -> dict[str, type]:
    """The kit's edit view of the case spec with the access audit."""
    from opsdesk.core.kit.views import SpecEditView

    return {"edit": type("HrCaseEditView", (CaseEditMixin, SpecEditView), {"spec": spec, "model": spec.model})}


def case_detail_context(request: HttpRequest, case: HrCase) -> dict:
    """Steps, documents, readers and the forms of the case page; the open is audited."""
    services.case_access_record(actor=request.user, case=case, channel="page")
    can_work = selectors.can_change_case(request.user, case)
    return {
        "steps": selectors.case_steps(request.user, case),
        "documents": selectors.case_documents(request.user, case),
        "members": case.members.order_by("username"),
        "parties": case.parties.order_by("employee_no"),
        "can_work": can_work,
        "step_form": StepForm(initial={"date": timezone.localdate()}) if can_work else None,
        "member_form": MemberForm(case=case) if can_work else None,
        "document_form": DocumentForm() if can_work else None,
    }


def _case_for_change(request: HttpRequest, pk) -> HrCase:
    found = scoped_or_none(HrCase, request.user, pk, "change")
    if found is None:
        raise Http404
    return found


def _back(case: HrCase, anchor: str = "") -> HttpResponse:
    return redirect(reverse("people:case_detail", args=[case.pk]) + anchor)


def _fail(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def case_step_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                                         for name, errors in form.errors.items()))
        return _back(case, "#case-steps")
    try:
        services.case_step_add(actor=request.user, case=case, day=form.cleaned_data["date"],
                               description=form.cleaned_data["description"])
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("已添加进展。"))
    return _back(case, "#case-steps")


@login_required
@require_POST
def case_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = MemberForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("所选对象不存在或不在你的权限范围内。"))
        return _back(case, "#case-members")
    try:
        services.case_member_add(actor=request.user, case=case, user=form.cleaned_data["user"])
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("已授权查阅。"))
    return _back(case, "#case-members")


@login_required
@require_POST
def case_member_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    user = case.members.filter(pk=user_id).first()
    try:
        services.case_member_remove(actor=request.user, case=case, user=user)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _fail(request, error)
    return _back(case, "#case-members")


@login_required
@require_POST
def case_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                                         for name, errors in form.errors.items()))
        return _back(case, "#case-documents")
    try:
        services.case_document_add(actor=request.user, case=case, title=form.cleaned_data["title"],
                                   upload=form.cleaned_data["file"])
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("已上传文件。"))
    return _back(case, "#case-documents")


@login_required
def case_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored file, for readers of the case only (404 otherwise); each download is audited."""
    document = scoped_or_none(HrCaseDocument, request.user, pk)
    if document is None or not document.file:
        raise Http404(_("未找到。"))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("未找到。")) from error
    services.case_access_record(actor=request.user, case=document.case, channel="download", document=document)
    content_type = document.content_type or mimetypes.guess_type(document.file.name)[0] or "application/pdf"
    inline = request.GET.get("inline") == "1" and content_type in services.DOCUMENT_TYPES.values()
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                            filename=document.original_name or document.file.name.rsplit("/", 1)[-1])
    return harden_file_response(response, cache="private, no-store")


urlpatterns = [
    path("cases/<int:pk>/steps/", case_step_add, name="case_step_add"),
    path("cases/<int:pk>/members/", case_member_add, name="case_member_add"),
    path("cases/<int:pk>/members/<int:user_id>/remove/", case_member_remove, name="case_member_remove"),
    path("cases/<int:pk>/documents/", case_document_upload, name="case_document_upload"),
    path("case-documents/<int:pk>/", case_document_download, name="case_document_download"),
]
