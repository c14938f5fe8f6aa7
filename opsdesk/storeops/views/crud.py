"""Declarative list/detail/edit/delete pages (opsdesk.core.views.generic) for the store-operations models."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from opsdesk.storeops import filtersets, forms, selectors, services, tables
from opsdesk.storeops.models import (
    ChecklistTemplate,
    CorrectiveAction,
    Finding,
    InspectionSchedule,
    StockCheck,
    TemplateItem,
    TrainingSuggestion,
)

# --- checklist templates -------------------------------------------------------------------------------------


class ChecklistTemplateListView(ObjectListView):
    model = ChecklistTemplate
    filterset_class = filtersets.ChecklistTemplateFilterSet
    table_class = tables.ChecklistTemplateTable
    export_filename = "checklist-templates"
    add_url_name = "storeops:template_add"

    def get_queryset(self, request, action="view"):
        return selectors.template_list(user=request.user, action=action)


class ChecklistTemplateDetailView(ObjectDetailView):
    model = ChecklistTemplate
    template_name = "storeops/template_detail.html"
    fields = ["code", "name", "language", "description", "is_active", "current_version"]

    def get_extra_context(self, request, instance):
        draft = instance.versions.filter(status="draft").first()
        current = instance.current_version
        shared = services.template_is_used_beyond(actor=request.user, template=instance)
        return {
            # A template used beyond the user's stores is read-only to them (its buttons are not offered).
            **({"can_change": False, "can_delete": False} if shared else {}),
            "current_items": _version_sections(current) if current else [],
            "draft": draft,
            "draft_items": _version_sections(draft) if draft else [],
            "versions": instance.versions.annotate(run_count=Count("runs")),
            "version_form": forms.VersionForm(initial={"pass_threshold": (draft or current).pass_threshold
                                                       if (draft or current) else 80}),
            "section_form": forms.TemplateSectionForm(user=request.user),
        }


def _version_sections(version):
    sections = []
    for section in version.sections.prefetch_related("items"):
        sections.append((section, list(section.items.all())))
    return sections


class _ChangeableTemplateMixin:
    """Changing or deleting a template used beyond the user's stores reads as absent (404)."""

    def get_object(self, request, pk, action="view"):
        template = super().get_object(request, pk, action)
        if action != "view" and services.template_is_used_beyond(actor=request.user, template=template):
            raise Http404
        return template


class ChecklistTemplateEditView(_ChangeableTemplateMixin, ObjectEditView):
    model = ChecklistTemplate
    form_class = forms.ChecklistTemplateForm

    def create(self, request, form):
        return services.template_create(actor=request.user, data=form.cleaned_data)

    def update(self, request, instance, form):
        return services.template_update(actor=request.user, template=instance, data=form.cleaned_data)


class ChecklistTemplateDeleteView(_ChangeableTemplateMixin, ObjectDeleteView):
    model = ChecklistTemplate
    success_url_name = "storeops:template_list"

    def delete(self, request, instance):
        services.template_delete(actor=request.user, template=instance)


def _template_for_change(request, pk) -> ChecklistTemplate:
    """The template if the user may change it, else 404 (out of scope, not permitted, or used beyond the user's
    stores read the same)."""
    template = get_object_or_404(ChecklistTemplate.objects.for_user(request.user, "change"), pk=pk)
    if services.template_is_used_beyond(actor=request.user, template=template):
        raise Http404
    return template


def _item_form_page(request, template, item) -> HttpResponse:
    draft = template.versions.filter(status="draft").first()
    if draft is None or (item is not None and item.section.version_id != draft.pk):
        messages.error(request, _("请先打开草稿：已发布的版本不能修改。"))
        return redirect(template.get_absolute_url())
    form = forms.TemplateItemForm(request.POST or None, instance=item, user=request.user, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_save(actor=request.user, template=template, item=item, data=form.service_data())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("检查项已保存到草稿 v%(n)d。") % {"n": draft.number})
            return redirect(template.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "storeops/item_edit.html", {"form": form, "template": template, "item": item,
                                                       "draft": draft}, status=status)


@login_required
def template_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item to the template's draft."""
    return _item_form_page(request, _template_for_change(request, pk), None)


def _item_for_change(request, pk) -> TemplateItem:
    item = get_object_or_404(
        TemplateItem.objects.for_user(request.user, "change").select_related("section__version__template"), pk=pk)
    if services.template_is_used_beyond(actor=request.user, template=item.section.version.template):
        raise Http404
    return item


@login_required
def template_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an item of a draft (items of published versions are frozen)."""
    item = _item_for_change(request, pk)
    return _item_form_page(request, item.section.version.template, item)


@login_required
@require_POST
def template_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_change(request, pk)
    template = item.section.version.template
    try:
        services.item_delete(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(template.get_absolute_url())


@login_required
@require_POST
def template_draft_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a draft (a copy of the current version) to edit."""
    template = _template_for_change(request, pk)
    draft = services.template_draft(actor=request.user, template=template)
    messages.info(request, _("正在编辑草稿 v%(n)d。") % {"n": draft.number})
    return redirect(template.get_absolute_url())


@login_required
@require_POST
def template_section_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for_change(request, pk)
    form = forms.TemplateSectionForm(request.POST, user=request.user)
    if form.is_valid():
        services.section_add(actor=request.user, template=template, title=form.cleaned_data["title"])
    else:
        messages.error(request, _("请填写分区标题。"))
    return redirect(template.get_absolute_url())


@login_required
@require_POST
def template_version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for_change(request, pk)
    form = forms.VersionForm(request.POST)
    if form.is_valid():
        services.version_update(actor=request.user, template=template, **form.cleaned_data)
    else:
        messages.error(request, _("合格线须在 0 到 100 之间。"))
    return redirect(template.get_absolute_url())


@login_required
@require_POST
def template_publish(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for_change(request, pk)
    try:
        version = services.template_publish(actor=request.user, template=template,
                                            change_note=request.POST.get("change_note", "")[:300])
    except PermissionDenied as error:
        # a template also used beyond the user's stores is not theirs to publish: it reads as absent
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已发布 v%(n)d；进行中的巡检仍使用原版本。") % {"n": version.number})
    return redirect(template.get_absolute_url())


# --- schedules -----------------------------------------------------------------------------------------------


class InspectionScheduleListView(ObjectListView):
    model = InspectionSchedule
    filterset_class = filtersets.InspectionScheduleFilterSet
    table_class = tables.InspectionScheduleTable
    export_filename = "inspection-schedules"
    add_url_name = "storeops:schedule_add"

    def get_queryset(self, request, action="view"):
        return InspectionSchedule.objects.for_user(request.user, action).select_related(
            "template", "store", "region", "assignee")


class InspectionScheduleDetailView(ObjectDetailView):
    model = InspectionSchedule
    template_name = "storeops/schedule_detail.html"
    fields = ["template", "store", "region", "frequency", "weekday", "day_of_month", "assignee_role", "assignee",
              "start_date", "is_active"]

    def get_extra_context(self, request, instance):
        return {"runs": selectors.run_list(user=request.user).filter(schedule=instance)[:20]}


class InspectionScheduleEditView(ObjectEditView):
    model = InspectionSchedule
    form_class = forms.InspectionScheduleForm

    def create(self, request, form):
        return services.schedule_create(actor=request.user, data=form.cleaned_data)

    def update(self, request, instance, form):
        return services.schedule_update(actor=request.user, schedule=instance, data=form.cleaned_data)


class InspectionScheduleDeleteView(ObjectDeleteView):
    model = InspectionSchedule
    success_url_name = "storeops:schedule_list"

    def delete(self, request, instance):
        services.schedule_delete(actor=request.user, schedule=instance)


# --- findings ------------------------------------------------------------------------------------------------


class FindingListView(ObjectListView):
    model = Finding
    filterset_class = filtersets.FindingFilterSet
    table_class = tables.FindingTable
    export_filename = "inspection-findings"

    def get_queryset(self, request, action="view"):
        return selectors.finding_list(user=request.user, action=action)


class FindingDetailView(ObjectDetailView):
    model = Finding
    template_name = "storeops/finding_detail.html"
    fields = ["store", "run", "item", "is_critical", "description", "created_at"]

    def get_extra_context(self, request, instance):
        return {"actions": selectors.action_list(user=request.user).filter(finding=instance),
                "photos": instance.run.photos.filter(item=instance.item)}


# --- corrective actions --------------------------------------------------------------------------------------


class CorrectiveActionListView(ObjectListView):
    model = CorrectiveAction
    filterset_class = filtersets.CorrectiveActionFilterSet
    table_class = tables.CorrectiveActionTable
    export_filename = "corrective-actions"
    add_url_name = "storeops:action_add"

    def get_queryset(self, request, action="view"):
        return selectors.action_list(user=request.user, action=action)


class CorrectiveActionDetailView(ObjectDetailView):
    model = CorrectiveAction
    template_name = "storeops/action_detail.html"
    fields = ["store", "title", "description", "owner", "priority", "status", "due_date", "escalation_level",
              "escalated_to", "resolution_note", "done_at", "verified_by", "verified_at", "created_by", "created_at"]

    def get_queryset(self, request, action="view"):
        return selectors.action_list(user=request.user, action=action)

    def get_extra_context(self, request, instance):
        can_verify = (user_can(request.user, "storeops_verify", "change") and instance.status == "done"
                      and instance.owner_id != request.user.pk)
        return {
            "can_progress": services.can_progress(request.user, instance) and instance.status != "verified",
            "progress_form": forms.ActionProgressForm(initial={"status": "done" if instance.status == "in_progress"
                                                               else "in_progress",
                                                               "resolution_note": instance.resolution_note}),
            "can_verify": can_verify,
            "verify_form": forms.ActionVerifyForm(),
            "escalations": instance.escalations.select_related("escalated_to"),
        }


class CorrectiveActionEditView(ObjectEditView):
    model = CorrectiveAction
    form_class = forms.CorrectiveActionForm

    def create(self, request, form):
        data = dict(form.cleaned_data)
        store = data.pop("store")
        return services.action_create(actor=request.user, store=store, data=data)

    def update(self, request, instance, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "store"}
        return services.action_update(actor=request.user, action=instance, data=data)


class CorrectiveActionDeleteView(ObjectDeleteView):
    model = CorrectiveAction
    success_url_name = "storeops:action_list"

    def delete(self, request, instance):
        services.action_delete(actor=request.user, action=instance)


def _action_in_scope(request, pk, action: str = "view") -> CorrectiveAction:
    try:
        return selectors.action_list(user=request.user, action=action).get(pk=pk)
    except (CorrectiveAction.DoesNotExist, ValueError) as error:
        raise Http404 from error


@login_required
@require_POST
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or a supervisor) moves the action forward, with an evidence photo."""
    action = _action_in_scope(request, pk)
    if not services.can_progress(request.user, action):
        raise Http404  # neither the owner nor allowed to change: the action reads as absent
    form = forms.ActionProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.action_progress(actor=request.user, action=action, status=form.cleaned_data["status"],
                                     resolution_note=form.cleaned_data["resolution_note"],
                                     evidence=form.cleaned_data["evidence"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("整改任务已更新。"))
    else:
        messages.error(request, _("请检查填写内容。"))
    return redirect(action.get_absolute_url())


@login_required
@require_POST
def action_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor (or above) verifies a done action; the role is checked first (403 whatever the object)."""
    if not user_can(request.user, "storeops_verify", "change"):
        raise PermissionDenied
    action = _action_in_scope(request, pk)
    form = forms.ActionVerifyForm(request.POST)
    if form.is_valid():
        try:
            services.action_verify(actor=request.user, action=action, approve=form.cleaned_data["approve"],
                                   note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已记录验证结果。"))
    return redirect(action.get_absolute_url())


@login_required
def action_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence photo of an action in scope."""
    from opsdesk.storeops.views.runs import image_response

    action = _action_in_scope(request, pk)
    if not action.evidence:
        raise Http404
    return image_response(action.evidence)


# --- tie-ins: stock checks and training suggestions ----------------------------------------------------------


class StockCheckListView(ObjectListView):
    model = StockCheck
    filterset_class = filtersets.StockCheckFilterSet
    table_class = tables.StockCheckTable
    export_filename = "stock-checks"

    def get_queryset(self, request, action="view"):
        return StockCheck.objects.for_user(request.user, action).select_related("store").annotate(
            line_count=Count("lines"))


class StockCheckDetailView(ObjectDetailView):
    model = StockCheck
    template_name = "storeops/stockcheck_detail.html"
    fields = ["store", "run", "status", "snapshot_date", "created_at", "closed_at"]

    def get_extra_context(self, request, instance):
        return {"lines": instance.lines.select_related("product")}


@login_required
@require_POST
def stockcheck_close(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(StockCheck.objects.for_user(request.user, "change"), pk=pk)
    counts = {}
    for line in check.lines.all():
        raw = request.POST.get(f"count_{line.pk}", "").strip()
        if raw:
            try:
                from decimal import Decimal

                counts[line.pk] = Decimal(raw)
            except ArithmeticError:
                messages.error(request, _("实盘数量须为数字。"))
                return redirect(check.get_absolute_url())
    try:
        services.stock_check_close(actor=request.user, stock_check=check, counts=counts)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(check.get_absolute_url())


class TrainingSuggestionListView(ObjectListView):
    model = TrainingSuggestion
    filterset_class = filtersets.TrainingSuggestionFilterSet
    table_class = tables.TrainingSuggestionTable
    export_filename = "training-suggestions"

    def get_queryset(self, request, action="view"):
        return TrainingSuggestion.objects.for_user(request.user, action).select_related("store")


class TrainingSuggestionDetailView(ObjectDetailView):
    model = TrainingSuggestion
    template_name = "storeops/training_detail.html"
    fields = ["store", "item_code", "item_text", "topic", "failure_count", "window_days", "last_failed_at", "status",
              "decided_by", "created_at"]


@login_required
@require_POST
def training_decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(TrainingSuggestion.objects.for_user(request.user, "change"), pk=pk)
    try:
        services.training_decide(actor=request.user, suggestion=suggestion, accept=request.POST.get("accept") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(suggestion.get_absolute_url())
