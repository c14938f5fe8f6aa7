"""The imports app's routes in the permission matrix (see opsdesk/core/testing/matrix.py).

Batches are visible to company-wide users for their company and to everyone else for the batches they started;
the out-of-scope batch of a scoped user is one another user of the same company started.
"""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from opsdesk.core.testing.matrix import Route
from opsdesk.imports.models import ImportBatch, MappingProfile
from opsdesk.imports.tests.factories import SALES_CSV, SALES_MAPPING, make_batch, make_profile


def _owner(org, user, in_scope: bool):
    if in_scope:
        return org.company, user
    if org.is_company_wide(user):
        return org.other_company, org.other_user
    return org.company, org.users["admin"]


def _batch(org, user, in_scope: bool) -> ImportBatch:
    company, owner = _owner(org, user, in_scope)
    return make_batch(company, owner)


def _draft_batch(org, user, in_scope: bool) -> ImportBatch:
    company, owner = _owner(org, user, in_scope)
    return make_batch(company, owner, status="draft")


def _failed_batch(org, user, in_scope: bool) -> ImportBatch:
    company, owner = _owner(org, user, in_scope)
    return make_batch(company, owner, status="failed")


def _profile(org, user, in_scope: bool) -> MappingProfile:
    company = org.company if in_scope else org.other_company
    return make_profile(company, user, name=f"profile-{in_scope}-{MappingProfile.objects.count()}")


def _upload(org, user, obj) -> dict:
    return {"kind": "sku_day_sales", "file": SimpleUploadedFile("sales.csv", SALES_CSV, "text/csv"), "encoding": ""}


def _mapping(org, user, obj) -> dict:
    return {f"column_{name}": column for name, column in SALES_MAPPING.items()}


def _api_upload(org, user, obj) -> dict:
    return {"kind": "sku_day_sales", "file_name": "sales.csv", "content_base64": base64.b64encode(SALES_CSV).decode()}


ROUTES = [
    Route("imports:batch_list", "list", area="imports", make_object=_batch),
    Route("imports:batch_new", "add", area="imports", post_data=_upload, model=ImportBatch),
    Route("imports:batch_detail", "detail", area="imports", make_object=_batch),
    Route("imports:batch_mapping", "edit", area="imports", make_object=_draft_batch, post_data=_mapping),
    Route("imports:batch_progress", "detail", area="imports", make_object=_batch),
    Route("imports:batch_quarantine", "detail", area="imports", make_object=_batch),
    Route("imports:batch_retry", "action", area="imports", action="change", make_object=_failed_batch),
    Route("imports:profile_list", "list", area="imports", make_object=_profile),
    Route("imports:profile_detail", "detail", area="imports", make_object=_profile),
    Route("imports:profile_delete", "delete", area="imports", make_object=_profile),
    Route("GET /api/v1/imports/kinds/", "api-list", area="imports"),
    Route("GET /api/v1/imports/batches/", "api-list", area="imports", make_object=_batch),
    Route("GET /api/v1/imports/batches/{batch_id}/", "api-detail", area="imports", make_object=_batch),
    Route("GET /api/v1/imports/batches/{batch_id}/quarantine/", "api-detail", area="imports", make_object=_batch),
    Route(
        "POST /api/v1/imports/batches/",
        "api-write",
        area="imports",
        action="add",
        post_data=_api_upload,
        model=ImportBatch,
    ),
]
