"""One declarative spec per model gives its pages, its REST operations, its writes and its permission-matrix routes.

    maintenance = ObjectSpec(MaintenanceRequest, path="maintenance",
                             fields=("store", "title", "equipment", "priority", "status", ...),
                             columns=("title", "store", "equipment", "priority", "status", "reported_at"),
                             search_fields=("title", "equipment", "vendor"), filter_fields=("store", "status"),
                             initial=lambda actor: {"reported_by": actor})
    urlpatterns = [*maintenance.urls()]              # <app>:maintenance_list|add|detail|edit|delete
    maintenance.register_api(router)                 # GET/POST /maintenance/, GET/PATCH/DELETE /maintenance/{id}/

The filterset, table and form are built from the spec unless given; every choice a filter or a form offers is
scoped to the user (foreign keys through `for_user`, people through `assignable_people`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import path

from opsdesk.core.kit import services


@dataclass(eq=False)
class ObjectSpec:
    """What the kit needs to know about one model (see the module docstring)."""

    model: type[models.Model]
    fields: tuple[str, ...]
    path: str = ""
    name: str = ""
    columns: tuple[str, ...] = ()
    detail_fields: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    filter_fields: tuple[str, ...] = ()
    assignee_fields: tuple[str, ...] = ()
    select_related: tuple[str, ...] | None = None
    widgets: dict[str, Any] = field(default_factory=dict)
    field_classes: dict[str, type] = field(default_factory=dict)  # form field classes by name (ModelForm's Meta)
    initial: Callable[[Any], dict] | None = None
    queryset: Callable[..., models.QuerySet] | None = None
    filterset_class: type | None = None
    table_class: type | None = None
    form_class: type | None = None
    detail_template: str = "generic/kit_detail.html"
    detail_context: Callable[[Any, Any], dict] | None = None
    api_path: str = ""
    api_out_fields: tuple[str, ...] = ()
    views: dict[str, type] = field(default_factory=dict)
    create_with: Callable[..., models.Model] | None = None
    update_with: Callable[..., models.Model] | None = None
    delete_with: Callable[..., None] | None = None
    read_only: bool = False
    fraction_fields: tuple[str, ...] = ()  # stored as 0..1, shown in lists as a percentage (0.42 -> 42%)

    def __post_init__(self) -> None:
        self.name = self.name or self.model._meta.model_name
        self.path = self.path or f"{self.name.replace('_', '-')}s"
        self.columns = self.columns or self.fields
        self.detail_fields = self.detail_fields or tuple(dict.fromkeys((*self.columns, *self.fields)))
        self.api_path = self.api_path or f"/{self.path}/"

    # ------------------------------------------------------------------ naming

    @property
    def namespace(self) -> str:
        return self.model._meta.app_label

    @property
    def area(self) -> str:
        return self.model.permission_area

    def url_name(self, view: str) -> str:
        """`<app>:<name>_<view>` for view in list, add, detail, edit, delete."""
        return f"{self.namespace}:{self.name}_{view}"

    # ------------------------------------------------------------------ reads

    def get_queryset(self, user, action: str = "view") -> models.QuerySet:
        """The rows the user may reach for `action` (the spec's selector, or `for_user`)."""
        if self.queryset is not None:
            return self.queryset(user=user, action=action)
        queryset = self.model.objects.for_user(user, action)
        return queryset.select_related(*self.related_columns) if self.related_columns else queryset

    @cached_property
    def related_columns(self) -> tuple[str, ...]:
        if self.select_related is not None:
            return self.select_related
        names = dict.fromkeys((*self.columns, *self.detail_fields))
        return tuple(name for name in names if getattr(model_field(self.model, name), "many_to_one", False))

    # ------------------------------------------------------------------ writes

    def create(self, *, actor, data: dict[str, Any]) -> models.Model:
        """The model's create service (`create_with`), else the generic `object_create`."""
        if self.create_with is not None:
            return self.create_with(actor=actor, data=data)
        initial = self.initial(actor) if self.initial is not None else None
        return services.object_create(actor=actor, model=self.model, data=data, fields=self.fields, initial=initial,
                                      assignee_fields=self.assignee_fields)

    def update(self, *, actor, instance: models.Model, data: dict[str, Any]) -> models.Model:
        """The model's update service (`update_with`, called with the instance), else `object_update`."""
        if self.update_with is not None:
            return self.update_with(actor=actor, instance=instance, data=data)
        return services.object_update(actor=actor, instance=instance, data=data, fields=self.fields,
                                      assignee_fields=self.assignee_fields)

    def delete(self, *, actor, instance: models.Model) -> None:
        """The model's delete service (`delete_with`), else `object_delete`."""
        if self.delete_with is not None:
            self.delete_with(actor=actor, instance=instance)
            return
        services.object_delete(actor=actor, instance=instance)

    # ------------------------------------------------------------------ built parts

    def get_filterset_class(self):
        if self.filterset_class is None:
            from opsdesk.core.kit.builders import build_filterset

            self.filterset_class = build_filterset(self)
        return self.filterset_class

    def get_table_class(self):
        if self.table_class is None:
            from opsdesk.core.kit.builders import build_table

            self.table_class = build_table(self)
        return self.table_class

    def get_form_class(self):
        if self.form_class is None:
            from opsdesk.core.kit.builders import build_form

            self.form_class = build_form(self)
        return self.form_class

    def urls(self) -> list:
        """The five pages: list, add, detail, edit, delete (a view in `views` replaces the generated one)."""
        from opsdesk.core.kit import views

        made = {kind: self.views.get(kind) or views.view_class(self, kind) for kind in views.KINDS}
        if self.read_only:
            return [path(f"{self.path}/", made["list"].as_view(), name=f"{self.name}_list"),
                    path(f"{self.path}/<int:pk>/", made["detail"].as_view(), name=f"{self.name}_detail")]
        return [
            path(f"{self.path}/", made["list"].as_view(), name=f"{self.name}_list"),
            path(f"{self.path}/add/", made["edit"].as_view(), name=f"{self.name}_add"),
            path(f"{self.path}/<int:pk>/", made["detail"].as_view(), name=f"{self.name}_detail"),
            path(f"{self.path}/<int:pk>/edit/", made["edit"].as_view(), name=f"{self.name}_edit"),
            path(f"{self.path}/<int:pk>/delete/", made["delete"].as_view(), name=f"{self.name}_delete"),
        ]

    def register_api(self, router) -> None:
        """The REST operations on a django-ninja router (list/create on the collection, read/update/delete on one)."""
        from opsdesk.core.kit.rest import register

        register(router, self)


def model_field(model, name: str):
    """A model's field by name, or None for properties and annotations (a column need not be a field)."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
