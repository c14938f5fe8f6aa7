"""No select of a list page's filter form or of an add/edit form offers an object of another company.

Every list, add and edit page of the permission matrix is rendered as each role of the shared organisation. For
each <select> whose form field is a model choice (many-to-many included), the option values must not name a row
of company B (the other company): its region and store, plus one row of each master-data model seeded below.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.db import models

from opsdesk.core.models import Region, Store
from opsdesk.core.permissions import role_can
from opsdesk.core.testing.matrix import all_routes
from opsdesk.core.testing.org import ROLES

FORM_KINDS = ("list", "add", "edit")
PAGE_ROUTES = [route for route in all_routes() if route.kind in FORM_KINDS and not route.is_api]

# Hand-written selects (not rendered from a form field) named after the model they offer.
SELECT_NAME_MODELS = {"store": Store, "region": Region, "store_id": Store, "region_id": Region}


class _SelectParser(HTMLParser):
    """The option values of every <select>, by the select's name."""

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, list[str]] = {}
        self._current: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "select":
            self._current = values.get("name") or ""
            self.options.setdefault(self._current, [])
        elif tag == "option" and self._current is not None:
            self.options[self._current].append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._current = None


def _company_lookup(model: type[models.Model]) -> str | None:
    """The lookup from a row of `model` to its company id (None when the model has no company)."""
    if model._meta.label == "core.Company":
        return "pk"
    kind = getattr(model, "scope_kind", None)
    field = getattr(model, "scope_field", "")
    if kind == "company" and field:
        return field
    if kind in {"store", "region"} and field in {"pk", "id"}:
        return "company_id"  # the Store and Region models themselves
    if kind in {"store", "region"} and field:
        return f"{field.removesuffix('_id')}__company_id"
    names = {item.name for item in model._meta.get_fields()}
    return "company_id" if "company" in names else None


def _other_company_pks(model: type[models.Model], company) -> set[str]:
    lookup = _company_lookup(model)
    if lookup is None:
        return set()
    return {str(pk) for pk in model._default_manager.filter(**{lookup: company.pk}).values_list("pk", flat=True)}


def _forms_in(response) -> list[forms.BaseForm]:
    """Every form the page rendered (the filterset's form included)."""
    found = []
    for context in response.context or ():
        for value in context.flatten().values() if hasattr(context, "flatten") else context.values():
            form = getattr(value, "form", None) if not isinstance(value, forms.BaseForm) else value
            if isinstance(form, forms.BaseForm) and all(form is not seen for seen in found):
                found.append(form)
    return found


def _select_models(response) -> dict[str, type[models.Model]]:
    """The model behind each select name: from the rendered forms, else the hand-written select names."""
    selects: dict[str, type[models.Model]] = dict(SELECT_NAME_MODELS)
    for form in _forms_in(response):
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField included
                selects[form.add_prefix(name)] = field.queryset.model
    return selects


def _seed_other_company(org) -> None:
    """One row of each master-data model in company B, so a choice list that forgets the scope shows it."""
    from opsdesk.catalog.models import Product, ProductCategory
    from opsdesk.purchasing.models import Supplier
    from opsdesk.storeops.services import template_build

    other = org.other_company
    category = ProductCategory.objects.create(company=other, code="X-CAT", name="外司品类")
    supplier = Supplier.objects.create(company=other, code="X-SUP", name="外司供应商")
    Product.objects.create(company=other, sku="X-SKU", name="外司商品", category=category, supplier=supplier,
                           cost=1, price=2)
    template_build(actor=None, company=other, spec={"code": "X-TPL", "name": "外司检查表", "sections": [
        {"title": "外司", "items": [{"code": "X1", "text": "外司检查项"}]}]})


def _url(route, org, user, made: dict) -> str:
    """The page's URL; an edit page's in-scope object (in store a1, in every role's scope) is built once."""
    if not (route.has_url_object and route.make_object):
        return route.url(None)
    if "object" not in made:
        made["object"] = route.make_object(org, user, True)
    return route.url(made["object"])


def _leaks(response, org) -> list[str]:
    parser = _SelectParser()
    parser.feed(response.content.decode())
    leaks = []
    cache: dict[type[models.Model], set[str]] = {}
    for name, model in _select_models(response).items():
        values = set(parser.options.get(name, ()))
        if not values:
            continue
        if model not in cache:
            cache[model] = _other_company_pks(model, org.other_company)
        for value in sorted(values & cache[model]):
            leaks.append(f"select {name!r} offers {model.__name__} {value} of the other company")
    return leaks


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=str)
def test_no_select_offers_another_companys_objects(client, org, route):
    # given: company B has a region, a store, a category, a supplier, a product and a checklist template
    _seed_other_company(org)
    leaks = []
    made: dict = {}
    for role in ROLES:
        user = org.users[role]
        if not role_can(role, route.area, route.resolved_action):
            continue
        client.force_login(user)
        # when: the page is rendered as the role
        response = client.get(_url(route, org, user, made))
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue  # a PDF or a file has no select
        # then: no select of its forms offers a row of company B
        leaks += [f"{route.name} as {role}: {leak}" for leak in _leaks(response, org)]
    assert leaks == []
