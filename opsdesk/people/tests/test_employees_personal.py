"""Personal data of employees: clear for HR and the employee themself, masked for every other role in the profile
page, the list, the CSV/XLSX exports, the REST API and the audit trail; every clear read audited; only HR (and the
administrator, blind) writes it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from opsdesk.core.testing.org import ROLES
from opsdesk.people.models import Employee
from opsdesk.people.selectors.employees import can_read_personal, mask, personal_value

CLEAR = {"phone": "13812345678", "id_number": "310101199001011234", "address": "上海市徐汇区漕溪北路 88 号",
         "salary_band": "门店 B 档三级"}
MASKED = {"phone": "138****5678", "id_number": "3101**********1234", "address": "***", "salary_band": "***"}
VIEWERS = [role for role in ROLES if role != "supplier"]
NOT_HR = [role for role in VIEWERS if role != "hr"]


@pytest.fixture
def person(org) -> Employee:
    """Employee E-A1 (store a1, in everyone's scope) with personal data."""
    employee = org.employees["a1"]
    Employee.objects.filter(pk=employee.pk).update(**CLEAR)
    employee.refresh_from_db()
    return employee


@pytest.fixture
def own_user(org, person):
    """A staff account linked to E-A1: the employee themself."""
    from opsdesk.core.testing.factories import make_user

    user = make_user("staff", company=org.company, username="e-a1-self", stores=[org.stores["a1"]])
    Employee.objects.filter(pk=person.pk).update(user=user)
    person.refresh_from_db()
    return user


def _access_entries(employee):
    return LogEntry.objects.get_for_object(employee).filter(action=LogEntry.Action.ACCESS).order_by("pk")


def test_mask_formats():
    # given / when / then
    assert [mask(name, value) for name, value in CLEAR.items()] == list(MASKED.values())
    assert (mask("phone", ""), mask("phone", "12345"), mask("id_number", "A123")) == ("", "***", "***")


@pytest.mark.parametrize("role", ROLES)
def test_personal_value_by_role(org, person, role):
    # given
    user = org.users[role]
    # when
    shown = {name: personal_value(user, person, name) for name in CLEAR}
    # then: HR reads in clear, every other role (the administrator included) masked
    assert shown == (CLEAR if role == "hr" else MASKED)
    assert can_read_personal(user, person) is (role == "hr")


def test_the_employee_reads_their_own_data(org, person, own_user):
    # given / when
    shown = {name: personal_value(own_user, person, name) for name in CLEAR}
    other = org.employees["a2"]
    # then: their own in clear, a colleague's not
    assert shown == CLEAR
    assert can_read_personal(own_user, other) is False


def test_hr_outside_their_scope_reads_nothing(org, person):
    # given: an HR user limited to region B
    from opsdesk.core.testing.factories import make_user

    hr_south = make_user("hr", company=org.company, username="hr-south", regions=[org.region_b])
    # when / then: E-A1 (region A) is not theirs: masked (and not even listed)
    assert personal_value(hr_south, person, "phone") == MASKED["phone"]


@pytest.mark.parametrize("role", VIEWERS)
def test_profile_page_masks_for_all_but_hr_and_audits_clear_reads(org, login, person, role):
    # given
    client = login(org.users[role])
    # when
    response = client.get(reverse("people:employee_detail", args=[person.pk]))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    expected, hidden = (CLEAR, MASKED) if role == "hr" else (MASKED, CLEAR)
    for name in CLEAR:
        assert expected[name] in content
        if hidden[name] != expected[name]:
            assert hidden[name] not in content
    entries = list(_access_entries(person))
    if role == "hr":
        assert [(entry.actor, entry.additional_data["fields"], entry.additional_data["channel"])
                for entry in entries] == [(org.users["hr"], sorted(CLEAR), "page")]
    else:
        assert entries == []


def test_profile_page_of_the_employee_themself_is_clear_and_audited(login, person, own_user):
    # given
    client = login(own_user)
    # when
    content = client.get(reverse("people:employee_detail", args=[person.pk])).content.decode()
    # then
    assert all(value in content for value in CLEAR.values())
    assert [(entry.actor, entry.additional_data["fields"]) for entry in _access_entries(person)] == [
        (own_user, sorted(CLEAR))]


@pytest.mark.parametrize("role", VIEWERS)
def test_list_page_masks_the_phone(org, login, person, role):
    # given
    client = login(org.users[role])
    # when
    content = client.get(reverse("people:employee_list"), {"q": person.employee_no}).content.decode()
    # then
    assert (CLEAR["phone"] in content) is (role == "hr")
    assert (MASKED["phone"] in content) is (role != "hr")
    assert _access_entries(person).count() == (1 if role == "hr" else 0)


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _export_personal(rows: list[dict], employee_no: str) -> list[str]:
    row = next(row for row in rows if employee_no in row.values())
    return [value for value in row.values() if value in set(CLEAR.values()) | set(MASKED.values())]


@pytest.mark.parametrize("role", VIEWERS)
def test_csv_export_masks_for_all_but_hr(org, login, person, role):
    # given
    client = login(org.users[role])
    # when
    response = client.get(reverse("people:employee_list"), {"q": person.employee_no, "export": "csv"})
    # then: the four personal columns, clear for HR only; the HR export is audited
    assert response.status_code == 200
    values = _export_personal(_csv_rows(response), person.employee_no)
    assert values == list((CLEAR if role == "hr" else MASKED).values())
    entries = list(_access_entries(person))
    assert [entry.additional_data["channel"] for entry in entries] == (["export"] if role == "hr" else [])


@pytest.mark.parametrize("role", ["hr", "coo"])
def test_xlsx_export_masks_for_all_but_hr(org, login, person, role):
    # given
    client = login(org.users[role])
    # when
    response = client.get(reverse("people:employee_list"), {"q": person.employee_no, "export": "xlsx"})
    # then
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    expected, hidden = (CLEAR, MASKED) if role == "hr" else (MASKED, CLEAR)
    assert set(expected.values()) <= cells
    assert not (set(hidden.values()) - set(expected.values())) & cells


@pytest.mark.parametrize("role", VIEWERS)
def test_api_detail_and_list_mask_for_all_but_hr(org, login, person, role):
    # given
    client = login(org.users[role])
    # when
    detail = client.get(f"/api/v1/people/employees/{person.pk}/").json()
    listed = client.get("/api/v1/people/employees/", {"q": person.employee_no}).json()["items"]
    # then
    expected = CLEAR if role == "hr" else MASKED
    assert {name: detail[name] for name in CLEAR} == expected
    assert [{name: item[name] for name in CLEAR} for item in listed] == [expected]
    channels = [entry.additional_data["channel"] for entry in _access_entries(person)]
    assert channels == (["api", "api"] if role == "hr" else [])


def test_api_of_the_employee_themself_is_clear(login, person, own_user):
    # given
    client = login(own_user)
    # when
    detail = client.get(f"/api/v1/people/employees/{person.pk}/").json()
    # then
    assert {name: detail[name] for name in CLEAR} == CLEAR
    assert _access_entries(person).count() == 1


@pytest.mark.parametrize("role", ["store_manager", "regional_manager", "supervisor", "coo"])
def test_only_hr_writes_personal_fields(org, login, person, role):
    # given
    client = login(org.users[role])
    # when
    response = client.patch(f"/api/v1/people/employees/{person.pk}/", json.dumps({"phone": "13900000000"}),
                            content_type="application/json")
    # then: 422 naming the field, nothing changed
    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "phone"]]
    person.refresh_from_db()
    assert person.phone == CLEAR["phone"]


@pytest.mark.parametrize(("role", "shown"), [("hr", "13900000000"), ("admin", "139****0000")])
def test_hr_and_admin_write_personal_fields(org, login, person, role, shown):
    # given
    client = login(org.users[role])
    # when
    response = client.patch(f"/api/v1/people/employees/{person.pk}/", json.dumps({"phone": "13900000000"}),
                            content_type="application/json")
    # then: written; the administrator writes blind (the answer is masked)
    assert response.status_code == 200
    assert response.json()["phone"] == shown
    person.refresh_from_db()
    assert person.phone == "13900000000"


@pytest.mark.parametrize(("role", "has_fields"), [("hr", True), ("store_manager", False), ("admin", False)])
def test_edit_form_offers_personal_fields_to_hr_only(org, login, person, role, has_fields):
    # given
    client = login(org.users[role])
    # when
    content = client.get(reverse("people:employee_edit", args=[person.pk])).content.decode()
    # then
    assert ('name="id_number"' in content) is has_fields
    assert (CLEAR["id_number"] in content) is has_fields
    assert [entry.additional_data["channel"] for entry in _access_entries(person)] == (["edit"] if has_fields
                                                                                         else [])


@pytest.mark.parametrize("role", ["coo", "auditor", "regional_manager", "admin", "hr"])
def test_audit_trail_never_holds_personal_data_in_clear(org, login, person, role):
    # given: HR changes the phone and the address through the API
    login(org.users["hr"]).patch(f"/api/v1/people/employees/{person.pk}/",
                                 json.dumps({"phone": "13900001111", "address": "杭州市西湖区"}),
                                 content_type="application/json")
    entry = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.UPDATE)
    # when: an audit reader opens the trail and the entry
    client = login(org.users[role])
    listing = client.get(reverse("core:audit_list"), {"model": "employee"}).content.decode()
    detail = client.get(reverse("core:audit_detail", args=[entry.pk])).content.decode()
    # then: the trail stored the change masked, so every audit page shows it masked
    assert entry.changes_dict["phone"] == ["138****5678", "139****1111"]
    assert entry.changes_dict["address"] == ["***", "***"]
    for page in (listing, detail):
        for clear in ("13812345678", "13900001111", "杭州市西湖区", CLEAR["address"]):
            assert clear not in page
    assert "139****1111" in detail
