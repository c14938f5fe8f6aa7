"""Demo data of the training area (Chinese): the programmes (服务态度 and the other store trainings, and one per
named skill of the operations ladder) with their test questions and the positions requiring them; a year of
sessions up to the demo day at every store (held, a few cancelled) and at head office, with enrolments, attendance
(QR or the trainer's list), test scores and feedback; sessions in the next three weeks (planned or confirmed); the
quarterly plans of the company and its regions; and enrolment proposals from the stores' inspection suggestions.

Called by `opsdesk.people.demo.demo_builder` as `build(company, end_date)` after the skills area (programmes link
the skills it seeds); deterministic for a company and day. The quarter of the demo day shows held trainings: every
store holds a session in the fortnight before the demo day.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

#: (code, name, topic, hours, trainer kind, cost per session, cost per trainee, pass mark, inspection topics,
#:  skill codes, positions requiring it)
PROGRAMMES = (
    ("SVC-ATT", "服务态度与礼仪", "service_attitude", "2.0", "internal", 200, 0, 60, "service,grooming",
     ("CUSTOMER_SERVICE", "COMPLAINT_HANDLING"), ("CLERK", "SECTION_LEAD")),
    ("FIRE", "消防安全与应急演练", "safety", "1.5", "external", 800, 0, 70, "fire_safety,equipment",
     ("EMERGENCY",), ("CLERK", "SECTION_LEAD", "ASSISTANT_MANAGER", "STORE_MANAGER")),
    ("FOOD", "食品安全规范", "compliance", "2.0", "internal", 150, 10, 80, "food_safety,cleanliness",
     ("FOOD_SAFETY",), ("CLERK", "SECTION_LEAD")),
    ("PROD", "商品知识与陈列", "product_knowledge", "1.5", "internal", 100, 0, None,
     "display,price_tags,stock_on_shelf", ("PRODUCT_KNOWLEDGE",), ()),
    ("TEAM", "团队管理", "management", "4.0", "external", 1500, 100, None, "", ("TEAM_MGMT", "COACHING"),
     ("SECTION_LEAD", "ASSISTANT_MANAGER", "STORE_MANAGER")),
    ("PROCESS", "流程优化", "skills", "3.0", "internal", 300, 0, 60, "", ("PROCESS_OPT",),
     ("STORE_MANAGER", "AREA_SUPERVISOR")),
    ("STRATEGY", "战略规划", "management", "6.0", "external", 3000, 200, None, "", ("STRATEGY",),
     ("REGIONAL_MANAGER",)),
    ("FINANCE", "财务分析", "skills", "4.0", "external", 2000, 150, 60, "", ("FIN_ANALYSIS", "COST_CONTROL"),
     ("REGIONAL_MANAGER",)),
    ("LEAD", "组织领导", "management", "6.0", "external", 3000, 200, None, "", ("LEADERSHIP",),
     ("OPERATIONS_DIRECTOR",)),
    ("BIZDEV", "业务发展", "skills", "4.0", "external", 2500, 150, None, "", ("BIZ_DEV",), ("OPERATIONS_DIRECTOR",)),
    ("DECIDE", "高级决策制定", "management", "6.0", "external", 4000, 300, None, "", ("DECISION_MAKING",), ("COO",)),
    ("MARKET", "市场洞察", "skills", "3.0", "external", 2000, 100, None, "", ("MARKET_INSIGHT", "RETAIL_TRENDS"),
     ()),
    ("COMPLY", "合规经营", "compliance", "2.0", "internal", 100, 0, 60, "", ("COMPLIANCE",), ("STORE_MANAGER",)),
)
#: Test questions: programme code -> [(question, choices, correct choice)].
QUESTIONS = {
    "SVC-ATT": (("顾客进店时，店员应该？", "主动微笑问候\n继续整理货架\n等顾客开口", 1),
                ("顾客投诉时，第一步应该？", "解释公司规定\n耐心倾听并致歉\n请店长处理", 2),
                ("工服和工牌的要求是？", "可以不戴工牌\n整洁并佩戴工牌\n只在检查时佩戴", 2)),
    "FIRE": (("发现初起火灾，首先应该？", "立即报警并疏散顾客\n先收银结账\n拍照上报", 1),
             ("灭火器压力表指针应在？", "红区\n绿区\n黄区", 2),
             ("安全出口可以堆放货物吗？", "可以临时堆放\n不可以\n营业结束后可以", 2)),
    "FOOD": (("冷藏柜的温度应保持在？", "0-4℃\n8-10℃\n常温", 1),
             ("临期商品应该？", "照常销售\n按规定下架或打折并登记\n直接丢弃", 2),
             ("接触熟食前必须？", "洗手并戴手套\n擦干手即可\n无要求", 1)),
    "PROCESS": (("流程优化的第一步是？", "画出现状流程\n直接改制度\n增加人手", 1),),
    "FINANCE": (("毛利率 = ？", "毛利 ÷ 销售额\n销售额 ÷ 成本\n净利 ÷ 成本", 1),),
    "COMPLY": (("营业执照应该？", "放在仓库\n在店内显著位置公示\n交给总部保管", 2),),
}
STORE_PROGRAMMES = ("SVC-ATT", "FIRE", "FOOD", "PROD")
HEAD_OFFICE_PROGRAMMES = ("TEAM", "PROCESS", "FINANCE", "COMPLY", "STRATEGY", "LEAD", "MARKET", "BIZDEV", "DECIDE")
PLACES = ("门店培训室", "卖场早会区", "仓库会议区")
HEAD_OFFICE_PLACES = ("总部三楼会议室", "总部培训中心", "外部培训机构")
EXTERNAL_TRAINERS = ("外聘讲师 李老师", "消防中队 王教官", "咨询公司 陈顾问")
FEEDBACK = ("内容很实用，回店就能用", "案例贴近门店实际", "时间有点紧，希望多练习", "讲师讲得清楚", "希望增加实操环节",
            "", "")
RATINGS = ((5, 0.45), (4, 0.35), (3, 0.14), (2, 0.06))


def _weighted(rng: random.Random, table) -> int:
    roll, total = rng.random(), 0.0
    for value, probability in table:
        total += probability
        if roll < total:
            return value
    return table[0][0]


def _programmes(company) -> dict:
    from opsdesk.people.models import Position
    from opsdesk.people.models.training import PositionTraining, TrainingProgramme, TrainingQuestion

    try:
        from opsdesk.people.models.skills import Skill

        skills = {skill.code: skill for skill in Skill.objects.filter(company=company)}
    except ImportError:  # the skills area is not installed: programmes without skills
        skills = {}
    positions = {position.code: position for position in Position.objects.filter(company=company)}
    made = {}
    for (code, name, topic, hours, kind, per_session, per_trainee, pass_mark, inspection, skill_codes,
         required) in PROGRAMMES:
        programme, _created = TrainingProgramme.objects.get_or_create(company=company, code=code, defaults={
            "name": name, "topic": topic, "duration_hours": Decimal(hours), "trainer_kind": kind,
            "cost_per_session": per_session, "cost_per_trainee": per_trainee, "pass_mark": pass_mark,
            "inspection_topics": inspection})
        programme.skills.set([skills[skill] for skill in skill_codes if skill in skills])
        for order, (text, choices, correct) in enumerate(QUESTIONS.get(code, ()), start=1):
            TrainingQuestion.objects.get_or_create(programme=programme, order=order, defaults={
                "text": text, "choices": choices, "correct_choice": correct})
        for position_code in required:
            if position_code in positions:
                PositionTraining.objects.get_or_create(position=positions[position_code], programme=programme)
        made[code] = programme
    return made


def _trainers(company) -> dict:
    """Store id -> the store manager's (else a supervisor's) account: the internal trainer of its sessions."""
    from opsdesk.core.models import User

    found: dict[int, object] = {}
    users = User.objects.filter(company=company, is_active=True).prefetch_related("scope_stores", "scope_regions")
    for role in ("supervisor", "store_manager"):
        for user in users.filter(role=role):
            for store in user.scope_stores.all():
                found[store.pk] = user
    return found


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _session_days(today: date, rng: random.Random) -> list[date]:
    """About every six weeks over the year before the demo day, the last one in the fortnight before it."""
    days, day = [], today - timedelta(days=rng.randint(2, 13))
    while day > today - timedelta(days=365):
        days.append(day)
        day -= timedelta(days=rng.randint(35, 49))
    return sorted(days)


def _working(employees: list, day: date) -> list:
    return [e for e in employees if (e.hire_date is None or e.hire_date <= day) and (e.left_date is None
                                                                                      or e.left_date >= day)]


def _enrol(session, people: list, rng: random.Random, is_past: bool, rows: list) -> None:
    from opsdesk.people.models.training import Enrolment

    programme = session.programme
    for employee in people:
        row = Enrolment(session=session, employee=employee, status="enrolled", source="plan",
                        created_at=session.starts_at - timedelta(days=rng.randint(3, 14)))
        if is_past and session.status == "held":
            if rng.random() < 0.88:
                row.status = "attended"
                row.checkin_method = "qr" if rng.random() < 0.7 else "list"
                row.checked_in_at = session.starts_at + timedelta(minutes=rng.randint(-10, 12))
                if programme.pass_mark is not None:
                    row.test_score = max(0, min(100, round(rng.gauss(80, 12))))
                    row.passed = row.test_score >= programme.pass_mark
                if rng.random() < 0.75:
                    row.feedback_rating = _weighted(rng, RATINGS)
                    row.feedback_text = rng.choice(FEEDBACK)
            else:
                row.status = "absent"
        elif session.status == "cancelled":
            row.status = "cancelled"
        rows.append(row)


def _store_sessions(company, today, rng, programmes, trainers, stores, staff) -> tuple[list, list]:
    from opsdesk.people.models.training import TrainingSession

    sessions, enrolments = [], []
    for index, store in enumerate(stores):
        past = _session_days(today, rng)
        for number, day in enumerate([*past, today + timedelta(days=rng.randint(3, 20))]):
            programme = programmes[STORE_PROGRAMMES[(index + number) % len(STORE_PROGRAMMES)]]
            starts = _at(day, rng.choice((9, 14, 15)), rng.choice((0, 30)))
            is_past = day < today
            # The fortnight before the demo day is always held (the current quarter shows held trainings).
            is_cancelled = is_past and number < len(past) - 1 and rng.random() < 0.05
            status = ("cancelled" if is_cancelled else "held") if is_past else rng.choice(("planned", "confirmed"))
            external = programme.trainer_kind == "external"
            session = TrainingSession.objects.create(
                company=company, programme=programme, store=store, place=rng.choice(PLACES), starts_at=starts,
                ends_at=starts + timedelta(minutes=int(programme.duration_hours * 60)), status=status,
                trainer=None if external else trainers.get(store.pk),
                trainer_name=rng.choice(EXTERNAL_TRAINERS) if external else "", capacity=20)
            people = _working(staff.get(store.pk, []), day)
            _enrol(session, rng.sample(people, min(len(people), rng.randint(6, 12))), rng, is_past, enrolments)
            sessions.append(session)
    return sessions, enrolments


def _head_office_sessions(company, today, rng, programmes, managers) -> tuple[list, list]:
    from opsdesk.people.models.training import TrainingSession

    sessions, enrolments = [], []
    day, number = today - timedelta(days=360), 0
    while day < today + timedelta(days=21):
        programme = programmes[HEAD_OFFICE_PROGRAMMES[number % len(HEAD_OFFICE_PROGRAMMES)]]
        starts = _at(day, 9, 30)
        is_past = day < today
        session = TrainingSession.objects.create(
            company=company, programme=programme, store=None, place=rng.choice(HEAD_OFFICE_PLACES),
            starts_at=starts, ends_at=starts + timedelta(minutes=int(programme.duration_hours * 60)),
            status="held" if is_past else "planned", trainer_name=rng.choice(EXTERNAL_TRAINERS), capacity=30,
            actual_cost=(programme.cost_per_session + 1000) if is_past and programme.trainer_kind == "external"
            else None)
        people = _working(managers, day)
        _enrol(session, rng.sample(people, min(len(people), rng.randint(10, 24))), rng, is_past, enrolments)
        sessions.append(session)
        day += timedelta(days=rng.randint(26, 34))
        number += 1
    return sessions, enrolments


def _plans(company, sessions: list) -> int:
    """Each quarter's plan for the company and for each region: the sessions scheduled there, plus one."""
    from opsdesk.people.models.training import TrainingPlan

    counts: dict[tuple, int] = {}
    for session in sessions:
        local = timezone.localtime(session.starts_at)
        key = (local.year, (local.month - 1) // 3 + 1)
        counts[(None, *key)] = counts.get((None, *key), 0) + 1
        if session.store_id:
            region_key = (session.store.region_id, *key)
            counts[region_key] = counts.get(region_key, 0) + 1
    for (region_id, year, quarter), count in counts.items():
        TrainingPlan.objects.get_or_create(company=company, region_id=region_id, store=None, year=year,
                                           quarter=quarter, defaults={"planned_sessions": count + 1,
                                                                      "budget": Decimal(count * 600)})
    return len(counts)


def _proposals(company, programmes: dict) -> int:
    """Enrolment proposals from the stores' open inspection training suggestions (as the service makes them)."""
    from opsdesk.people.models.training import TrainingProposal
    from opsdesk.people.selectors.training import programmes_for_suggestion, store_trainees
    from opsdesk.storeops.models import TrainingSuggestion

    made = 0
    matching = [programme for programme in programmes.values() if programme.inspection_topics]
    for suggestion in TrainingSuggestion.objects.filter(store__company=company, status="open").select_related(
            "store"):
        for programme in programmes_for_suggestion(matching, suggestion):
            for employee in store_trainees(store=suggestion.store, programme=programme)[:4]:
                _row, created = TrainingProposal.objects.get_or_create(
                    employee=employee, programme=programme, status="open", defaults={
                        "reason": f"巡检项“{suggestion.item_text}”近 {suggestion.window_days} 天不合格 "
                                  f"{suggestion.failure_count} 次",
                        "source": "inspection", "source_ref": f"storeops.trainingsuggestion:{suggestion.pk}",
                        "created_at": suggestion.created_at})
                made += created
    return made


def build(company, today: date) -> dict[str, int]:
    """Programmes, a year of sessions with enrolments, attendance, tests and feedback, plans and proposals."""
    from opsdesk.core.models import Store
    from opsdesk.people.models import Employee
    from opsdesk.people.models.training import Enrolment, TrainingSession

    rng = random.Random(f"training-{company.code}-{today.isoformat()}")
    with transaction.atomic():
        programmes = _programmes(company)
        if TrainingSession.objects.filter(company=company).exists():
            return {"programmes": len(programmes), "sessions": 0, "enrolments": 0, "plans": 0, "proposals": 0}
        stores = list(Store.objects.filter(company=company).select_related("region").order_by("code"))
        staff: dict[int, list] = {}
        managers = []
        for employee in Employee.objects.filter(company=company).select_related("position").order_by("employee_no"):
            if employee.store_id:
                staff.setdefault(employee.store_id, []).append(employee)
            if employee.position is not None and employee.position.level >= 3:
                managers.append(employee)
        trainers = _trainers(company)
        sessions, enrolments = _store_sessions(company, today, rng, programmes, trainers, stores, staff)
        more_sessions, more_enrolments = _head_office_sessions(company, today, rng, programmes, managers)
        Enrolment.objects.bulk_create(enrolments + more_enrolments, batch_size=1000)
        plans = _plans(company, sessions + more_sessions)
        proposals = _proposals(company, programmes)
    return {"programmes": len(programmes), "sessions": len(sessions) + len(more_sessions),
            "enrolments": len(enrolments) + len(more_enrolments), "plans": plans, "proposals": proposals}
