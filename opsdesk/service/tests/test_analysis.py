"""The service analysis page: scoped figures for a small fixture, filters, and a bounded number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from opsdesk.engine.text import frequent_terms
from opsdesk.service.choices import TicketPriorityChoices, TicketStatusChoices, TicketTypeChoices
from opsdesk.service.models import TicketCategory
from opsdesk.service.tests.test_kpis import at, csat_fixture, make_responses, make_ticket

Q1 = {"from": "2026-01", "to": "2026-03"}
A1_TEXTS = ["冷柜温度太高，酸奶变质", "收银台排队太久", "货架上的面包过期了"]
A1_REASONS = ["收银排队太久", "排队时间长，但是店员热情"]


def analysis_fixture(org) -> None:
    """a1: 7 tickets (4 complaints), 3 resolved (2 on time), CSAT [5,4,3,1], NPS [10,9,8,6,0]; b1: other figures."""
    a1, b1 = org.stores["a1"], org.stores["b1"]
    hygiene = TicketCategory.objects.create(company=org.company, code="hygiene-test", name_zh="卫生",
                                            name_en="Hygiene")
    for day, text in zip((5, 12, 20), A1_TEXTS, strict=True):
        make_ticket(a1, received=at(day, 12), type=TicketTypeChoices.COMPLAINT, category=hygiene, title=text)
    make_ticket(a1, received=at(6, 12), type=TicketTypeChoices.SUGGESTION, title="希望增加自助结账")
    resolved = {"priority": TicketPriorityChoices.URGENT, "status": TicketStatusChoices.RESOLVED,
                "type": TicketTypeChoices.INQUIRY}
    make_ticket(a1, received=at(2, 10), first_response_at=at(2, 10, 20), resolved_at=at(2, 12), title="营业时间",
                **resolved)
    make_ticket(a1, received=at(2, 10), first_response_at=at(2, 10, 45), resolved_at=at(2, 11), title="会员积分",
                **resolved)  # first response 45 of 30 minutes: missed
    csat_fixture(a1, [5, 4, 3, 1], answered=at(10, 12))  # one closed complaint, resolved within its target
    make_responses(a1, [10, 9, 8, 6, 0], submitted=at(15, 18), reasons=A1_REASONS)
    make_ticket(a1, received=at(1, 0, month=4), title="四月的工单")  # after the range
    for _number in range(5):
        make_ticket(b1, received=at(7, 12), type=TicketTypeChoices.COMPLAINT, title="广州专属问题")
    csat_fixture(b1, [1], answered=at(10, 12))
    make_responses(b1, [0, 0], submitted=at(15, 18), reasons=["广州专属理由"])


def test_store_manager_sees_only_their_stores_figures(org, login, django_assert_max_num_queries):
    # given
    analysis_fixture(org)
    client = login(org.users["store_manager"])
    # when
    with django_assert_max_num_queries(25):  # 22 today (session, menu, scope, ~10 aggregates): not per ticket
        response = client.get(reverse("service:analysis"), Q1)
    # then
    page = response.content.decode()
    analysis = response.context["analysis"]
    assert response.status_code == 200
    assert analysis["summary"] == {"tickets": 7, "complaints": 4, "resolved": 3, "sla_pct": 66.7, "csat_answers": 4,
                                   "csat_pct": 50.0, "nps_responses": 5, "nps": 0.0}
    assert analysis["categories"] == [{"category": "未分类", "count": 4}, {"category": "卫生", "count": 3}]
    assert analysis["complaints_by_store"] == [{"store__code": "A1", "store__name": "上海一店", "n": 4}]
    assert analysis["store_months"] == [{"store": "A1 上海一店", "month": date(2026, 3, 1), "csat_pct": 50.0,
                                         "csat_answers": 4, "nps": 0.0, "nps_responses": 5}]
    assert analysis["terms"] == frequent_terms(
        [*A1_TEXTS, "希望增加自助结账", "营业时间", "会员积分", *[f"{title}\n" for title in _csat_titles(org)],
         *A1_REASONS], top=30)
    weekly = analysis["charts"]["weekly-chart"]["data"]
    assert sum(sum(trace["y"]) for trace in weekly) == 7
    assert analysis["charts"]["nps-chart"]["data"][0]["z"] == [[None, None, 0.0]]
    assert 'id="sum-tickets">7<' in page
    assert 'id="sum-sla">66.7%<' in page
    assert "上海一店" in page
    assert "广州" not in page


def _csat_titles(org) -> list[str]:
    from opsdesk.service.models import Ticket

    return list(Ticket.objects.filter(store=org.stores["a1"], csat_requests__isnull=False).distinct()
                .values_list("title", flat=True))


def test_out_of_scope_store_filter_is_ignored_and_in_scope_filters_narrow(org, login):
    # given
    analysis_fixture(org)
    manager = login(org.users["store_manager"])
    # when
    foreign = manager.get(reverse("service:analysis"), {**Q1, "store": org.stores["b1"].pk}).context["analysis"]
    coo = login(org.users["coo"])
    everything = coo.get(reverse("service:analysis"), Q1).context["analysis"]
    region_b = coo.get(reverse("service:analysis"), {**Q1, "region": org.region_b.pk}).context["analysis"]
    february = coo.get(reverse("service:analysis"), {"from": "2026-02", "to": "2026-02"}).context["analysis"]
    # then
    assert foreign["summary"]["tickets"] == 7
    assert everything["summary"]["tickets"] == 13
    assert everything["summary"]["nps"] == pytest.approx((2 - 4) * 100 / 7, abs=0.05)
    assert region_b["summary"] == {"tickets": 6, "complaints": 6, "resolved": 1, "sla_pct": 100.0,
                                   "csat_answers": 1, "csat_pct": 0.0, "nps_responses": 2, "nps": -100.0}
    assert february["summary"]["tickets"] == 0


def test_default_range_is_the_last_twelve_months(org, login):
    response = login(org.users["staff"]).get(reverse("service:analysis"))
    filters = response.context["filters"]
    assert response.status_code == 200
    assert len(filters.months) == 12
    assert filters.end == date.today().replace(day=1)


def test_people_without_the_service_area_are_refused(org, login):
    response = login(org.users["supplier"]).get(reverse("service:analysis"))
    assert response.status_code == 403
