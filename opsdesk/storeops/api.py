"""REST API of store operations (/api/v1/storeops/): templates, runs, findings, actions, maintenance, compliance.

Lists use the same FilterSets as the pages (query parameters are the list page's filter names); every handler
reads through `for_user`; an object out of scope, or one the role may not act on, answers 404; a collection the
role may not read answers 403.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from opsdesk.core.api_support import Id, PageNumberPagination, require_area
from opsdesk.storeops import filtersets, selectors, services, specs
from opsdesk.storeops.models import InspectionAnswer

router = Router(tags=["store operations"])


def _filtered(request: HttpRequest, filterset_class, queryset):
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()))
    return filterset.qs


class ItemOut(Schema):
    id: int
    code: str
    text: str
    kind: str
    topic: str
    weight: Decimal
    is_critical: bool
    is_photo_required: bool
    pass_score: int
    min_value: Decimal | None
    max_value: Decimal | None
    unit: str
    options: list


class SectionOut(Schema):
    id: int
    title: str
    items: list[ItemOut]


class TemplateOut(Schema):
    id: int
    code: str
    name: str
    language: str
    is_active: bool
    current_version: int | None = None
    pass_threshold: Decimal | None = None

    @staticmethod
    def resolve_current_version(obj):
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_pass_threshold(obj):
        return obj.current_version.pass_threshold if obj.current_version_id else None


class TemplateDetailOut(TemplateOut):
    sections: list[SectionOut] = []

    @staticmethod
    def resolve_sections(obj):
        if not obj.current_version_id:
            return []
        return [
            {"id": s.pk, "title": s.title, "items": list(s.items.all())}
            for s in obj.current_version.sections.prefetch_related("items")
        ]


class RunOut(Schema):
    id: int
    store_id: int
    store_code: str
    template_id: int
    template_version: int
    status: str
    due_date: date | None
    started_at: datetime | None
    completed_at: datetime | None
    score: Decimal | None
    is_passed: bool | None
    has_critical_failure: bool
    failed_count: int
    signed_by_name: str
    signed_at: datetime | None

    @staticmethod
    def resolve_store_code(obj):
        return obj.store.code

    @staticmethod
    def resolve_template_id(obj):
        return obj.template_version.template_id

    @staticmethod
    def resolve_template_version(obj):
        return obj.template_version.number


class AnswerOut(Schema):
    item_id: int
    item_code: str
    is_not_applicable: bool
    is_pass: bool | None
    score: int | None
    number: Decimal | None
    choice: str
    note: str
    is_failed: bool

    @staticmethod
    def resolve_item_code(obj):
        return obj.item.code


class RunDetailOut(RunOut):
    answers: list[AnswerOut] = []

    @staticmethod
    def resolve_answers(obj):
        return list(InspectionAnswer.objects.filter(run=obj).select_related("item").order_by("item__position"))


class FindingOut(Schema):
    id: int
    run_id: int
    store_id: int
    item_code: str
    item_text: str
    is_critical: bool
    description: str
    created_at: datetime

    @staticmethod
    def resolve_item_code(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_text(obj):
        return obj.item.text


class ActionOut(Schema):
    id: int
    store_id: int
    finding_id: int | None
    title: str
    description: str
    owner_id: int | None
    due_date: date
    priority: str
    status: str
    resolution_note: str
    escalation_level: int
    escalated_to_id: int | None
    verified_by_id: int | None
    verified_at: datetime | None
    created_at: datetime


class ActionPatch(Schema):
    title: str | None = None
    description: str | None = None
    owner_id: Id | None = None
    due_date: date | None = None
    priority: str | None = None


class ActionProgressIn(Schema):
    status: str
    resolution_note: str | None = None


@router.get("/templates/", response=list[TemplateOut], summary="Checklist templates")
@paginate(PageNumberPagination)
def templates_list(request: HttpRequest):
    require_area(request, "storeops_templates")
    return _filtered(request, filtersets.ChecklistTemplateFilterSet, selectors.template_list(user=request.auth))


@router.get("/templates/{template_id}/", response=TemplateDetailOut, summary="A template with its current version")
def templates_get(request: HttpRequest, template_id: int):
    return get_object_or_404(selectors.template_list(user=request.auth), pk=template_id)


@router.get("/runs/", response=list[RunOut], summary="Inspection runs")
@paginate(PageNumberPagination)
def runs_list(request: HttpRequest):
    require_area(request, "storeops")
    return _filtered(request, filtersets.InspectionRunFilterSet, selectors.run_list(user=request.auth))


@router.get("/runs/due/", response=list[RunOut], summary="Inspections due or overdue for you")
def runs_due(request: HttpRequest):
    require_area(request, "storeops")
    return list(selectors.inspections_due_for_user(user=request.auth)[:200])


@router.get("/runs/{run_id}/", response=RunDetailOut, summary="A run with its answers")
def runs_get(request: HttpRequest, run_id: int):
    return get_object_or_404(selectors.run_list(user=request.auth), pk=run_id)


@router.get("/findings/", response=list[FindingOut], summary="Findings (failed items of completed runs)")
@paginate(PageNumberPagination)
def findings_list(request: HttpRequest):
    require_area(request, "storeops")
    return _filtered(request, filtersets.FindingFilterSet, selectors.finding_list(user=request.auth))


@router.get("/actions/", response=list[ActionOut], summary="Corrective actions")
@paginate(PageNumberPagination)
def actions_list(request: HttpRequest):
    require_area(request, "storeops")
    return _filtered(request, filtersets.CorrectiveActionFilterSet, selectors.action_list(user=request.auth))


@router.get("/actions/{action_id}/", response=ActionOut, summary="One corrective action")
def actions_get(request: HttpRequest, action_id: int):
    return get_object_or_404(selectors.action_list(user=request.auth), pk=action_id)


def _service_errors(call):
    """A service's refusal as an API answer: on an object it reads as absent (404), bad input is 400."""
    try:
        return call()
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        raise HttpError(400, "; ".join(error.messages)) from error


@router.patch("/actions/{action_id}/", response=ActionOut, summary="Change owner, due date, priority or text")
def actions_update(request: HttpRequest, action_id: int, payload: ActionPatch):
    action = get_object_or_404(selectors.action_list(user=request.auth, action="change"), pk=action_id)
    data = payload.dict(exclude_unset=True)
    if "description" in data and data["description"] is None:
        data["description"] = ""  # optional text: null clears it
    missing = sorted(name for name in ("title", "due_date", "priority") if name in data and data[name] is None)
    if missing:
        raise HttpError(422, "; ".join(f"{name}: may not be null" for name in missing))
    if "owner_id" in data:
        from opsdesk.core.models import User

        owner_id = data.pop("owner_id")
        data["owner"] = User.objects.filter(pk=owner_id, company_id=request.auth.company_id).first() if owner_id \
            else None
        if owner_id and data["owner"] is None:
            raise HttpError(400, "owner_id: unknown user")
    return _service_errors(lambda: services.action_update(actor=request.auth, action=action, data=data))


@router.post("/actions/{action_id}/progress/", response=ActionOut, summary="Move an action to in progress or done")
def actions_progress(request: HttpRequest, action_id: int, payload: ActionProgressIn):
    action = get_object_or_404(selectors.action_list(user=request.auth), pk=action_id)
    if not services.can_progress(request.auth, action):
        raise Http404  # neither its owner nor allowed to change actions: the action reads as absent
    return _service_errors(lambda: services.action_progress(
        actor=request.auth, action=action, status=payload.status, resolution_note=payload.resolution_note))


specs.maintenance.register_api(router)
specs.compliance.register_api(router)
