"""Declarative generic views (after NetBox's netbox/views/generic): a domain view names its queryset function,
filterset, table and form; scoping, 404-vs-403, HTMX partials, pagination and exports come from here.

Every view gets its rows from `get_queryset(request, action)`, which must go through `for_user`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from opsdesk.core.exports import export_response
from opsdesk.core.permissions import user_can


class ScopedViewMixin(LoginRequiredMixin):
    """Common plumbing: the model, its permission area and the scoped queryset."""

    model: type[models.Model]
    raise_exception = False

    def get_queryset(self, request: HttpRequest, action: str = "view") -> models.QuerySet:
        return self.model.objects.for_user(request.user, action)

    @property
    def area(self) -> str:
        return self.model.permission_area

    def require(self, request: HttpRequest, action: str) -> None:
        """403 when the role may not act; callers have already answered 404 for out-of-scope objects."""
        if not user_can(request.user, self.area, action):
            raise PermissionDenied(_("你的角色不允许此操作。"))

    def get_object(self, request: HttpRequest, pk: Any, action: str = "view") -> models.Model:
        """The object if the user may perform `action` on it, else 404: out of scope and not permitted read the same
        (never 403, so existence is not disclosed)."""
        try:
            return self.get_queryset(request, action).get(pk=pk)
        except (self.model.DoesNotExist, ValueError, ValidationError, OverflowError) as error:
            raise Http404(_("未找到。")) from error

    def base_context(self, request: HttpRequest) -> dict[str, Any]:
        meta = self.model._meta
        return {
            "model_name": meta.verbose_name,
            "model_name_plural": meta.verbose_name_plural,
            "can_add": user_can(request.user, self.area, "add"),
            "can_change": user_can(request.user, self.area, "change"),
            "can_delete": user_can(request.user, self.area, "delete"),
        }


class ObjectListView(ScopedViewMixin, View):
    """A filtered, sorted, paginated table, with CSV/XLSX export of the filtered rows (?export=csv|xlsx)."""

    filterset_class = None
    table_class = None
    template_name = "generic/object_list.html"
    partial_template_name = "generic/_table.html"
    export_filename = "export"
    per_page = 25
    add_url_name: str | None = None
    chart: Callable[[HttpRequest, models.QuerySet], str | None] | None = None

    def filtered(self, request: HttpRequest):
        queryset = self.get_queryset(request, "view")
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
            queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        return filterset, queryset

    def get(self, request: HttpRequest) -> HttpResponse:
        self.require(request, "view")
        filterset, queryset = self.filtered(request)
        export_format = request.GET.get("export")
        if export_format:
            return self.export(request, export_format, queryset)
        table = self.table_class(queryset)
        # django-tables2 would read ?page= and ?per_page= itself and fail on a negative size; sorting only here.
        RequestConfig(request, paginate=False).configure(table)
        self._paginate(request, table)
        context = {
            **self.base_context(request),
            "table": table,
            "filterset": filterset,
            "add_url_name": self.add_url_name,
            "total": table.paginator.count if hasattr(table, "paginator") else None,
        }
        if request.htmx and not request.htmx.boosted:
            return render(request, self.partial_template_name, context)
        return render(request, self.template_name, context)

    def _per_page(self, request: HttpRequest) -> int:
        """?per_page= clamped to 1..500; anything that is not a number gives the default."""
        return max(1, min(_query_int(request, "per_page", self.per_page), 500))

    def _paginate(self, request: HttpRequest, table) -> None:
        """Page ?page= of the table; a page before the first shows the first, one past the last the last."""
        per_page = self._per_page(request)
        page = max(1, _query_int(request, "page", 1))
        try:
            table.paginate(page=page, per_page=per_page)
        except EmptyPage:
            table.paginate(page=table.paginator.num_pages, per_page=per_page)

    def export(self, request: HttpRequest, export_format: str, queryset) -> HttpResponse:
        table = self.table_class(queryset, exclude=getattr(self.table_class.Meta, "export_exclude", ()))
        table.order_by = request.GET.get("sort")
        values = table.as_values()
        header = next(values)
        try:
            return export_response(export_format, self.export_filename, header, values)
        except ValueError:
            return HttpResponseBadRequest(_("导出格式只支持 csv 或 xlsx。"))


class ObjectDetailView(ScopedViewMixin, View):
    """One object in scope, else 404."""

    template_name = "generic/object_detail.html"
    fields: list[str] = []

    def get_extra_context(self, request: HttpRequest, instance) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        instance = self.get_object(request, pk)
        rows = [(instance._meta.get_field(name).verbose_name, _display(instance, name)) for name in self.fields]
        context = {**self.base_context(request), "object": instance, "rows": rows}
        context.update(self.get_extra_context(request, instance))
        return render(request, self.template_name, context)


def _query_int(request: HttpRequest, name: str, default: int) -> int:
    """An integer query parameter, or `default` when it is missing or not a (reasonably sized) integer."""
    value = request.GET.get(name, "").strip()
    if not value.lstrip("-").isdigit() or len(value) > 18:
        return default
    return int(value)


def _display(instance, name: str):
    value = getattr(instance, name, None)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "display_name"):  # people by their name, never their login
        return value.display_name
    getter = getattr(instance, f"get_{name}_display", None)
    return getter() if callable(getter) else getattr(instance, name)


class ObjectEditView(ScopedViewMixin, View):
    """Create (pk None) or change an object: the form validates, the service writes."""

    form_class = None
    template_name = "generic/object_edit.html"
    partial_template_name = "generic/_edit_form.html"
    success_url_name: str | None = None

    def create(self, request: HttpRequest, form) -> models.Model:
        raise NotImplementedError

    def update(self, request: HttpRequest, instance, form) -> models.Model:
        raise NotImplementedError

    def get_form(self, request: HttpRequest, instance=None, data=None):
        return self.form_class(data=data, instance=instance, user=request.user)

    def _instance(self, request: HttpRequest, pk):
        if pk is None:
            self.require(request, "add")
            return None
        return self.get_object(request, pk, "change")

    def get(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        instance = self._instance(request, pk)
        return self._render(request, self.get_form(request, instance), instance)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        instance = self._instance(request, pk)
        form = self.get_form(request, instance, data=request.POST)
        if form.is_valid():
            try:
                saved = self.create(request, form) if instance is None else self.update(request, instance, form)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("已保存：%(object)s") % {"object": saved})
                return _redirect(request, saved.get_absolute_url())
        return self._render(request, form, instance, status=400 if request.method == "POST" else 200)

    def _render(self, request, form, instance, status: int = 200) -> HttpResponse:
        context = {**self.base_context(request), "form": form, "object": instance}
        if request.htmx and not request.htmx.boosted:
            # htmx swaps only 2xx answers: the form with its errors comes back as 200 into its own place.
            return render(request, self.partial_template_name, context)
        return render(request, self.template_name, context, status=status)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: an ordinary redirect, or for an HTMX request (a form in a modal) HX-Redirect to the page."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ObjectDeleteView(ScopedViewMixin, View):
    """Confirm and delete through the service; protected rows give a clear message, not a traceback."""

    template_name = "generic/object_delete.html"
    partial_template_name = "generic/_delete_form.html"
    success_url_name: str = "core:home"

    def delete(self, request: HttpRequest, instance) -> None:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        instance = self.get_object(request, pk, "delete")
        template = self.partial_template_name if request.htmx and not request.htmx.boosted else self.template_name
        return render(request, template, {**self.base_context(request), "object": instance})

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        instance = self.get_object(request, pk, "delete")
        try:
            self.delete(request, instance)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(instance.get_absolute_url())
        messages.success(request, _("已删除：%(object)s") % {"object": instance})
        return _redirect(request, reverse(self.success_url_name))
