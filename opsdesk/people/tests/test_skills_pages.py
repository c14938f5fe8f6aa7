"""Gap report (exact rows, export, scope), matrix, ladder, succession, employee page, API, development plans,
the inbox provider of overdue actions and the ready-now KPI."""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opsdesk.core.extensions import KpiScope
from opsdesk.core.testing.factories import EmployeeFactory
from opsdesk.people.models import Position
from opsdesk.people.models.skills import (
    DevelopmentAction,
    DevelopmentPlan,
    EmployeeSkill,
    PositionSkill,
    Skill,
    SkillFamily,
)
from opsdesk.people.selectors.skills import gap_report
from opsdesk.people.services.skills import plan_create
from opsdesk.people.wiring.skills import PROVIDER, ready_now_percent

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org):
    """Positions 店员 -> 主管 with requirements; two clerks at a1, one at b1."""
    company = org.company
    family = SkillFamily.objects.create(company=company, code="CUS", name="客户关系")
    skills = {code: Skill.objects.create(company=company, family=family, code=code, name=name)
              for code, name in (("SVC", "顾客服务"), ("PRD", "商品知识"), ("TEAM", "团队管理"))}
    lead = Position.objects.create(company=company, code="G-LEAD", name="主管", level=2)
    clerk = Position.objects.create(company=company, code="G-CLERK", name="店员", level=1, next_position=lead)
    for position, code, level in ((clerk, "SVC", 2), (clerk, "PRD", 2), (lead, "SVC", 3), (lead, "TEAM", 2)):
        PositionSkill.objects.create(position=position, skill=skills[code], required_level=level)
    first = EmployeeFactory(store=org.stores["a1"], employee_no="G001", name="张三", position=clerk)
    second = EmployeeFactory(store=org.stores["a1"], employee_no="G002", name="李四", position=clerk)
    other = EmployeeFactory(store=org.stores["b1"], employee_no="G003", name="王五", position=clerk)
    for employee, code, level in ((first, "SVC", 3), (first, "PRD", 1), (second, "SVC", 1), (second, "PRD", 2),
                                  (second, "TEAM", 2), (other, "SVC", 1)):
        EmployeeSkill.objects.create(employee=employee, skill=skills[code], level=level, assessed_on=date(2026, 1, 1))
    EmployeeSkill.objects.create(employee=second, skill=skills["SVC"], level=2, assessed_on=date(2026, 2, 1))
    return {"first": first, "second": second, "other": other, "skills": skills, "clerk": clerk, "lead": lead}


def _rows(rows):
    return [(row.employee.employee_no, row.target, row.position.name, row.gap.skill.code, row.gap.required_level,
             row.gap.level, row.gap.shortfall) for row in rows]


def test_gap_report_exact_rows(org, setup):
    # when
    rows = gap_report([setup["second"], setup["first"]])
    # then: G001 short of PRD for the current role, TEAM for the next; G002's newest SVC is 2
    assert _rows(rows) == [
        ("G001", "current", "店员", "PRD", 2, 1, 1),
        ("G001", "next", "主管", "TEAM", 2, 0, 2),
        ("G002", "next", "主管", "SVC", 3, 2, 1),
    ]


def test_gap_page_is_scoped_and_exports(org, setup, login):
    # given: the store manager of a1
    client = login(org.users["store_manager"])
    # when
    page = client.get(reverse("people:skills_gaps"))
    export = client.get(reverse("people:skills_gaps"), {"export": "csv"})
    # then
    content = page.content.decode()
    assert page.status_code == 200
    assert "张三" in content
    assert "王五" not in content
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["工号", "姓名", "门店"]
    assert [line[0] for line in lines[1:]] == ["G001", "G001", "G002"]
    assert [line[7:11] for line in lines[1:]] == [
        ["商品知识", "2", "1", "1"], ["团队管理", "2", "0", "2"], ["顾客服务", "3", "2", "1"]]


def test_gap_page_bad_and_out_of_scope_store(org, setup, login):
    client = login(org.users["store_manager"])
    assert client.get(reverse("people:skills_gaps"), {"store": "abc"}).status_code == 400
    assert client.get(reverse("people:skills_gaps"), {"store": org.stores["b1"].pk}).status_code == 404
    assert client.get(reverse("people:skills_gaps"), {"export": "pdf"}).status_code == 400
    assert client.get(reverse("people:skills_matrix"), {"store": "head-office"}).status_code == 404


def test_gap_export_xlsx(org, setup, login):
    from openpyxl import load_workbook

    response = login(org.users["coo"]).get(reverse("people:skills_gaps"),
                                           {"store": org.stores["a1"].pk, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["G001", "G001", "G002"]
    assert rows[1][8:11] == (2, 1, 1)


def test_matrix_page_colours_levels(org, setup, login):
    # when
    response = login(org.users["supervisor"]).get(reverse("people:skills_matrix"), {"store": org.stores["a1"].pk})
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-employee="G001"' in content
    assert 'data-employee="G003"' not in content
    # G001: SVC 3/2 met, PRD 1/2 one short; G002: SVC 2/2 and PRD 2/2 met, TEAM assessed but not required
    assert content.count("skill-cell tone-short1") == 1
    assert content.count("skill-cell tone-met") == 3
    assert content.count("skill-cell tone-extra") == 1
    assert content.count("skill-cell tone-short2") == 0


def test_employee_page_and_api_readiness(org, setup, login):
    # given
    client = login(org.users["store_manager"])
    # when
    page = client.get(reverse("people:skills_employee", args=[setup["first"].pk]))
    hidden = client.get(reverse("people:skills_employee", args=[setup["other"].pk]))
    api = client.get(f"/api/v1/people/employees/{setup['first'].pk}/readiness/")
    api_hidden = client.get(f"/api/v1/people/employees/{setup['other'].pk}/readiness/")
    # then: next step 主管 needs SVC 3 (has 3) and TEAM 2 (has 0): skills 3/5
    assert page.status_code == 200
    assert hidden.status_code == 404
    assert api_hidden.status_code == 404
    body = api.json()
    assert body["next_position"] == "主管"
    assert [(gap["skill_code"], gap["shortfall"]) for gap in body["gaps"]] == [("SVC", 0), ("TEAM", 2)]
    assert body["parts"][0]["value"] == pytest.approx(0.6)
    assert body["ratings_missing"] is True


def test_api_skill_gaps_scope_and_bad_store(org, setup, login):
    client = login(org.users["store_manager"])
    rows = client.get("/api/v1/people/skill-gaps/").json()
    assert {row["employee_no"] for row in rows} == {"G001", "G002"}
    assert client.get("/api/v1/people/skill-gaps/", {"store": "x"}).status_code == 422
    assert client.get("/api/v1/people/skill-gaps/", {"store": org.stores["b1"].pk}).status_code == 404
    assert login(org.users["staff"]).get("/api/v1/people/skill-gaps/").status_code == 403


def test_ladder_and_succession_pages(org, setup, login):
    # given: 主管 is a key position; G002 has been a clerk since 2015
    Position.objects.filter(pk=setup["lead"].pk).update(is_key=True)
    setup["second"].position_since = date(2015, 1, 1)
    setup["second"].save(update_fields=["position_since"])
    client = login(org.users["supervisor"])
    # when
    ladder = client.get(reverse("people:skills_ladder")).content.decode()
    succession = client.get(reverse("people:skills_succession")).content.decode()
    # then: G002 (SVC 2/3, TEAM 2/2 -> 4/5 = 32; trainings 20; ratings 12.5; time 15) scores 79.5: within a year
    assert "顾客服务 ≥2" in ladder
    assert "张三" in ladder
    assert "王五" not in ladder
    assert 'data-employee="G002"' in succession
    assert "79.5" in succession
    assert "band-ready_in_year" in succession
    assert 'data-employee="G003"' not in succession


def test_pages_render_in_english(org, setup, login):
    client = login(org.users["coo"])
    for name in ("skills_matrix", "skills_gaps", "skills_ladder", "skills_succession"):
        response = client.get(reverse(f"people:{name}"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, name


def test_plan_owner_must_see_the_employee(org, setup):
    # when / then: the a1 store manager cannot own a plan of a b1 employee
    with pytest.raises(ValidationError) as error:
        plan_create(actor=org.users["coo"], data={"employee": setup["other"], "owner": org.users["store_manager"],
                                                  "status": "active"})
    assert "owner" in error.value.message_dict
    assert DevelopmentPlan.objects.count() == 0
    plan = plan_create(actor=org.users["store_manager"], data={"employee": setup["first"], "status": "active"})
    assert plan.owner == org.users["store_manager"]


def test_plan_actions_inline_add_and_complete(org, setup, login):
    # given
    plan = DevelopmentPlan.objects.create(employee=setup["first"], target_position=setup["lead"],
                                          owner=org.users["store_manager"])
    client = login(org.users["store_manager"])
    data = {"kind": "skill", "description": "学习团队排班", "skill": setup["skills"]["TEAM"].pk,
            "due_date": "2026-06-30", "done_on": "", "status": "open", "programme": ""}
    # when
    added = client.post(reverse("people:developmentplan_action_add", args=[plan.pk]), data)
    action = DevelopmentAction.objects.get(plan=plan)
    done = client.post(reverse("people:developmentaction_complete", args=[action.pk]))
    detail = client.get(plan.get_absolute_url())
    # then
    assert added.status_code == 302
    assert done.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", timezone.localdate())
    assert "学习团队排班" in detail.content.decode()
    bad = client.post(reverse("people:developmentplan_action_add", args=[plan.pk]), {**data, "description": ""})
    assert bad.status_code == 400
    assert b"description" in bad.content


def test_inbox_overdue_actions(org, setup):
    # given: one overdue action at a1, one at b1, one not yet due, one done
    now = timezone.make_aware(datetime(2026, 5, 10, 9))
    plans = {key: DevelopmentPlan.objects.create(employee=setup[key], owner=org.users["coo"])
             for key in ("first", "other")}
    late = DevelopmentAction.objects.create(plan=plans["first"], description="逾期", due_date=date(2026, 5, 1))
    DevelopmentAction.objects.create(plan=plans["other"], description="外店逾期", due_date=date(2026, 5, 1))
    DevelopmentAction.objects.create(plan=plans["first"], description="未到期", due_date=date(2026, 6, 1))
    DevelopmentAction.objects.create(plan=plans["first"], description="已完成", due_date=date(2026, 4, 1),
                                     status="done", done_on=date(2026, 4, 1))
    # when
    items = PROVIDER.items_for_user(org.users["store_manager"], now)
    # then
    assert [item.key for item in items] == [f"action:{late.pk}"]
    assert items[0].source_owner_id == org.users["coo"].pk
    assert PROVIDER.item_for_user(org.users["store_manager"], f"action:{late.pk}", now) is not None
    assert PROVIDER.item_for_user(org.users["staff"], f"action:{late.pk}", now) is None
    assert len(PROVIDER.items_for_user(org.users["coo"], now)) == 2


def test_ready_now_kpi(org, setup):
    # given: G002 in role since 2015 and TEAM/SVC met -> ready now; G001 and G003 not
    EmployeeSkill.objects.create(employee=setup["second"], skill=setup["skills"]["SVC"], level=3,
                                 assessed_on=date(2026, 3, 1))
    setup["second"].position_since = date(2015, 1, 1)
    setup["second"].save(update_fields=["position_since"])
    period = (date(2026, 3, 1), date(2026, 3, 31))
    # when / then: 1 of 3 company-wide, 1 of 2 at a1, none at b1
    assert ready_now_percent(KpiScope(org.company.pk), period) == pytest.approx(100 / 3)
    assert ready_now_percent(KpiScope(org.company.pk, (org.stores["a1"].pk,)), period) == 50.0
    assert ready_now_percent(KpiScope(org.company.pk, (org.stores["b1"].pk,)), period) == 0.0
    assert ready_now_percent(KpiScope(org.company.pk, (org.stores["b2"].pk,)), period) is None


def test_cockpit_tile_of_ready_now(org, setup):
    from opsdesk.people.wiring.skills import cockpit_tiles

    # given: nobody is ready now (G002's SVC is 2 of 3 for 主管)
    tiles = cockpit_tiles(org.users["store_manager"], date(2026, 3, 31))
    # then: 0 of 2 at a1; staff get no tile
    assert [(tile["value"], tile["unit"]) for tile in tiles] == [("0.0", "%")]
    assert cockpit_tiles(org.users["staff"], date(2026, 3, 31)) == []


@pytest.mark.parametrize("name", ["skills_matrix", "skills_gaps", "skills_ladder", "skills_succession"])
def test_page_queries_do_not_grow_with_employees(org, setup, login, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given
    client = login(org.users["coo"])
    url = reverse(f"people:{name}")
    Position.objects.filter(pk=setup["lead"].pk).update(is_key=True)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in range(6):
        employee = EmployeeFactory(store=org.stores["a1"], employee_no=f"GX{number}", position=setup["clerk"])
        EmployeeSkill.objects.create(employee=employee, skill=setup["skills"]["SVC"], level=1,
                                     assessed_on=date(2026, 1, 1))
    # when
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    # then
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)


def test_gap_page_defaults_to_the_first_store_and_offers_all(org, setup, login):
    client = login(org.users["coo"])
    first = client.get(reverse("people:skills_gaps")).content.decode()
    every = client.get(reverse("people:skills_gaps"), {"store": "all"}).content.decode()
    assert "张三" in first
    assert "王五" not in first
    assert "王五" in every
