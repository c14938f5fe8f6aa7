"""Permission-matrix declarations of the sales pages (promotions, store calendar); see core/testing/matrix.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from opsdesk.catalog.models import Product
from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.sales import specs
from opsdesk.sales.models import (
    AssortmentProposal,
    ProductLaunch,
    Promotion,
    SalesLine,
    SavedExplorerView,
    SkuDaySales,
    StoreCalendarDay,
    StoreDaySales,
)

_counter = {"n": 0}


def _promotion(org, user, in_scope):
    _counter["n"] += 1
    company = org.company if in_scope else org.other_company
    promotion = Promotion.objects.create(company=company, code=f"MX{_counter['n']}", name="矩阵促销",
                                         start_date=date(2026, 12, 1), end_date=date(2026, 12, 3))
    # in store a1 only: within every role's scope, so the roles that may change promotions may change this one
    promotion.stores.set([org.stores["a1"]] if in_scope else [org.stores["x1"]])
    return promotion


def _promotion_data(org, user, promotion):
    return {"code": promotion.code, "name": "changed by the matrix", "start_date": "2026-12-01",
            "end_date": "2026-12-03", "discount_percent": "5", "stores": [org.stores["a1"].pk]}


def _new_promotion_data(org, user, _obj):
    _counter["n"] += 1
    return {"code": f"NEW{_counter['n']}", "name": "新促销", "start_date": "2026-12-01", "end_date": "2026-12-02",
            "discount_percent": "5", "stores": [org.stores["a1"].pk]}


def _calendar_day(org, user, in_scope):
    store = org.store_for(user, in_scope)
    return StoreCalendarDay.objects.get_or_create(store=store, date=date(2026, 12, 24))[0]


def _product(store) -> Product:
    return Product.objects.get_or_create(company=store.company, sku=f"MX-{store.code}",
                                         defaults={"name": "矩阵商品", "cost": 5, "price": 9.5})[0]


def _store_day(org, user, in_scope) -> StoreDaySales:
    _counter["n"] += 1
    return StoreDaySales.objects.create(store=org.store_for(user, in_scope), date=date(2020, 1, 1) + timedelta(
        days=_counter["n"]), sales_amount=1000, transactions=40)


def _sku_day(org, user, in_scope) -> SkuDaySales:
    _counter["n"] += 1
    store = org.store_for(user, in_scope)
    return SkuDaySales.objects.create(store=store, product=_product(store), quantity=3, revenue=30,
                                      date=date(2020, 1, 1) + timedelta(days=_counter["n"]))


def _line(org, user, in_scope) -> SalesLine:
    _counter["n"] += 1
    store = org.store_for(user, in_scope)
    return SalesLine.objects.create(store=store, product=_product(store), invoice=f"INV{_counter['n']}", line_no=1,
                                    sold_at=datetime(2026, 3, 1, 10, tzinfo=UTC), date=date(2026, 3, 1),
                                    quantity=2, unit_price=9.5)


def _proposed_promotion(org, user, in_scope):
    promotion = _promotion(org, user, in_scope)
    Promotion.objects.filter(pk=promotion.pk).update(status="proposed")
    promotion.refresh_from_db()
    return promotion


def _finished_promotion(org, user, in_scope):
    promotion = _promotion(org, user, in_scope)
    Promotion.objects.filter(pk=promotion.pk).update(start_date=date(2020, 1, 1), end_date=date(2020, 1, 3))
    promotion.refresh_from_db()
    return promotion


def _proposal(org, user, in_scope):
    store = org.store_for(user, in_scope)
    return AssortmentProposal.objects.create(store=store, product=_product(store), kind="delist")


def _launch(org, user, in_scope):
    store = org.store_for(user, in_scope)
    launch = ProductLaunch.objects.create(company=store.company, product=_product(store),
                                          launch_date=date(2026, 1, 5), target_units=100)
    launch.stores.set([store])
    return launch


def _new_launch_data(org, user, _obj):
    store = org.stores["a1"]
    return {"product": _product(store).pk, "stores": [store.pk], "launch_date": "2026-12-01", "weeks": "4",
            "target_units": "50"}


def _saved_view(org, user, in_scope):
    # a saved view belongs to its user: "out of scope" is another user's view
    _counter["n"] += 1
    owner = user if in_scope else org.other_user
    return SavedExplorerView.objects.create(user=owner, name=f"view {_counter['n']}", params={"measure": ["units"]})


ROUTES = [
    *spec_routes(specs.store_day_sales, _store_day),
    *spec_routes(specs.sku_day_sales, _sku_day),
    *spec_routes(specs.sales_line, _line),
    Route("sales:promotion_list", "list", area="promotions", make_object=_promotion),
    Route("sales:promotion_add", "add", area="promotions", model=Promotion, post_data=_new_promotion_data),
    Route("sales:promotion_detail", "detail", area="promotions", make_object=_promotion),
    Route("sales:promotion_edit", "edit", area="promotions", make_object=_promotion, post_data=_promotion_data),
    Route("sales:promotion_delete", "delete", area="promotions", make_object=_promotion, model=Promotion),
    Route("sales:calendar", "list", area="facts"),
    Route("sales:calendar_toggle", "action", area="facts", action="change", methods=("POST",),
          make_object=_calendar_day, object_in_url=True, post_status=200,
          url_args=lambda day: [day.store_id, day.date.isoformat()],
          post_data=lambda org, user, day: {"field": "is_promo"}),
    Route("sales:promotion_league", "list", area="promotions"),
    Route("sales:promotion_evaluate", "action", area="promotions", action="change", methods=("POST",),
          make_object=_finished_promotion, object_in_url=True, post_data=lambda org, user, promotion: {}),
    Route("sales:promotion_decide", "action", area="promotions", action="change", methods=("POST",),
          make_object=_proposed_promotion, object_in_url=True,
          post_data=lambda org, user, promotion: {"decision": "approve"}),
    Route("sales:explore", "list", area="facts"),
    Route("sales:assortment_list", "list", area="assortment", make_object=_proposal),
    Route("sales:assortment_run", "action", area="assortment", action="add", methods=("POST",),
          model=AssortmentProposal, post_data=lambda org, user, _obj: {}),
    Route("sales:assortment_detail", "detail", area="assortment", make_object=_proposal),
    Route("sales:assortment_decide", "action", area="assortment", action="change", methods=("POST",),
          make_object=_proposal, object_in_url=True, post_data=lambda org, user, proposal: {"action": "approve"}),
    Route("sales:launch_list", "list", area="promotions", make_object=_launch),
    Route("sales:launch_add", "add", area="promotions", model=ProductLaunch, post_data=_new_launch_data),
    Route("sales:launch_detail", "detail", area="promotions", make_object=_launch),
    Route("sales:explorer_view_save", "action", area="facts", action="view", methods=("POST",), model=SavedExplorerView,
          post_data=lambda org, user, _obj: {"name": "matrix", "querystring": "measure=units"}),
    Route("sales:explorer_view_delete", "action", area="facts", action="view", methods=("POST",),
          make_object=_saved_view, object_in_url=True, post_data=lambda org, user, view: {}),
    Route("GET /api/v1/sales/explore", "api-list", area="facts"),
]
