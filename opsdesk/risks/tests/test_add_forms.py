"""Add forms start from what the user is doing: the risk page's "新增" pre-selects the risk, an incident is reported
now at the reporter's only store, a drill scheduled from a plan's page starts on that plan; ids the user cannot
reach are not pre-selected."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.risks.models import EmergencyPlan, Risk, RiskCategory


@pytest.fixture
def risks(org):
    category = RiskCategory.objects.create(company=org.company, code="MX", name_zh="市场风险", name_en="Market")
    mine = Risk.objects.create(company=org.company, store=org.stores["a1"], region=org.stores["a1"].region,
                               code="R1", title="冷柜故障", category=category)
    foreign = Risk.objects.create(company=org.company, store=org.stores["b1"], region=org.stores["b1"].region,
                                  code="R2", title="广州店租金", category=category)
    return mine, foreign


@pytest.mark.parametrize("url_name", ["risks:riskcontrol_add", "risks:riskaction_add", "risks:keyriskindicator_add"])
def test_the_risk_in_the_query_string_is_pre_selected(client, org, risks, url_name):
    # given
    mine, _foreign = risks
    client.force_login(org.users["store_manager"])
    # when
    response = client.get(reverse(url_name), {"risk": mine.pk})
    # then
    assert response.status_code == 200
    assert response.context["form"]["risk"].value() == mine.pk


@pytest.mark.parametrize("raw", ["foreign", "0", "abc", "99999999999999999999"])
def test_a_risk_out_of_reach_or_malformed_is_not_pre_selected(client, org, risks, raw):
    # given
    _mine, foreign = risks
    client.force_login(org.users["store_manager"])
    # when
    response = client.get(reverse("risks:riskcontrol_add"), {"risk": foreign.pk if raw == "foreign" else raw})
    # then
    assert response.status_code == 200
    assert response.context["form"]["risk"].value() is None


def test_an_incident_is_reported_now_at_the_reporters_only_store(client, org, monkeypatch):
    # given
    client.force_login(org.users["store_manager"])
    now = timezone.make_aware(datetime(2026, 11, 30, 14, 37, 52))
    monkeypatch.setattr(timezone, "now", lambda: now)
    # when
    response = client.get(reverse("risks:incident_add"))
    # then: the phone's date-time picker shows now, to the minute; the store is theirs
    form = response.context["form"]
    assert form["store"].value() == org.stores["a1"].pk
    assert form["occurred_at"].value() == datetime(2026, 11, 30, 14, 37)  # local time, as the browser shows it
    html = str(form["occurred_at"])
    assert 'type="datetime-local"' in html
    assert f'value="{timezone.localtime(now):%Y-%m-%dT%H:%M}"' in html


def test_a_user_with_several_stores_chooses_the_store(client, org):
    # given
    client.force_login(org.users["supervisor"])
    # when
    form = client.get(reverse("risks:incident_add")).context["form"]
    # then
    assert form["store"].value() is None
    assert form["occurred_at"].value() is not None


def test_a_drill_scheduled_from_a_plan_starts_on_that_plan_and_store(client, org):
    # given
    plan = EmergencyPlan.objects.create(company=org.company, store=org.stores["a1"], scenario="fire", title="火灾",
                                        steps="报警")
    client.force_login(org.users["supervisor"])
    # when
    page = client.get(plan.get_absolute_url())
    form = client.get(reverse("risks:drill_add"), {"plan": plan.pk, "store": plan.store_id}).context["form"]
    # then
    assert f'{reverse("risks:drill_add")}?plan={plan.pk}&amp;store={plan.store_id}' in page.content.decode()
    assert (form["plan"].value(), form["store"].value()) == (plan.pk, plan.store_id)


def test_the_new_control_and_action_links_show_only_to_who_may_change_the_risk(client, org, risks):
    # given
    mine, _foreign = risks
    # when
    client.force_login(org.users["store_manager"])
    manager_page = client.get(mine.get_absolute_url()).content.decode()
    client.force_login(org.users["auditor"])
    auditor_page = client.get(mine.get_absolute_url()).content.decode()
    # then
    assert 'id="riskcontrol-add"' in manager_page
    assert 'id="riskaction-add"' in manager_page
    assert 'id="riskcontrol-add"' not in auditor_page
    assert 'id="riskaction-add"' not in auditor_page


def test_a_control_is_offered_only_risks_the_user_may_change(client, org, risks):
    # given: a company risk published to stores, which a store manager reads but may not change
    mine, _foreign = risks
    company_risk = Risk.objects.create(company=org.company, code="C1", title="法规变化", category=mine.category,
                                       is_published_to_stores=True)
    client.force_login(org.users["store_manager"])
    # when
    form = client.get(reverse("risks:riskcontrol_add"), {"risk": company_risk.pk}).context["form"]
    refused = client.post(reverse("risks:riskcontrol_add"), {"risk": company_risk.pk, "description": "复核",
                                                            "kind": "mitigating", "effectiveness": "effective"})
    # then: not offered, not pre-selected, and a forged post is a form error that changes nothing
    assert list(form.fields["risk"].queryset) == [mine]
    assert form["risk"].value() is None
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["risk"]
    assert not company_risk.controls.exists()
