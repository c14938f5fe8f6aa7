"""The audit trail: services and pages write entries with actor, changes and scope ids; the page is scoped."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from opsdesk.core import specs
from opsdesk.core.audit import audit_actor, audit_bulk
from opsdesk.core.models import Store
from opsdesk.core.testing.factories import StoreFactory
from opsdesk.core.testing.org import audit_entry


def _scope_ids(store: Store) -> dict:
    return {"company_id": store.company_id, "region_id": store.region_id, "store_id": store.pk}


def test_store_create_through_the_service_is_audited(org):
    # given
    coo = org.users["coo"]
    # when
    store = specs.store.create(
        actor=coo, data={"code": "N1", "name": "新店", "region": org.region_b, "city": "厦门"}
    )
    # then
    entry = audit_entry(store, LogEntry.Action.CREATE)
    assert entry.actor_id == coo.pk
    assert entry.additional_data == _scope_ids(store)
    assert entry.changes["name"] == [None, "新店"]
    assert entry.changes["city"] == [None, "厦门"]


def test_store_update_through_the_service_records_before_and_after(org):
    # given
    manager = org.users["regional_manager"]
    store = org.stores["a2"]
    # when
    specs.store.update(actor=manager, instance=store, data={"name": "杭州旗舰店", "city": "杭州"})
    # then
    entry = audit_entry(store, LogEntry.Action.UPDATE)
    assert entry.actor_id == manager.pk
    assert entry.changes == {"name": ["杭州一店", "杭州旗舰店"]}
    assert entry.additional_data == _scope_ids(store)


def test_service_keeps_its_actor_after_an_earlier_audit_block_on_the_thread(org):
    # given: an ended block for the same actor (auditlog leaves its context variable set afterwards)
    coo = org.users["coo"]
    with audit_actor(coo):
        pass
    # when
    store = specs.store.update(actor=coo, instance=org.stores["a1"], data={"city": "苏州"})
    # then
    assert audit_entry(store, LogEntry.Action.UPDATE).actor_id == coo.pk


def test_store_delete_through_the_service_is_audited(org):
    # given
    admin = org.users["admin"]
    store = StoreFactory(region=org.region_b, code="GONE")
    ids = _scope_ids(store)
    # when
    specs.store.delete(actor=admin, instance=store)
    # then
    entry = LogEntry.objects.get(object_pk=str(ids["store_id"]), action=LogEntry.Action.DELETE,
                                 content_type__model="store")
    assert Store.objects.filter(pk=ids["store_id"]).exists() is False
    assert entry.actor_id == admin.pk
    assert entry.additional_data == ids


def test_store_edit_page_writes_an_entry_for_the_signed_in_user(client, org):
    # given
    coo = org.users["coo"]
    store = org.stores["b1"]
    client.force_login(coo)
    data = {"code": "B1", "name": "广州旗舰店", "region": org.region_b.pk, "city": "广州", "address": "",
            "opening_date": "", "format": "supermarket", "floor_area": "", "status": "open"}
    # when
    response = client.post(reverse("core:store_edit", args=[store.pk]), data)
    # then
    entry = audit_entry(store, LogEntry.Action.UPDATE)
    assert response.status_code == 302
    assert (entry.actor_id, entry.remote_addr) == (coo.pk, "127.0.0.1")
    assert entry.changes == {"name": ["广州一店", "广州旗舰店"]}
    assert entry.additional_data == _scope_ids(store)


def test_store_add_and_delete_pages_are_audited(client, org):
    # given
    admin = org.users["admin"]
    client.force_login(admin)
    data = {"code": "WEB1", "name": "网页新店", "region": org.region_a.pk, "city": "南京", "format": "convenience",
            "status": "planned"}
    # when
    created = client.post(reverse("core:store_add"), data)
    store = Store.objects.get(company=org.company, code="WEB1")
    deleted = client.post(reverse("core:store_delete", args=[store.pk]))
    # then
    entries = LogEntry.objects.filter(content_type__model="store", object_pk=str(store.pk)).order_by("pk")
    assert (created.status_code, deleted.status_code) == (302, 302)
    assert [(entry.action, entry.actor_id) for entry in entries] == [
        (LogEntry.Action.CREATE, admin.pk), (LogEntry.Action.DELETE, admin.pk)
    ]
    assert entries[1].additional_data == {"company_id": org.company.pk, "region_id": org.region_a.pk,
                                          "store_id": store.pk}


def test_audit_bulk_writes_one_entry_per_changed_row(org):
    # given
    coo = org.users["coo"]
    stores = Store.objects.bulk_create(
        [Store(company=org.company, region=org.region_a, code=f"BULK{n}", name=f"批量 {n}", city="上海")
         for n in range(3)]
    )
    # when
    created = audit_bulk("create", [(None, store) for store in stores], actor=coo)
    before = [Store.objects.get(pk=store.pk) for store in stores]
    after = [Store.objects.get(pk=store.pk) for store in stores]
    after[0].name = "批量改名"
    updated = audit_bulk("update", zip(before, after, strict=True), actor=coo)
    # then
    entries = LogEntry.objects.filter(additional_data__bulk=True).order_by("pk")
    assert (created, updated) == (3, 1)
    assert [(entry.action, entry.object_pk) for entry in entries] == [
        (LogEntry.Action.CREATE, str(stores[0].pk)),
        (LogEntry.Action.CREATE, str(stores[1].pk)),
        (LogEntry.Action.CREATE, str(stores[2].pk)),
        (LogEntry.Action.UPDATE, str(stores[0].pk)),
    ]
    assert entries[3].changes == {"name": ["批量 0", "批量改名"]}
    assert entries[3].additional_data == {**_scope_ids(stores[0]), "bulk": True}
    assert {entry.actor_id for entry in entries} == {coo.pk}


def _listed_entry_ids(response) -> set[int]:
    return {entry.pk for entry in response.context["page"].object_list}


def test_regional_manager_sees_only_entries_of_its_region(client, org):
    # given
    client.force_login(org.users["regional_manager"])
    # when
    response = client.get(reverse("core:audit_list"), {"model": "store"})
    # then
    expected = {audit_entry(org.stores[key], LogEntry.Action.CREATE).pk for key in ("a1", "a2")}
    assert response.status_code == 200
    assert _listed_entry_ids(response) == expected


def test_company_wide_auditor_sees_its_company_and_not_the_other(client, org):
    # given
    client.force_login(org.users["auditor"])
    # when
    response = client.get(reverse("core:audit_list"), {"model": "store"})
    # then
    expected = {audit_entry(org.stores[key], LogEntry.Action.CREATE).pk for key in ("a1", "a2", "b1", "b2")}
    assert _listed_entry_ids(response) == expected


def test_audit_list_filters_by_actor_and_action(client, org):
    # given
    specs.store.update(actor=org.users["coo"], instance=org.stores["b2"], data={"city": "珠海"})
    client.force_login(org.users["admin"])
    # when
    response = client.get(reverse("core:audit_list"), {"actor": "matrix-coo", "action": LogEntry.Action.UPDATE})
    # then
    assert _listed_entry_ids(response) == {audit_entry(org.stores["b2"], LogEntry.Action.UPDATE).pk}


@pytest.mark.parametrize("role", ["supervisor", "store_manager", "staff"])
def test_store_level_roles_have_no_audit_page(client, org, role):
    # given
    client.force_login(org.users[role])
    entry = audit_entry(org.stores["a1"], LogEntry.Action.CREATE)
    # when
    listing = client.get(reverse("core:audit_list"))
    detail = client.get(reverse("core:audit_detail", args=[entry.pk]))
    # then
    assert (listing.status_code, detail.status_code) == (403, 403)


def test_audit_list_answers_htmx_with_the_rows_only(client, org):
    # given
    client.force_login(org.users["admin"])
    # when
    response = client.get(reverse("core:audit_list"), HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "core/_audit_rows.html"
    assert "<html" not in response.content.decode()
