"""Building blocks of the purchasing pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View

from opsdesk.core.views.generic import ScopedViewMixin
from opsdesk.purchasing.models import PurchaseOrder


def form_errors(form) -> ValidationError:
    """A form's errors as one ValidationError for the page's message bar."""
    return ValidationError([f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".lstrip(": ")
                            for k, v in form.errors.items()])


class ObjectActionView(ScopedViewMixin, View):
    """POST-only action on one object: 404 when it is out of scope or the role may not perform `action` on it,
    then the service."""

    model = PurchaseOrder
    action = "change"

    def perform(self, request: HttpRequest, order) -> str:
        raise NotImplementedError

    def redirect_to(self, request: HttpRequest, obj) -> str:
        return obj.get_absolute_url()

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        obj = self.get_object(request, pk, self.action)
        try:
            messages.success(request, self.perform(request, obj))
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        return redirect(self.redirect_to(request, obj))
