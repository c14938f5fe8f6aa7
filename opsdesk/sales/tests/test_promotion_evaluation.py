"""Promotion post-evaluation through the app: roles from the category tree, uplift persisted, pages scoped."""

from datetime import date, timedelta

import numpy as np
import pytest

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.engine.uplift import HALO, PROMOTED, SUBSTITUTE
from opsdesk.sales import promotions
from opsdesk.sales.models import Promotion, PromotionEvaluation, SkuDaySales

pytestmark = pytest.mark.django_db
START = date(2026, 1, 1)
PROMO_START, PROMO_DAYS = date(2026, 5, 1), 7


@pytest.fixture
def shop():
    company = Company.objects.create(code="PE", name="评估测试")
    region = Region.objects.create(company=company, code="E", name="华东区")
    store = Store.objects.create(company=company, region=region, code="A1", name="甲店", city="上海")
    other = Store.objects.create(company=company, region=region, code="B1", name="乙店", city="上海")
    food = ProductCategory.objects.create(company=company, code="F", name="食品")
    dairy = ProductCategory.objects.create(company=company, code="D", name="乳品", parent=food)
    bakery = ProductCategory.objects.create(company=company, code="B", name="烘焙", parent=food)
    drinks = ProductCategory.objects.create(company=company, code="DR", name="饮料")
    products = {
        "milk": Product.objects.create(company=company, sku="M", name="牛奶", category=dairy, cost=6, price=10),
        "bread": Product.objects.create(company=company, sku="B", name="面包", category=bakery, cost=6, price=10),
        "tea": Product.objects.create(company=company, sku="T", name="茶", category=drinks, cost=6, price=10),
    }
    rng = np.random.default_rng(5)
    rows = []
    promo_end = PROMO_START + timedelta(days=PROMO_DAYS - 1)
    for offset in range(150):
        day = START + timedelta(days=offset)
        during = PROMO_START <= day <= promo_end
        for key, product in products.items():
            factor = (1.5 if key == "milk" else 0.8 if key == "bread" else 1.0) if during else 1.0
            units = int(rng.poisson(40 * factor))
            price = 9 if during and key == "milk" else 10
            rows.append(SkuDaySales(store=store, product=product, date=day, quantity=units, revenue=units * price,
                                    cost=units * 6, is_promo=during and key == "milk"))
    SkuDaySales.objects.bulk_create(rows)
    promotion = Promotion.objects.create(company=company, code="P1", name="乳品周", start_date=PROMO_START,
                                         end_date=promo_end, discount_percent=10, category=dairy, cost=50)
    promotion.stores.set([store])
    return company, store, other, promotion, products


def test_roles_follow_the_category_tree(shop):
    _company, _store, _other, promotion, products = shop
    roles = promotions.promotion_roles(promotion)
    assert roles == {products["milk"].pk: PROMOTED, products["bread"].pk: SUBSTITUTE}
    assert HALO not in roles.values()


def test_evaluation_recovers_the_lift_and_the_cannibalisation(shop):
    # given: milk +50 % for 7 days at 9 instead of 10, bread -20 %
    _company, _store, _other, promotion, _products = shop
    # when
    evaluation = promotions.promotion_evaluate(promotion)
    # then
    assert PromotionEvaluation.objects.count() == 1
    assert evaluation.series_count == 2
    assert evaluation.units_uplift_share == pytest.approx(0.5, abs=0.12)
    substitute = evaluation.details["effects"]["substitute"]["units"]
    assert substitute["share"] == pytest.approx(-0.2, abs=0.1)
    assert substitute["lower"] <= -0.2 * 40 * PROMO_DAYS <= substitute["upper"]
    assert evaluation.verdict in {"pays", "unclear"}


def test_store_user_sees_only_their_stores_effect(client, shop):
    company, store, other, promotion, _products = shop
    evaluation = promotions.promotion_evaluate(promotion)
    outsider = User.objects.create_user("sm-other", password="x-password-123", role="store_manager",
                                        company=company)
    outsider.scope_stores.set([other])
    insider = User.objects.create_user("sm-in", password="x-password-123", role="store_manager", company=company)
    insider.scope_stores.set([store])
    # when / then: the promotion's only store is not the outsider's: no figure
    assert promotions.visible_store_effect(user=outsider, evaluation=evaluation) is None
    effect = promotions.visible_store_effect(user=insider, evaluation=evaluation)
    assert effect["uplift"] == pytest.approx(evaluation.units_uplift)
    client.force_login(outsider)
    body = client.get(promotion.get_absolute_url()).content.decode()
    assert 'id="units-uplift"' not in body
    assert 'id="evaluation-effects"' not in body


def test_league_table_groups_by_type_and_category(client, shop):
    company, _store, _other, promotion, _products = shop
    promotions.promotion_evaluate(promotion)
    coo = User.objects.create_user("coo-pe", password="x-password-123", role="coo", company=company,
                                   has_company_scope=True)
    rows = promotions.league_table(user=coo)
    assert [(r["category"], r["count"]) for r in rows] == [("乳品", 1)]
    client.force_login(coo)
    assert client.get("/sales/promotions/league/").status_code == 200


def test_finished_promotions_are_due_once(shop):
    company, _store, _other, promotion, _products = shop
    assert promotions.promotions_due(company.pk) == [promotion]
    assert promotions.promotion_evaluations_refresh(company.pk) == 1
    assert promotions.promotions_due(company.pk) == []


def test_a_proposed_promotion_shows_its_forecast_uplift(client, shop):
    # given: a future promotion of the dairy category, no evaluated promotion yet (default lift 20 %)
    company, store, _other, promotion, _products = shop
    start = date.today() + timedelta(days=10)
    future = Promotion.objects.create(company=company, code="P2", name="下月乳品", start_date=start,
                                      end_date=start + timedelta(days=6), discount_percent=10,
                                      category=promotion.category)
    future.stores.set([store])
    coo = User.objects.create_user("coo-pl", password="x-password-123", role="coo", company=company,
                                   has_company_scope=True)
    # when
    planned = promotions.planned_promotion_uplift(future, user=coo)
    client.force_login(coo)
    body = client.get(f"{future.get_absolute_url()}?forecast=1").content.decode()
    # then: 7 days of about 40 units, +20 % units at 10 % off
    assert planned["lift"] == promotions.DEFAULT_LIFT
    assert planned["baseline_units"] == pytest.approx(7 * 40, rel=0.15)
    assert planned["units_uplift"] == pytest.approx(0.2 * planned["baseline_units"])
    assert planned["revenue_uplift"] == pytest.approx(planned["baseline_revenue"] * (1.2 * 0.9 - 1))
    assert 'id="planned-uplift"' in body
