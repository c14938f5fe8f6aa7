"""The five generated pages of a spec, on the generic views (scoping, 404 rule, HTMX partials, exports)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

KINDS = ("list", "detail", "edit", "delete")


class SpecMixin:
    """Reads rows through the spec (its selector or `for_user`)."""

    spec = None

    def get_queryset(self, request: HttpRequest, action: str = "view"):
        return self.spec.get_queryset(request.user, action)


class SpecListView(SpecMixin, ObjectListView):
    def filtered(self, request: HttpRequest):
        self.filterset_class = self.spec.get_filterset_class()
        self.table_class = self.spec.get_table_class()
        return super().filtered(request)


class SpecDetailView(SpecMixin, ObjectDetailView):
    def get(self, request: HttpRequest, pk: Any):
        self.fields = list(self.spec.detail_fields)
        self.template_name = self.spec.detail_template
        return super().get(request, pk)

    def get_extra_context(self, request: HttpRequest, instance) -> dict[str, Any]:
        context = {"edit_url_name": self.spec.url_name("edit"), "delete_url_name": self.spec.url_name("delete"),
                   "list_url_name": self.spec.url_name("list"), "history": _history(request, instance)}
        if self.spec.read_only:  # no edit or delete page to link to
            context.update(can_change=False, can_delete=False)
        if self.spec.detail_context is not None:
            context.update(self.spec.detail_context(request, instance))
        return context


def _history(request: HttpRequest, instance) -> list:
    """The object's last changes from the audit trail, for the roles that may read the trail."""
    if not user_can(request.user, "audit", "view"):
        return []
    from auditlog.models import LogEntry

    return list(LogEntry.objects.get_for_object(instance).select_related("actor").order_by("-timestamp")[:10])


class SpecEditView(SpecMixin, ObjectEditView):
    def get_form(self, request: HttpRequest, instance=None, data=None):
        return self.spec.get_form_class()(data=data, instance=instance, user=request.user)

    def create(self, request: HttpRequest, form):
        return self.spec.create(actor=request.user, data=form.cleaned_data)

    def update(self, request: HttpRequest, instance, form):
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        return self.spec.update(actor=request.user, instance=instance, data=changed)


class SpecDeleteView(SpecMixin, ObjectDeleteView):
    def delete(self, request: HttpRequest, instance) -> None:
        self.spec.delete(actor=request.user, instance=instance)


_BASES = {"list": SpecListView, "detail": SpecDetailView, "edit": SpecEditView, "delete": SpecDeleteView}


def view_class(spec, kind: str) -> type:
    """A view class of `kind` bound to `spec`."""
    attributes: dict[str, Any] = {"spec": spec, "model": spec.model}
    if kind == "list":
        attributes.update(add_url_name=None if spec.read_only else spec.url_name("add"), export_filename=spec.path)
    if kind == "delete":
        attributes["success_url_name"] = spec.url_name("list")
    return type(f"{spec.model.__name__}{kind.title()}View", (_BASES[kind],), attributes)
