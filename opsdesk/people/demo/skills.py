"""Demo data of the skills area (Chinese): the preloaded operations ladder and skill families, required skills of
the demo company's store ladder (店员 -> ... -> 运营官), assessed skills for every working employee (a realistic
spread around their position's requirements, some with an older assessment as history) and a few development
plans with actions (some overdue, some done).

Called by `opsdesk.people.demo.demo_builder` as `build(company, end_date)`; deterministic for a company and day.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from opsdesk.core.choices import EmployeeStatusChoices

#: Required skills of the demo store ladder (opsdesk/core/demo/names.py POSITIONS): code -> [(skill, level)].
STORE_LADDER_REQUIREMENTS: dict[str, tuple[tuple[str, int], ...]] = {
    "CLERK": (("CUSTOMER_SERVICE", 2), ("PRODUCT_KNOWLEDGE", 2), ("FOOD_SAFETY", 2)),
    "SECTION_LEAD": (("CUSTOMER_SERVICE", 3), ("PRODUCT_KNOWLEDGE", 3), ("FOOD_SAFETY", 3), ("TEAM_MGMT", 2),
                     ("OPS_EXEC", 2)),
    "ASSISTANT_MANAGER": (("TEAM_MGMT", 3), ("OPS_EXEC", 3), ("SHRINK_CONTROL", 3), ("COMPLAINT_HANDLING", 3),
                          ("DATA_REPORTING", 2)),
    "STORE_MANAGER": (("TEAM_MGMT", 3), ("PROCESS_OPT", 3), ("SALES_ANALYSIS", 3), ("COST_CONTROL", 3),
                      ("FOOD_SAFETY", 4), ("COACHING", 3)),
    "AREA_SUPERVISOR": (("STORE_INSPECTION", 4), ("PROCESS_OPT", 4), ("TEAM_MGMT", 4), ("DATA_REPORTING", 3),
                        ("COACHING", 3), ("EMERGENCY", 3)),
    "REGIONAL_MANAGER": (("STRATEGY", 3), ("FIN_ANALYSIS", 3), ("LEADERSHIP", 3), ("SALES_ANALYSIS", 4)),
    "OPERATIONS_DIRECTOR": (("STRATEGY", 4), ("FIN_ANALYSIS", 4), ("LEADERSHIP", 4), ("BIZ_DEV", 3)),
    "COO": (("DECISION_MAKING", 4), ("MARKET_INSIGHT", 4), ("LEADERSHIP", 5), ("BIZ_DEV", 4)),
}
#: Positions shown in the succession view.
KEY_POSITIONS = ("STORE_MANAGER", "AREA_SUPERVISOR", "REGIONAL_MANAGER", "OPERATIONS_DIRECTOR")
#: Level offset from the requirement of the current position and its probability (most people meet it).
CURRENT_OFFSETS = ((-2, 0.04), (-1, 0.22), (0, 0.46), (1, 0.23), (2, 0.05))
#: Share of next-step-only skills assessed one more level below the requirement.
NEXT_STEP_STRETCH = 0.45
PLAN_ACTIONS = (
    ("mentoring", "由店长每月一次一对一辅导"),
    ("assignment", "代理值班店长两周，负责排班与交接"),
    ("training", "参加管理技能培训并通过测试"),
)


def _offset(rng: random.Random) -> int:
    roll, total = rng.random(), 0.0
    for offset, probability in CURRENT_OFFSETS:
        total += probability
        if roll < total:
            return offset
    return 0


def _requirements(company) -> dict:
    """Seed the store ladder's requirements and key positions; returns position id -> [(skill, level)]."""
    from opsdesk.people.models import Position
    from opsdesk.people.models.skills import PositionSkill, Skill

    skills = {skill.code: skill for skill in Skill.objects.filter(company=company)}
    positions = {position.code: position for position in Position.objects.filter(company=company)}
    Position.objects.filter(company=company, code__in=KEY_POSITIONS).update(is_key=True)
    for code, rows in STORE_LADDER_REQUIREMENTS.items():
        if code in positions:
            for skill_code, level in rows:
                PositionSkill.objects.get_or_create(position=positions[code], skill=skills[skill_code],
                                                    defaults={"required_level": level})
    found: dict[int, list] = {}
    for row in PositionSkill.objects.filter(position__company=company).select_related("skill"):
        found.setdefault(row.position_id, []).append((row.skill, row.required_level))
    return found


def _assessors(company) -> tuple[dict[int, object], object]:
    """Store id -> the demo user who assesses there (store manager, else supervisor), and HR as the fallback."""
    from opsdesk.core.models import User

    by_store: dict[int, object] = {}
    users = User.objects.filter(company=company, is_active=True).prefetch_related("scope_stores")
    for role in ("supervisor", "store_manager"):  # the store manager wins where both cover a store
        for user in users.filter(role=role):
            for store in user.scope_stores.all():
                by_store[store.pk] = user
    return by_store, users.filter(role="hr").first() or users.filter(has_company_scope=True).first()


def _assess(company, today: date, rng: random.Random, requirements: dict) -> int:
    from opsdesk.people.models import Employee
    from opsdesk.people.models.skills import EmployeeSkill

    by_store, fallback = _assessors(company)
    rows = []
    employees = Employee.objects.filter(company=company, status__in=(EmployeeStatusChoices.ACTIVE,
                                                                      EmployeeStatusChoices.ON_LEAVE))
    for employee in employees.select_related("position").order_by("employee_no"):
        if not employee.position_id:
            continue
        talent = rng.choice((-1, 0, 0, 0, 1))
        wanted = {skill.pk: (skill, level, 0) for skill, level in requirements.get(employee.position_id, [])}
        for skill, level in requirements.get(employee.position.next_position_id, []):
            wanted.setdefault(skill.pk, (skill, level, -1))
        assessor = by_store.get(employee.store_id, fallback)
        for skill, required, shift in wanted.values():
            # a skill of the next step only is often still a level or two away
            stretch = -1 if shift and rng.random() < NEXT_STEP_STRETCH else 0
            level = max(1, min(5, required + shift + stretch + _offset(rng) + (talent if rng.random() < 0.5 else 0)))
            assessed_on = today - timedelta(days=rng.randint(20, 330))
            if rng.random() < 0.3:  # an older, lower assessment: the history shows growth
                rows.append(EmployeeSkill(employee=employee, skill=skill, level=max(1, level - 1),
                                          assessed_on=assessed_on - timedelta(days=rng.randint(180, 400)),
                                          assessor=assessor, note="年度评估"))
            rows.append(EmployeeSkill(employee=employee, skill=skill, level=level, assessed_on=assessed_on,
                                      assessor=assessor, note="季度评估"))
    EmployeeSkill.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _plans(company, today: date, rng: random.Random) -> tuple[int, int]:
    """Plans for the assistant managers of the first stores and two supervisors, towards their next position."""
    from opsdesk.people.models import Employee
    from opsdesk.people.models.skills import DevelopmentAction, DevelopmentPlan
    from opsdesk.people.selectors.skills import readiness_many

    by_store, fallback = _assessors(company)
    candidates = list(Employee.objects.filter(company=company, status=EmployeeStatusChoices.ACTIVE,
                                              position__code__in=("ASSISTANT_MANAGER", "AREA_SUPERVISOR"))
                      .select_related("position__next_position", "store").order_by("employee_no"))
    chosen = [e for e in candidates if e.position.code == "ASSISTANT_MANAGER"][:6]
    chosen += [e for e in candidates if e.position.code == "AREA_SUPERVISOR"][:2]
    ready = readiness_many(chosen, today=today)
    n_actions = 0
    for index, employee in enumerate(chosen):
        owner = by_store.get(employee.store_id, fallback) if employee.store_id else fallback
        plan = DevelopmentPlan.objects.create(employee=employee, target_position=employee.position.next_position,
                                              owner=owner, status="active",
                                              note=f"目标：{employee.position.next_position.name}，预计一年内具备晋升条件")
        gaps = sorted((gap for gap in ready[employee.pk].gaps if gap.shortfall), key=lambda gap: -gap.shortfall)
        items = [("skill", f"提升{gap.skill.name}至 {gap.required_level} 级", gap.skill) for gap in gaps[:2]]
        items += [(kind, text, None) for kind, text in PLAN_ACTIONS[: 3 - min(len(items), 2)]]
        for number, (kind, text, skill) in enumerate(items):
            due = today + timedelta(days=30 * (number + 1) - 45 * (index % 3 == 0))
            done = due < today and rng.random() < 0.5
            DevelopmentAction.objects.create(plan=plan, kind=kind, description=text, skill=skill, due_date=due,
                                             status="done" if done else "open", done_on=due if done else None)
            n_actions += 1
    return len(chosen), n_actions


def build(company, today: date) -> dict[str, int]:
    """Seed the ladder and skill families, the store ladder's requirements, employee skills and a few plans."""
    from opsdesk.people.services.skills import ladder_seed

    rng = random.Random(f"skills-{company.code}-{today.isoformat()}")
    with transaction.atomic():
        seeded = ladder_seed(company=company)
        requirements = _requirements(company)
        assessments = _assess(company, today, rng, requirements)
        plans, actions = _plans(company, today, rng)
    return {"skills": seeded["skills"], "assessments": assessments, "plans": plans, "actions": actions}
