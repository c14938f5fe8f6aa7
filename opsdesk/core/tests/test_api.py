"""The REST API: token auth, pagination, filters, scoped reads, and audited writes."""

import json
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from opsdesk.core.models import ApiToken, Store
from opsdesk.core.testing.factories import make_token
from opsdesk.core.testing.org import audit_entry


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def coo_key(org) -> str:
    return make_token(org.users["coo"])[1]


def test_token_auth_lists_the_stores_of_the_tokens_user(client, org):
    # given
    token, key = make_token(org.users["supervisor"])
    # when
    response = client.get("/api/v1/stores/", **_bearer(key))
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert _codes(response) == ["A1", "A2"]
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer odk_not-a-real-key", "Token abc", ""])
def test_unknown_or_malformed_token_is_401(client, org, header):
    # given / when
    response = client.get("/api/v1/stores/", HTTP_AUTHORIZATION=header)
    # then
    assert response.status_code == 401


def test_revoked_token_is_401(client, org):
    # given
    _token, key = make_token(org.users["coo"], revoked=True)
    # when
    response = client.get("/api/v1/stores/", **_bearer(key))
    # then
    assert response.status_code == 401


def test_expired_token_is_401(client, org):
    # given
    token, key = make_token(org.users["coo"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    # when
    response = client.get("/api/v1/stores/", **_bearer(key))
    # then
    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_401(client, org):
    # given
    user = org.users["coo"]
    _token, key = make_token(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    # when
    response = client.get("/api/v1/stores/", **_bearer(key))
    # then
    assert response.status_code == 401


def test_store_list_paginates(client, org, coo_key):
    # given: 4 stores of company A plus 52 more = 56
    Store.objects.bulk_create(
        [Store(company=org.company, region=org.region_b, code=f"P{n:02d}", name=f"分页 {n}", city="广州")
         for n in range(52)]
    )
    # when
    first = client.get("/api/v1/stores/", **_bearer(coo_key))
    second = client.get("/api/v1/stores/", {"page": 2}, **_bearer(coo_key))
    small = client.get("/api/v1/stores/", {"page": 3, "page_size": 5}, **_bearer(coo_key))
    # then
    assert (first.json()["count"], len(first.json()["items"]), len(second.json()["items"])) == (56, 50, 6)
    assert _codes(second) == ["P46", "P47", "P48", "P49", "P50", "P51"]
    assert _codes(small) == ["P06", "P07", "P08", "P09", "P10"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "广州"}, ["B1"]),
        ({"q": "a"}, ["A1", "A2"]),
        ({"city": "深圳"}, ["B2"]),
        ({"status": "open"}, ["A1", "A2", "B1", "B2"]),
        ({"status": "closed"}, []),
        ({"format": "supermarket", "q": "B"}, ["B1", "B2"]),
    ],
)
def test_store_list_filters(client, org, coo_key, params, expected):
    # given / when
    response = client.get("/api/v1/stores/", params, **_bearer(coo_key))
    # then
    assert response.status_code == 200
    assert _codes(response) == expected


def test_store_list_filters_by_region(client, org, coo_key):
    # given / when
    response = client.get("/api/v1/stores/", {"region": org.region_b.pk}, **_bearer(coo_key))
    # then
    assert _codes(response) == ["B1", "B2"]


def test_store_detail_shape(client, org, coo_key):
    # given
    store = org.stores["a1"]
    # when
    response = client.get(f"/api/v1/stores/{store.pk}/", **_bearer(coo_key))
    # then
    assert response.json() == {
        "id": store.pk, "code": "A1", "name": "上海一店", "region_id": org.region_a.pk, "city": "上海", "address": "",
        "opening_date": None, "format": "supermarket", "floor_area": None, "status": "open", "holiday_subdivision": "",
        "attributes": {}, "display": str(store),
    }


def test_employee_list_filters_by_store_within_scope(client, org):
    # given
    _token, key = make_token(org.users["regional_manager"])
    # when
    mine = client.get("/api/v1/people/employees/", {"store": org.stores["a1"].pk}, **_bearer(key))
    foreign = client.get("/api/v1/people/employees/", {"store": org.stores["b1"].pk}, **_bearer(key))
    unknown = client.get("/api/v1/people/employees/", {"store": 999_999}, **_bearer(key))
    # then: a store outside the scope reads exactly like one that does not exist
    assert [item["employee_no"] for item in mine.json()["items"]] == ["E-A1"]
    assert (foreign.status_code, unknown.status_code) == (400, 400)
    assert foreign.json()["detail"].replace(str(org.stores["b1"].pk), "ID") == unknown.json()["detail"].replace(
        "999999", "ID")


def test_regions_list_shows_the_regions_in_scope(client, org):
    # given
    _token, key = make_token(org.users["supervisor"])
    # when
    response = client.get("/api/v1/regions/", **_bearer(key))
    # then
    assert response.json()["items"] == [{"id": org.region_a.pk, "code": "RA", "name": "华东区",
                                         "display": str(org.region_a)}]


def test_regional_manager_patches_a_store_and_the_change_is_audited(client, org):
    # given
    manager = org.users["regional_manager"]
    _token, key = make_token(manager)
    store = org.stores["a2"]
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"name": "杭州旗舰店", "status": "renovating"}),
                            content_type="application/json", **_bearer(key))
    # then
    store.refresh_from_db()
    entry = audit_entry(store, LogEntry.Action.UPDATE)
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["status"]) == ("杭州旗舰店", "renovating")
    assert (store.name, store.status) == ("杭州旗舰店", "renovating")
    assert entry.actor_id == manager.pk
    assert entry.changes == {"name": ["杭州一店", "杭州旗舰店"], "status": ["open", "renovating"]}


def test_auditor_patch_is_404_and_changes_nothing(client, org):
    # given
    _token, key = make_token(org.users["auditor"])
    store = org.stores["a1"]
    before = list(Store.objects.filter(pk=store.pk).values())
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"name": "x"}),
                            content_type="application/json", **_bearer(key))
    # then
    assert response.status_code == 404  # an object the role may not change reads as absent
    assert list(Store.objects.filter(pk=store.pk).values()) == before
    assert LogEntry.objects.filter(action=LogEntry.Action.UPDATE, content_type__model="store").count() == 0


@pytest.mark.parametrize(("role", "store_key"), [("regional_manager", "b1"), ("coo", "x1"), ("store_manager", "a2")])
def test_out_of_scope_patch_is_404_and_changes_nothing(client, org, role, store_key):
    # given
    _token, key = make_token(org.users[role])
    store = org.stores[store_key]
    before = list(Store.objects.filter(pk=store.pk).values())
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"name": "x"}),
                            content_type="application/json", **_bearer(key))
    # then
    assert response.status_code == 404
    assert list(Store.objects.filter(pk=store.pk).values()) == before


def test_patch_with_an_invalid_value_is_rejected(client, org, coo_key):
    # given
    store = org.stores["a1"]
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"status": "bogus"}),
                            content_type="application/json", **_bearer(coo_key))
    # then
    assert response.status_code == 422
    assert Store.objects.get(pk=store.pk).status == "open"


def test_a_stores_attributes_are_replaced_through_the_api(client, org, coo_key):
    # given: a store its stores file gave two attributes
    store = org.stores["a1"]
    store.attributes = {"StoreType": "c", "CompetitionDistance": "1270"}
    store.save()
    # when: the body sends the whole new set
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"attributes": {"StoreType": "a", "Zone": "N"}}),
                            content_type="application/json", **_bearer(coo_key))
    # then
    store.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["attributes"] == {"StoreType": "a", "Zone": "N"}
    assert store.attributes == {"StoreType": "a", "Zone": "N"}


@pytest.mark.parametrize(("attributes", "message"), [
    (["StoreType", "c"], "应为“名称: 值”的集合（JSON 对象）。"),
    ({"StoreType": 3}, "属性“StoreType”：值应为非空文本。"),
    ({"StoreType": " "}, "属性“StoreType”：值应为非空文本。"),
    ({"": "c"}, "属性名“”：不能为空，也不能以空格开头或结尾。"),
    ({" StoreType": "c"}, "属性名“ StoreType”：不能为空，也不能以空格开头或结尾。"),
    ({"Note": "x" * 201}, "属性“Note”：值超过 200 个字符。"),
    ({"N" * 201: "x"}, f"属性名“{'N' * 40}…”：超过 200 个字符。"),
    ({f"K{i}": "v" for i in range(101)}, "最多 100 个属性。"),
    (None, "此字段不能为空。"),
])
def test_invalid_store_attributes_are_422_naming_the_field_and_change_nothing(client, org, coo_key, attributes,
                                                                             message):
    # given
    store = org.stores["a1"]
    store.attributes = {"StoreType": "c"}
    store.save()
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"attributes": attributes}),
                            content_type="application/json", **_bearer(coo_key))
    # then
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body", "attributes"], "msg": message, "type": "value_error"}]}
    assert Store.objects.get(pk=store.pk).attributes == {"StoreType": "c"}
