"""Permission-matrix declarations of every customer-service page and API operation (see core/testing/matrix.py).

Store-scoped rows (tickets, business hours, survey responses) lie in store a1 (in scope) or `org.store_for(user,
False)` (out of scope); company-wide configuration (categories, SLA targets, surveys, questions) in company A (in
scope) or company B (out of scope, whatever the user's scope: every user of company A sees its configuration).
"""

from __future__ import annotations

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.service import specs
from opsdesk.service.models import (
    BusinessHours,
    SlaTarget,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    Ticket,
    TicketCategory,
)
from opsdesk.service.tests.routes_analysis import ANALYSIS_ROUTES
from opsdesk.service.tests.routes_public import PUBLIC_ROUTES

A = "service"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _company_for(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _ticket(org, user, in_scope) -> Ticket:
    store = org.store_for(user, in_scope)
    return Ticket.objects.create(company=store.company, store=store, title="收银排队太久", number=f"TM-{_next()}")


def _ticket_data(org, user, ticket):
    return {"store": org.stores["a1"].pk, "type": "complaint", "category": "", "priority": "high",
            "channel": "hotline", "title": "矩阵工单", "description": "", "customer_name": "", "customer_phone": "",
            "customer_email": "", "product": "", "supplier": "", "employee": "", "finding": "", "owner": "",
            "compensation_type": "none", "compensation_amount": "", "received_at": "2025-03-01T10:00"}


def _category(org, user, in_scope) -> TicketCategory:
    return TicketCategory.objects.create(company=_company_for(org, user, in_scope), code=f"m{_next()}",
                                         name_zh="矩阵类别", name_en="Matrix")


def _category_data(org, user, category):
    return {"code": category.code if category else "mnew", "name_zh": "矩阵类别", "name_en": "Matrix",
            "is_product_quality": "", "is_active": "on", "order": "3"}


def _sla_target(org, user, in_scope) -> SlaTarget:
    return SlaTarget.objects.create(company=_company_for(org, user, in_scope), priority="high",
                                    first_response_minutes=60, resolution_minutes=480)


def _sla_target_data(org, user, target):
    return {"priority": target.priority if target else "urgent", "first_response_minutes": "30",
            "resolution_minutes": "240"}


def _business_hours(org, user, in_scope) -> BusinessHours:
    return BusinessHours.objects.create(store=org.store_for(user, in_scope), weekday=0)


def _business_hours_data(org, user, _hours):
    return {"store": org.stores["a1"].pk, "weekday": "1", "opens": "08:00", "closes": "22:00"}


def _survey(org, user, in_scope) -> Survey:
    return Survey.objects.create(company=_company_for(org, user, in_scope), name=f"矩阵问卷 {_next()}")


def _survey_data(org, user, _survey_obj):
    return {"name": "顾客满意度调查", "kind": "nps", "intro": "", "is_active": "on", "starts_on": "2025-01-01",
            "ends_on": ""}


def _question(org, user, in_scope) -> SurveyQuestion:
    return SurveyQuestion.objects.create(survey=_survey(org, user, in_scope), kind="rating", text="整体满意度")


def _question_data(org, user, question):
    survey_id = question.survey_id if question else _survey(org, user, True).pk
    return {"survey": survey_id, "order": "2", "kind": "nps", "text": "您愿意推荐我们吗？", "choices": "",
            "is_required": "on"}


def _response(org, user, in_scope) -> SurveyResponse:
    store = org.store_for(user, in_scope)
    survey = Survey.objects.create(company=store.company, name=f"矩阵问卷 {_next()}")
    return SurveyResponse.objects.create(survey=survey, store=store, nps_score=9, nps_reason="店员很热情")


def _api(path: str) -> str:
    return f"/api/v1/service/{path}"


ROUTES = [
    *spec_routes(specs.ticket, _ticket, _ticket_data),
    *spec_routes(specs.category, _category, _category_data),
    *spec_routes(specs.sla_target, _sla_target, _sla_target_data),
    *spec_routes(specs.business_hours, _business_hours, _business_hours_data),
    *spec_routes(specs.survey, _survey, _survey_data),
    *spec_routes(specs.survey_question, _question, _question_data),
    *spec_routes(specs.response, _response),
    # the ticket workflow
    Route("service:ticket_status", "action", area=A, action="change", make_object=_ticket,
          post_data=lambda org, user, obj: {"status": "acknowledged", "note": "矩阵", "resolution": ""}),
    Route("service:ticket_log", "action", area=A, action="change", make_object=_ticket,
          post_data=lambda org, user, obj: {"kind": "call", "text": "已致电顾客", "is_customer_contact": "on"}),
    Route("POST " + _api("tickets/{object_id}/status/"), "api-write", area=A, action="change", make_object=_ticket,
          post_data=lambda org, user, obj: {"status": "acknowledged", "note": "矩阵"}),
    Route("POST " + _api("tickets/{object_id}/log/"), "api-write", area=A, action="change", make_object=_ticket,
          post_data=lambda org, user, obj: {"kind": "note", "text": "矩阵"}, post_status=201),
]

ROUTES += PUBLIC_ROUTES
ROUTES += ANALYSIS_ROUTES
