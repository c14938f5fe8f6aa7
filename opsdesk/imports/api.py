"""REST API of the imports app (/api/v1/imports/): kinds, batches with their report, quarantine, and upload.

Uploads through the API carry the file as base64 in JSON (up to the request size limit, 10 MiB by default);
larger files go through the web upload or `opsdesk import`.
"""

from __future__ import annotations

import base64
import binascii
import io
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from opsdesk.core.api_support import PageNumberPagination
from opsdesk.core.permissions import user_can
from opsdesk.imports import selectors, services
from opsdesk.imports.kinds import KINDS
from opsdesk.imports.models import MappingProfile
from opsdesk.imports.pipeline import read_progress

router = Router(tags=["imports"])


def _require(request: HttpRequest, action: str) -> None:
    if not user_can(request.auth, "imports", action) or not request.auth.company_id:
        raise HttpError(403, "Your role does not allow this action.")


class FieldOut(Schema):
    name: str
    label: str
    required: bool
    synonyms: list[str]


class KindOut(Schema):
    code: str
    label: str
    is_master: bool
    key: list[str]
    fields: list[FieldOut]


class BatchOut(Schema):
    id: int
    kind: str
    status: str
    is_dry_run: bool
    file_name: str
    sha256: str
    mapping: dict
    defaults: dict
    rows_read: int
    rows_committed: int
    rows_quarantined: int
    rows_skipped_duplicates: int
    rows_invalid: int
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    is_balanced: bool
    message: str
    # Masters created (or, dry run, that would be), daily sales rolled up, imported totals vs their lines' sums.
    report: dict = {}
    duplicate_of_id: int | None
    created_at: datetime
    finished_at: datetime | None
    progress: dict | None = None

    @staticmethod
    def resolve_duplicate_of_id(batch, context) -> int | None:
        """Named only to a caller who may open that batch (existence outside the scope is not disclosed)."""
        return batch.duplicate_of_id if services.duplicate_visible(batch, context["request"].auth) else None

    @staticmethod
    def resolve_file_name(batch) -> str:
        return batch.file.original_name

    @staticmethod
    def resolve_sha256(batch) -> str:
        return batch.file.sha256

    @staticmethod
    def resolve_progress(batch) -> dict | None:
        return None if batch.is_finished else read_progress(batch.pk)


class QuarantineOut(Schema):
    id: int
    kind: str
    row_number: int
    column: str
    value: str
    reason: str
    errors: list
    raw: list


class UploadIn(Schema):
    kind: str
    file_name: str
    content_base64: str
    mapping_profile: str = ""
    mapping: dict[str, str] | None = None
    defaults: dict[str, str] | None = None
    encoding: str = ""
    dry_run: bool = False


@router.get("/kinds/", response=list[KindOut], summary="Import kinds and their fields (with header synonyms)")
def kinds_list(request: HttpRequest):
    _require(request, "view")
    return [
        {
            "code": spec.code,
            "label": str(spec.label),
            "is_master": spec.is_master,
            "key": list(spec.key),
            "fields": [
                {"name": f.name, "label": str(f.label), "required": f.required, "synonyms": list(f.synonyms)}
                for f in spec.fields
            ],
        }
        for spec in KINDS.values()
    ]


@router.get("/batches/", response=list[BatchOut], summary="Import batches you may see")
@paginate(PageNumberPagination)
def batches_list(request: HttpRequest, kind: str | None = None, status: str | None = None):
    _require(request, "view")
    batches = selectors.batch_list(user=request.auth)
    if kind:
        batches = batches.filter(kind=kind)
    if status:
        batches = batches.filter(status=status)
    return batches


@router.get("/batches/{batch_id}/", response=BatchOut, summary="One batch: status, row accounting, progress")
def batches_get(request: HttpRequest, batch_id: int):
    return get_object_or_404(selectors.batch_list(user=request.auth), pk=batch_id)


@router.get("/batches/{batch_id}/quarantine/", response=list[QuarantineOut], summary="Quarantined rows of a batch")
@paginate(PageNumberPagination)
def batches_quarantine(request: HttpRequest, batch_id: int, kind: str | None = None):
    batch = get_object_or_404(selectors.batch_list(user=request.auth), pk=batch_id)
    return selectors.quarantine_list(user=request.auth, batch=batch, kind=kind)


@router.post("/batches/", response=BatchOut, summary="Upload a file (base64) and queue its import")
def batches_create(request: HttpRequest, payload: UploadIn):
    _require(request, "add")
    user = request.auth
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise HttpError(400, "content_base64 is not valid base64") from error
    profile = None
    if payload.mapping_profile:
        profile = MappingProfile.objects.for_user(user).filter(kind=payload.kind, name=payload.mapping_profile).first()
        if profile is None:
            raise HttpError(400, f"no mapping profile {payload.mapping_profile!r} for {payload.kind}")
    try:
        with transaction.atomic():
            stored = services.import_file_store(
                company=user.company, stream=io.BytesIO(content), name=payload.file_name
            )
            batch = services.import_batch_create(
                actor=user,
                company=user.company,
                kind=payload.kind,
                import_file=stored,
                profile=profile,
                encoding=payload.encoding,
                dry_run=payload.dry_run,
            )
            batch = services.import_batch_configure(
                actor=user,
                batch=batch,
                mapping={**batch.mapping, **(payload.mapping or {})},
                defaults={**batch.defaults, **(payload.defaults or {})},
            )
            services.import_batch_enqueue(batch)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Your role may not import this kind.") from error
    except ValidationError as error:
        raise HttpError(400, "; ".join(error.messages)) from error
    return batch
