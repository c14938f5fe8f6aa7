"""Permission-matrix declarations of the skills area: the kit pages and REST operations of skill families, skills,
position requirements, employee skills, development plans and actions, and the hand-written pages (matrix, gaps,
employee readiness, ladder, succession, plan actions) and API operations.

Catalogue rows are company master data: company A (in scope) or company B (out of scope). Employee-linked rows
follow the employee: store a1 (in scope) or `org.store_for(user, False)` (out of scope).
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from opsdesk.core.testing.factories import EmployeeFactory
from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.people.models import Position
from opsdesk.people.models.skills import (
    DEVELOPMENT_AREA,
    DevelopmentAction,
    DevelopmentPlan,
    EmployeeSkill,
    PositionSkill,
    Skill,
    SkillFamily,
)
from opsdesk.people.specs import skills as specs

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _company(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _family(org, user, in_scope) -> SkillFamily:
    return SkillFamily.objects.create(company=_company(org, user, in_scope), code=f"SF{_next()}", name="矩阵类别")


def _family_data(org, user, family):
    return {"code": family.code if family else f"SFN{_next()}", "name": "运营管理", "description": ""}


def _skill_in(company) -> Skill:
    family = SkillFamily.objects.create(company=company, code=f"SF{_next()}", name="矩阵类别")
    return Skill.objects.create(company=company, family=family, code=f"SK{_next()}", name="矩阵技能")


def _skill(org, user, in_scope) -> Skill:
    return _skill_in(_company(org, user, in_scope))


def _skill_data(org, user, skill):
    family = skill.family if skill else SkillFamily.objects.create(company=org.company, code=f"SF{_next()}",
                                                                   name="数据分析")
    return {"family": family.pk, "code": skill.code if skill else f"SKN{_next()}", "name": "数据报表",
            "description": "", "level_1": "", "level_2": "", "level_3": "", "level_4": "", "level_5": ""}


def _position_in(company, **extra) -> Position:
    return Position.objects.create(company=company, code=f"SP{_next()}", name="矩阵职位", level=2, **extra)


def _position_skill(org, user, in_scope) -> PositionSkill:
    company = _company(org, user, in_scope)
    return PositionSkill.objects.create(position=_position_in(company), skill=_skill_in(company), required_level=3)


def _position_skill_data(org, user, row):
    if row is None:
        return {"position": _position_in(org.company).pk, "skill": _skill_in(org.company).pk, "required_level": "3",
                "weight": "1"}
    return {"position": row.position_id, "skill": row.skill_id, "required_level": "4", "weight": "2"}


def _employee(org, user, in_scope):
    return EmployeeFactory(store=org.store_for(user, in_scope), employee_no=f"SE{_next()}")


def _employee_skill(org, user, in_scope) -> EmployeeSkill:
    employee = _employee(org, user, in_scope)
    return EmployeeSkill.objects.create(employee=employee, skill=_skill_in(employee.company), level=2,
                                        assessed_on=date(2026, 1, 5))


def _employee_skill_data(org, user, row):
    employee = row.employee if row else org.employees["a1"]
    skill = row.skill if row else _skill_in(org.company)
    return {"employee": employee.pk, "skill": skill.pk, "level": "3", "assessed_on": "2026-02-01", "note": ""}


def _plan(org, user, in_scope) -> DevelopmentPlan:
    return DevelopmentPlan.objects.create(employee=_employee(org, user, in_scope), status="active")


def _plan_data(org, user, plan):
    employee = plan.employee if plan else org.employees["a1"]
    return {"employee": employee.pk, "target_position": "", "owner": "", "status": "active", "note": "矩阵"}


def _action(org, user, in_scope) -> DevelopmentAction:
    return DevelopmentAction.objects.create(plan=_plan(org, user, in_scope), kind="skill", description="矩阵行动",
                                            due_date=date(2026, 3, 1))


def _action_data(org, user, action):
    plan = action.plan if action else DevelopmentPlan.objects.create(employee=org.employees["a1"])
    return {"plan": plan.pk, "kind": "mentoring", "description": "导师辅导", "skill": "", "programme": "",
            "due_date": "2026-06-30", "done_on": "", "status": "open"}


def _inline_action_data(org, user, plan):
    data = _action_data(org, user, None)
    data.pop("plan")
    return data


def _employee_with_gap(org, user, in_scope):
    """An employee whose position requires a skill nobody assessed (a row of the gap report and the matrix)."""
    employee = _employee(org, user, in_scope)
    position = _position_in(employee.company)
    PositionSkill.objects.create(position=position, skill=_skill_in(employee.company), required_level=2)
    employee.position = position
    employee.save(update_fields=["position"])
    return employee


def _successor(org, user, in_scope):
    """An employee one step below a key position with no requirements and a long time in role (ready now)."""
    employee = _employee(org, user, in_scope)
    key = _position_in(employee.company, is_key=True)
    employee.position = _position_in(employee.company, next_position=key)
    employee.position_since = date(2015, 1, 1)
    employee.save(update_fields=["position", "position_since"])
    return employee


def _skills_link(employee) -> str:
    return reverse("people:skills_employee", args=[employee.pk])


ROUTES = [
    *spec_routes(specs.skill_family, _family, _family_data),
    *spec_routes(specs.skill, _skill, _skill_data),
    *spec_routes(specs.position_skill, _position_skill, _position_skill_data),
    *spec_routes(specs.employee_skill, _employee_skill, _employee_skill_data),
    *spec_routes(specs.development_plan, _plan, _plan_data),
    *spec_routes(specs.development_action, _action, _action_data),
    Route("people:skills_matrix", "list", area=DEVELOPMENT_AREA, make_object=_employee_with_gap, link=_skills_link),
    Route("people:skills_gaps", "list", area=DEVELOPMENT_AREA, make_object=_employee_with_gap, link=_skills_link),
    Route("people:skills_employee", "detail", area=DEVELOPMENT_AREA, make_object=_employee_with_gap),
    Route("people:skills_ladder", "list", area=DEVELOPMENT_AREA, make_object=_employee_with_gap, link=_skills_link),
    Route("people:skills_succession", "list", area=DEVELOPMENT_AREA, make_object=_successor, link=_skills_link),
    Route("people:developmentplan_action_add", "action", area=DEVELOPMENT_AREA, action="change", make_object=_plan,
          post_data=_inline_action_data, model=DevelopmentAction),
    Route("people:developmentaction_complete", "action", area=DEVELOPMENT_AREA, action="change",
          make_object=_action),
    Route("GET /api/v1/people/employees/{object_id}/readiness/", "api-detail", area=DEVELOPMENT_AREA,
          make_object=_employee_with_gap),
    Route("GET /api/v1/people/skill-gaps/", "api-list", area=DEVELOPMENT_AREA),
    Route("POST /api/v1/people/development-actions/{object_id}/complete/", "api-write", area=DEVELOPMENT_AREA,
          action="change", make_object=_action),
]
