"""The imports app's routes in the permission matrix (see opsdesk/core/testing/matrix.py).

Batches are visible to company-wide users for their company and to everyone else for the batches they started;
the out-of-scope batch of a scoped user is one another user of the same company started.
"""

from __future__ import annotations

import base64
from types import SimpleNamespace

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


HR_CSV = "工号,姓名\nMX-HR-1,矩阵员工\n".encode()


def _kind_for(user) -> tuple[str, str, bytes]:
    """A kind the user may import: daily sales, or for HR (which may not import facts) its HR export."""
    from opsdesk.imports.services import can_import

    if user is None or can_import(user, "sku_day_sales"):
        return "sku_day_sales", "sales.csv", SALES_CSV
    return "hr_employees", "hr.csv", HR_CSV


HR_MAPPING = {"employee_no": "工号", "name": "姓名"}


def _own_kind_batch(org, user, in_scope: bool, status: str) -> ImportBatch:
    """A batch of a kind the owner may import (HR's own batches are HR exports)."""
    company, owner = _owner(org, user, in_scope)
    kind, _name, content = _kind_for(owner)
    if kind == "hr_employees":
        return make_batch(company, owner, status=status, content=HR_CSV, kind=kind, mapping=HR_MAPPING,
                          header=list(HR_MAPPING.values()))
    return make_batch(company, owner, status=status)


def _draft_batch(org, user, in_scope: bool) -> ImportBatch:
    return _own_kind_batch(org, user, in_scope, "draft")


def _failed_batch(org, user, in_scope: bool) -> ImportBatch:
    return _own_kind_batch(org, user, in_scope, "failed")


def _template_kind(org, user, in_scope: bool) -> SimpleNamespace:
    """A kind the user may import (in scope); out of scope is a kind that does not exist."""
    return SimpleNamespace(kind=_kind_for(user)[0] if in_scope else "no_such_kind")


def _profile(org, user, in_scope: bool) -> MappingProfile:
    company = org.company if in_scope else org.other_company
    return make_profile(company, user, name=f"profile-{in_scope}-{MappingProfile.objects.count()}")


def _upload(org, user, obj) -> dict:
    kind, name, content = _kind_for(user)
    return {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv"), "encoding": ""}


def _mapping(org, user, obj) -> dict:
    mapping = HR_MAPPING if obj is not None and obj.kind == "hr_employees" else SALES_MAPPING
    return {f"column_{name}": column for name, column in mapping.items()}


def _api_upload(org, user, obj) -> dict:
    kind, name, content = _kind_for(user)
    return {"kind": kind, "file_name": name, "content_base64": base64.b64encode(content).decode()}


ROUTES = [
    Route("imports:batch_list", "list", area="imports", make_object=_batch),
    Route("imports:batch_new", "add", area="imports", post_data=_upload, model=ImportBatch),
    *(Route(f"imports:kind_template_{file_format}", "add", area="imports", methods=("GET",), object_in_url=True,
            make_object=_template_kind, url_args=lambda obj: [obj.kind]) for file_format in ("csv", "xlsx")),
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
