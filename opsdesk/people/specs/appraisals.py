"""Kit specs of appraisals: cycles, templates with their KPI and competency lines (set-up, company master data),
and appraisals (read-only through the kit: the workflow is written by hand in views.appraisals)."""

from __future__ import annotations

from django import forms

from opsdesk.core.kit import ObjectSpec
from opsdesk.people.models.appraisals import (
    Appraisal,
    AppraisalCycle,
    AppraisalTemplate,
    TemplateCompetency,
    TemplateKpi,
)


def kpi_choices() -> list[tuple[str, str]]:
    """Every registered KPI, as "<code> · <name>" (read when the form is shown: apps register at start-up)."""
    from opsdesk.core.extensions import kpis

    return [(code, f"{definition.name()} · {code}") for code, definition in kpis().items()]


def _cycle_context(request, instance):
    from opsdesk.people.views.appraisals import cycle_detail_context

    return cycle_detail_context(request, instance)


def _template_context(request, instance):
    from opsdesk.people.views.appraisals import template_detail_context

    return template_detail_context(request, instance)


def _appraisal_context(request, instance):
    from opsdesk.people.views.appraisals import appraisal_detail_context

    return appraisal_detail_context(request, instance)


def _appraisals(*, user, action: str = "view"):
    from opsdesk.people.selectors.appraisals import appraisal_list

    return appraisal_list(user=user, action=action)


cycle = ObjectSpec(
    AppraisalCycle, path="appraisal-cycles", name="appraisalcycle",
    fields=("name", "kind", "period_start", "period_end", "self_review_due", "manager_review_due", "peers_enabled"),
    columns=("name", "kind", "period_start", "period_end", "status", "peers_enabled"),
    detail_fields=("name", "kind", "period_start", "period_end", "self_review_due", "manager_review_due", "status",
                   "peers_enabled"),
    search_fields=("name",), filter_fields=("kind", "status"),
    detail_template="people/appraisals/cycle_detail.html", detail_context=_cycle_context,
)

template = ObjectSpec(
    AppraisalTemplate, path="appraisal-templates", name="appraisaltemplate",
    fields=("name", "position", "kpi_share"), columns=("name", "position", "kpi_share"),
    search_fields=("name",), filter_fields=("position",),
    detail_template="people/appraisals/template_detail.html", detail_context=_template_context,
)

template_kpi = ObjectSpec(
    TemplateKpi, path="appraisal-template-kpis", name="templatekpi",
    fields=("template", "kpi_code", "weight", "threshold", "target", "stretch", "rule"),
    columns=("template", "kpi_code", "weight", "threshold", "target", "stretch", "rule"),
    search_fields=("kpi_code", "template__name"), filter_fields=("template",),
    widgets={"kpi_code": forms.Select(choices=kpi_choices)},
)

template_competency = ObjectSpec(
    TemplateCompetency, path="appraisal-template-competencies", name="templatecompetency",
    fields=("template", "name", "description", "weight", "skill"),
    columns=("template", "name", "weight", "skill"),
    search_fields=("name", "template__name"), filter_fields=("template",),
)

appraisal = ObjectSpec(
    Appraisal, path="appraisals", name="appraisal", read_only=True,
    fields=("cycle", "employee", "template", "manager", "status", "kpi_score", "competency_score", "overall_score",
            "proposed_rating", "final_rating"),
    columns=("employee", "cycle", "status", "manager", "kpi_score", "overall_score", "proposed_rating",
             "final_rating"),
    detail_fields=("cycle", "employee", "template", "manager", "status", "kpi_score", "competency_score",
                   "overall_score", "proposed_rating", "final_rating", "calibration_note", "employee_signed_at",
                   "manager_signed_at"),
    api_out_fields=("cycle", "employee", "template", "manager", "status", "kpi_score", "competency_score",
                    "overall_score", "proposed_rating", "final_rating", "calibration_note", "self_comment",
                    "manager_comment", "employee_signed_at", "manager_signed_at"),
    search_fields=("employee__name", "employee__employee_no"),
    filter_fields=("cycle", "status", "employee__store", "employee__store__region"),
    queryset=_appraisals,
    detail_template="people/appraisals/appraisal_detail.html", detail_context=_appraisal_context,
)

ALL = (cycle, template, template_kpi, template_competency, appraisal)
