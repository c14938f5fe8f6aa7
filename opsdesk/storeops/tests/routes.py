"""Permission-matrix declarations of every store-operations page and API operation (see core/testing/matrix.py).

Objects are built straight through the ORM on the shared organisation: the in-scope object lies in store a1 (or
company A for templates), the out-of-scope one in store b1 / company B (`org.store_for`).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.storeops import specs
from opsdesk.storeops.models import (
    ChecklistTemplate,
    ComplianceItem,
    CorrectiveAction,
    Finding,
    InspectionAnswer,
    InspectionPhoto,
    InspectionRun,
    InspectionSchedule,
    MaintenanceRequest,
    StockCheck,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
    TrainingSuggestion,
)

S, T, V = "storeops", "storeops_templates", "storeops_verify"
_counter = {"n": 0}


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _stored_image(name: str) -> str:
    """A small real JPEG under MEDIA_ROOT (written once; rows only point at it)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(_jpeg()))
    return name


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _company_for(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _template(org, user, in_scope, *, draft: bool = False) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(company=_company_for(org, user, in_scope), code=f"M{_next()}",
                                                name="矩阵检查表")
    version = TemplateVersion.objects.create(template=template, number=1, status="published",
                                             published_at=timezone.now())
    section = TemplateSection.objects.create(version=version, title="分区", position=1)
    TemplateItem.objects.create(section=section, position=1, code="PF", text="地面清洁", kind="pass_fail")
    template.current_version = version
    template.save(update_fields=["current_version"])
    if draft:
        draft_version = TemplateVersion.objects.create(template=template, number=2)
        draft_section = TemplateSection.objects.create(version=draft_version, title="分区", position=1)
        TemplateItem.objects.create(section=draft_section, position=1, code="PF", text="地面清洁", kind="pass_fail")
    return template


def _template_with_draft(org, user, in_scope):
    return _template(org, user, in_scope, draft=True)


def _draft_item(org, user, in_scope):
    template = _template(org, user, in_scope, draft=True)
    return TemplateItem.objects.get(section__version__template=template, section__version__status="draft")


def _template_data(org, user, template):
    return {"code": template.code, "name": "matrix changed", "description": "", "language": "zh-hans",
            "is_active": "on"}


def _new_template_data(org, user, _obj):
    return {"code": "MNEW", "name": "新模板", "description": "", "language": "zh-hans", "is_active": "on"}


def _item_data(org, user, item):
    return {"section": item.section_id, "code": item.code, "text": "matrix changed", "guidance": "",
            "kind": "pass_fail", "topic": "general", "weight": "1", "pass_score": "3", "unit": ""}


def _new_item_data(org, user, template):
    section = TemplateSection.objects.filter(version__template=template, version__status="draft").first()
    return {"section": section.pk if section else "", "code": "NEW", "text": "新检查项", "guidance": "",
            "kind": "pass_fail", "topic": "general", "weight": "1", "pass_score": "3", "unit": ""}


def _run(org, user, in_scope, *, status="in_progress", answered=False) -> InspectionRun:
    template = _template(org, user, True)
    store = org.store_for(user, in_scope)
    run = InspectionRun.objects.create(store=store, template_version=template.current_version, status=status,
                                       due_date=date(2025, 3, 1))
    if answered or status == "completed":
        item = TemplateItem.objects.get(section__version=template.current_version)
        answer = InspectionAnswer.objects.create(run=run, item=item, is_pass=status != "completed")
        if status == "completed":
            answer.is_failed = True
            answer.save()
            run.score, run.is_passed, run.completed_at = Decimal("0"), False, timezone.now()
            run.signed_by_name, run.signed_at = "矩阵", timezone.now()
            run.save()
    return run


def _answered_run(org, user, in_scope):
    return _run(org, user, in_scope, answered=True)


def _completed_run(org, user, in_scope):
    return _run(org, user, in_scope, status="completed")


def _run_item_data(org, user, run):
    item = TemplateItem.objects.get(section__version=run.template_version)
    return {"item": item.pk, "value": "fail", "note": "matrix"}


def _run_photo_data(org, user, run):
    item = TemplateItem.objects.get(section__version=run.template_version)
    return {"item": item.pk, "photo": SimpleUploadedFile("p.jpg", _jpeg(), content_type="image/jpeg")}


def _photo(org, user, in_scope):
    run = _run(org, user, in_scope)
    item = TemplateItem.objects.get(section__version=run.template_version)
    # the user's own photo: deleting another's needs the change grant (test_scope_hardening covers that rule)
    return InspectionPhoto.objects.create(run=run, item=item, image=_stored_image("storeops/matrix/photo.jpg"),
                                          width=8, height=8, uploaded_by=user)


def _new_run_data(org, user, _obj):
    template = _template(org, user, True)
    return {"store": org.stores["a1"].pk, "template": template.pk}


def _finding(org, user, in_scope):
    run = _completed_run(org, user, in_scope)
    answer = run.answers.get()
    return Finding.objects.create(run=run, store=run.store, item=answer.item, answer=answer)


def _action(org, user, in_scope, *, status="open", evidence=False):
    finding = _finding(org, user, in_scope)
    return CorrectiveAction.objects.create(
        store=finding.store, finding=finding, title="矩阵整改", due_date=date(2030, 1, 1), status=status,
        evidence=_stored_image("storeops/matrix/evidence.jpg") if evidence else "",
    )


def _done_action(org, user, in_scope):
    return _action(org, user, in_scope, status="done")


def _action_with_evidence(org, user, in_scope):
    return _action(org, user, in_scope, evidence=True)


def _action_data(org, user, action):
    return {"store": action.store_id, "title": "matrix changed", "description": "", "owner": "",
            "due_date": "2030-02-01", "priority": "high"}


def _new_action_data(org, user, _obj):
    return {"store": org.stores["a1"].pk, "title": "新整改", "description": "", "owner": "", "due_date": "2030-02-01",
            "priority": "medium"}


def _schedule(org, user, in_scope):
    template = _template(org, user, True)
    store = org.store_for(user, in_scope)
    template.company = store.company
    template.save(update_fields=["company"])
    return InspectionSchedule.objects.create(company=store.company, template=template, store=store,
                                             frequency="weekly", weekday=2)


def _schedule_data(org, user, schedule):
    return {"template": _template(org, user, True).pk, "store": org.stores["a1"].pk, "region": "",
            "frequency": "monthly", "weekday": "0", "day_of_month": "5", "assignee_role": "", "assignee": "",
            "start_date": "2025-01-01", "is_active": "on"}


def _maintenance(org, user, in_scope):
    return MaintenanceRequest.objects.create(store=org.store_for(user, in_scope), title="冷柜不制冷", equipment="冷柜")


def _maintenance_data(org, user, _obj):
    return {"store": org.stores["a1"].pk, "title": "收银机故障", "equipment": "收银机", "description": "",
            "priority": "medium", "status": "open", "vendor": "", "estimated_cost": "", "actual_cost": "",
            "scheduled_date": "", "completed_date": ""}


def _compliance(org, user, in_scope):
    return ComplianceItem.objects.create(store=org.store_for(user, in_scope), kind="business_licence",
                                         name="营业执照", expiry_date=date(2030, 1, 1))


def _compliance_data(org, user, _obj):
    return {"store": org.stores["a1"].pk, "kind": "health_certificate", "name": "健康证", "reference_no": "",
            "holder": "张三", "issued_date": "", "expiry_date": "2030-06-30", "reminder_days": "30", "note": ""}


def _stock_check(org, user, in_scope):
    return StockCheck.objects.create(store=org.store_for(user, in_scope))


def _suggestion(org, user, in_scope):
    return TrainingSuggestion.objects.create(store=org.store_for(user, in_scope), item_code="SVC", item_text="服务",
                                             topic="service", failure_count=3, window_days=30,
                                             last_failed_at=timezone.now())


def _api(path: str) -> str:
    return f"/api/v1/storeops/{path}"


ROUTES = [
    Route("storeops:my", "list", area=S),
    Route("storeops:scorecard", "list", area=S),
    # checklist templates
    Route("storeops:template_list", "list", area=T, make_object=_template),
    Route("storeops:template_add", "add", area=T, model=ChecklistTemplate, post_data=_new_template_data),
    Route("storeops:template_detail", "detail", area=T, make_object=_template),
    Route("storeops:template_edit", "edit", area=T, make_object=_template, post_data=_template_data),
    Route("storeops:template_delete", "delete", area=T, make_object=_template, model=ChecklistTemplate),
    Route("storeops:template_draft", "action", area=T, action="change", make_object=_template),
    Route("storeops:template_version", "action", area=T, action="change", make_object=_template,
          post_data=lambda org, user, obj: {"pass_threshold": "85", "change_note": "matrix"}),
    Route("storeops:template_publish", "action", area=T, action="change", make_object=_template_with_draft),
    Route("storeops:template_section_add", "action", area=T, action="change", make_object=_template_with_draft,
          post_data=lambda org, user, obj: {"title": "新分区"}),
    Route("storeops:template_item_add", "edit", area=T, make_object=_template_with_draft, post_data=_new_item_data),
    Route("storeops:template_item_edit", "edit", area=T, make_object=_draft_item, post_data=_item_data),
    Route("storeops:template_item_delete", "action", area=T, action="change", make_object=_draft_item),
    # schedules
    Route("storeops:schedule_list", "list", area=T, make_object=_schedule),
    Route("storeops:schedule_add", "add", area=T, model=InspectionSchedule, post_data=_schedule_data),
    Route("storeops:schedule_detail", "detail", area=T, make_object=_schedule),
    Route("storeops:schedule_edit", "edit", area=T, make_object=_schedule, post_data=_schedule_data),
    Route("storeops:schedule_delete", "delete", area=T, make_object=_schedule, model=InspectionSchedule),
    # runs
    Route("storeops:run_list", "list", area=S, make_object=_run),
    Route("storeops:run_start", "add", area=S, model=InspectionRun, post_data=_new_run_data),
    Route("storeops:run_detail", "detail", area=S, make_object=_run),
    Route("storeops:run_perform", "action", area=S, action="add", methods=("GET",), make_object=_run),
    Route("storeops:run_answer", "action", area=S, action="add", make_object=_run, post_data=_run_item_data,
          post_status=200),
    Route("storeops:run_photo", "action", area=S, action="add", make_object=_run, post_data=_run_photo_data,
          post_status=200),
    Route("storeops:run_complete", "action", area=S, action="add", make_object=_answered_run,
          post_data=lambda org, user, obj: {"signed_by_name": "矩阵", "note": ""}),
    Route("storeops:run_cancel", "action", area=S, action="change", make_object=_run),
    Route("storeops:run_pdf", "detail", area=S, make_object=_completed_run),
    Route("storeops:run_delete", "delete", area=S, make_object=_run, model=InspectionRun),
    Route("storeops:photo", "detail", area=S, make_object=_photo),
    Route("storeops:photo_delete", "action", area=S, action="add", make_object=_photo, post_status=200),
    # findings and corrective actions
    Route("storeops:finding_list", "list", area=S, make_object=_finding),
    Route("storeops:finding_detail", "detail", area=S, make_object=_finding),
    Route("storeops:action_list", "list", area=S, make_object=_action),
    Route("storeops:action_add", "add", area=S, model=CorrectiveAction, post_data=_new_action_data),
    Route("storeops:action_detail", "detail", area=S, make_object=_action),
    Route("storeops:action_edit", "edit", area=S, make_object=_action, post_data=_action_data),
    Route("storeops:action_delete", "delete", area=S, make_object=_action, model=CorrectiveAction),
    # the owner rule of progress is tested in test_services; an unowned action needs the `change` grant
    Route("storeops:action_progress", "action", area=S, action="change", make_object=_action,
          post_data=lambda org, user, obj: {"status": "in_progress", "resolution_note": "matrix"}),
    Route("storeops:action_verify", "action", area=V, action="change", make_object=_done_action, hidden_status=403,
          post_data=lambda org, user, obj: {"approve": "1", "note": "matrix"}),
    Route("storeops:action_evidence", "detail", area=S, make_object=_action_with_evidence),
    # maintenance and compliance
    # tie-ins
    Route("storeops:stockcheck_list", "list", area=S, make_object=_stock_check),
    Route("storeops:stockcheck_detail", "detail", area=S, make_object=_stock_check),
    Route("storeops:stockcheck_close", "action", area=S, action="change", make_object=_stock_check),
    Route("storeops:training_list", "list", area=S, make_object=_suggestion),
    Route("storeops:training_detail", "detail", area=S, make_object=_suggestion),
    Route("storeops:training_decide", "action", area=S, action="change", make_object=_suggestion,
          post_data=lambda org, user, obj: {"accept": "1"}),
    # REST API
    Route("GET " + _api("templates/"), "api-list", area=T, make_object=_template),
    Route("GET " + _api("templates/{template_id}/"), "api-detail", area=T, make_object=_template),
    Route("GET " + _api("runs/"), "api-list", area=S, make_object=_run),
    Route("GET " + _api("runs/due/"), "api-list", area=S),
    Route("GET " + _api("runs/{run_id}/"), "api-detail", area=S, make_object=_completed_run),
    Route("GET " + _api("findings/"), "api-list", area=S, make_object=_finding),
    Route("GET " + _api("actions/"), "api-list", area=S, make_object=_action),
    Route("GET " + _api("actions/{action_id}/"), "api-detail", area=S, make_object=_action),
    Route("PATCH " + _api("actions/{action_id}/"), "api-write", area=S, action="change", make_object=_action,
          post_data=lambda org, user, obj: {"priority": "high", "due_date": "2030-03-01"}),
    Route("POST " + _api("actions/{action_id}/progress/"), "api-write", area=S, action="change",
          make_object=_action, post_data=lambda org, user, obj: {"status": "in_progress"}),
]

ROUTES += [
    *spec_routes(specs.maintenance, _maintenance, _maintenance_data),
    *spec_routes(specs.compliance, _compliance, _compliance_data),
]
