"""REST API of customer service (/api/v1/service/): tickets and their workflow, categories, SLA targets, business
hours, surveys, questions and responses. Lists take the list pages' filters; out of scope answers 404."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.rest import validation_error
from opsdesk.service import services, specs
from opsdesk.service.models import Ticket

router = Router(tags=["customer service"])

for _spec in specs.ALL:
    _spec.register_api(router)


class StatusIn(Schema):
    status: str
    note: str = ""
    resolution: str | None = None


class StatusOut(Schema):
    id: int
    status: str
    csat_token: str | None = None


class LogIn(Schema):
    kind: str = "note"
    text: str
    is_customer_contact: bool = False


class LogOut(Schema):
    id: int
    kind: str
    text: str


@router.post("/tickets/{object_id}/status/", response=StatusOut, summary="Move a ticket to another status")
def ticket_status(request: HttpRequest, object_id: int, payload: StatusIn):
    found = scoped_or_none(Ticket, request.auth, object_id, "change")
    if found is None:
        raise Http404
    try:
        ticket, token = services.ticket_transition(actor=request.auth, ticket=found, status=payload.status,
                                                   note=payload.note, resolution=payload.resolution)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        raise validation_error(error) from error
    return {"id": ticket.pk, "status": ticket.status, "csat_token": token}


@router.post("/tickets/{object_id}/log/", response={201: LogOut}, summary="Add to a ticket's contact log")
def ticket_log(request: HttpRequest, object_id: int, payload: LogIn):
    found = scoped_or_none(Ticket, request.auth, object_id, "change")
    if found is None:
        raise Http404
    try:
        event = services.ticket_log(actor=request.auth, ticket=found, kind=payload.kind, text=payload.text,
                                    is_customer_contact=payload.is_customer_contact)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        raise validation_error(error) from error
    return Status(201, event)
