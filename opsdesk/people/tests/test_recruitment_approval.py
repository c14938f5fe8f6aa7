"""Requisitions: who approves what (the next level above the requester, who sees the store), self-approval refused,
head office for company-wide users only, submit/reject/resubmit, and the approvals waiting in the inbox."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from opsdesk.core.testing.factories import make_user
from opsdesk.people.models import Position
from opsdesk.people.models.recruitment import Requisition
from opsdesk.people.services import recruitment as services
from opsdesk.people.wiring.recruitment import PROVIDER

APPROVERS = ("supervisor", "regional_manager", "coo", "hr")
#: Requester role -> the approver roles (of the shared organisation) that may approve their requisition at a1.
EXPECTED = {
    "store_manager": {"supervisor", "regional_manager"},
    "supervisor": {"regional_manager"},
    "regional_manager": {"coo", "hr"},
    "coo": {"hr"},  # the COO's own request goes to the other top-level approver, never to themself
    "hr": {"coo"},
}


def _position(org) -> Position:
    return Position.objects.create(company=org.company, code=f"RA{Position.objects.count() + 1}", name="收银员",
                                   level=1)


def _pending(org, requester: str, store="a1") -> Requisition:
    return Requisition.objects.create(company=org.company, store=org.stores[store] if store else None,
                                      position=_position(org), headcount=1, requested_by=org.users[requester],
                                      status="pending", submitted_at=timezone.now())


@pytest.mark.parametrize("requester", sorted(EXPECTED))
def test_only_the_next_level_above_the_requester_may_approve(org, requester):
    # given
    requisition = _pending(org, requester)
    # when
    allowed = {role for role in APPROVERS if services.can_approve(org.users[role], requisition)}
    listed = {user.role for user in services.approvers_for(requisition)}
    # then
    assert allowed == EXPECTED[requester]
    assert listed == EXPECTED[requester]


def test_a_requester_never_approves_their_own_requisition(org):
    # given: the regional manager asks; regional managers approve supervisors' requests, never their own
    requisition = _pending(org, "regional_manager")
    # when
    with pytest.raises(ValidationError) as raised:
        services.requisition_approve(actor=org.users["regional_manager"], requisition=requisition)
    # then
    assert raised.value.message_dict == {"approver": ["不能审批自己提交的招聘需求。"]}
    requisition.refresh_from_db()
    assert (requisition.status, requisition.approver_id, requisition.approved_at) == ("pending", None, None)


def test_a_level_too_high_is_refused_and_changes_nothing(org):
    # given: a store manager's requisition goes to the supervisor or regional manager, not the COO
    requisition = _pending(org, "store_manager")
    # when
    with pytest.raises(ValidationError) as raised:
        services.requisition_approve(actor=org.users["coo"], requisition=requisition)
    # then
    assert raised.value.message_dict == {"approver": ["该招聘需求应由申请人的上一级审批。"]}
    assert Requisition.objects.get(pk=requisition.pk).status == "pending"


def test_an_approver_must_see_the_store(org):
    # given: a store manager of b1 asks; the org's supervisor covers a1 and a2 only
    manager_b1 = make_user("store_manager", company=org.company, username="sm-b1", stores=[org.stores["b1"]])
    requisition = Requisition.objects.create(company=org.company, store=org.stores["b1"], position=_position(org),
                                             requested_by=manager_b1, status="pending")
    # when / then
    assert not services.can_approve(org.users["supervisor"], requisition)
    with pytest.raises(PermissionDenied):
        services.requisition_approve(actor=org.users["supervisor"], requisition=requisition)
    assert services.can_approve(org.users["coo"], requisition) is False  # too high a level
    assert [user.username for user in services.approvers_for(requisition)] == []  # nobody covers b1 in this org


def test_submit_approve_reject_and_resubmit(org):
    # given: the store manager asks for two cashiers at a1
    manager, supervisor = org.users["store_manager"], org.users["supervisor"]
    requisition = services.requisition_create(actor=manager, data={
        "store": org.stores["a1"], "position": _position(org), "headcount": 2, "reason": "growth"})
    # when: submitted, rejected with a note, changed, resubmitted and approved
    services.requisition_submit(actor=manager, requisition=requisition)
    with pytest.raises(ValidationError) as no_note:
        services.requisition_reject(actor=supervisor, requisition=requisition, note=" ")
    services.requisition_reject(actor=supervisor, requisition=requisition, note="人数过多")
    services.requisition_update(actor=manager, instance=requisition, data={"headcount": 1})
    services.requisition_submit(actor=manager, requisition=requisition)
    services.requisition_approve(actor=supervisor, requisition=requisition, note="同意")
    # then
    requisition.refresh_from_db()
    assert no_note.value.message_dict == {"decision_note": ["驳回时请填写审批意见。"]}
    assert (requisition.status, requisition.headcount, requisition.approver, requisition.decision_note) == (
        "approved", 1, supervisor, "同意")
    assert requisition.requested_by == manager
    assert requisition.approved_at == requisition.decided_at
    with pytest.raises(ValidationError):  # approved: frozen
        services.requisition_update(actor=manager, instance=requisition, data={"headcount": 3})


def test_head_office_requisitions_are_for_company_wide_users(org):
    # given
    position = _position(org)
    # when
    with pytest.raises(ValidationError) as raised:
        services.requisition_create(actor=org.users["regional_manager"], data={"position": position})
    head_office = services.requisition_create(actor=org.users["hr"], data={"position": position, "store": None})
    # then
    assert raised.value.message_dict == {"store": ["请选择门店（只有公司级用户可以提总部的招聘需求）。"]}
    assert head_office.store is None
    assert not Requisition.objects.for_user(org.users["regional_manager"]).filter(pk=head_office.pk).exists()
    assert Requisition.objects.for_user(org.users["coo"]).filter(pk=head_office.pk).exists()


def test_approval_page_shows_the_buttons_to_the_approver_only_and_posts(client, org):
    # given
    requisition = _pending(org, "store_manager")
    url = requisition.get_absolute_url()
    # when
    client.force_login(org.users["regional_manager"])
    approver_page = client.get(url).content.decode()
    client.force_login(org.users["store_manager"])
    requester_page = client.get(url).content.decode()
    client.force_login(org.users["supervisor"])
    response = client.post(reverse("people:requisition_approve", args=[requisition.pk]), {"note": "同意招两人"})
    # then
    assert 'id="requisition-approve"' in approver_page
    assert 'id="requisition-approve"' not in requester_page
    assert response.status_code == 302
    requisition.refresh_from_db()
    assert (requisition.status, requisition.approver, requisition.decision_note) == (
        "approved", org.users["supervisor"], "同意招两人")


def test_approval_api_refuses_self_approval_with_422_naming_the_field(client, org):
    # given
    requisition = _pending(org, "hr", store=None)
    client.force_login(org.users["hr"])
    # when
    response = client.post(f"/api/v1/people/requisitions/{requisition.pk}/approve/", {"note": ""},
                           content_type="application/json")
    # then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "approver"]
    assert Requisition.objects.get(pk=requisition.pk).status == "pending"


def test_inbox_lists_the_requisitions_waiting_for_the_user(org):
    # given
    mine = _pending(org, "store_manager")
    _pending(org, "regional_manager")  # for the COO or HR
    now = timezone.now()
    # when
    supervisor_keys = [item.key for item in PROVIDER.items_for_user(org.users["supervisor"], now)]
    manager_keys = [item.key for item in PROVIDER.items_for_user(org.users["store_manager"], now)]
    # then
    assert supervisor_keys == [f"approve:{mine.pk}"]
    assert manager_keys == []
    assert PROVIDER.item_for_user(org.users["supervisor"], f"approve:{mine.pk}", now).link == mine.get_absolute_url()
    assert PROVIDER.item_for_user(org.users["coo"], f"approve:{mine.pk}", now) is None
