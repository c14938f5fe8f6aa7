"""Stores and regions on the CRUD kit: the organisation's rules hold through the generic writes, pages and API."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from opsdesk.core import specs
from opsdesk.core.models import Region, Store
from opsdesk.core.testing.factories import make_token, make_user


@pytest.fixture
def regional_coo(org):
    """A COO (may add regions and stores) whose scope is region A only."""
    return make_user("coo", company=org.company, regions=[org.region_a], username="regional-coo")


def test_a_region_created_out_of_the_creators_scope_is_rolled_back(org, regional_coo):
    # given: a new region has no stores and is not among the user's regions, so the re-read cannot find it
    before = Region.objects.count()
    # when
    with pytest.raises(PermissionDenied):
        specs.region.create(actor=regional_coo, data={"code": "RZ", "name": "新区域"})
    # then
    assert Region.objects.count() == before


def test_the_region_add_page_refuses_a_user_without_company_scope_and_creates_nothing(client, org, regional_coo):
    # given
    client.force_login(regional_coo)
    before = Region.objects.count()
    # when
    response = client.post(reverse("core:region_add"), {"code": "RZ", "name": "新区域"})
    # then
    assert response.status_code == 403
    assert Region.objects.count() == before


def test_a_company_wide_user_creates_a_region_of_the_own_company(org):
    # given
    coo = org.users["coo"]
    # when
    region = specs.region.create(actor=coo, data={"code": "RN", "name": "华北区"})
    # then
    assert (region.company_id, region.code, region.name) == (org.company.pk, "RN", "华北区")


def test_a_store_is_created_in_the_actors_company(org):
    # given
    coo = org.users["coo"]
    # when
    store = specs.store.create(actor=coo, data={"code": "N1", "name": "新店", "region": org.region_b, "city": "厦门"})
    # then
    assert (store.company_id, store.region_id) == (org.company.pk, org.region_b.pk)


@pytest.mark.parametrize("region_key", ["region_b", "region_x"])
def test_a_store_in_a_region_out_of_scope_is_refused(org, regional_coo, region_key):
    # given: region B lies outside the user's scope, region X belongs to another company
    before = Store.objects.count()
    # when
    with pytest.raises(ValidationError) as error:
        specs.store.create(actor=regional_coo, data={"code": "N2", "name": "新店", "region": getattr(org, region_key),
                                                     "city": "广州"})
    # then
    assert list(error.value.message_dict) == ["region"]
    assert Store.objects.count() == before


def test_the_api_refuses_a_store_in_a_region_out_of_scope(client, org, regional_coo):
    # given
    _token, key = make_token(regional_coo)
    before = Store.objects.count()
    # when
    response = client.post("/api/v1/stores/", json.dumps({"code": "N3", "name": "新店", "region_id": org.region_b.pk,
                                                          "city": "广州"}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    # then
    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "region"]]
    assert Store.objects.count() == before


def test_deleting_a_region_with_stores_names_what_refers_to_it(org):
    # given
    admin = org.users["admin"]
    # when
    with pytest.raises(ValidationError) as error:
        specs.region.delete(actor=admin, instance=org.region_a)
    # then
    assert error.value.messages == ["仍有关联数据（门店），不能删除。"]
    assert Region.objects.filter(pk=org.region_a.pk).exists()


def test_deleting_a_store_with_employees_through_the_api_is_refused_with_the_message(client, org):
    # given
    _token, key = make_token(org.users["admin"])
    store = org.stores["a1"]
    # when
    response = client.delete(f"/api/v1/stores/{store.pk}/", HTTP_AUTHORIZATION=f"Bearer {key}")
    # then
    assert response.status_code == 422
    assert "仍有关联数据" in response.json()["detail"][0]["msg"]
    assert Store.objects.filter(pk=store.pk).exists()
