"""The filterset, table and form a spec gets when it names none; every choice they offer is scoped to the user."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.conf import settings
from django.db import models

from opsdesk.core import formatting
from opsdesk.core.filtersets import SearchFilterSet
from opsdesk.core.forms import ScopedModelForm

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


def scoped_choices(model_field, user, area: str):
    """The rows a foreign key or many-to-many field may point at for this user (people: assignable ones)."""
    related = model_field.related_model
    if related._meta.label == settings.AUTH_USER_MODEL:
        from opsdesk.core.selectors import assignable_people

        if not getattr(user, "is_authenticated", False):
            return related.objects.none()
        return assignable_people(company_id=user.company_id, area=area, visible_to=user)
    if hasattr(related.objects, "for_user"):
        return related.objects.for_user(user, "view")
    raise TypeError(f"{model_field} points at {related.__name__}, which has no for_user(): declare the field's "
                    "choices in a form/filterset of your own")


def build_filterset(spec):
    """`q` over the search fields, plus one filter per filter field (scoped choices, date ranges)."""
    attributes = {"search_fields": spec.search_fields}
    for lookup in spec.filter_fields:
        model_field = field_by_path(spec.model, lookup)
        name, label = lookup.rsplit("__", 1)[-1], model_field.verbose_name
        if model_field.is_relation:
            attributes[name] = django_filters.ModelChoiceFilter(
                label=label, field_name=lookup, queryset=_request_choices(model_field, spec.area))
        elif model_field.choices:
            attributes[name] = django_filters.ChoiceFilter(label=label, field_name=lookup, choices=model_field.choices)
        elif isinstance(model_field, models.DateField | models.DateTimeField):
            attributes[name] = django_filters.DateFromToRangeFilter(
                label=label, field_name=lookup, widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}))
        elif isinstance(model_field, models.BooleanField):
            attributes[name] = django_filters.BooleanFilter(label=label, field_name=lookup)
        else:
            attributes[name] = django_filters.CharFilter(label=label, field_name=lookup, lookup_expr="icontains")
    names = [lookup.rsplit("__", 1)[-1] for lookup in spec.filter_fields]
    attributes["Meta"] = type("Meta", (), {"model": spec.model, "fields": ["q", *names]})
    return type(f"{spec.model.__name__}FilterSet", (SearchFilterSet,), attributes)


def field_by_path(model, lookup: str):
    """The model field at the end of a lookup path ("store__region" -> Store.region)."""
    *hops, last = lookup.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(last)


def _request_choices(model_field, area: str):
    def choices(request):
        return scoped_choices(model_field, request.user, area) if request else model_field.related_model.objects.none()
    return choices


def build_table(spec):
    """Sortable columns; the first links to the detail page; exports keep dates and numbers typed."""
    first, *_rest = spec.columns
    # The row's own page, also when the first column is a relation (linkify=True would link the related row).
    attributes = {first: tables.Column(linkify=lambda record: record.get_absolute_url())}
    for name in spec.columns:
        model_field = spec.model._meta.get_field(name)
        if isinstance(model_field, models.DateField | models.DecimalField | models.IntegerField):
            attributes[f"value_{name}"] = _typed_value
        numeric = isinstance(model_field, models.DecimalField | models.FloatField) and not model_field.choices
        if name != first and numeric:
            # Numbers read in the user's language with group separators, at most 2 decimals (no float noise such
            # as 121976.17000000001), right-aligned; exports keep the typed value.
            attributes[name] = tables.Column(attrs={"td": {"class": "text-end text-nowrap"},
                                                    "th": {"class": "text-end"}})
            attributes[f"render_{name}"] = _fraction if name in spec.fraction_fields else _number
            attributes[f"value_{name}"] = _typed_value
        if _is_person(model_field):
            attributes[f"render_{name}"] = attributes[f"value_{name}"] = _person_name
    attributes["Meta"] = type("Meta", (), {"model": spec.model, "fields": spec.columns, "attrs": TABLE_ATTRS})
    return type(f"{spec.model.__name__}Table", (tables.Table,), attributes)


def _typed_value(self, value):
    return value


def _number(self, value):
    return formatting.decimal(round(value, 2) if isinstance(value, float) else value, None)


def _fraction(self, value):
    return formatting.percent(value * 100, 0)


def _person_name(self, value):
    return value.display_name


def _is_person(model_field) -> bool:
    return bool(model_field.is_relation and model_field.related_model
                and model_field.related_model._meta.label == settings.AUTH_USER_MODEL)


class KitModelForm(ScopedModelForm):
    """A model form whose relation choices are scoped to the acting user and whose dates use the browser's pickers."""

    kit_area: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name) if name in _names(self._meta.model) else None
            if model_field is not None and model_field.is_relation and hasattr(form_field, "queryset"):
                form_field.queryset = scoped_choices(model_field, self.user, self.kit_area)
                if _is_person(model_field):
                    form_field.label_from_instance = lambda person: person.display_name


def _names(model) -> set[str]:
    return {model_field.name for model_field in model._meta.get_fields()}


def _widget_for(model_field):
    if isinstance(model_field, models.DateTimeField):
        return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    if isinstance(model_field, models.DateField):
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if isinstance(model_field, models.TextField):
        return forms.Textarea(attrs={"rows": 3})
    return None


def build_form(spec):
    """A `KitModelForm` over the spec's fields."""
    widgets = {}
    for name in spec.fields:
        widget = _widget_for(spec.model._meta.get_field(name))
        if widget is not None:
            widgets[name] = widget
    widgets.update(spec.widgets)
    meta = type("Meta", (), {"model": spec.model, "fields": list(spec.fields), "widgets": widgets,
                             "field_classes": dict(spec.field_classes)})
    return type(f"{spec.model.__name__}Form", (KitModelForm,), {"Meta": meta, "kit_area": spec.area})
