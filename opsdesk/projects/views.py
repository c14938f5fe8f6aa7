"""Hand-written pages of the projects app: the project page (schedule, cost, status history), the Gantt (drag posts
to `task_move`, the critical path highlighted), the kanban (HTMX moves between status columns), the baseline, a
project from a template, and a project task raised from a corrective action, a risk response or a meeting."""

from __future__ import annotations

import json
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsdesk.core.kit.builders import KitModelForm
from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.permissions import user_can
from opsdesk.projects import selectors, services
from opsdesk.projects.choices import TaskStatusChoices
from opsdesk.projects.models import AREA, Project, ProjectTemplate, Task


def _object_or_404(model, request: HttpRequest, pk, action: str = "view"):
    found = scoped_or_none(model, request.user, pk, action)
    if found is None:
        raise Http404
    return found


# ------------------------------------------------------------------------------------------------ project page


def project_detail_context(request: HttpRequest, project: Project) -> dict:
    """The schedule table (critical, late, slippage), milestones at risk, cost lines and the status history."""
    schedule = selectors.project_schedule(project)
    cost_lines, cost_total = selectors.project_costs(project)
    return {"schedule": schedule, "milestones_at_risk": schedule.milestones_at_risk(), "cost_lines": cost_lines,
            "cost_total": cost_total, "status_updates": project.status_updates.select_related("author")[:12],
            "purchase_order_links": project.purchase_order_links.select_related("purchase_order"),
            "can_change_project": user_can(request.user, AREA, "change")
            and Project.objects.for_user(request.user, "change").filter(pk=project.pk).exists()}


def template_detail_context(request: HttpRequest, template: ProjectTemplate) -> dict:
    planned = services.template_offsets(template)
    finish = max((offset + task.duration_days for task, offset, _p in planned), default=0)
    return {"planned": planned, "template_days": finish}


@login_required
def project_gantt(request: HttpRequest, pk: int) -> HttpResponse:
    """The Gantt: bars from frappe-gantt (vendored), critical path in red; a drag reschedules the dependents."""
    project = _object_or_404(Project, request, pk)
    schedule = selectors.project_schedule(project)
    can_change = Project.objects.for_user(request.user, "change").filter(pk=project.pk).exists()
    return render(request, "projects/gantt.html", {
        "object": project, "schedule": schedule, "can_change": can_change,
        "gantt_tasks": selectors.gantt_data(schedule), "critical_ids": [str(pk) for pk in schedule.critical_ids]})


@login_required
def project_kanban(request: HttpRequest, pk: int) -> HttpResponse:
    project = _object_or_404(Project, request, pk)
    return render(request, "projects/kanban.html", _kanban_context(request, project))


def _kanban_context(request: HttpRequest, project: Project) -> dict:
    tasks = list(project.tasks.select_related("assignee").order_by("start_date", "position", "pk"))
    columns = [(value, label, [task for task in tasks if task.status == value])
               for value, label in TaskStatusChoices.choices]
    can_change = Project.objects.for_user(request.user, "change").filter(pk=project.pk).exists()
    return {"object": project, "columns": columns, "can_change": can_change, "today": date.today()}


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a task to another kanban column; an HTMX request gets the board back."""
    task = _object_or_404(Task, request, pk, "change")
    try:
        services.task_set_status(actor=request.user, task=task, status=request.POST.get("status", ""))
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422)
    if request.headers.get("HX-Request"):
        return render(request, "projects/_kanban_board.html", _kanban_context(request, task.project))
    return redirect("projects:project_kanban", task.project_id)


class MoveForm(forms.Form):
    start_date = forms.DateField()
    finish_date = forms.DateField(required=False)


@login_required
@require_POST
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The Gantt's drag: new dates for the task; answers the project's new Gantt data (JSON)."""
    task = _object_or_404(Task, request, pk, "change")
    form = MoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=422)
    try:
        moved = services.task_move(actor=request.user, task=task, **form.cleaned_data)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=422)
    schedule = selectors.project_schedule(task.project)
    if request.headers.get("Accept", "").startswith("application/json") or request.headers.get("X-Requested-With"):
        return JsonResponse({"moved": [item.pk for item in moved], "tasks": selectors.gantt_data(schedule),
                             "critical": schedule.critical_ids, "slippage": schedule.slippage,
                             "finish": schedule.finish.isoformat() if schedule.finish else None})
    return redirect("projects:project_gantt", task.project_id)


@login_required
@require_POST
def project_baseline(request: HttpRequest, pk: int) -> HttpResponse:
    project = _object_or_404(Project, request, pk, "change")
    try:
        services.baseline_take(actor=request.user, project=project)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("已保存基线。"))
    return redirect(project.get_absolute_url())


# ------------------------------------------------------------------------------------------------ from a template


class FromTemplateForm(KitModelForm):
    kit_area = AREA
    template = forms.ModelChoiceField(queryset=ProjectTemplate.objects.none(), label=gettext_lazy("模板"))

    class Meta:
        model = Project
        fields = ["code", "name", "store", "region", "owner", "start_date", "objectives"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ProjectTemplate.objects.for_user(self.user)


@login_required
def project_from_template(request: HttpRequest) -> HttpResponse:
    """Create a project from a template on a start date: every task scheduled through its dependencies."""
    if not user_can(request.user, AREA, "add"):
        raise PermissionDenied
    form = FromTemplateForm(data=request.POST or None, user=request.user,
                            initial={"template": request.GET.get("template") or None})
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "template"}
        try:
            project = services.project_create_from_template(actor=request.user,
                                                            template=form.cleaned_data["template"], data=data)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            form.add_error(None, _("所选对象不存在或不在你的权限范围内。"))
        else:
            messages.success(request, _("已按模板创建项目并排好计划。"))
            return redirect(project.get_absolute_url())
    return render(request, "projects/from_template.html", {"form": form})


# ------------------------------------------------------------------------------------------------ from a source


class FromSourceForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=gettext_lazy("项目"))
    name = forms.CharField(label=gettext_lazy("任务"), max_length=200, required=False)
    start_date = forms.DateField(label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    finish_date = forms.DateField(label=gettext_lazy("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.for_user(user, "change")


@login_required
def task_from_source(request: HttpRequest) -> HttpResponse:
    """A project task from a corrective action (?kind=corrective_action&pk=), a risk response action
    (?kind=risk_action&pk=) or a meeting decision (?kind=meeting, the default: the decision's text typed in the task
    field). The source is read in the user's scope: unknown or out of scope reads as absent (404)."""
    kind = request.GET.get("kind") or request.POST.get("kind") or "meeting"
    if kind not in services.SOURCE_KINDS:
        raise Http404
    if not user_can(request.user, AREA, "add"):
        raise PermissionDenied
    source = None
    if kind != "meeting":
        raw = request.GET.get("pk") or request.POST.get("pk")
        source = services.source_object(request.user, kind, int(raw)) if is_valid_id(raw) else None
        if source is None:
            raise Http404
    due = getattr(source, "due_date", None) or date.today()
    form = FromSourceForm(request.POST or None, user=request.user,
                          initial={"name": getattr(source, "title", ""), "start_date": date.today(),
                                   "finish_date": max(due, date.today())})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create_from_source(
                actor=request.user, project=data["project"], kind=kind, source=source, text=data["name"],
                start_date=data["start_date"], finish_date=data["finish_date"])
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("已创建项目任务。"))
            return redirect(task.get_absolute_url())
    return render(request, "projects/from_source.html", {"form": form, "kind": kind, "source": source})


def gantt_json(tasks: list[dict]) -> str:
    return json.dumps(tasks, ensure_ascii=False)
