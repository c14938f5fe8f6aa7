"""Permission-matrix declarations of the budgets app (see core/testing/matrix.py).

Versions and categories are company data (company A in scope, company B out of scope); lines and overrides lie in
store a1 (in scope) or `org.store_for(user, False)` (out of scope), in a draft version of that store's company.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from opsdesk.budgets import specs
from opsdesk.budgets.models import AREA, BudgetCategory, BudgetLine, BudgetVersion, CommitmentOverride
from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _company(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _category_of(company) -> BudgetCategory:
    return BudgetCategory.objects.get_or_create(company=company, code="purchasing", defaults={
        "name_zh": "采购", "name_en": "Purchasing", "kind": "purchasing"})[0]


def _version(org, user, in_scope, status: str = "draft") -> BudgetVersion:
    return BudgetVersion.objects.create(company=_company(org, user, in_scope), year=2026, name=f"V{_next()}",
                                        status=status)


def _approved(org, user, in_scope) -> BudgetVersion:
    return _version(org, user, in_scope, "approved")


def _version_data(org, user, version):
    return {"year": "2026", "name": "矩阵预算", "notes": ""}


def _line(org, user, in_scope) -> BudgetLine:
    store = org.store_for(user, in_scope)
    version = BudgetVersion.objects.create(company=store.company, year=2026, name=f"L{_next()}")
    return BudgetLine.objects.create(version=version, company=store.company, store=store, region=store.region,
                                     category=_category_of(store.company), m01=Decimal("100"))


def _line_data(org, user, line):
    version = line.version if line else BudgetVersion.objects.create(company=org.company, year=2026,
                                                                     name=f"N{_next()}")
    return {"version": version.pk, "store": org.stores["a1"].pk, "region": "",
            "category": _category_of(org.company).pk, "rule": "stop", "note": "",
            **{f"m{month:02d}": "1000" for month in range(1, 13)}}


def _category(org, user, in_scope) -> BudgetCategory:
    return BudgetCategory.objects.create(company=_company(org, user, in_scope), code=f"C{_next()}", name_zh="房租",
                                         name_en="Rent", cost_names="房租")


def _category_data(org, user, category):
    return {"code": category.code if category else f"CN{_next()}", "name_zh": "水电", "name_en": "Utilities",
            "kind": "cost", "cost_names": "水电", "product_category": "", "is_sales_linked": ""}


def _order(org, user, in_scope):
    from opsdesk.purchasing.tests.factories import make_order, make_supplier

    store = org.store_for(user, in_scope)
    return make_order(store, make_supplier(store.company), status="draft")


def _override(org, user, in_scope) -> CommitmentOverride:
    line = _line(org, user, in_scope)
    order = _order(org, user, in_scope)
    return CommitmentOverride.objects.create(
        company=line.company, store=line.store, order=order, line=line, month=date(2026, 1, 1),
        budget=Decimal("100"), actual=Decimal("50"), committed=Decimal("40"), requested=Decimal("30"),
        available=Decimal("10"), status="approved", reason="开业备货")


API = "/api/v1/budgets"

ROUTES = [
    *spec_routes(specs.version, _version, _version_data),
    *spec_routes(specs.line, _line, _line_data),
    *spec_routes(specs.category, _category, _category_data),
    *spec_routes(specs.override, _override),
    Route("budgets:version_approve", "action", area=AREA, action="approve", make_object=_version,
          post_data=lambda org, user, obj: {}),
    Route("budgets:version_revise", "action", area=AREA, action="add", make_object=_approved,
          post_data=lambda org, user, obj: {}),
    Route("budgets:version_copy", "action", area=AREA, action="add", make_object=_version,
          post_data=lambda org, user, obj: {"year": "2027", "growth_percent": "5"}),
    Route("budgets:version_grid", "detail", area=AREA, make_object=_version),
    Route("budgets:line_spread", "action", area=AREA, action="change", make_object=_line,
          post_data=lambda org, user, obj: {"total": "1200", "method": "even"}),
    Route("budgets:control", "list", area=AREA),
    Route("budgets:store_pnl", "list", area=AREA),
    Route(f"POST {API}/versions/{{version_id}}/approve/", "api-write", area=AREA, action="approve",
          make_object=_version),
    Route(f"POST {API}/versions/{{version_id}}/revise/", "api-write", area=AREA, action="add",
          make_object=_approved),
    Route(f"POST {API}/versions/{{version_id}}/copy/", "api-write", area=AREA, action="add", make_object=_version,
          post_data=lambda org, user, obj: {"year": 2027, "growth_percent": 5}),
    Route(f"POST {API}/lines/{{line_id}}/spread/", "api-write", area=AREA, action="change", make_object=_line,
          post_data=lambda org, user, obj: {"total": "1200", "method": "even"}),
    Route(f"GET {API}/versions/{{version_id}}/control/", "api-detail", area=AREA, make_object=_version),
    Route(f"GET {API}/orders/{{order_id}}/check/", "api-detail", area=AREA, make_object=_order),
]
