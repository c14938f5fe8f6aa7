"""Pages of the imports app: batches (list, upload, mapping, live report, quarantine download), mapping profiles."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from opsdesk.core.exports import csv_response, export_response
from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectListView
from opsdesk.imports import samples, selectors, services
from opsdesk.imports.choices import QuarantineKindChoices
from opsdesk.imports.filtersets import ImportBatchFilterSet, MappingProfileFilterSet
from opsdesk.imports.forms import MappingForm, UploadForm
from opsdesk.imports.kinds import KINDS, kind_spec
from opsdesk.imports.models import ImportBatch, MappingProfile
from opsdesk.imports.sources import SourceError, open_source
from opsdesk.imports.tables import ImportBatchTable, MappingProfileTable

SAMPLE_ROWS = 5
SAMPLE_RECORDS = 100
SAMPLE_CELL_CHARS = 100  # the preview shows what a column holds, not all of a long cell


def _require(request: HttpRequest, action: str) -> None:
    if not user_can(request.user, "imports", action) or not request.user.company_id:
        raise PermissionDenied(_("你的角色不允许此操作。"))


def _batch(request: HttpRequest, pk: int, action: str = "view") -> ImportBatch:
    """The batch if the user may perform `action` on it, else 404 (out of scope and not permitted read the same)."""
    try:
        return selectors.batch_get(user=request.user, pk=pk, action=action)
    except ImportBatch.DoesNotExist as error:
        raise Http404(_("未找到。")) from error


class ImportBatchListView(ObjectListView):
    model = ImportBatch
    filterset_class = ImportBatchFilterSet
    table_class = ImportBatchTable
    export_filename = "import-batches"
    add_url_name = "imports:batch_new"

    def get_queryset(self, request, action="view"):
        return selectors.batch_list(user=request.user, action=action)


class MappingProfileListView(ObjectListView):
    model = MappingProfile
    filterset_class = MappingProfileFilterSet
    table_class = MappingProfileTable
    export_filename = "mapping-profiles"

    def get_queryset(self, request, action="view"):
        return selectors.profile_list(user=request.user, action=action)


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    """Upload a file and choose the kind; the next page confirms the column mapping."""
    _require(request, "add")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stored = services.import_file_store(
                company=request.user.company, stream=data["file"], name=data["file"].name
            )
            batch = services.import_batch_create(
                actor=request.user,
                company=request.user.company,
                kind=data["kind"],
                import_file=stored,
                profile=data["profile"],
                encoding=data["encoding"],
                dry_run=data["dry_run"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("imports:batch_mapping", batch.pk)
    separator = pgettext("list separator", ", ")  # "、" in Chinese
    kinds = [(code, spec.label, separator.join(str(field.label) for field in spec.fields if field.required))
             for code, spec in KINDS.items() if services.can_import(request.user, code)]
    return render(request, "imports/batch_new.html", {"form": form, "kinds": kinds},
                  status=400 if form.errors else 200)


@login_required
def kind_template(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """Download a template for a kind the user may import (CSV or XLSX with a field guide); any other kind is 404."""
    if kind not in KINDS or not request.user.company_id or not services.can_import(request.user, kind):
        raise Http404(_("未找到。"))
    spec = kind_spec(kind)
    context = samples.sample_context(request.user)
    if file_format == "csv":
        headers, rows = samples.sample_table(spec, context)
        return csv_response(f"opsdesk-{kind}-template", headers, rows)
    response = HttpResponse(samples.sample_xlsx(spec, context),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="opsdesk-{kind}-template.xlsx"'
    return response


@login_required
def batch_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Check and correct the column mapping (optionally save it as a profile), then start the import."""
    batch = _batch(request, pk, "change")
    spec = kind_spec(batch.kind)
    form = MappingForm(
        request.POST or None, spec=spec, header=batch.header, mapping=batch.mapping, defaults=batch.defaults
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_batch_configure(
                actor=request.user,
                batch=batch,
                mapping=form.mapping(),
                defaults=form.defaults(),
                save_as=form.cleaned_data["save_as"].strip(),
                source=form.cleaned_data["source"].strip(),
            )
        except ValidationError as error:
            problems = error.messages
        else:
            services.import_batch_enqueue(batch)
            if batch.duplicate_of_id:
                messages.info(request, batch.message)
            return redirect(batch.get_absolute_url())
    context = {"batch": batch, "form": form, "problems": problems, "samples": _samples(batch),
               "is_master": spec.is_master}
    return render(request, "imports/batch_mapping.html", context, status=400 if problems else 200)


def _samples(batch: ImportBatch) -> list[list[str]]:
    try:
        # Only the first records are read (blank lines count): a preview never walks a whole file.
        with open_source(
            batch.file.path, batch.encoding or None, name=batch.file.original_name, max_records=SAMPLE_RECORDS
        ) as source:
            width = len(source.header)
            return [
                [cell[:SAMPLE_CELL_CHARS] for cell in cells[:width]]
                for _number, cells in itertools.islice(source.rows, SAMPLE_ROWS)
            ]
    except (SourceError, OSError):
        return []


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch report: status, the four numbers, live progress, and the quarantined rows."""
    batch = _batch(request, pk)
    kind = request.GET.get("kind") or None
    rows = selectors.quarantine_list(user=request.user, batch=batch, kind=kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "report": selectors.batch_report(batch),
        "page": page,
        "kind": kind,
        "can_retry": user_can(request.user, "imports", "change") and batch.status in services.UNFINISHED,
        "duplicate_visible": services.duplicate_visible(batch, request.user),
    }
    return render(request, "imports/batch_detail.html", context)


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the batch page (htmx polls it every second until the batch is finished)."""
    batch = _batch(request, pk)
    response = render(request, "imports/_batch_report.html", {"batch": batch, "report": selectors.batch_report(batch)})
    if batch.is_finished and request.htmx:
        response["HX-Refresh"] = "true"  # reload once so the quarantine table appears
    return response


@login_required
def batch_quarantine(request: HttpRequest, pk: int) -> HttpResponse:
    """The quarantine as CSV or XLSX (?format=csv|xlsx), with an error column: the quarantined rows, ready to fix and
    import again; the skipped in-file duplicates are a download of their own (?kind=duplicate)."""
    batch = _batch(request, pk)
    kind = request.GET.get("kind") or QuarantineKindChoices.ERROR
    rows = selectors.quarantine_list(user=request.user, batch=batch, kind=kind)
    header, values = selectors.quarantine_table(batch, rows)
    try:
        return export_response(request.GET.get("format", "csv"), f"quarantine-{batch.pk}", header, values)
    except ValueError:
        return HttpResponseBadRequest(_("导出格式只支持 csv 或 xlsx。"))


@login_required
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue an interrupted or failed batch again."""
    batch = _batch(request, pk, "change")
    try:
        services.import_batch_retry(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已重新排队。"))
    return redirect(batch.get_absolute_url())


def _profile(request: HttpRequest, pk: int, action: str = "view") -> MappingProfile:
    try:
        return selectors.profile_list(user=request.user, action=action).get(pk=pk)
    except MappingProfile.DoesNotExist as error:
        raise Http404(_("未找到。")) from error


@login_required
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, pk)
    spec = kind_spec(profile.kind)
    rows = [(field, profile.columns.get(field.name, ""), profile.defaults.get(field.name, "")) for field in spec.fields]
    context = {"profile": profile, "rows": rows, "can_delete": user_can(request.user, "imports", "delete")}
    return render(request, "imports/profile_detail.html", context)


@login_required
def profile_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, pk, "delete")
    if request.method == "POST":
        services.mapping_profile_delete(actor=request.user, profile=profile)
        messages.success(request, _("已删除：%(object)s") % {"object": profile})
        return redirect("imports:profile_list")
    return render(request, "generic/object_delete.html", {"object": profile, "model_name": profile._meta.verbose_name})
