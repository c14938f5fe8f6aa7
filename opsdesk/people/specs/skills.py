"""Kit specs of the skills area: skill families, skills, position requirements (company master data), employee skill
assessments, development plans (actions inline on the detail page) and development actions."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.people.models.skills import (
    DevelopmentAction,
    DevelopmentPlan,
    EmployeeSkill,
    PositionSkill,
    Skill,
    SkillFamily,
)
from opsdesk.people.services import skills as services

skill_family = ObjectSpec(
    SkillFamily, path="skill-families", name="skillfamily", fields=("code", "name", "description"),
    columns=("code", "name"), search_fields=("code", "name"),
)

skill = ObjectSpec(
    Skill, path="skills", name="skill",
    fields=("family", "code", "name", "description", "level_1", "level_2", "level_3", "level_4", "level_5"),
    columns=("code", "name", "family"), search_fields=("code", "name", "description"), filter_fields=("family",),
    select_related=("family",),
)

position_skill = ObjectSpec(
    PositionSkill, path="position-skills", name="positionskill",
    fields=("position", "skill", "required_level", "weight"),
    columns=("position", "skill", "required_level", "weight"), search_fields=("position__name", "skill__name"),
    filter_fields=("position", "skill", "skill__family"), select_related=("position", "skill"),
)

employee_skill = ObjectSpec(
    EmployeeSkill, path="employee-skills", name="employeeskill",
    fields=("employee", "skill", "level", "assessed_on", "note"),
    columns=("employee", "skill", "level", "assessed_on", "assessor"),
    detail_fields=("employee", "skill", "level", "assessed_on", "assessor", "note"),
    search_fields=("employee__name", "employee__employee_no", "skill__name"),
    filter_fields=("employee", "employee__store", "skill", "skill__family", "assessed_on"),
    select_related=("employee", "skill", "assessor"),
    initial=lambda actor: {"assessor": actor},
)


def _plan_context(request, plan):
    from opsdesk.people.views.skills import plan_detail_context

    return plan_detail_context(request, plan)


development_plan = ObjectSpec(
    DevelopmentPlan, path="development-plans", name="developmentplan", fields=services.PLAN_FIELDS,
    columns=("employee", "target_position", "owner", "status", "updated_at"),
    detail_fields=("employee", "target_position", "owner", "status", "note", "created_at", "updated_at"),
    search_fields=("employee__name", "employee__employee_no", "note"),
    filter_fields=("employee__store", "target_position", "owner", "status"),
    assignee_fields=("owner",), select_related=("employee", "target_position", "owner"),
    create_with=services.plan_create, update_with=services.plan_update,
    detail_template="people/skills/plan_detail.html", detail_context=_plan_context,
)

development_action = ObjectSpec(
    DevelopmentAction, path="development-actions", name="developmentaction", fields=services.ACTION_FIELDS,
    columns=("description", "plan", "kind", "skill", "due_date", "status", "done_on"),
    search_fields=("description", "plan__employee__name"),
    filter_fields=("plan", "kind", "status", "due_date"), select_related=("plan__employee", "skill"),
)

ALL = (skill_family, skill, position_skill, employee_skill, development_plan, development_action)
