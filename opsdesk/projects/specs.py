"""Kit specs of the projects app: projects, tasks, dependencies, status updates, budget lines, cost entries,
purchase orders tagged to a project, and the templates with their tasks."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.projects import services, views
from opsdesk.projects.models import (
    BudgetLine,
    CostEntry,
    Dependency,
    Project,
    ProjectPurchaseOrder,
    ProjectTemplate,
    StatusUpdate,
    Task,
    TemplateTask,
)

TASK_FIELDS = ("project", "name", "assignee", "start_date", "finish_date", "is_milestone", "estimate_hours",
               "progress", "status")

project = ObjectSpec(
    Project, path="projects", name="project", fields=services.PROJECT_FIELDS,
    columns=("code", "name", "kind", "scope_level", "store", "region", "owner", "start_date", "target_date", "status",
             "health"),
    detail_fields=("code", "name", "kind", "scope_level", "store", "region", "owner", "start_date", "target_date",
                   "status", "health", "health_reason", "objectives", "description", "template"),
    search_fields=("code", "name", "description"),
    filter_fields=("kind", "status", "health", "store", "region", "owner", "start_date"),
    assignee_fields=("owner",), select_related=("store", "region", "owner"),
    detail_template="projects/project_detail.html", detail_context=views.project_detail_context,
)

task = ObjectSpec(
    Task, path="tasks", name="task", fields=TASK_FIELDS,
    columns=("name", "project", "assignee", "start_date", "finish_date", "is_milestone", "progress", "status"),
    detail_fields=(*TASK_FIELDS[1:], "project", "baseline_start", "baseline_finish", "source"),
    search_fields=("name", "project__name", "project__code"),
    filter_fields=("project", "assignee", "status", "is_milestone", "finish_date"),
    assignee_fields=("assignee",), select_related=("project", "assignee"),
    update_with=lambda *, actor, instance, data: services.task_update(actor=actor, instance=instance, data=data,
                                                                      fields=TASK_FIELDS),
)

dependency = ObjectSpec(
    Dependency, path="dependencies", name="dependency", fields=("predecessor", "successor", "lag_days"),
    filter_fields=("successor__project",), select_related=("predecessor", "successor"),
    create_with=services.dependency_create, update_with=services.dependency_update,
)

status_update = ObjectSpec(
    StatusUpdate, path="status-updates", name="statusupdate", fields=("project", "week_of", "health", "reason", "note"),
    columns=("week_of", "project", "health", "reason", "author"),
    filter_fields=("project", "health", "week_of"), select_related=("project", "author"),
    create_with=services.status_update_create,
)

budget_line = ObjectSpec(
    BudgetLine, path="budget", name="budgetline", fields=("project", "category", "amount", "estimate_to_complete"),
    filter_fields=("project", "category"), select_related=("project",),
)

cost_entry = ObjectSpec(
    CostEntry, path="costs", name="costentry", fields=("project", "category", "date", "amount", "description",
                                                       "reference"),
    columns=("date", "project", "category", "amount", "description", "reference", "source"),
    search_fields=("description", "reference"), filter_fields=("project", "category", "date"),
    select_related=("project",),
)

purchase_order_link = ObjectSpec(
    ProjectPurchaseOrder, path="purchase-orders", name="projectpurchaseorder",
    fields=("project", "purchase_order", "category"), filter_fields=("project", "category"),
    select_related=("project", "purchase_order"),
)

template = ObjectSpec(
    ProjectTemplate, path="templates", name="projecttemplate", fields=("code", "name", "kind", "description"),
    search_fields=("code", "name"), detail_template="projects/template_detail.html",
    detail_context=views.template_detail_context,
)

template_task = ObjectSpec(
    TemplateTask, path="template-tasks", name="templatetask",
    fields=("template", "code", "name", "duration_days", "predecessors", "estimate_hours", "position"),
    columns=("template", "position", "code", "name", "duration_days", "predecessors"),
    search_fields=("code", "name"), filter_fields=("template",), select_related=("template",),
)

ALL = (project, task, dependency, status_update, budget_line, cost_entry, purchase_order_link, template,
       template_task)
