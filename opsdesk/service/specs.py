"""Kit specs of customer service: tickets (with their workflow services), categories, SLA targets, business hours,
surveys and their questions, and survey responses (read-only)."""

from opsdesk.core.kit import ObjectSpec
from opsdesk.service import services
from opsdesk.service.models import (
    BusinessHours,
    SlaTarget,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    Ticket,
    TicketCategory,
)

ticket = ObjectSpec(
    Ticket, path="tickets", name="ticket", fields=services.TICKET_FIELDS,
    columns=("number", "title", "store", "type", "category", "priority", "status", "owner", "received_at"),
    detail_fields=("number", "store", "type", "category", "priority", "channel", "status", "title", "description",
                   "rating", "customer_name", "customer_phone", "customer_email", "product", "supplier", "employee",
                   "finding", "owner", "resolution", "compensation_type", "compensation_amount", "received_at",
                   "first_response_at", "resolved_at", "closed_at", "reopen_count", "escalation_level"),
    search_fields=("number", "title", "description", "customer_name", "customer_phone", "store__name"),
    filter_fields=("store", "store__region", "type", "category", "priority", "status", "channel", "owner",
                   "received_at"),
    assignee_fields=("owner",),
    select_related=("store", "category", "owner"),
    create_with=services.ticket_create,
    update_with=lambda *, actor, instance, data: services.ticket_update(actor=actor, ticket=instance, data=data),
    detail_template="service/ticket_detail.html",
    detail_context=lambda request, instance: _ticket_context(request, instance),
)


def _ticket_context(request, instance):
    from opsdesk.service.views.tickets import ticket_detail_context

    return ticket_detail_context(request, instance)

category = ObjectSpec(
    TicketCategory, path="categories", name="category",
    fields=("code", "name_zh", "name_en", "is_product_quality", "is_active", "order"),
    search_fields=("code", "name_zh", "name_en"), filter_fields=("is_active",),
)

sla_target = ObjectSpec(
    SlaTarget, path="sla-targets", name="slatarget", fields=("priority", "first_response_minutes",
                                                             "resolution_minutes"),
)

business_hours = ObjectSpec(
    BusinessHours, path="business-hours", name="businesshours", fields=("store", "weekday", "opens", "closes"),
    search_fields=("store__name", "store__code"), filter_fields=("store", "weekday"),
)

survey = ObjectSpec(
    Survey, path="surveys", name="survey",
    fields=("name", "kind", "intro", "is_active", "starts_on", "ends_on"),
    columns=("name", "kind", "is_active", "starts_on", "ends_on"),
    search_fields=("name",), filter_fields=("kind", "is_active"),
)

survey_question = ObjectSpec(
    SurveyQuestion, path="survey-questions", name="surveyquestion",
    fields=("survey", "order", "kind", "text", "choices", "is_required"),
    columns=("text", "survey", "order", "kind", "is_required"),
    search_fields=("text",), filter_fields=("survey", "kind"),
)

response = ObjectSpec(
    SurveyResponse, path="responses", name="response", fields=(), read_only=True,
    columns=("submitted_at", "survey", "store", "nps_score", "nps_reason"),
    filter_fields=("survey", "store", "store__region", "submitted_at"), search_fields=("nps_reason",),
)

ALL = (ticket, category, sla_target, business_hours, survey, survey_question, response)
