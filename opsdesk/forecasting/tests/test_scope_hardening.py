"""A forecast run covers the whole company: below company scope its pages show the user's stores' figures only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from opsdesk.catalog.models import Product
from opsdesk.forecasting.models import ForecastRun, ForecastSeries

COMPANY_ACCURACY = {"units": {"series": 4, "relative_rmse": 0.9876, "models": {"naive": 3, "ets": 1}}}


@pytest.fixture
def run(org):
    """A finished run with one units series per store of company A (a1 ets, the others naive)."""
    run = ForecastRun.objects.create(company=org.company, status="done", progress=100, origin=date(2026, 10, 31),
                                     horizon=7, series_count=4, accuracy=COMPANY_ACCURACY)
    product = Product.objects.create(company=org.company, sku="HARD-1", name="商品", cost=1, price=2)
    errors = {"a1": ("ets", 1.0, 4.0), "a2": ("naive", 3.0, 4.0), "b1": ("naive", 9.0, 2.0),
              "b2": ("naive", 7.0, 1.0)}
    for key, (model, rmse, mean) in errors.items():
        ForecastSeries.objects.create(run=run, store=org.stores[key], product=product, measure="units",
                                      model_name=model, validation_rmse=rmse, mean_demand=mean)
    return run


@pytest.mark.parametrize(("role", "series", "error", "models"), [
    ("store_manager", 1, "0.25", "ets: 1"),
    ("staff", 1, "0.25", "ets: 1"),
    ("regional_manager", 2, "0.5", "ets: 1, naive: 1"),
    ("coo", 4, "0.9876", "naive: 3, ets: 1"),
])
def test_run_detail_shows_the_figures_of_the_users_stores(login, org, run, role, series, error, models):
    # given
    client = login(org.users[role])

    # when
    response = client.get(reverse("forecasting:run_detail", args=[run.pk]))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"].series_count == series
    assert response.context["figures"].accuracy["units"]["series"] == series
    assert f"<td>{error}</td>" in content
    assert models in content
    if role != "coo":
        assert "0.9876" not in content
        assert "naive: 3" not in content


@pytest.mark.parametrize(("role", "series", "error"), [
    ("store_manager", 1, "0.25"),
    ("regional_manager", 2, "0.5"),
    ("coo", 4, "0.9876"),
])
def test_run_list_shows_the_figures_of_the_users_stores(login, org, run, role, series, error):
    # given
    client = login(org.users[role])

    # when
    response = client.get(reverse("forecasting:run_list"))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    [(listed, figures)] = response.context["rows"]
    assert (listed.pk, figures.series_count) == (run.pk, series)
    assert f"<td>{series}</td>" in content
    assert f"<td>{error}</td>" in content
    if role != "coo":
        assert "0.9876" not in content
