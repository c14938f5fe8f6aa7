"""Running an inspection on a phone: start, answer item by item (htmx, saved as it goes), photos, sign-off, PDF."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core.files import harden_file_response
from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectDeleteView, ObjectListView
from opsdesk.storeops import filtersets, forms, selectors, services, tables
from opsdesk.storeops.choices import ItemKindChoices
from opsdesk.storeops.models import InspectionPhoto, InspectionRun, TemplateItem


class InspectionRunListView(ObjectListView):
    model = InspectionRun
    filterset_class = filtersets.InspectionRunFilterSet
    table_class = tables.InspectionRunTable
    export_filename = "inspection-runs"
    add_url_name = "storeops:run_start"

    def get_queryset(self, request, action="view"):
        return selectors.run_list(user=request.user, action=action)


class InspectionRunDeleteView(ObjectDeleteView):
    model = InspectionRun
    success_url_name = "storeops:run_list"

    def delete(self, request, instance):
        services.run_delete(actor=request.user, run=instance)


def _run_in_scope(request: HttpRequest, pk, action: str = "view") -> InspectionRun:
    """The run if the user may perform `action` on it, else 404 (out of scope and not permitted read the same)."""
    try:
        return selectors.run_list(user=request.user, action=action).get(pk=pk)
    except (InspectionRun.DoesNotExist, ValueError) as error:
        raise Http404(_("未找到。")) from error


def _performable(request: HttpRequest, pk) -> InspectionRun:
    """A run the user may answer (performing an inspection is the `add` grant)."""
    return _run_in_scope(request, pk, "add")


@login_required
def run_start(request: HttpRequest) -> HttpResponse:
    """Start an ad hoc inspection (pick a store and a checklist)."""
    if not user_can(request.user, "storeops", "add"):
        raise PermissionDenied
    form = forms.RunStartForm(request.POST or None, user=request.user, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_start(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect("storeops:run_perform", run.pk)
    return render(request, "storeops/run_start.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: its score and sign-off, every answer with photos, and the findings with their actions."""
    run = _run_in_scope(request, pk)
    sheet = selectors.run_sheet(run)
    answered, total = selectors.sheet_progress(sheet)
    findings = run.findings.select_related("item").prefetch_related("actions__owner")
    context = {
        "object": run, "run": run, "sheet": sheet, "answered": answered, "total": total, "findings": findings,
        "can_perform": run.is_open and user_can(request.user, "storeops", "add"),
        "can_change": user_can(request.user, "storeops", "change"),
        "can_delete": user_can(request.user, "storeops", "delete"),
        "stock_checks": run.stock_checks.all(),
    }
    return render(request, "storeops/run_detail.html", context)


@login_required
def run_perform(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page: one card per item, each saving on change; sign-off at the bottom."""
    run = _performable(request, pk)
    if not run.is_open:
        return redirect(run.get_absolute_url())
    form = forms.SignOffForm(initial={"signed_by_name": request.user.display_name})
    return _render_perform(request, run, form)


def _render_perform(request, run, form, status: int = 200) -> HttpResponse:
    sheet = selectors.run_sheet(run)
    answered, total = selectors.sheet_progress(sheet)
    context = {"run": run, "sheet": sheet, "answered": answered, "total": total, "form": form,
               "score": services.run_score(run)[0]}
    return render(request, "storeops/run_perform.html", context, status=status)


def _item_of(run: InspectionRun, item_pk) -> TemplateItem:
    try:
        return TemplateItem.objects.get(pk=item_pk, section__version_id=run.template_version_id)
    except (TemplateItem.DoesNotExist, ValueError) as error:
        raise Http404 from error


def _answer_data(item: TemplateItem, post) -> dict:
    data: dict = {"note": post.get("note", "")[:2000], "is_not_applicable": post.get("na") == "1"}
    value = post.get("value", "")
    if item.kind == ItemKindChoices.PASS_FAIL:
        data["is_pass"] = {"pass": True, "fail": False}.get(value)
    elif item.kind == ItemKindChoices.SCORE:
        data["score"] = int(value) if value.isdigit() else None
    elif item.kind == ItemKindChoices.NUMBER:
        data["number"] = value.strip() or None
    elif item.kind == ItemKindChoices.CHOICE:
        data["choice"] = value
    return data


def _card(request, run, item, error: str = "", status: int = 200) -> HttpResponse:
    sheet = selectors.run_sheet(run)
    entry = next(e for _title, entries in sheet for e in entries if e.item.pk == item.pk)
    answered, total = selectors.sheet_progress(sheet)
    context = {"run": run, "entry": entry, "error": error, "answered": answered, "total": total, "oob": True,
               "score": services.run_score(run)[0]}
    return render(request, "storeops/_item_card.html", context, status=status)


@login_required
@require_POST
def run_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one answer (htmx; the item id is in the form); answers with the refreshed item card and progress."""
    run = _performable(request, pk)
    item = _item_of(run, request.POST.get("item"))
    error = ""
    try:
        services.answer_save(actor=request.user, run=run, item=item, data=_answer_data(item, request.POST))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    run.refresh_from_db()
    return _card(request, run, item, error)


@login_required
@require_POST
def run_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a photo for an item (htmx multipart): validated and re-encoded server-side."""
    run = _performable(request, pk)
    item = _item_of(run, request.POST.get("item"))
    upload = request.FILES.get("photo")
    error = ""
    if upload is None:
        error = _("请选择照片。")
    else:
        try:
            services.photo_add(actor=request.user, run=run, item=item, upload=upload)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    run.refresh_from_db()
    return _card(request, run, item, error, status=200 if request.htmx or not error else 400)


@login_required
@require_POST
def run_photo_delete(request: HttpRequest, photo_pk: int) -> HttpResponse:
    photo = get_object_or_404(InspectionPhoto.objects.for_user(request.user, "add"), pk=photo_pk)
    run = _performable(request, photo.run_id)
    try:
        services.photo_delete(actor=request.user, photo=photo)
    except PermissionDenied as error:  # not the uploader and may not change the store's runs: reads as absent
        raise Http404 from error
    except ValidationError as exc:
        return _card(request, run, photo.item, " ".join(exc.messages))
    if photo.item_id:
        return _card(request, run, photo.item)
    return redirect("storeops:run_perform", run.pk)


@login_required
@require_POST
def run_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign off: score, findings and corrective actions; then the run page shows them."""
    run = _performable(request, pk)
    form = forms.SignOffForm(request.POST)
    if form.is_valid():
        try:
            run = services.run_complete(actor=request.user, run=run, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("巡检已完成：%(score)s 分。") % {"score": run.score})
            return redirect(run.get_absolute_url())
    return _render_perform(request, run, form, status=400)


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_in_scope(request, pk, "change")
    try:
        services.run_cancel(actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(run.get_absolute_url())


def image_response(field_file) -> FileResponse:
    """Stream a stored image (only ever called after a scope check)."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(field_file.name)[0] or "image/jpeg"
    # Stored photos were re-encoded from verified pixels on upload (images.process_upload): safe to show inline.
    return harden_file_response(FileResponse(handle, content_type=content_type))


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A run photo, for users who can see the run."""
    found = get_object_or_404(InspectionPhoto.objects.for_user(request.user), pk=pk)
    return image_response(found.image)


@login_required
def run_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The completed inspection as a PDF (with photos), for the store's records."""
    from opsdesk.storeops.pdf import run_pdf_bytes

    run = _run_in_scope(request, pk)
    if run.status != "completed":
        raise Http404(_("巡检尚未完成。"))
    response = HttpResponse(run_pdf_bytes(run), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="inspection-{run.pk}.pdf"'
    return response
