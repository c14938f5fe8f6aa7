"""The ticket workflow pages beside the kit's: detail with SLA clocks, status changes and the contact log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.permissions import user_can
from opsdesk.service import selectors, services
from opsdesk.service.choices import EventKindChoices, TicketStatusChoices
from opsdesk.service.models import Ticket


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=TicketStatusChoices.choices,
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    resolution = forms.CharField(label=_("处理结果"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    note = forms.CharField(label=_("备注"), required=False, max_length=500,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


class LogForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[(EventKindChoices.NOTE, EventKindChoices.NOTE.label),
                                                     (EventKindChoices.CALL, EventKindChoices.CALL.label),
                                                     (EventKindChoices.MESSAGE, EventKindChoices.MESSAGE.label)],
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    text = forms.CharField(label=_("内容"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    is_customer_contact = forms.BooleanField(label=_("联系了顾客"), required=False,
                                             widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


def ticket_detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    """What the ticket page shows beside its fields: SLA clocks, next statuses, the log, pauses and CSAT."""
    first, resolution = selectors.ticket_sla(ticket)
    next_statuses = sorted(services.TRANSITIONS.get(ticket.status, set()))
    status_form = StatusForm()
    status_form.fields["status"].choices = [(value, TicketStatusChoices(value).label) for value in next_statuses]
    return {
        "sla_first": first, "sla_resolution": resolution,
        "events": ticket.events.select_related("author").order_by("-at", "-pk"),
        "csat": ticket.csat_requests.filter(answered_at__isnull=False).order_by("-answered_at").first(),
        "can_work": user_can(request.user, "service", "change"),
        "status_form": status_form if next_statuses else None, "log_form": LogForm(),
        "csat_token": request.session.pop(f"csat-token-{ticket.pk}", None),
    }


def _ticket_for_change(request: HttpRequest, pk: int) -> Ticket:
    found = scoped_or_none(Ticket, request.user, pk, "change")
    if found is None:
        raise Http404
    return found


def _back(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    url = reverse("service:ticket_detail", args=[ticket.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
def ticket_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a ticket to another status (closing shows the customer's rating link once)."""
    ticket = _ticket_for_change(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return _back(request, ticket)
    try:
        ticket, token = services.ticket_transition(actor=request.user, ticket=ticket,
                                                   status=form.cleaned_data["status"],
                                                   note=form.cleaned_data["note"],
                                                   resolution=form.cleaned_data["resolution"] or None)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, ticket)
    if token:
        request.session[f"csat-token-{ticket.pk}"] = token
    messages.success(request, _("已更新：%(ticket)s") % {"ticket": ticket})
    return _back(request, ticket)


@login_required
@require_POST
def ticket_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note, call or message to a ticket's contact log."""
    ticket = _ticket_for_change(request, pk)
    form = LogForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return _back(request, ticket)
    try:
        services.ticket_log(actor=request.user, ticket=ticket, **form.cleaned_data)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, ticket)
