"""The cockpit tiles link lists holding exactly the rows they count; the brief's risk section; response actions
and reviews past due reach the inbox with their owner and due date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from opsdesk.core.extensions import brief_section_functions
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.risks.inbox import PROVIDER
from opsdesk.risks.kpis import brief_section, cockpit_tiles
from opsdesk.risks.models import KeyRiskIndicator, Risk, RiskCategory, RiskControl

TODAY = date(2026, 11, 30)
NOW = timezone.make_aware(datetime(2026, 11, 30, 9))


@pytest.fixture
def register(org):
    """Above appetite (9): a1's 16, a2's 20 (not the store manager's), region A's 12, a published company 15, a closed
    a1 16; within appetite: a1's 16 brought to 8 by a control, a1's 4."""
    category = RiskCategory.objects.create(company=org.company, code="MARKET", name_zh="市场风险", name_en="Market",
                                           appetite=9)
    a1, a2 = org.stores["a1"], org.stores["a2"]

    def risk(code, likelihood, impact, **where):
        return Risk.objects.create(company=org.company, code=code, title=f"风险 {code}", category=category,
                                   likelihood=likelihood, impact=impact, owner=org.users["coo"], **where)

    risk("A1", 4, 4, store=a1, region=a1.region)
    risk("A2", 4, 5, store=a2, region=a2.region)
    risk("RA", 3, 4, region=a1.region)
    risk("CP", 3, 5, is_published_to_stores=True)
    risk("CL", 4, 4, store=a1, region=a1.region, status="closed")
    controlled = risk("CT", 4, 4, store=a1, region=a1.region)
    RiskControl.objects.create(risk=controlled, description="双人复核", kind="mitigating", effectiveness="effective")
    risk("LO", 2, 2, store=a1, region=a1.region)
    return org


@pytest.mark.parametrize(("role", "expected"), [("store_manager", {"A1", "RA", "CP"}),
                                                ("supervisor", {"A1", "A2", "RA", "CP"}),
                                                ("coo", {"A1", "A2", "RA", "CP"})])
def test_the_above_appetite_tile_counts_exactly_the_rows_of_its_linked_list(client, register, role, expected):
    # given
    user = register.users[role]
    # when
    tiles = {tile["label"]: tile for tile in cockpit_tiles(user, TODAY)}
    client.force_login(user)
    listed = client.get(tiles["高于风险偏好的风险"]["url"]).context["table"].data.data
    # then
    assert {risk.code for risk in listed} == expected
    assert tiles["高于风险偏好的风险"]["value"] == str(len(listed)) == str(len(expected))


def test_the_indicators_in_breach_tile_counts_amber_and_red_as_its_list(client, register):
    # given: a red and an amber active indicator, a red inactive one, a green one
    def indicator(name, status, *, active=True):
        created = KeyRiskIndicator.objects.create(company=register.company, name=name, kpi_code="sales_revenue",
                                                  amber=2800, red=2000, is_active=active)
        KeyRiskIndicator.objects.filter(pk=created.pk).update(status=status)
        return created

    counted = {indicator("红", "red").pk, indicator("黄", "amber").pk}
    indicator("停用", "red", active=False)
    indicator("绿", "green")
    coo = register.users["coo"]
    # when
    tiles = {tile["label"]: tile for tile in cockpit_tiles(coo, TODAY)}
    client.force_login(coo)
    listed = client.get(tiles["预警中的风险指标"]["url"]).context["table"].data.data
    # then
    assert {row.pk for row in listed} == counted
    assert tiles["预警中的风险指标"]["value"] == "2"


def test_the_brief_has_a_risk_section_with_the_count_and_the_breaches(register):
    # given
    indicator = KeyRiskIndicator.objects.create(company=register.company, name="周销售额", kpi_code="sales_revenue",
                                                store=register.stores["a1"], amber=2800, red=2000)
    KeyRiskIndicator.objects.filter(pk=indicator.pk).update(status="red", last_value=1750.0, breached_since=TODAY)
    # when
    company = brief_section(register.company.pk, None, TODAY, "zh-hans")
    store = brief_section(register.company.pk, (register.stores["a1"].pk,), TODAY, "zh-hans")
    english = brief_section(register.company.pk, None, TODAY, "en")
    # then: the company counts A1, A2, RA, CP; store a1 counts its own and its region's
    assert brief_section in brief_section_functions()
    assert company.title == "风险"
    assert company.lines[0] == "高于风险偏好的风险 4 项"
    assert store.lines[0] == "高于风险偏好的风险 2 项"
    assert company.lines[1] == "A1 上海一店 · 周销售额 1,750.0 < 2,000.0（超限），自 2026-11-30 起"
    assert len(company.lines) == 2
    assert english.title == "Risk"
    assert english.lines[0] == "Risks above appetite: 4"


def test_an_overdue_response_action_and_review_reach_the_inbox_with_owner_and_due_date(register):
    # given: A1 (above appetite) has an overdue action owned by the store manager, one not yet due, one done;
    # LO's review is overdue
    owner = register.users["store_manager"]
    a1 = Risk.objects.get(code="A1")
    late = a1.actions.create(title="补货流程培训", due_date=TODAY - timedelta(days=2), owner=owner)
    a1.actions.create(title="未到期", due_date=TODAY, owner=owner)
    a1.actions.create(title="已完成", due_date=TODAY - timedelta(days=9), owner=owner, status="done",
                      done_on=TODAY - timedelta(days=9))
    low = Risk.objects.get(code="LO")
    Risk.objects.filter(pk=low.pk).update(next_review_on=TODAY - timedelta(days=1))
    # when
    items = {item.key: item for item in PROVIDER.items_for_user(register.users["supervisor"], NOW)}
    # then
    action, review = items[f"action:{late.pk}"], items[f"review:{low.pk}"]
    assert set(items) == {f"action:{late.pk}", f"review:{low.pk}"}
    assert (action.source_owner_id, action.severity) == (owner.pk, Sev.HIGH)
    assert timezone.localtime(action.due).date() == TODAY - timedelta(days=2)
    assert action.title == "风险应对行动逾期：补货流程培训"
    assert action.detail == f"A1 风险 A1 · 负责人：{owner.display_name} · 截止：2026-11-28"
    assert (review.source_owner_id, review.severity) == (register.users["coo"].pk, Sev.MEDIUM)
    assert timezone.localtime(review.due).date() == TODAY - timedelta(days=1)
    assert review.title == "风险复核逾期：LO 风险 LO"
    assert PROVIDER.item_for_user(register.users["supervisor"], f"action:{late.pk}", NOW).key == f"action:{late.pk}"
