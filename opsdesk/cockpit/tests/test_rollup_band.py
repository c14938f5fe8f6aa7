"""The forecast band of a region and of the company: point forecasts add, store half-widths combine in quadrature
(store errors taken as independent), each side on its own."""

import math
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from opsdesk.cockpit.choices import RollupLevelChoices as L
from opsdesk.cockpit.models import DayRollup
from opsdesk.cockpit.rollups import _Day, rollup_refresh
from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries

ORIGIN = date(2026, 3, 15)
DAY = ORIGIN + timedelta(days=1)
# store: (forecast, lower, upper). Half-widths below: A 30, 40 -> 50; B 72, 96 -> 120; company 130.
# Half-widths above: A 3, 4 -> 5; B 10, 10 -> 10 * sqrt(2); company sqrt(25 + 200) = 15.
BOUNDS = {"a1": (100.0, 70.0, 103.0), "a2": (200.0, 160.0, 204.0),
          "b1": (300.0, 228.0, 310.0), "b2": (400.0, 304.0, 410.0)}


def _forecast(org, bounds, *, measure="sales"):
    run = ForecastRun.objects.create(company=org.company, status="done", origin=ORIGIN, progress=100)
    for key, (forecast, lower, upper) in bounds.items():
        series = ForecastSeries.objects.create(run=run, store=org.stores[key], measure=measure, model_name="test")
        ForecastPoint.objects.create(series=series, date=DAY, forecast=forecast, lower=lower, upper=upper)
    return run


def _band(level, entity_id):
    row = DayRollup.objects.get(level=level, entity_id=entity_id, date=DAY)
    return row.forecast, row.forecast_lower, row.forecast_upper


def test_region_and_company_bands_combine_store_half_widths_in_quadrature(org):
    # given
    _forecast(org, BOUNDS)
    # when
    rollup_refresh(org.company)
    # then: hand-computed from BOUNDS (every figure below is exact in binary floating point but B's upper)
    assert _band(L.REGION, org.region_a.pk) == (300.0, 250.0, 305.0)
    region_b = _band(L.REGION, org.region_b.pk)
    assert region_b[:2] == (700.0, 580.0)
    assert math.isclose(region_b[2], 700.0 + 10.0 * math.sqrt(2.0), rel_tol=1e-15)
    assert _band(L.COMPANY, org.company.pk) == (1000.0, 870.0, 1015.0)


def test_store_rows_keep_the_bounds_the_forecasting_run_stored(org):
    # given
    _forecast(org, BOUNDS)
    # when
    rollup_refresh(org.company)
    # then
    assert {key: _band(L.STORE, org.stores[key].pk) for key in BOUNDS} == BOUNDS


def test_band_of_a_region_with_one_forecast_store_is_that_store_band(org):
    # given: only A1 has a forecast for the day; A2 has none
    _forecast(org, {"a1": BOUNDS["a1"]})
    # when
    rollup_refresh(org.company)
    # then
    assert _band(L.REGION, org.region_a.pk) == BOUNDS["a1"]
    assert _band(L.COMPANY, org.company.pk) == BOUNDS["a1"]


def test_customer_and_unit_series_do_not_enter_the_sales_band(org):
    # given
    _forecast(org, {"a1": (5.0, 1.0, 9.0)}, measure="customers")
    # when
    rollup_refresh(org.company)
    # then
    assert not DayRollup.objects.filter(company=org.company, forecast__isnull=False).exists()


_store = st.tuples(st.floats(0, 1e6), st.floats(0, 1e5), st.floats(0, 1e5)).map(
    lambda t: (t[0], max(t[0] - t[1], 0.0), t[0] + t[2]))


@given(st.lists(_store, min_size=1, max_size=20))
def test_aggregate_band_lies_between_the_widest_store_and_the_summed_bounds(stores):
    # given
    items = []
    for forecast, lower, upper in stores:
        item = _Day()
        item.set_forecast(forecast, lower, upper)
        items.append(item)
    total = _Day()
    # when
    for item in items:
        total.add(item)
    # then: tolerance 1e-9 relative (float sums and square roots of up to 20 terms)
    slack = 1e-9 * (1.0 + sum(upper for _f, _l, upper in stores))
    assert math.isclose(total.forecast, math.fsum(f for f, _l, _u in stores), rel_tol=1e-12, abs_tol=1e-9)
    below, above = total.forecast - total.lower, total.upper - total.forecast
    assert max(f - lo for f, lo, _u in stores) - slack <= below <= sum(f - lo for f, lo, _u in stores) + slack
    assert max(u - f for f, _l, u in stores) - slack <= above <= sum(u - f for f, _l, u in stores) + slack
    assert total.lower >= -slack
