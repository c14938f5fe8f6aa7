"""Writes of the skills area: the preloaded operations ladder and skill families (`ladder_seed`), skill
assessments, development plans (owner checked against the employee's store) and their actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit import services as kit
from opsdesk.core.kit.guards import assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.people.models.skills import (
    DEVELOPMENT_AREA,
    ActionStatusChoices,
    DevelopmentAction,
    DevelopmentPlan,
    EmployeeSkill,
    PositionSkill,
    Skill,
    SkillFamily,
)

#: The supervisor's skill families: (code, name, [(skill code, skill name), ...]). The ladder's named skills
#: (团队管理, 流程优化, 战略规划, 财务分析, 组织领导, 业务发展, 高级决策制定, 市场洞察) each belong to one family.
SKILL_FAMILIES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("OPS", "运营管理", (("PROCESS_OPT", "流程优化"), ("OPS_EXEC", "运营执行"), ("STORE_INSPECTION", "门店巡检"),
                       ("STRATEGY", "战略规划"))),
    ("DATA", "数据分析", (("DATA_REPORTING", "数据报表"), ("SALES_ANALYSIS", "销售分析"),
                        ("MARKET_INSIGHT", "市场洞察"))),
    ("TEAM", "团队管理", (("TEAM_MGMT", "团队管理"), ("LEADERSHIP", "组织领导"), ("COACHING", "人才培养"))),
    ("CUSTOMER", "客户关系", (("CUSTOMER_SERVICE", "顾客服务"), ("COMPLAINT_HANDLING", "投诉处理"),
                            ("MEMBERSHIP", "会员运营"))),
    ("FINANCE", "财务知识", (("FIN_ANALYSIS", "财务分析"), ("BUDGETING", "预算管理"), ("COST_CONTROL", "成本控制"))),
    ("RISK", "风险防控", (("FOOD_SAFETY", "食品安全"), ("SHRINK_CONTROL", "损耗防控"), ("COMPLIANCE", "合规管理"))),
    ("ADAPT", "应变能力", (("EMERGENCY", "应急处置"), ("PROBLEM_SOLVING", "问题解决"),
                         ("DECISION_MAKING", "高级决策制定"))),
    ("INDUSTRY", "行业知识", (("PRODUCT_KNOWLEDGE", "商品知识"), ("RETAIL_TRENDS", "零售趋势"),
                            ("BIZ_DEV", "业务发展"))),
    ("PROJECT", "项目管理", (("PROJECT_PLANNING", "项目计划"), ("COLLABORATION", "跨部门协作"),
                           ("CHANGE_MGMT", "变革推动"))),
)

#: Generic level descriptions every seeded skill starts with (a company may rewrite them per skill).
LEVEL_TEXTS = ("了解基本概念，需要指导", "能独立完成常规工作", "能熟练处理复杂情况", "能指导他人并改进方法",
               "公司内的标杆，能制定标准")

#: The operations ladder of the seed: (code, name, level, is_key, [(skill code, required level), ...]); each step
#: leads to the next. 运营助理 needs the basics at 2; from 运营主管 on a step requires its own named skills at 3
#: (4 at the top) and, from 运营经理 on, the previous step's named skills one level higher.
OPERATIONS_LADDER: tuple[tuple[str, str, int, bool, tuple[tuple[str, int], ...]], ...] = (
    ("OPS-ASSISTANT", "运营助理", 1, False, (("OPS_EXEC", 2), ("DATA_REPORTING", 2))),
    ("OPS-SUPERVISOR", "运营主管", 2, False, (("TEAM_MGMT", 3), ("PROCESS_OPT", 3))),
    ("OPS-MANAGER", "运营经理", 3, True, (("STRATEGY", 3), ("FIN_ANALYSIS", 3), ("TEAM_MGMT", 4),
                                       ("PROCESS_OPT", 4))),
    ("OPS-DIRECTOR", "运营总监", 4, True, (("LEADERSHIP", 3), ("BIZ_DEV", 3), ("STRATEGY", 4), ("FIN_ANALYSIS", 4))),
    ("OPS-COO", "首席运营官", 5, True, (("DECISION_MAKING", 4), ("MARKET_INSIGHT", 4), ("LEADERSHIP", 4),
                                     ("BIZ_DEV", 4))),
)
LADDER_TRACK = "ops_management"


def skill_catalogue_seed(*, company) -> dict[str, int]:
    """Create the supervisor's skill families and their skills for a company (idempotent); returns counts created."""
    created = {"families": 0, "skills": 0}
    with transaction.atomic():
        for family_code, family_name, skills in SKILL_FAMILIES:
            family, made = SkillFamily.objects.get_or_create(company=company, code=family_code,
                                                             defaults={"name": family_name})
            created["families"] += made
            for skill_code, skill_name in skills:
                levels = {f"level_{index}": text for index, text in enumerate(LEVEL_TEXTS, start=1)}
                _skill, made = Skill.objects.get_or_create(company=company, code=skill_code,
                                                           defaults={"family": family, "name": skill_name, **levels})
                created["skills"] += made
    return created


def ladder_seed(*, company) -> dict[str, int]:
    """Preload the seed's operations ladder (运营助理 -> ... -> 首席运营官) as positions with next-position links
    and required skills, plus the skill families (idempotent: a second call creates nothing and keeps edits)."""
    from opsdesk.people.models import Position

    created = skill_catalogue_seed(company=company)
    created.update(positions=0, requirements=0)
    skills = {skill.code: skill for skill in Skill.objects.filter(company=company)}
    with transaction.atomic():
        previous = None
        for code, name, level, is_key, requirements in OPERATIONS_LADDER:
            position, made = Position.objects.get_or_create(
                company=company, code=code,
                defaults={"name": name, "level": level, "track": LADDER_TRACK, "is_key": is_key})
            created["positions"] += made
            if previous is not None and previous.next_position_id is None:
                previous.next_position = position
                previous.save(update_fields=["next_position"])
            for skill_code, required_level in requirements:
                _row, made = PositionSkill.objects.get_or_create(
                    position=position, skill=skills[skill_code], defaults={"required_level": required_level})
                created["requirements"] += made
            previous = position
    return created


# ------------------------------------------------------------------------------------------------ assessments


def employee_skill_assess(*, actor, employee, skill, level: int, assessed_on: date | None = None,
                          note: str = "") -> EmployeeSkill:
    """Record a new assessment (the history stays; the newest counts) by the actor."""
    from django.utils import timezone

    return kit.object_create(actor=actor, model=EmployeeSkill,
                             data={"employee": employee, "skill": skill, "level": level,
                                   "assessed_on": assessed_on or timezone.localdate(), "note": note},
                             initial={"assessor": actor})


# ------------------------------------------------------------------------------------------------ plans

PLAN_FIELDS = ("employee", "target_position", "owner", "status", "note")
ACTION_FIELDS = ("plan", "kind", "description", "skill", "programme", "due_date", "done_on", "status")


def _check_owner(plan: DevelopmentPlan) -> None:
    """The owner must be someone who sees the employee's store (any company user for head office staff) and may
    change development plans."""
    from opsdesk.core.selectors import is_assignable

    if plan.owner_id is None:
        return
    if not is_assignable(plan.owner, company_id=plan.employee.company_id, area=DEVELOPMENT_AREA,
                         store_id=plan.employee.store_id):
        if plan.owner.company_id != plan.employee.company_id:
            raise ValidationError({"owner": _("所选对象不存在或不在你的权限范围内。")})
        raise ValidationError({"owner": _("此人看不到该员工，或其角色不能负责发展计划。")})


def plan_create(*, actor, data: dict[str, Any]) -> DevelopmentPlan:
    """Create a development plan; the owner defaults to the actor."""
    with transaction.atomic():
        plan = kit.object_create(actor=actor, model=DevelopmentPlan, data=data, fields=PLAN_FIELDS,
                                 initial={"owner": actor} if "owner" not in data else None)
        _check_owner(plan)
        return plan


def plan_update(*, actor, instance: DevelopmentPlan, data: dict[str, Any]) -> DevelopmentPlan:
    """Change a development plan (the owner re-checked when the owner or the employee changes)."""
    with transaction.atomic():
        plan = kit.object_update(actor=actor, instance=instance, data=data, fields=PLAN_FIELDS)
        if {"owner", "employee"} & set(data):
            _check_owner(plan)
        return plan


def action_complete(*, actor, action: DevelopmentAction, done_on: date | None = None) -> DevelopmentAction:
    """Mark an action done (today unless a date is given)."""
    from django.utils import timezone

    assert_can(actor, DEVELOPMENT_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, DevelopmentAction, action, "change")
        current.status = ActionStatusChoices.DONE
        current.done_on = done_on or timezone.localdate()
        current.full_clean()
        current.save(update_fields=["status", "done_on"])
        confirm_in_scope(actor, current, "change")
        return current
