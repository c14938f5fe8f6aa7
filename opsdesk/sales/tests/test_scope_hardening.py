"""Promotions that span more than a user's scope: only the user's stores are named, and they are read-only."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from opsdesk.catalog.models import ProductCategory
from opsdesk.sales.models import Promotion


@pytest.fixture
def company_wide(org):
    """A promotion of company A in all four of its stores (regions A and B), 15% off."""
    promotion = Promotion.objects.create(company=org.company, code="CW", name="全公司促销", discount_percent=15,
                                         start_date=date(2026, 12, 1), end_date=date(2026, 12, 3))
    promotion.stores.set([org.stores[key] for key in ("a1", "a2", "b1", "b2")])
    return promotion


def _state(promotion):
    promotion.refresh_from_db()
    return promotion.discount_percent, sorted(promotion.stores.values_list("code", flat=True))


@pytest.mark.parametrize(("role", "expected"), [
    ("store_manager", "A1, +3 其他门店"),
    ("supervisor", "A1, A2, +2 其他门店"),
    ("regional_manager", "A1, A2, +2 其他门店"),
    ("coo", "A1, A2, B1, B2"),
])
def test_promotion_list_names_only_the_stores_in_scope(login, org, company_wide, role, expected):
    # given
    client = login(org.users[role])
    url = reverse("sales:promotion_list")

    # when
    page = client.get(url)
    csv = client.get(url, {"export": "csv"})
    xlsx = client.get(url, {"export": "xlsx"})

    # then
    assert page.status_code == csv.status_code == xlsx.status_code == 200
    assert expected in page.content.decode()
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert expected in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert expected in [cell.value for row in sheet.iter_rows() for cell in row]
    hidden = {"A1", "A2", "B1", "B2"} - set(expected.split(", "))
    for code in hidden:
        assert f"{code}," not in text
        assert f", {code}" not in text
        assert f">{code}<" not in page.content.decode()


def test_promotion_detail_names_only_the_stores_in_scope(login, org, company_wide):
    # given
    client = login(org.users["store_manager"])

    # when
    response = client.get(reverse("sales:promotion_detail", args=[company_wide.pk]))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "+3 其他门店" in content
    assert "广州一店" not in content
    assert "杭州一店" not in content
    assert reverse("sales:promotion_edit", args=[company_wide.pk]) not in content


def test_category_filter_offers_only_the_users_company(login, org):
    # given
    mine = ProductCategory.objects.create(company=org.company, code="C-MINE", name="本司品类")
    theirs = ProductCategory.objects.create(company=org.other_company, code="C-THEIRS", name="外司品类")
    client = login(org.users["regional_manager"])

    # when
    response = client.get(reverse("sales:promotion_list"))

    # then
    choices = {value for value, _label in response.context["filterset"].form.fields["category"].choices}
    assert mine.pk in {getattr(value, "value", value) for value in choices}
    assert theirs.pk not in {getattr(value, "value", value) for value in choices}
    assert "外司品类" not in response.content.decode()


@pytest.mark.parametrize("role", ["regional_manager", "supervisor"])
def test_promotion_spanning_other_regions_cannot_be_edited_and_nothing_changes(login, org, company_wide, role):
    # given
    client = login(org.users[role])
    url = reverse("sales:promotion_edit", args=[company_wide.pk])
    data = {"code": "CW", "name": "全公司促销", "start_date": "2026-12-01", "end_date": "2026-12-03",
            "discount_percent": "50", "stores": [org.stores["a1"].pk, org.stores["a2"].pk]}

    # when
    page = client.get(url)
    response = client.post(url, data)

    # then
    assert page.status_code == 404
    assert response.status_code == 404
    assert _state(company_wide) == (Decimal("15.00"), ["A1", "A2", "B1", "B2"])


def test_promotion_spanning_other_regions_cannot_be_deleted(login, org, company_wide):
    # given
    client = login(org.users["regional_manager"])
    url = reverse("sales:promotion_delete", args=[company_wide.pk])

    # when
    page = client.get(url)
    response = client.post(url)

    # then
    assert page.status_code == response.status_code == 404
    assert _state(company_wide) == (Decimal("15.00"), ["A1", "A2", "B1", "B2"])


def test_promotion_for_every_store_cannot_be_changed_by_a_regional_manager(login, org):
    # given: no stores chosen means every store of the company
    promotion = Promotion.objects.create(company=org.company, code="ALL", name="全部门店促销", discount_percent=15,
                                         start_date=date(2026, 12, 1), end_date=date(2026, 12, 3))
    client = login(org.users["regional_manager"])

    # when
    response = client.post(reverse("sales:promotion_edit", args=[promotion.pk]), {
        "code": "ALL", "name": "改", "start_date": "2026-12-01", "end_date": "2026-12-03",
        "discount_percent": "50", "stores": [org.stores["a1"].pk]})

    # then
    assert response.status_code == 404
    assert _state(promotion) == (Decimal("15.00"), [])


def test_regional_manager_cannot_create_a_promotion_for_every_store(login, org):
    # given
    client = login(org.users["regional_manager"])

    # when
    response = client.post(reverse("sales:promotion_add"), {
        "code": "NEW", "name": "全部门店", "start_date": "2026-12-01", "end_date": "2026-12-03",
        "discount_percent": "5"})

    # then
    assert response.status_code == 400
    assert not Promotion.objects.filter(code="NEW").exists()


def test_regional_manager_changes_a_promotion_of_their_own_region(login, org):
    # given
    promotion = Promotion.objects.create(company=org.company, code="RA", name="华东促销", discount_percent=15,
                                         start_date=date(2026, 12, 1), end_date=date(2026, 12, 3))
    promotion.stores.set([org.stores["a1"], org.stores["a2"]])
    client = login(org.users["regional_manager"])

    # when
    response = client.post(reverse("sales:promotion_edit", args=[promotion.pk]), {
        "code": "RA", "name": "华东促销", "start_date": "2026-12-01", "end_date": "2026-12-03",
        "discount_percent": "20", "stores": [org.stores["a1"].pk]})

    # then
    assert response.status_code == 302
    assert _state(promotion) == (Decimal("20.00"), ["A1"])


def test_company_scope_user_changes_a_company_wide_promotion(login, org, company_wide):
    # given
    client = login(org.users["coo"])

    # when
    response = client.post(reverse("sales:promotion_edit", args=[company_wide.pk]), {
        "code": "CW", "name": "全公司促销", "start_date": "2026-12-01", "end_date": "2026-12-03",
        "discount_percent": "20", "stores": [org.stores["a1"].pk, org.stores["b1"].pk]})

    # then
    assert response.status_code == 302
    assert _state(company_wide) == (Decimal("20.00"), ["A1", "B1"])
