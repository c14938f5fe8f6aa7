"""Permission-matrix declarations of every appraisal page and API operation (see core/testing/matrix.py), and the
builders the appraisal tests share.

Cycles and templates are company master data: company A (in scope) or company B (out of scope). An appraisal "of
the user" belongs to an employee whose account is the signed-in user (store a1): in everyone's reach, the only
one staff reach. An appraisal "of a colleague" belongs to an employee of store a1 without an account. Out of
scope: the employee of `org.store_for(user, False)` (region B, or company B for company-wide users).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.people.models import Employee
from opsdesk.people.models.appraisals import (
    AREA,
    CALIBRATION_AREA,
    REVIEW_AREA,
    SETUP_AREA,
    Appraisal,
    AppraisalCycle,
    AppraisalTemplate,
    CompetencyRating,
    PeerReviewAnswer,
    PeerReviewRequest,
    TemplateCompetency,
    TemplateKpi,
)
from opsdesk.people.specs import appraisals as specs

_counter = {"n": 0}
API = "/api/v1/people"


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


# ------------------------------------------------------------------------------------------------ shared builders


def make_template(company, *, kpi_share: int = 0, competencies=(("服务意识", 60), ("团队协作", 40)), kpis=(),
                  position=None, name: str | None = None) -> AppraisalTemplate:
    """A template with the given competency (name, weight) and KPI (code, weight, threshold, target, stretch)
    lines."""
    template = AppraisalTemplate.objects.create(company=company, name=name or f"模板 {_next()}", position=position,
                                                kpi_share=kpi_share)
    for competency_name, weight in competencies:
        TemplateCompetency.objects.create(template=template, name=competency_name, weight=weight)
    for code, weight, threshold, target, stretch, *rule in kpis:
        TemplateKpi.objects.create(template=template, kpi_code=code, weight=weight, threshold=Decimal(threshold),
                                   target=Decimal(target), stretch=Decimal(stretch), rule=rule[0] if rule else "linear")
    return template


def make_cycle(company, *, status: str = "open", peers: bool = True, start=date(2026, 7, 1),
               end=date(2026, 9, 30)) -> AppraisalCycle:
    return AppraisalCycle.objects.create(company=company, name=f"2026Q3 考核 {_next()}", period_start=start,
                                         period_end=end, self_review_due=date(2026, 10, 10),
                                         manager_review_due=date(2026, 10, 20), status=status, peers_enabled=peers)


def own_employee(org, user) -> Employee:
    """The employee record of `user` (created at store a1 when missing)."""
    employee = Employee.objects.filter(user=user).first()
    if employee is None:
        employee = Employee.objects.create(company=org.company, store=org.stores["a1"], user=user,
                                           employee_no=f"MA-{_next()}", name=f"{user.username} 本人")
    return employee


def make_appraisal(employee, *, status: str = "self_review", cycle=None, template=None, manager=None,
                   **fields) -> Appraisal:
    """An appraisal of `employee` (a new open cycle and template of their company unless given), with one rating
    row per template competency."""
    cycle = cycle or make_cycle(employee.company)
    template = template or make_template(employee.company)
    appraisal = Appraisal.objects.create(cycle=cycle, employee=employee, template=template, status=status,
                                         manager=manager, **fields)
    CompetencyRating.objects.bulk_create([
        CompetencyRating(appraisal=appraisal, competency=line, name=line.name, weight=line.weight)
        for line in template.competencies.all()])
    return appraisal


def _ratings(appraisal, value="3") -> dict:
    return {f"rating_{pk}": value for pk in appraisal.competency_ratings.values_list("pk", flat=True)}


def _api_ratings(appraisal, value=3) -> dict:
    return {str(pk): value for pk in appraisal.competency_ratings.values_list("pk", flat=True)}


# ------------------------------------------------------------------------------------------------ matrix objects


def _company_for(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _cycle(org, user, in_scope):
    """A draft cycle, and a usable default template of its company (opening it needs one)."""
    company = _company_for(org, user, in_scope)
    if not AppraisalTemplate.objects.filter(company=company, position__isnull=True).exists():
        make_template(company)
    return make_cycle(company, status="draft")


def _cycle_data(org, user, cycle):
    return {"name": cycle.name if cycle else f"新周期 {_next()}", "kind": "quarterly", "period_start": "2026-07-01",
            "period_end": "2026-09-30", "self_review_due": "2026-10-10", "manager_review_due": "2026-10-20",
            "peers_enabled": "on"}


def _template(org, user, in_scope):
    return make_template(_company_for(org, user, in_scope))


def _template_data(org, user, template):
    return {"name": template.name if template else f"新模板 {_next()}", "position": "", "kpi_share": "60"}


def _template_kpi(org, user, in_scope):
    template = make_template(_company_for(org, user, in_scope), kpi_share=60)
    return TemplateKpi.objects.create(template=template, kpi_code="service_csat", weight=50, threshold=Decimal("60"),
                                      target=Decimal("80"), stretch=Decimal("95"))


def _template_kpi_data(org, user, line):
    template_id = line.template_id if line else make_template(org.company, kpi_share=60).pk
    return {"template": template_id, "kpi_code": "service_csat", "weight": "40", "threshold": "60", "target": "85",
            "stretch": "95", "rule": "linear"}


def _template_competency(org, user, in_scope):
    template = make_template(_company_for(org, user, in_scope), competencies=(("服务意识", 50),))
    return template.competencies.get()


def _template_competency_data(org, user, line):
    template_id = line.template_id if line else make_template(org.company, competencies=()).pk
    return {"template": template_id, "name": "沟通能力", "description": "", "weight": "30", "skill": ""}


def _foreign(org, user):
    return org.employee_for(user, False)


def _own(status: str = "self_review"):
    """The user's own appraisal (in scope) or an out-of-scope colleague's."""
    def build(org, user, in_scope):
        return make_appraisal(own_employee(org, user) if in_scope else _foreign(org, user), status=status)
    return build


def _colleague(status: str = "self_review"):
    """A colleague's appraisal at store a1 (in scope) or out of scope."""
    def build(org, user, in_scope):
        employee = (Employee.objects.create(company=org.company, store=org.stores["a1"], employee_no=f"MC-{_next()}",
                                            name="矩阵同事") if in_scope else _foreign(org, user))
        return make_appraisal(employee, status=status, proposed_rating=3 if status == "calibration" else None)
    return build


def _with_answers(org, user, in_scope):
    appraisal = _own()(org, user, in_scope)
    for value in (3, 4, 5):
        PeerReviewAnswer.objects.create(appraisal=appraisal, ratings=_api_ratings(appraisal, value), comment="",
                                        period_bucket=appraisal.cycle.period_end)
    return appraisal


def _peer_request(org, user, in_scope):
    """A 360 request to the user (in scope) or to someone else (out of scope) on a colleague's open appraisal."""
    appraisal = _colleague()(org, user, True)
    return PeerReviewRequest.objects.create(appraisal=appraisal, reviewer=user if in_scope else org.target_user,
                                            requested_on=date(2026, 10, 1))


def _history_employee(org, user, in_scope):
    return own_employee(org, user) if in_scope else _foreign(org, user)


def _history_link(employee):
    from django.urls import reverse

    return reverse("people:appraisal_history", args=[employee.pk])


ROUTES = [
    *spec_routes(specs.cycle, _cycle, _cycle_data),
    *spec_routes(specs.template, _template, _template_data),
    *spec_routes(specs.template_kpi, _template_kpi, _template_kpi_data),
    *spec_routes(specs.template_competency, _template_competency, _template_competency_data),
    *spec_routes(specs.appraisal, _own()),
    # pages of the workflow
    Route("people:appraisalcycle_transition", "action", area=SETUP_AREA, action="change", make_object=_cycle,
          post_data=lambda org, user, obj: {"status": "open"}),
    Route("people:appraisal_self_review", "action", area=AREA, action="change", make_object=_own(),
          post_data=lambda org, user, obj: {**_ratings(obj), "summary": "矩阵自评"}),
    Route("people:appraisal_manager_review", "action", area=REVIEW_AREA, action="change",
          make_object=_colleague("manager_review"),
          post_data=lambda org, user, obj: {**_ratings(obj, "4"), "summary": "矩阵评价"}),
    Route("people:appraisal_measure", "action", area=REVIEW_AREA, action="change", make_object=_colleague()),
    Route("people:appraisal_peer_request", "action", area=REVIEW_AREA, action="change", make_object=_colleague(),
          post_data=lambda org, user, obj: {"reviewers": [org.target_user.pk]}),
    Route("people:appraisal_calibrate", "action", area=CALIBRATION_AREA, action="change",
          make_object=_colleague("calibration"),
          post_data=lambda org, user, obj: {"final_rating": "3", "calibration_note": ""}),
    Route("people:appraisal_sign", "action", area=AREA, action="change", make_object=_own("sign_off")),
    Route("people:appraisal_calibration", "list", area=CALIBRATION_AREA),
    Route("people:appraisal_history", "detail", area=AREA, make_object=_history_employee, link=_history_link),
    Route("people:peer_review_list", "self-service"),
    Route("people:peer_review_answer", "self-service", make_object=_peer_request, methods=("GET", "POST"),
          post_status=302, post_data=lambda org, user, obj: {**_ratings(obj.appraisal, "4"), "comment": "很好"}),
    # API of the workflow
    Route(f"POST {API}/appraisal-cycles/{{object_id}}/transition/", "api-write", area=SETUP_AREA, action="change",
          make_object=_cycle, post_data=lambda org, user, obj: {"status": "open"}),
    Route(f"GET {API}/appraisals/{{object_id}}/kpi-results/", "api-detail", area=AREA, make_object=_own()),
    Route(f"GET {API}/appraisals/{{object_id}}/peer-summary/", "api-detail", area=AREA, make_object=_with_answers),
    Route(f"POST {API}/appraisals/{{object_id}}/self-review/", "api-write", area=AREA, action="change",
          make_object=_own(), post_data=lambda org, user, obj: {"ratings": _api_ratings(obj), "summary": "矩阵"}),
    Route(f"POST {API}/appraisals/{{object_id}}/manager-review/", "api-write", area=REVIEW_AREA, action="change",
          make_object=_colleague("manager_review"),
          post_data=lambda org, user, obj: {"ratings": _api_ratings(obj, 4), "summary": "矩阵"}),
    Route(f"POST {API}/appraisals/{{object_id}}/measure/", "api-write", area=REVIEW_AREA, action="change",
          make_object=_colleague()),
    Route(f"POST {API}/appraisals/{{object_id}}/peers/", "api-write", area=REVIEW_AREA, action="change",
          make_object=_colleague(), post_status=201,
          post_data=lambda org, user, obj: {"reviewers": [org.target_user.pk]}),
    Route(f"POST {API}/appraisals/{{object_id}}/calibrate/", "api-write", area=CALIBRATION_AREA, action="change",
          make_object=_colleague("calibration"), post_data=lambda org, user, obj: {"final_rating": 3, "note": ""}),
    Route(f"POST {API}/appraisals/{{object_id}}/sign/", "api-write", area=AREA, action="change",
          make_object=_own("sign_off")),
    Route(f"GET {API}/peer-reviews/", "self-service"),
    Route(f"POST {API}/peer-reviews/{{object_id}}/answer/", "self-service", make_object=_peer_request,
          post_status=201, post_data=lambda org, user, obj: {"ratings": _api_ratings(obj.appraisal, 4)}),
]
