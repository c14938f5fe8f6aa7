"""The risk register: residual scores follow controls, reviews restart the cadence, KRIs on real data propose a new
likelihood and raise exactly one inbox item, heat maps count the scope, and every write stays within the scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opsdesk.risks import selectors, services
from opsdesk.risks.inbox import PROVIDER
from opsdesk.risks.models import KeyRiskIndicator, Risk, RiskCategory, RiskControl, RiskReview
from opsdesk.sales.models import StoreDaySales

TODAY = date(2026, 11, 30)


@pytest.fixture
def category(org):
    return RiskCategory.objects.create(company=org.company, code="MARKET", name_zh="市场风险", name_en="Market",
                                       appetite=9)


def _risk(org, category, code, *, store=None, region=None, likelihood=4, impact=4, published=False, **extra):
    return Risk.objects.create(company=org.company, code=code, title=f"风险 {code}", category=category, store=store,
                               region=region or (store.region if store else None), likelihood=likelihood,
                               impact=impact, is_published_to_stores=published, **extra)


def test_the_residual_position_follows_the_controls_and_sets_the_review_cadence(org, category):
    # given
    risk = _risk(org, category, "R1", store=org.stores["a1"], likelihood=4, impact=5, last_reviewed_on=TODAY)
    assert (risk.residual_score, risk.residual_level, risk.next_review_on) == (20, "critical", TODAY + timedelta(30))
    # when
    RiskControl.objects.create(risk=risk, description="温度报警", kind="mitigating", effectiveness="effective")
    RiskControl.objects.create(risk=risk, description="维保", kind="preventive", effectiveness="partial")
    risk.refresh_from_db()
    # then: likelihood 4-1, impact 5-2 -> 9, medium, reviewed every 180 days
    assert (risk.residual_likelihood, risk.residual_impact, risk.residual_score) == (3, 3, 9)
    assert (risk.residual_level, risk.next_review_on) == ("medium", TODAY + timedelta(180))
    assert risk.is_above_appetite is False
    # and deleting a control puts the score back up
    risk.controls.get(kind="mitigating").delete()
    risk.refresh_from_db()
    assert (risk.residual_score, risk.residual_level) == (15, "high")


def test_a_review_records_the_position_and_the_movement_since_the_previous_one(org, category):
    # given
    coo = org.users["coo"]
    risk = _risk(org, category, "R1", likelihood=2, impact=3)
    services.risk_review(actor=coo, risk=risk, likelihood=2, impact=3, today=TODAY - timedelta(days=90))
    # when
    review = services.risk_review(actor=coo, risk=risk, likelihood=4, impact=3, note="竞争对手开店",
                                  today=TODAY)
    # then
    risk.refresh_from_db()
    assert (review.likelihood, review.residual_score, review.reviewer) == (4, 12, coo)
    assert (risk.likelihood, risk.last_reviewed_on, risk.next_review_on) == (4, TODAY, TODAY + timedelta(90))
    assert selectors.movement(Risk.objects.filter(pk=risk.pk)) == [(risk, 6, 12)]


def test_a_review_outside_one_to_five_is_refused(org, category):
    risk = _risk(org, category, "R1")
    with pytest.raises(ValidationError) as error:
        services.risk_review(actor=org.users["coo"], risk=risk, likelihood=6, impact=3)
    assert list(error.value.message_dict) == ["likelihood"]
    assert RiskReview.objects.count() == 0


def _sales(store, first: date, days: int, amount: int):
    for offset in range(days):
        StoreDaySales.objects.update_or_create(store=store, date=first + timedelta(days=offset),
                                               defaults={"sales_amount": amount, "transactions": 10})


def test_a_kri_crossing_its_threshold_proposes_a_likelihood_and_raises_one_inbox_item_until_it_recovers(
        org, category):
    # given: store a1 sold 300 a day over the last 7 days; amber below 2,800, red below 2,000 a week
    store = org.stores["a1"]
    risk = _risk(org, category, "R1", store=store, likelihood=2, impact=4, owner=org.users["store_manager"])
    indicator = KeyRiskIndicator.objects.create(company=org.company, risk=risk, name="周销售额", store=store,
                                                region=store.region, kpi_code="sales_revenue", amber=2800,
                                                red=2000, window_days=7)
    _sales(store, TODAY - timedelta(days=6), 7, 250)
    now = timezone.make_aware(timezone.datetime(2026, 11, 30, 9))
    # when
    services.kris_measure_all(today=TODAY)
    indicator.refresh_from_db()
    items = [item for item in PROVIDER.items_for_user(org.users["store_manager"], now)
             if item.key.startswith("kri:")]
    # then: 1,750 < 2,000 -> red, likelihood 2 + 2 proposed
    assert (indicator.status, indicator.last_value, indicator.proposed_likelihood) == ("red", 1750.0, 4)
    assert indicator.breached_since == TODAY
    assert [item.key for item in items] == [f"kri:{indicator.pk}"]
    assert "1,750.0 < 2,000.0" in items[0].detail
    assert items[0].source_owner_id == org.users["store_manager"].pk
    # when the owner takes the proposal in
    services.risk_accept_proposal(actor=org.users["coo"], indicator=indicator, today=TODAY)
    risk.refresh_from_db()
    assert (risk.likelihood, risk.reviews.count()) == (4, 1)
    # and the sales recover the next day
    _sales(store, TODAY - timedelta(days=5), 7, 500)
    services.kris_measure_all(today=TODAY + timedelta(days=1))
    indicator.refresh_from_db()
    assert (indicator.status, indicator.breached_since, indicator.proposed_likelihood) == ("green", None, None)
    assert not [item for item in PROVIDER.items_for_user(org.users["store_manager"], now)
                if item.key.startswith("kri:")]
    assert list(indicator.measurements.order_by("measured_on").values_list("status", flat=True)) == ["red", "green"]


def test_an_indicator_with_thresholds_in_the_wrong_order_names_the_field(org):
    indicator = KeyRiskIndicator(company=org.company, name="x", kpi_code="sales_revenue", amber=1000, red=2000)
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert list(error.value.message_dict) == ["red"]


def test_overdue_reviews_and_actions_reach_the_inbox(org, category):
    # given
    risk = _risk(org, category, "R1", store=org.stores["a1"], likelihood=5, impact=5,
                 last_reviewed_on=TODAY - timedelta(days=40))
    risk.actions.create(title="冷柜维保", due_date=TODAY - timedelta(days=1), owner=org.users["store_manager"])
    now = timezone.make_aware(timezone.datetime(2026, 11, 30, 9))
    # when
    keys = sorted(item.key for item in PROVIDER.items_for_user(org.users["supervisor"], now))
    # then
    assert keys == [f"action:{risk.actions.get().pk}", f"review:{risk.pk}"]
    assert PROVIDER.items_for_user(org.users["staff"], now) == []


def test_a_store_manager_sees_the_stores_risks_and_the_published_company_risks_only(org, category):
    # given
    mine = _risk(org, category, "R1", store=org.stores["a1"])
    _risk(org, category, "R2", store=org.stores["a2"])
    published = _risk(org, category, "R3", published=True)
    _risk(org, category, "R4")
    region_a = _risk(org, category, "R5", region=org.region_a)
    # when
    seen = set(Risk.objects.for_user(org.users["store_manager"]).values_list("code", flat=True))
    changeable = set(Risk.objects.for_user(org.users["store_manager"], "change").values_list("code", flat=True))
    # then
    assert seen == {mine.code, published.code, region_a.code}
    assert changeable == {mine.code}


def test_a_risk_spanning_more_than_the_users_scope_is_read_only_to_them(client, org, category):
    # given
    region_risk = _risk(org, category, "R5", region=org.region_a)
    client.force_login(org.users["supervisor"])  # two of region A's stores, not the region
    # when
    page = client.get(reverse("risks:risk_detail", args=[region_risk.pk]))
    edit = client.post(reverse("risks:risk_edit", args=[region_risk.pk]), {"title": "改掉"})
    review = client.post(reverse("risks:risk_review", args=[region_risk.pk]), {"likelihood": 1, "impact": 1})
    # then
    assert page.status_code == 200
    assert (edit.status_code, review.status_code) == (404, 404)
    region_risk.refresh_from_db()
    assert (region_risk.title, region_risk.likelihood, region_risk.reviews.count()) == ("风险 R5", 4, 0)
    assert Risk.objects.for_user(org.users["regional_manager"], "change").filter(pk=region_risk.pk).exists()


def test_the_heat_map_counts_the_open_risks_in_each_cell(client, org, category):
    # given
    _risk(org, category, "R1", store=org.stores["a1"], likelihood=4, impact=4)
    _risk(org, category, "R2", store=org.stores["a1"], likelihood=4, impact=4)
    _risk(org, category, "R3", store=org.stores["a2"], likelihood=1, impact=2)
    _risk(org, category, "R4", store=org.stores["b1"], likelihood=5, impact=5)
    _risk(org, category, "R5", store=org.stores["a1"], likelihood=3, impact=3, status="closed")
    client.force_login(org.users["supervisor"])
    # when
    response = client.get(reverse("risks:heat_map"))
    narrowed = client.get(reverse("risks:heat_map"), {"store": org.stores["a2"].pk})
    foreign = client.get(reverse("risks:heat_map"), {"store": org.stores["b1"].pk})
    # then
    inherent = response.context["inherent"]
    assert (inherent.cells[3][3], inherent.cells[1][0], inherent.total) == (2, 1, 3)
    assert response.context["above_appetite"] == 2
    assert narrowed.context["inherent"].total == 1
    assert foreign.status_code == 404


def test_the_company_defaults_are_the_seeds_five_categories_and_a_5x5_matrix_once(org):
    # when
    first = services.risks_seed(org.company)
    second = services.risks_seed(org.company)
    # then
    assert sorted(RiskCategory.objects.filter(company=org.company).values_list("code", flat=True)) == [
        "FIN", "HR", "LEGAL", "MARKET", "TECH"]
    assert org.company.risk_matrix_levels.count() == 10
    assert first["indicators_added"] > 0
    assert second == {"categories": 5, "indicators_added": 0}
    assert set(KeyRiskIndicator.objects.filter(company=org.company).values_list("kpi_code", flat=True)) >= {
        "sales_growth_yoy", "inventory_stockout_rate", "sales_gross_margin"}
