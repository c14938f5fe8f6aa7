"""Sales explorer pages, export, API and saved views: only the user's stores are counted, everywhere."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.sales import explorer
from opsdesk.sales.models import SavedExplorerView, SkuDaySales, StoreDaySales

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def shop():
    explorer.cache_clear()
    company = Company.objects.create(code="EX", name="分析测试")
    region = Region.objects.create(company=company, code="E", name="华东区")
    mine = Store.objects.create(company=company, region=region, code="A1", name="甲店", city="上海")
    other = Store.objects.create(company=company, region=region, code="B1", name="乙店", city="上海")
    food = ProductCategory.objects.create(company=company, code="F", name="食品")
    milk = Product.objects.create(company=company, sku="M1", name="牛奶", category=food, cost=2, price=5)
    for store, units in ((mine, 3), (other, 7)):
        for offset in range(7):
            day = DAY + timedelta(days=offset)
            SkuDaySales.objects.create(store=store, product=milk, date=day, quantity=units, revenue=units * 5,
                                       cost=units * 2)
            StoreDaySales.objects.create(store=store, date=day, sales_amount=units * 5, transactions=units)
            # last year, 364 days earlier (same weekday): half the units
            SkuDaySales.objects.create(store=store, product=milk, date=day - timedelta(days=364), quantity=units / 2,
                                       revenue=units * 2.5, cost=units)
    yield company, mine, other, food
    explorer.cache_clear()


def _user(company, role, stores=(), company_scope=False):
    user = User.objects.create_user(f"{role}-ex", password="x-password-123", role=role, company=company,
                                    has_company_scope=company_scope)
    user.scope_stores.set(stores)
    return user


PERIOD = "start=2026-03-02&end=2026-03-08"


def test_page_counts_only_the_users_stores(client, shop):
    # given
    company, mine, _other, food = shop
    client.force_login(_user(company, "store_manager", [mine]))
    # when
    response = client.get(f"/sales/explore/?{PERIOD}&measure=revenue&measure=units&dimension=store&compare=last_year")
    # then: 7 days x 3 units x 5 = 105 in store A1; store B1 is never shown
    assert response.status_code == 200
    body = response.content.decode()
    # revenue, revenue last year (same weekdays), units, units last year: money and counts in the user's language
    assert re.findall(r'<td class="text-end text-nowrap">([^<]*)</td>', body) == ["¥105.00", "¥52.50", "21", "10"]
    assert "B1 乙店" not in body
    assert "A1 甲店" in body


def test_export_holds_exactly_the_scoped_rows(client, shop):
    company, mine, _other, _food = shop
    client.force_login(_user(company, "store_manager", [mine]))
    # when
    csv_response = client.get(f"/sales/explore/?{PERIOD}&measure=revenue&dimension=store&export=csv")
    xlsx_response = client.get(f"/sales/explore/?{PERIOD}&measure=revenue&dimension=store&export=xlsx")
    # then
    lines = b"".join(csv_response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines == ["门店,销售额", "A1 甲店,105.0"]
    sheet = load_workbook(BytesIO(xlsx_response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["门店", "销售额"], ["A1 甲店", 105]]


def test_company_user_sees_both_stores_and_drills_down_by_a_filter(client, shop):
    company, _mine, other, food = shop
    client.force_login(_user(company, "coo", company_scope=True))
    # when
    total = client.get(f"/api/v1/sales/explore?{PERIOD}&measure=revenue&measure=transactions&measure=basket")
    drilled = client.get(f"/api/v1/sales/explore?{PERIOD}&measure=units&dimension=product&f_store={other.pk}")
    # then
    assert total.status_code == 200
    row = total.json()["rows"][0]
    assert (row["revenue"], row["transactions"], row["basket"]) == (350.0, 70.0, 5.0)
    assert [(r["product"], r["units"]) for r in drilled.json()["rows"]] == [("M1 牛奶", 49.0)]


def test_api_ignores_a_filter_on_a_store_out_of_scope(client, shop):
    company, mine, other, _food = shop
    client.force_login(_user(company, "store_manager", [mine]))
    response = client.get(f"/api/v1/sales/explore?{PERIOD}&measure=revenue&f_store={other.pk}")
    assert response.status_code == 200
    assert response.json()["rows"] == [{"revenue": None, "units": None, "margin": None, "transactions": None,
                                        "margin_percent": None, "price": None, "basket": None,
                                        "units_per_transaction": None}]


def test_unknown_measure_answers_400_and_422(client, shop):
    company, mine, _other, _food = shop
    client.force_login(_user(company, "store_manager", [mine]))
    assert client.get("/sales/explore/?measure=profit").status_code == 400
    assert client.get("/api/v1/sales/explore?measure=profit").status_code == 422


def test_saved_view_is_private_to_its_user(client, shop):
    company, mine, _other, _food = shop
    owner = _user(company, "store_manager", [mine])
    client.force_login(owner)
    # when
    response = client.post("/sales/explore/views/save/", {"name": "周报", "querystring": f"{PERIOD}&measure=units"})
    # then
    view = SavedExplorerView.objects.get()
    assert response.status_code == 302
    assert (view.user, view.name, view.params["measure"]) == (owner, "周报", ["units"])
    intruder = _user(company, "supervisor", [mine])
    client.force_login(intruder)
    assert client.get(f"/sales/explore/?view={view.pk}").status_code == 404
    assert client.post(f"/sales/explore/views/{view.pk}/delete/").status_code == 404
    assert SavedExplorerView.objects.count() == 1


def test_the_nightly_extract_is_read_back_with_the_same_answer(client, shop, settings, tmp_path, monkeypatch):
    # given: the extract written for today's facts version
    company, mine, _other, _food = shop
    settings.VAR_DIR = tmp_path
    client.force_login(_user(company, "coo", company_scope=True))
    url = f"/api/v1/sales/explore?{PERIOD}&measure=revenue&measure=transactions&dimension=store"
    before = client.get(url).json()["rows"]
    directory = explorer.explorer_cache_warm(company.pk)
    explorer.cache_clear()
    monkeypatch.setattr(explorer, "_company_tables", lambda company_id: pytest.fail("read the facts again"))
    # when: a new process (empty memory cache) answers
    after = client.get(url).json()["rows"]
    # then
    assert (directory / "complete").exists()
    assert sorted(p.name for p in directory.parent.iterdir()) == [directory.name]
    assert after == before


def test_facts_changing_queues_the_extract(shop, settings, tmp_path, django_capture_on_commit_callbacks):
    # given
    from opsdesk.core import hooks
    from opsdesk.sales import jobs

    company = shop[0]
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # when: an import (or the demo) says the company's facts changed
    with django_capture_on_commit_callbacks(execute=True):
        hooks.facts_changed(company.pk)
    # then: the extract for today's facts version was written
    assert jobs.enqueue_explorer_warm in hooks._FACTS_CHANGED
    directory = explorer._disk_path(company.pk, explorer.facts_version(company.pk))
    assert (directory / "complete").exists()


def test_the_page_formats_each_measure_in_english_too(client, shop):
    # given
    company, mine, _other, _food = shop
    user = _user(company, "store_manager", [mine])
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    # when
    body = client.get(f"/sales/explore/?{PERIOD}&measure=revenue&measure=margin_percent&measure=units"
                      "&dimension=store", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # then: the margin is a percentage, never money; the export keeps raw numbers
    assert re.findall(r'<td class="text-end text-nowrap">([^<]*)</td>', body) == ["CN¥105.00", "60.0%", "21"]
