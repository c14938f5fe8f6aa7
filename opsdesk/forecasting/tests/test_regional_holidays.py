"""Issue 20: the company's country and each store's own holiday region feed the forecast's holiday flags."""

from datetime import date

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from opsdesk.forecasting import selectors, services
from opsdesk.forecasting.tests.factories import END, make_history

pytestmark = pytest.mark.django_db


def _flag(panel, store_index: int, day: date) -> float:
    """state_holiday of one store on one day of an extracted panel."""
    lo = panel.indptr[store_index]
    offset = (np.datetime64(day, "D") - panel.start[store_index]) // np.timedelta64(1, "D")
    return float(panel.state_holiday[lo + offset])


def test_store_region_adds_its_state_holidays_to_the_company_country():
    # given a German company with one Bavarian store and one store on the national calendar
    company, stores = make_history(n_stores=2, n_skus=1, days=320)
    company.country = "DE"
    company.save()
    stores[0].holiday_subdivision = "BY"
    stores[0].full_clean()
    stores[0].save()
    # when
    extract = selectors.extract(company, horizon=14)
    # then Epiphany (6 January) is a holiday in Bavaria only, German Unity Day (3 October) in both
    assert extract.store_ids.tolist() == [stores[0].pk, stores[1].pk]
    assert [_flag(extract.sales, i, date(2026, 1, 6)) for i in (0, 1)] == [1.0, 0.0]
    assert [_flag(extract.sales, i, date(2026, 10, 3)) for i in (0, 1)] == [1.0, 1.0]
    assert [_flag(extract.sales, i, date(2026, 10, 5)) for i in (0, 1)] == [0.0, 0.0]
    # and the forecast days: All Saints' Day (1 November, the day after END) is a holiday in Bavaria only
    assert END == date(2026, 10, 31)
    assert extract.store_future.state_holiday[:, 0].tolist() == [1.0, 0.0]


def test_store_region_must_belong_to_the_company_country():
    # given
    company, stores = make_history(n_stores=1, n_skus=1, days=30)
    company.country = "GB"
    company.save()
    store = stores[0]
    # when / then
    store.holiday_subdivision = "BY"
    with pytest.raises(ValidationError) as error:
        store.full_clean()
    assert list(error.value.message_dict) == ["holiday_subdivision"]
    store.holiday_subdivision = " SCT "
    store.full_clean()
    assert store.holiday_subdivision == "SCT"


def test_changing_the_company_country_changes_the_holiday_flags():
    # given the default country CN: 1 October is National Day; in GB it is an ordinary day
    company, _ = make_history(n_stores=1, n_skus=1, days=60)
    flags_cn = selectors.extract(company, horizon=7).sales
    company.country = "GB"
    company.save()
    # when
    flags_gb = selectors.extract(company, horizon=7).sales
    # then
    assert _flag(flags_cn, 0, date(2026, 10, 1)) == 1.0
    assert _flag(flags_gb, 0, date(2026, 10, 1)) == 0.0
    # and a whole run works with the new country
    run = services.forecast_run_request(actor=None, company=company, horizon=7, enqueue=False)
    assert services.forecast_run_execute(run.pk).status == "done"
