"""Forecasting in the product: extraction, a full run, coherence, scope, CLI and export."""

import csv
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db.models import F, Q

from opsdesk import cli
from opsdesk.catalog.models import Product
from opsdesk.forecasting import selectors, services
from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries
from opsdesk.forecasting.tests.factories import END, make_history, make_user
from opsdesk.sales.models import SkuDaySales, StoreCalendarDay, StoreDaySales

pytestmark = pytest.mark.django_db


def test_extract_densifies_sparse_sales_and_marks_stockouts_and_closures_unavailable():
    # given: store 0 closed on one day; SKU P000 out of stock for 5 days
    closed = END - timedelta(days=10)
    company, stores = make_history(n_stores=1, n_skus=3, days=60, closed_day=closed)

    # when
    extract = selectors.extract(company, history_days=60, horizon=7)

    # then: every series is a full daily grid up to END
    assert extract.origin == END
    assert extract.units.n_series == 3
    assert extract.units.end.tolist() == [END] * 3
    first = slice(extract.units.indptr[0], extract.units.indptr[1])
    start = extract.units.start[0]
    closed_position = int((np.datetime64(closed) - start).astype(int))
    available = extract.units.available[first]
    assert not available[closed_position]
    assert (~available).sum() == 6  # 5 stockout days + 1 closed day
    assert extract.sales.n_series == 1
    # absent rows are zero demand, not missing: per series, zeros = days in span - sale rows - unavailable days
    for i, (store_id, product_id) in enumerate(extract.pairs.tolist()):
        span = slice(extract.units.indptr[i], extract.units.indptr[i + 1])
        y, ok = extract.units.y[span], extract.units.available[span]
        sale_rows = SkuDaySales.objects.filter(store_id=store_id, product_id=product_id, quantity__gt=0)
        assert float(y.sum()) == float(sum(row.quantity for row in sale_rows))
        assert int(((y == 0) & ok).sum()) == len(y) - sale_rows.count() - int((~ok).sum())


def test_extract_gives_the_global_model_each_stores_attributes():
    # given: three stores; two imported with a store type and a competitor's distance, one a larger hypermarket
    # without attributes
    company, stores = make_history(n_stores=3, n_skus=1, days=60)
    stores[0].attributes = {"StoreType": "c", "CompetitionDistance": "1270"}
    stores[1].attributes = {"StoreType": "a", "CompetitionDistance": "570", "Note": "corner shop"}
    stores[2].format, stores[2].floor_area = "hypermarket", Decimal("8000.0")
    for store in stores:
        store.save()

    # when
    extract = selectors.extract(company, history_days=60, horizon=7)

    # then: both store panels carry them per store, in the panels' order (numbers as numbers, text as codes,
    # NaN where a store has none); not the format and floor area; the SKU panel carries none
    assert extract.sales.ids.tolist() == [store.pk for store in stores]
    expected = {"attr0_CompetitionDistance": [1270, 570, np.nan], "attr1_Note": [np.nan, 0, np.nan],
                "attr2_StoreType": [1, 0, np.nan]}
    for panel in (extract.sales, extract.customers):
        assert sorted(panel.static) == sorted(expected)
        for name, values in expected.items():
            np.testing.assert_array_equal(panel.static[name], values)
    assert extract.units.static == {}


def test_extract_reads_three_years_so_the_yearly_season_can_be_learnt():
    # given: 1,200 days of history
    company, _ = make_history(n_stores=1, n_skus=1, days=1200)

    # when
    extract = selectors.extract(company, horizon=28)

    # then: the last 1,100 days (three years), for the store and its SKU (400 before issue 20)
    assert selectors.HISTORY_DAYS == 1100
    assert extract.sales.lengths.tolist() == [1100]
    assert extract.units.lengths.tolist() == [1100]
    assert extract.sales.start[0] == np.datetime64(END - timedelta(days=1099))


def test_extract_leaves_out_pairs_unsold_for_a_year():
    # given: two SKUs selling daily, one that sold once 300 days ago (seasonal) and one whose last sale was 400 days
    # ago (a stock-out day since does not count as a sale)
    company, stores = make_history(n_stores=1, n_skus=2, days=60)
    seasonal = Product.objects.create(company=company, sku="SEASON", name="圣诞礼盒", cost=Decimal("5.00"),
                                      price=Decimal("20.00"))
    old = Product.objects.create(company=company, sku="OLD", name="停售商品", cost=Decimal("5.00"),
                                 price=Decimal("20.00"))
    SkuDaySales.objects.bulk_create([
        SkuDaySales(store=stores[0], product=seasonal, date=END - timedelta(days=300), quantity=4,
                    revenue=Decimal("80.00"), cost=Decimal("20.00")),
        SkuDaySales(store=stores[0], product=old, date=END - timedelta(days=400), quantity=4,
                    revenue=Decimal("80.00"), cost=Decimal("20.00")),
        SkuDaySales(store=stores[0], product=old, date=END - timedelta(days=20), quantity=0,
                    revenue=Decimal("0.00"), cost=Decimal("0.00"), is_stockout=True),
    ])

    # when
    extract = selectors.extract(company, horizon=7)

    # then: the seasonal SKU keeps its forecast (one sale in the year is enough), the old one has none
    assert selectors.ACTIVE_DAYS == 365
    products = set(extract.pairs[:, 1].tolist())
    assert seasonal.pk in products
    assert old.pk not in products
    assert len(products) == 3
    assert extract.units.n_series == 3


def test_a_shop_that_records_nothing_on_saturdays_is_closed_then_and_forecasts_zero_on_saturdays_ahead():
    # given: a shop whose sales come from invoice lines: no store day and no SKU day on Saturdays (END is a Saturday)
    company, stores = make_history(n_stores=1, n_skus=2, days=120)
    saturdays = [END - timedelta(days=7 * k) for k in range(18)]
    StoreDaySales.objects.filter(date__in=saturdays).delete()
    SkuDaySales.objects.filter(date__in=saturdays).delete()
    # the calendar opens one Saturday ahead (a Christmas sale)
    special = END + timedelta(days=14)
    StoreCalendarDay.objects.create(store=stores[0], date=special, is_open=True)

    # when
    extract = selectors.extract(company, history_days=120, horizon=28)

    # then: the origin is the last trading day, Friday
    assert END.weekday() == 5
    assert extract.origin == END - timedelta(days=1)
    # a Saturday's zero is no demand observed, not zero demand; Fridays are observed (P001: never out of stock)
    span = slice(extract.units.indptr[1], extract.units.indptr[2])
    days = extract.units.start[1] + np.arange(extract.units.lengths[1]).astype("timedelta64[D]")
    weekday = (days.astype(np.int64) + 3) % 7
    available = extract.units.available[span]
    assert not available[weekday == 5].any()
    assert available[weekday == 4].all()
    # ahead: Saturdays are closed except the one the calendar opens
    ahead = [extract.origin + timedelta(days=d + 1) for d in range(28)]
    expected = [0.0 if day.weekday() == 5 and day != special else 1.0 for day in ahead]
    assert extract.store_future.open[0].tolist() == expected
    assert extract.unit_future.open[1].tolist() == expected
    assert expected.count(0.0) == 3


def test_an_open_day_without_any_sale_is_no_demand_observed():
    # given: a store day recorded open with no sales (a data gap) ten days before the end
    company, stores = make_history(n_stores=1, n_skus=2, days=60)
    gap = END - timedelta(days=10)
    StoreDaySales.objects.filter(store=stores[0], date=gap).update(sales_amount=0, customers=0)
    SkuDaySales.objects.filter(store=stores[0], date=gap).delete()
    # when
    extract = selectors.extract(company, history_days=60, horizon=7)
    # then: the store's sales and its SKUs have no observation that day (not a zero)
    position = 60 - 1 - 10
    assert not extract.sales.available[position]
    assert extract.sales.available.sum() == 59
    second = slice(extract.units.indptr[1], extract.units.indptr[2])
    assert not extract.units.available[second][position]


def test_a_shop_shut_on_every_public_holiday_is_planned_closed_on_the_holidays_ahead():
    # given: a British company; store 0 records nothing on the public holidays of its 400 days (a shop shut then),
    # store 1 opened on one of them
    from opsdesk.engine.forecast import region_holiday_flags

    company, stores = make_history(n_stores=2, n_skus=1, days=400)
    company.country = "GB"
    company.save(update_fields=["country"])
    dates = np.datetime64(END - timedelta(days=399), "D") + np.arange(400 + 60)
    flags = region_holiday_flags(dates, "GB") > 0
    past = [d.item() for d in dates[:400][flags[:400]]]
    for store, shut in ((stores[0], past), (stores[1], past[1:])):
        StoreDaySales.objects.filter(store=store, date__in=shut).delete()
        SkuDaySales.objects.filter(store=store, date__in=shut).delete()
    # when
    extract = selectors.extract(company, history_days=400, horizon=60)
    # then: store 0 is closed on the holidays ahead (Christmas Day, Boxing Day and its Monday substitute), store 1
    # is not
    assert len(past) >= 6
    ahead = [d.item() for d in dates[400:][flags[400:]]]
    assert ahead == [date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28)]
    closed = [extract.origin + timedelta(days=int(d) + 1) for d in np.flatnonzero(extract.store_future.open[0] == 0)]
    assert closed == ahead
    assert extract.store_future.open[1].tolist() == [1.0] * 60
    assert extract.unit_future.open[0].tolist() == extract.store_future.open[0].tolist()


def test_a_store_open_every_day_has_no_closed_weekday_ahead():
    company, _ = make_history(n_stores=2, n_skus=1, days=70)
    extract = selectors.extract(company, history_days=70, horizon=14)
    assert extract.store_future.open.tolist() == [[1.0] * 14] * 2


def test_forecast_run_stores_coherent_ordered_forecasts():
    # given
    company, stores = make_history(n_stores=2, n_skus=4, days=120)
    run = services.forecast_run_request(actor=None, company=company, horizon=14, enqueue=False)

    # when
    run = services.forecast_run_execute(run.pk)

    # then
    run.refresh_from_db()
    assert run.status == "done"
    assert run.progress == 100
    assert run.origin == END
    assert run.series_count == 2 * 2 + 2 * 4
    assert ForecastPoint.objects.filter(series__run=run).count() == run.series_count * 14
    assert set(run.accuracy) == {"sales", "customers", "units"}
    points = ForecastPoint.objects.filter(series__run=run)
    assert points.filter(Q(lower__gt=F("forecast")) | Q(forecast__gt=F("upper")) | Q(lower__lt=0)).count() == 0
    # SKU revenue adds up to the store sales forecast, day by day, exactly where the store took the sum of its SKUs
    # (reconciliation by validation; otherwise its own model, MinT or the mean of the two was the better total and
    # the SKUs keep theirs)
    methods = run.accuracy["sales"]["reconciliation"]
    assert sum(methods.values()) == 2
    assert set(methods) <= {"own", "bottom_up", "mint", "combination"}
    additive = 0
    for store in stores:
        total = {p.date: p.forecast for p in ForecastPoint.objects.filter(
            series__run=run, series__store=store, series__measure="sales")}
        revenue = {}
        for point in ForecastPoint.objects.filter(series__run=run, series__store=store, series__measure="units") \
                .select_related("series__product"):
            revenue[point.date] = revenue.get(point.date, 0) + point.forecast * float(point.series.product.price)
        additive += all(revenue[day] == pytest.approx(value, rel=1e-3, abs=0.05) for day, value in total.items())
    assert additive == methods.get("bottom_up", 0)
    # and every series with a validation RMSE has its week error, the replenishment plan's forecast error
    stored = ForecastSeries.objects.filter(run=run)
    assert stored.filter(validation_rmse__isnull=False, week_error__isnull=True).count() == 0
    assert stored.filter(week_error__gt=0).count() == run.series_count


def test_request_returns_the_active_run_instead_of_queueing_twice():
    # given
    company, _stores = make_history(n_stores=1, n_skus=2, days=40)
    first = services.forecast_run_request(actor=None, company=company, enqueue=False)

    # when
    second = services.forecast_run_request(actor=None, company=company, enqueue=False)

    # then
    assert second.pk == first.pk
    assert ForecastRun.objects.count() == 1


def test_store_manager_export_holds_only_own_store(client):
    # given
    company, stores = make_history(n_stores=2, n_skus=3, days=60)
    run = services.forecast_run_execute(services.forecast_run_request(actor=None, company=company, horizon=7,
                                                                      enqueue=False).pk)
    manager = make_user(company, "store_manager", stores=[stores[0]])
    client.force_login(manager)

    # when
    response = client.get(f"/forecasting/runs/{run.pk}/export/?format=csv")

    # then
    rows = list(csv.reader(response.getvalue().decode("utf-8-sig").splitlines()))
    assert rows[0] == selectors.EXPORT_HEADER
    assert {row[0] for row in rows[1:]} == {"S000"}
    assert len(rows) - 1 == (1 + 3) * 7


def test_the_sku_page_and_the_api_show_the_week_error_the_plan_uses(client):
    # given: a run, and a store manager's login and token
    from opsdesk.core.testing.factories import make_token

    company, stores = make_history(n_stores=1, n_skus=2, days=60)
    services.forecast_run_execute(services.forecast_run_request(actor=None, company=company, horizon=7,
                                                               enqueue=False).pk)
    manager = make_user(company, "store_manager", stores=[stores[0]])
    series = ForecastSeries.objects.filter(store=stores[0], product__isnull=False).order_by("pk").first()
    ForecastSeries.objects.filter(pk=series.pk).update(week_error=3.14159)
    client.force_login(manager)
    # when
    page = client.get(f"/forecasting/stores/{stores[0].pk}/skus/{series.product_id}/")
    api = client.get(f"/api/v1/forecasting/stores/{stores[0].pk}/?sku={series.product.sku}",
                     HTTP_AUTHORIZATION=f"Bearer {make_token(manager)[1]}")
    # then
    assert "周累计误差（折合每天） 3.14" in page.content.decode()
    assert [row["week_error"] for row in api.json() if row["product_id"] == series.product_id] == [3.14159]


def test_pages_answer_in_scope_and_404_out_of_scope(client):
    # given
    company, stores = make_history(n_stores=2, n_skus=2, days=60)
    services.forecast_run_execute(services.forecast_run_request(actor=None, company=company, horizon=7,
                                                               enqueue=False).pk)
    manager = make_user(company, "store_manager", stores=[stores[0]])
    client.force_login(manager)
    product_id = ForecastSeries.objects.filter(store=stores[0], product__isnull=False).first().product_id

    # when / then
    assert client.get("/forecasting/").status_code == 200
    assert client.get("/forecasting/stores/").status_code == 200
    assert client.get(f"/forecasting/stores/{stores[0].pk}/").status_code == 200
    assert client.get(f"/forecasting/stores/{stores[0].pk}/skus/{product_id}/").status_code == 200
    assert client.get(f"/forecasting/stores/{stores[1].pk}/").status_code == 404
    assert client.get(f"/forecasting/stores/{stores[1].pk}/skus/{product_id}/").status_code == 404
    assert client.post("/forecasting/runs/new/").status_code == 403
    assert ForecastRun.objects.count() == 1


def test_cli_forecast_then_export_csv(tmp_path, capsys):
    # given
    make_history(n_stores=1, n_skus=3, days=60)
    output = tmp_path / "forecasts.csv"

    # when
    assert cli.main(["forecast", "--horizon", "7"]) == 0
    assert cli.main(["export", "forecasts", "--format", "csv", "--output", str(output)]) == 0

    # then
    rows = list(csv.reader(output.open(encoding="utf-8")))
    assert rows[0] == ["store_code", "sku", "date", "forecast", "lower", "upper"]
    assert len(rows) == 1 + (1 + 3) * 7
    assert rows[1][1] == ""  # the store total comes first
    assert {row[1] for row in rows[1:]} == {"", "P000", "P001", "P002"}
    assert all(float(r[4]) <= float(r[3]) <= float(r[5]) for r in rows[1:])
    assert "relative_rmse" in capsys.readouterr().out


def test_planned_closure_forecasts_zero_and_planned_promotion_is_known():
    # given: the store plans to close on the 3rd forecast day
    company, stores = make_history(n_stores=1, n_skus=2, days=60)
    closed = END + timedelta(days=3)
    StoreCalendarDay.objects.create(store=stores[0], date=closed, is_open=False)

    # when
    run = services.forecast_run_execute(services.forecast_run_request(actor=None, company=company, horizon=7,
                                                                      enqueue=False).pk)

    # then
    on_closed_day = ForecastPoint.objects.filter(series__run=run, date=closed)
    assert on_closed_day.count() == 2 + 2
    assert {(p.forecast, p.lower, p.upper) for p in on_closed_day} == {(0.0, 0.0, 0.0)}
    assert ForecastPoint.objects.filter(series__run=run, date=END + timedelta(days=2), forecast__gt=0).exists()


def test_a_promotion_on_a_parent_category_covers_the_products_below_it():
    # given: 饮料 > 果汁 > P000; 零食 > P001; a promotion on 饮料 over forecast days 2..3 in every store
    import numpy as np

    from opsdesk.catalog.models import Product, ProductCategory
    from opsdesk.forecasting import selectors
    from opsdesk.sales.models import Promotion

    company, stores = make_history(n_stores=1, n_skus=2, days=14)
    drinks = ProductCategory.objects.create(company=company, code="D", name="饮料")
    juice = ProductCategory.objects.create(company=company, code="DJ", name="果汁", parent=drinks)
    snacks = ProductCategory.objects.create(company=company, code="S", name="零食")
    products = list(Product.objects.filter(company=company).order_by("sku"))
    Product.objects.filter(pk=products[0].pk).update(category=juice)
    Product.objects.filter(pk=products[1].pk).update(category=snacks)
    Promotion.objects.create(company=company, code="PR1", name="饮料节", category=drinks,
                             start_date=END + timedelta(days=2), end_date=END + timedelta(days=3))
    pairs = np.array([[stores[0].pk, products[0].pk], [stores[0].pk, products[1].pk]])
    # when
    _store_future, unit_future = selectors.future_covariates(company, np.array([stores[0].pk]), pairs, END, 5)
    # then
    assert unit_future.promo.tolist() == [[0, 1, 1, 0, 0], [0, 0, 0, 0, 0]]


def test_the_history_flags_a_promotions_days_without_a_sale_too():
    # given: a promotion on the whole assortment over END-5 .. END-3; P000 sold nothing on END-4 (no sales row)
    from opsdesk.sales.models import Promotion

    company, stores = make_history(n_stores=1, n_skus=2, days=14)
    SkuDaySales.objects.filter(store=stores[0]).update(is_promo=False)
    product = Product.objects.filter(company=company).order_by("sku").first()
    SkuDaySales.objects.filter(store=stores[0], product=product, date=END - timedelta(days=4)).delete()
    Promotion.objects.create(company=company, code="PR2", name="周末特惠", start_date=END - timedelta(days=5),
                             end_date=END - timedelta(days=3))
    # when
    data = selectors.extract(company, history_days=14, horizon=3)
    # then: the pair's last seven days (END-6 .. END) carry the three promoted days, the one without a sale too
    row = int(np.flatnonzero((data.pairs[:, 0] == stores[0].pk) & (data.pairs[:, 1] == product.pk))[0])
    promo = data.units.promo[data.units.indptr[row]:data.units.indptr[row + 1]]
    assert promo[-7:].tolist() == [0, 1, 1, 1, 0, 0, 0]


def test_the_store_page_pages_and_searches_its_sku_forecasts(client, monkeypatch):
    from opsdesk.forecasting import views

    monkeypatch.setattr(views, "SKU_PAGE_SIZE", 2)
    company, stores = make_history(n_stores=1, n_skus=3, days=60)
    services.forecast_run_execute(services.forecast_run_request(actor=None, company=company, horizon=7,
                                                               enqueue=False).pk)
    client.force_login(make_user(company, "store_manager", stores=[stores[0]]))
    url = f"/forecasting/stores/{stores[0].pk}/"
    ranked = list(ForecastSeries.objects.filter(store=stores[0], product__isnull=False)
                  .order_by("-total_forecast", "product__sku").values_list("product__sku", flat=True))

    first, second = client.get(url), client.get(url + "?page=2")

    assert [item.product.sku for item in first.context["skus"]] == ranked[:2]
    assert [item.product.sku for item in second.context["skus"]] == ranked[2:]
    assert 'rel="next"' in first.content.decode()
    assert "1 / 2" in first.content.decode()
    found = client.get(url, {"q": ranked[1]})
    assert [item.product.sku for item in found.context["skus"]] == [ranked[1]]


def test_a_day_whose_returns_outweigh_its_sales_is_no_demand_not_negative_demand():
    from opsdesk.forecasting.selectors import _unit_panel

    start = date(2026, 1, 1)
    rows = {"store": np.array([1, 1, 1]), "product": np.array([7, 7, 7]),
            "day": np.array([start, start + timedelta(days=1), start + timedelta(days=2)], dtype="datetime64[D]"),
            "quantity": np.array([4.0, -3.0, 2.0]), "revenue": np.array([40.0, -30.0, 20.0]),
            "promo": np.array([0.0, 0.0, 0.0]), "stockout": np.array([False, False, False])}
    _pairs, panel, prices = _unit_panel(rows, np.zeros((1, 3), dtype=bool), np.array([1]), start, 3)
    assert panel.y.tolist() == [4.0, 0.0, 2.0]
    assert prices.tolist() == [10.0]  # the price still nets the return: (40 - 30 + 20) / (4 - 3 + 2)
