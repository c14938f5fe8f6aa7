"""The store list: search, filters, sorting, pagination, HTMX partials; edit and delete pages."""

import re

import pytest
from django.urls import reverse

from opsdesk.core.models import Store
from opsdesk.core.testing.factories import StoreFactory

STORE_LIST = reverse("core:store_list")


def _codes(response) -> list[str]:
    return [row.record.code for row in response.context["table"].paginated_rows]


@pytest.fixture
def coo_client(client, org):
    client.force_login(org.users["coo"])
    return client


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["A1", "A2", "B1", "B2"]),
        ({"q": "一店"}, ["A1", "A2", "B1", "B2"]),
        ({"q": "广州"}, ["B1"]),
        ({"q": "a2"}, ["A2"]),
        ({"city": "深"}, ["B2"]),
        ({"status": "closed"}, ["B2"]),
        ({"format": "convenience"}, ["A2"]),
        ({"sort": "-code"}, ["B2", "B1", "A2", "A1"]),
        ({"sort": "code"}, ["A1", "A2", "B1", "B2"]),
        ({"q": "X1"}, []),
    ],
)
def test_store_list_search_filter_and_sort(coo_client, org, params, expected):
    # given
    Store.objects.filter(pk=org.stores["b2"].pk).update(status="closed")
    Store.objects.filter(pk=org.stores["a2"].pk).update(format="convenience")
    # when
    response = coo_client.get(STORE_LIST, params)
    # then
    assert response.status_code == 200
    assert _codes(response) == expected


def test_store_list_filters_by_region(coo_client, org):
    # given / when
    response = coo_client.get(STORE_LIST, {"region": org.region_b.pk})
    # then
    assert _codes(response) == ["B1", "B2"]


def test_store_list_ignores_a_region_out_of_scope(client, org):
    # given: the regional manager of region A asks for region B
    client.force_login(org.users["regional_manager"])
    # when
    response = client.get(STORE_LIST, {"region": org.region_b.pk})
    # then: the filter is invalid, and the list stays within region A
    assert response.status_code == 200
    assert _codes(response) == ["A1", "A2"]


def test_store_list_paginates(coo_client, org):
    # given: 4 stores of the organisation plus 3 more in region A
    for number in range(3):
        StoreFactory(region=org.region_a, code=f"C{number}")
    # when
    pages = [coo_client.get(STORE_LIST, {"per_page": 3, "page": page}) for page in (1, 2, 3)]
    # then
    assert [_codes(page) for page in pages] == [["A1", "A2", "B1"], ["B2", "C0", "C1"], ["C2"]]
    assert pages[0].context["total"] == 7


def test_store_list_answers_htmx_with_the_table_partial(coo_client):
    # given / when
    response = coo_client.get(STORE_LIST, {"q": "B"}, HTTP_HX_REQUEST="true")
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "generic/_table.html"
    assert "<html" not in content
    assert _codes(response) == ["B1", "B2"]


def test_boosted_htmx_request_gets_the_whole_page(coo_client):
    # given / when
    response = coo_client.get(STORE_LIST, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    # then
    assert response.templates[0].name == "generic/object_list.html"
    assert "<html" in response.content.decode()


def test_store_manager_lists_only_its_store(client, org):
    # given
    client.force_login(org.users["store_manager"])
    # when
    response = client.get(STORE_LIST)
    # then
    assert _codes(response) == ["A1"]
    assert response.context["total"] == 1


def test_store_edit_page_saves_through_the_service(client, org):
    # given
    client.force_login(org.users["regional_manager"])
    store = org.stores["a2"]
    data = {"code": "A2", "name": "杭州旗舰店", "region": org.region_a.pk, "city": "杭州", "address": "西湖区 1 号",
            "opening_date": "2020-01-02", "format": "hypermarket", "floor_area": "1200.5", "status": "open"}
    # when
    response = client.post(reverse("core:store_edit", args=[store.pk]), data)
    # then
    store.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:store_detail", args=[store.pk])
    assert (store.name, store.address, str(store.opening_date), store.format, str(store.floor_area)) == (
        "杭州旗舰店", "西湖区 1 号", "2020-01-02", "hypermarket", "1200.5"
    )


def test_store_edit_cannot_move_a_store_out_of_the_editors_region(client, org):
    # given
    client.force_login(org.users["regional_manager"])
    store = org.stores["a2"]
    data = {"code": "A2", "name": "杭州一店", "region": org.region_b.pk, "city": "杭州", "format": "supermarket",
            "status": "open"}
    # when
    response = client.post(reverse("core:store_edit", args=[store.pk]), data)
    # then
    store.refresh_from_db()
    assert response.status_code == 400
    assert store.region_id == org.region_a.pk


def test_invalid_store_form_answers_400_and_changes_nothing(client, org):
    # given
    client.force_login(org.users["coo"])
    store = org.stores["a1"]
    # when
    response = client.post(reverse("core:store_edit", args=[store.pk]), {"code": "", "name": ""})
    # then
    assert response.status_code == 400
    assert Store.objects.get(pk=store.pk).name == "上海一店"


def test_deleting_a_store_with_employees_is_refused_with_a_message(client, org):
    # given
    client.force_login(org.users["admin"])
    store = org.stores["a1"]
    # when
    response = client.post(reverse("core:store_delete", args=[store.pk]), follow=True)
    # then
    messages = [str(message) for message in response.context["messages"]]
    assert response.redirect_chain == [(reverse("core:store_detail", args=[store.pk]), 302)]
    assert Store.objects.filter(pk=store.pk).exists()
    assert len(messages) == 1


def test_deleting_an_empty_store_redirects_to_the_list(client, org):
    # given
    client.force_login(org.users["admin"])
    store = StoreFactory(region=org.region_b, code="EMPTY")
    # when
    response = client.post(reverse("core:store_delete", args=[store.pk]))
    # then
    assert response.status_code == 302
    assert response["Location"] == STORE_LIST
    assert Store.objects.filter(pk=store.pk).exists() is False


def test_store_detail_lists_only_employees_in_scope(client, org):
    # given
    client.force_login(org.users["staff"])
    # when
    response = client.get(reverse("core:store_detail", args=[org.stores["a1"].pk]))
    # then
    assert response.status_code == 200
    assert [employee.employee_no for employee in response.context["employees"]] == ["E-A1"]


def test_store_detail_shows_the_attributes_its_stores_file_brought(client, org):
    # given: a store imported with two columns no store field takes; another without any
    store = org.stores["a1"]
    store.attributes = {"StoreType": "c", "CompetitionDistance": "1270"}
    store.save()
    client.force_login(org.users["supervisor"])  # sees a1 and a2
    # when
    response = client.get(reverse("core:store_detail", args=[store.pk]))
    other = client.get(reverse("core:store_detail", args=[org.stores["a2"].pk]))
    # then: listed by name, sorted; no empty card for the other store
    content = response.content.decode()
    assert 'id="store-attributes"' in content
    names = re.findall(r'<th class="w-25 fw-normal text-secondary">([^<]+)</th><td>([^<]+)</td>', content)
    assert names == [("CompetitionDistance", "1270"), ("StoreType", "c")]
    assert other.status_code == 200
    assert 'id="store-attributes"' not in other.content.decode()


def test_store_edit_page_shows_and_saves_attributes_as_name_value_lines(client, org):
    # given: a store its stores file gave two attributes
    client.force_login(org.users["regional_manager"])
    store = org.stores["a2"]
    store.attributes = {"StoreType": "c", "CompetitionDistance": "1270"}
    store.save()
    url = reverse("core:store_edit", args=[store.pk])
    data = {"code": "A2", "name": "杭州一店", "region": org.region_a.pk, "city": "杭州", "format": "supermarket",
            "status": "open"}
    # when: the page is opened, then saved with lines changed, a blank line, a full-width colon and an emptied value
    page = client.get(url)
    response = client.post(url, {**data, "attributes": "StoreType: a\r\nPromoInterval: Jan,Apr,Jul,Oct\r\n\r\n"
                                                      "Assortment：b\r\nCompetitionDistance:\r\n"})
    # then: shown sorted by name; saved without the emptied one
    store.refresh_from_db()
    assert re.search(r'<textarea name="attributes"[^>]*>\s*CompetitionDistance: 1270\nStoreType: c</textarea>',
                     page.content.decode())
    assert response.status_code == 302
    assert store.attributes == {"StoreType": "a", "PromoInterval": "Jan,Apr,Jul,Oct", "Assortment": "b"}


def test_store_edit_page_names_the_line_of_a_bad_attribute_and_changes_nothing(client, org):
    # given
    client.force_login(org.users["regional_manager"])
    store = org.stores["a2"]
    store.attributes = {"StoreType": "c"}
    store.save()
    data = {"code": "A2", "name": "杭州一店", "region": org.region_a.pk, "city": "杭州", "format": "supermarket",
            "status": "open", "attributes": "StoreType a\nZone: N\nZone: S\n: x"}
    # when
    response = client.post(reverse("core:store_edit", args=[store.pk]), data)
    # then
    store.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors["attributes"] == [
        "第 1 行“StoreType a”：应为“名称: 值”。", "第 3 行：属性“Zone”重复。", "第 4 行“: x”：应为“名称: 值”。"]
    assert store.attributes == {"StoreType": "c"}
