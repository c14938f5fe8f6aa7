"""Sales inbox items and brief section: promotion results, assortment proposals, launches below plan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.sales import kpis
from opsdesk.sales.inbox import PROVIDER
from opsdesk.sales.models import AssortmentProposal, ProductLaunch, Promotion, PromotionEvaluation, SkuDaySales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    company = Company.objects.create(code="IB", name="收件箱测试")
    region = Region.objects.create(company=company, code="E", name="华东区")
    mine = Store.objects.create(company=company, region=region, code="A1", name="甲店", city="上海")
    other = Store.objects.create(company=company, region=region, code="B1", name="乙店", city="上海")
    food = ProductCategory.objects.create(company=company, code="F", name="食品")
    old = Product.objects.create(company=company, sku="OLD", name="老品", category=food, cost=1, price=2)
    new = Product.objects.create(company=company, sku="NEW", name="新品", category=food, cost=1, price=2)
    today = timezone.localdate()
    for offset in range(60):
        SkuDaySales.objects.create(store=mine, product=old, date=today - timedelta(days=60 - offset), quantity=10,
                                   revenue=20, cost=10)
    promotion = Promotion.objects.create(company=company, code="P", name="春促", start_date=today - timedelta(days=30),
                                         end_date=today - timedelta(days=20))
    PromotionEvaluation.objects.create(promotion=promotion, verdict="loses", confidence=0.1)
    AssortmentProposal.objects.create(store=mine, product=old, kind="delist")
    AssortmentProposal.objects.create(store=other, product=old, kind="delist")
    launch = ProductLaunch.objects.create(company=company, product=new, launch_date=today - timedelta(days=10),
                                          weeks=4, target_units=100)
    launch.stores.set([mine])
    return company, mine, other, launch


def test_supervisor_of_one_store_gets_the_three_kinds_in_scope(world):
    company, mine, other, launch = world
    supervisor = User.objects.create_user("sup-ib", password="x-password-123", role="supervisor", company=company)
    supervisor.scope_stores.set([mine])
    # when
    items = PROVIDER.items_for_user(supervisor, timezone.now())
    # then: one store's proposals (not the other store's), the results and the launch selling 0 against ~10 a day
    keys = sorted(item.key for item in items)
    evaluation = PromotionEvaluation.objects.get()
    assert keys == sorted([f"evaluation:{evaluation.pk}", f"assortment:{mine.pk}", f"launch:{launch.pk}"])
    assert PROVIDER.item_for_user(supervisor, f"launch:{launch.pk}", timezone.now()).severity == 3
    assert PROVIDER.item_for_user(supervisor, f"assortment:{other.pk}", timezone.now()) is None


def test_store_manager_gets_no_assortment_item(world):
    company, mine, _other, _launch = world
    manager = User.objects.create_user("sm-ib", password="x-password-123", role="store_manager", company=company)
    manager.scope_stores.set([mine])
    keys = [item.key for item in PROVIDER.items_for_user(manager, timezone.now())]
    assert not [key for key in keys if key.startswith("assortment:")]


def test_brief_section_counts(world):
    company, mine, _other, launch = world
    # the brief of the launch day: the launch falls in that day's quarter
    section = kpis.brief_section(company.pk, None, launch.launch_date, "zh-hans")
    assert section.lines == ["近 30 天结束的促销：0 个赚钱，1 个亏钱，0 个不确定", "待审核的品项调整建议 2 条",
                             "本季度新品上市 1 个"]
    store_section = kpis.brief_section(company.pk, (mine.pk,), launch.launch_date, "zh-hans")
    assert store_section.lines == ["待审核的品项调整建议 1 条", "本季度新品上市 1 个"]
