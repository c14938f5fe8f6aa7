"""Demo data of store operations: templates, schedules, ~8 weeks of completed runs with realistic scores,
findings, corrective actions (some overdue and escalated), stock checks, training suggestions, maintenance
requests and compliance items. Deterministic for a seed; bulk writes keep it well under 5 s.

The lead's demo generator calls `create_demo_storeops(company)` after stores, users, stock and sales exist.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from opsdesk.core.audit import audit_bulk
from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Store, User
from opsdesk.people.models import Employee
from opsdesk.storeops import scoring, services
from opsdesk.storeops.choices import (
    ActionStatusChoices,
    ComplianceKindChoices,
    FrequencyChoices,
    ItemTopicChoices,
    MaintenanceStatusChoices,
    PriorityChoices,
    RunStatusChoices,
)
from opsdesk.storeops.demo_templates import DEMO_TEMPLATES
from opsdesk.storeops.models import (
    ComplianceItem,
    CorrectiveAction,
    Finding,
    InspectionAnswer,
    InspectionRun,
    InspectionSchedule,
    MaintenanceRequest,
    TemplateItem,
)
from opsdesk.storeops.services.runs import action_defaults, item_spec

#: template code -> (frequency, weekday/day, assignee role, every store?)
SCHEDULE_PLAN = {
    "PATROL": (FrequencyChoices.WEEKLY, 2, RoleChoices.SUPERVISOR, True),
    "FOOD": (FrequencyChoices.WEEKLY, 4, RoleChoices.STORE_MANAGER, True),
    "FIRE": (FrequencyChoices.MONTHLY, 1, RoleChoices.STORE_MANAGER, True),
    "OPEN": (FrequencyChoices.DAILY, 0, RoleChoices.STAFF, False),
    "CLOSE": (FrequencyChoices.DAILY, 0, RoleChoices.STAFF, False),
}
#: How hard each topic is to get right (added to the store's base failure rate).
TOPIC_DIFFICULTY = {
    ItemTopicChoices.STOCK_ON_SHELF: 0.12, ItemTopicChoices.DISPLAY: 0.05, ItemTopicChoices.PRICE_TAGS: 0.03,
    ItemTopicChoices.SERVICE: 0.10, ItemTopicChoices.GROOMING: 0.08, ItemTopicChoices.CLEANLINESS: 0.04,
    ItemTopicChoices.FOOD_SAFETY: 0.01, ItemTopicChoices.FIRE_SAFETY: 0.01,
}
EQUIPMENT = [("冷藏柜", "海尔商用冷链服务"), ("收银机", "商米科技售后"), ("中央空调", "格力空调维保"),
             ("LED 照明", "雷士照明工程"), ("电子秤", "大华衡器"), ("冷冻岛柜", "澳柯玛冷链"),
             ("自动门", "松下自动门服务"), ("监控摄像头", "海康威视维保")]
PROBLEMS = ["不制冷", "无法开机", "异响", "显示故障", "漏水", "部分损坏"]


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """The store-operations part of the demo company (registered with core.demo.extensions)."""
    return create_demo_storeops(company, seed=seed, today=end_date + timedelta(days=1))


def create_demo_storeops(company, *, seed: int = 2024, today: date | None = None, weeks: int = 8,
                         stores=None) -> dict[str, int]:
    """Create the store-operations demo for a company; returns counts. Call once (after stores and users)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    stores = list(stores if stores is not None else Store.objects.filter(company=company, status="open")
                  .select_related("region").order_by("code"))
    with transaction.atomic():
        templates = {spec["code"]: services.template_build(actor=None, company=company, spec=spec)
                     for spec in DEMO_TEMPLATES}
        schedules = _schedules(company, templates, stores)
        staff = _people(company, stores)
        runs = _history(rng, schedules, templates, staff, today, weeks)
        actions = _findings_and_actions(rng, runs, staff, today)
        services.schedules_generate_runs(today=today)
        escalations = _escalate(actions, today)
        tieins = _tie_ins(runs, today)
        maintenance = _maintenance(rng, stores, staff, today)
        compliance = _compliance(rng, stores, today)
        audit_bulk("create", [(None, obj) for obj in [*runs, *actions, *maintenance, *compliance]])
    return {"templates": len(templates), "schedules": len(schedules), "runs": len(runs), "actions": len(actions),
            "escalations": escalations, "maintenance": len(maintenance), "compliance": len(compliance), **tieins}


def _schedules(company, templates, stores) -> list[InspectionSchedule]:
    rows = []
    regions = sorted({store.region_id for store in stores})
    for code, (frequency, day, role, every_store) in SCHEDULE_PLAN.items():
        template = templates[code]
        common = {"company": company, "template": template, "frequency": frequency, "assignee_role": role,
                  "weekday": day if frequency == FrequencyChoices.WEEKLY else 0,
                  "day_of_month": day if frequency == FrequencyChoices.MONTHLY else 1,
                  "start_date": date(2020, 1, 1)}
        if every_store:
            rows += [InspectionSchedule(region_id=region_id, **common) for region_id in regions]
        else:  # opening/closing checklists in the first two stores only (a pilot)
            rows += [InspectionSchedule(store=store, **common) for store in stores[:2]]
    return InspectionSchedule.objects.bulk_create(rows)


def _people(company, stores) -> dict:
    """Per store: the manager, the supervisor and a signing name (from users' roles and scopes)."""
    managers, supervisors = {}, {}
    users = User.objects.filter(company=company, is_active=True).prefetch_related("scope_stores", "scope_regions")
    for user in users:
        store_ids = {s.pk for s in user.scope_stores.all()}
        region_ids = {r.pk for r in user.scope_regions.all()}
        for store in stores:
            covers = store.pk in store_ids or store.region_id in region_ids
            if covers and user.role == RoleChoices.STORE_MANAGER:
                managers.setdefault(store.pk, user)
            if covers and user.role == RoleChoices.SUPERVISOR:
                supervisors.setdefault(store.pk, user)
    names = {}
    for employee in Employee.objects.filter(company=company, store__in=stores).order_by("employee_no"):
        names.setdefault(employee.store_id, employee.name)
    return {"managers": managers, "supervisors": supervisors, "names": names}


def _due_dates(schedule: InspectionSchedule, start: date, today: date) -> list[date]:
    from opsdesk.storeops.services.schedules import period_due_date

    dues, day = set(), start
    while day <= today:
        due = period_due_date(schedule, day)
        if due is not None and start <= due:
            dues.add(due)
        day += timedelta(days=1)
    return sorted(dues)


def _history(rng, schedules, templates, staff, today: date, weeks: int) -> list[InspectionRun]:
    """Completed (and a few missed or overdue) runs for every past period of every schedule."""
    items_by_version = defaultdict(list)
    for item in TemplateItem.objects.filter(section__version__template__in=templates.values()).order_by("pk"):
        items_by_version[item.section.version_id].append(item)
    quality = {}
    runs, answers_by_run = [], []
    tz = timezone.get_current_timezone()
    for schedule in schedules:
        version = schedule.template.current_version
        span = 14 if schedule.frequency == FrequencyChoices.DAILY else weeks * 7
        dues = _due_dates(schedule, today - timedelta(days=span), today)
        for store in schedule.target_stores().order_by("code"):
            base = quality.setdefault(store.pk, min(0.25, max(0.0, rng.gauss(0.07, 0.05))))
            for due in dues:
                is_current = due >= today - timedelta(days=6 if schedule.frequency != "monthly" else 27)
                if due >= today or (is_current and rng.random() < 0.25) or (not is_current and rng.random() < 0.04):
                    status = RunStatusChoices.SCHEDULED if is_current else RunStatusChoices.MISSED
                    runs.append(InspectionRun(store=store, template_version=version, schedule=schedule, due_date=due,
                                              status=status, assignee_role=schedule.assignee_role))
                    answers_by_run.append(None)
                    continue
                drift = 0.03 * (today - due).days / 56  # stores slowly improve
                inspector = (staff["supervisors"] if schedule.assignee_role == RoleChoices.SUPERVISOR
                             else staff["managers"]).get(store.pk)
                done = datetime.combine(due - timedelta(days=rng.randint(0, 1)), time(rng.randint(8, 18),
                                        rng.randint(0, 59)), tz)
                run, answers = _completed_run(rng, store, version, items_by_version[version.pk], base + drift, done,
                                              inspector, staff["names"].get(store.pk, "店长"))
                run.schedule, run.due_date, run.assignee_role = schedule, due, schedule.assignee_role
                runs.append(run)
                answers_by_run.append(answers)
    InspectionRun.objects.bulk_create(runs)
    rows = []
    for run, answers in zip(runs, answers_by_run, strict=True):
        for answer in answers or ():
            answer.run = run
            rows.append(answer)
    InspectionAnswer.objects.bulk_create(rows, batch_size=2000)
    return runs


def _completed_run(rng, store, version, items, fail_rate, done, inspector, name):
    answers, values = [], {}
    for item in items:
        failing = rng.random() < fail_rate + TOPIC_DIFFICULTY.get(item.topic, 0.02)
        answer = InspectionAnswer(item=item, answered_by=inspector)
        if item.kind == "pass_fail":
            answer.is_pass = not failing
        elif item.kind == "score":
            answer.score = rng.choice([1, 2]) if failing else rng.choice([3, 4, 4, 5, 5])
        elif item.kind == "number":
            low = item.min_value if item.min_value is not None else item.max_value - Decimal(6)
            high = item.max_value if item.max_value is not None else item.min_value + Decimal(6)
            inside = low + (high - low) * Decimal(str(round(rng.random(), 2)))
            answer.number = (high + Decimal(2) if failing else inside).quantize(Decimal("0.1"))
        elif item.kind == "choice":
            options = [o["label"] for o in item.options if o["passes"] != failing] or [item.options[0]["label"]]
            answer.choice = rng.choice(options)
        elif item.kind == "photo":
            answer.is_not_applicable = True  # demo runs carry no image files
        spec = item_spec(item)
        value = scoring.AnswerValue(is_not_applicable=answer.is_not_applicable, is_pass=answer.is_pass,
                                    score=answer.score, number=answer.number, choice=answer.choice)
        answer.is_failed = scoring.item_fails(spec, value)
        if answer.is_failed:
            answer.note = rng.choice(["现场已提醒店长", "需跟进整改", "拍照留档", ""])
        values[item.pk] = value
        answers.append(answer)
    result = scoring.score_run([item_spec(i) for i in items], values, version.pass_threshold)
    run = InspectionRun(
        store=store, template_version=version, status=RunStatusChoices.COMPLETED, inspector=inspector,
        started_at=done - timedelta(minutes=rng.randint(15, 50)), completed_at=done, signed_at=done,
        signed_by_name=inspector.display_name if inspector else name, score=result.score,
        is_passed=result.is_passed, has_critical_failure=result.has_critical_failure,
        failed_count=len(result.failed_item_ids),
    )
    return run, answers


def _findings_and_actions(rng, runs, staff, today: date) -> list[CorrectiveAction]:
    completed = {run.pk: run for run in runs if run.status == RunStatusChoices.COMPLETED}
    failed = list(InspectionAnswer.objects.filter(run_id__in=list(completed), is_failed=True)
                  .select_related("item").order_by("pk"))
    findings = Finding.objects.bulk_create([
        Finding(run_id=a.run_id, store_id=completed[a.run_id].store_id, item=a.item, answer=a,
                is_critical=a.item.is_critical, description=a.note, created_at=completed[a.run_id].completed_at)
        for a in failed
    ])
    actions = []
    for finding in findings:
        run = completed[finding.run_id]
        priority, days = action_defaults(finding.item)
        created = run.completed_at
        due = timezone.localdate(created) + timedelta(days=days)
        age = (today - due).days
        owner = staff["managers"].get(run.store_id)
        verifier = staff["supervisors"].get(run.store_id)
        roll = rng.random()
        if age > 10 or (age > 0 and roll < 0.8):
            status = ActionStatusChoices.VERIFIED if verifier and roll < 0.85 else ActionStatusChoices.DONE
        elif age > 0:
            status = ActionStatusChoices.OPEN if roll < 0.9 else ActionStatusChoices.IN_PROGRESS
        else:
            status = rng.choice([ActionStatusChoices.OPEN, ActionStatusChoices.IN_PROGRESS, ActionStatusChoices.DONE])
        done_at = created + timedelta(days=rng.randint(0, days)) if status in ("done", "verified") else None
        actions.append(CorrectiveAction(
            store_id=run.store_id, finding=finding, title=f"整改：{finding.item.text}", description=finding.description,
            owner=owner, due_date=due, priority=priority, status=status, created_at=created, created_by=run.inspector,
            done_at=done_at, resolution_note="已整改完毕" if done_at else "",
            verified_by=verifier if status == ActionStatusChoices.VERIFIED else None,
            verified_at=done_at + timedelta(days=1) if status == ActionStatusChoices.VERIFIED else None,
        ))
    return CorrectiveAction.objects.bulk_create(actions)


def _escalate(actions, today: date) -> int:
    steps, chains = 0, {}
    for action in actions:
        if action.is_open and action.due_date < today:
            if action.store_id not in chains:
                chains[action.store_id] = services.escalation_chain(action.store)
            steps += len(services.action_escalate(action, today=today, chain=chains[action.store_id]))
    return steps


def _tie_ins(runs, today: date) -> dict[str, int]:
    """A stock check for each store's latest failed shelf check, and training suggestions for repeated failures."""
    from opsdesk.storeops.services.tieins import stock_check_raise, training_suggest

    latest_gap = {}
    recent = Finding.objects.filter(run_id__in=[r.pk for r in runs], created_at__date__gte=today - timedelta(days=30))
    for finding in recent.filter(item__topic=ItemTopicChoices.STOCK_ON_SHELF).select_related("run__store", "item") \
            .order_by("created_at"):
        latest_gap[finding.store_id] = finding
    for finding in latest_gap.values():
        stock_check_raise(run=finding.run, finding=finding)
    suggestions = 0
    pairs = {(f.store_id, f.item.code): f for f in recent.filter(
        item__topic__in=[ItemTopicChoices.SERVICE, ItemTopicChoices.GROOMING]).select_related("store", "item")
        .order_by("created_at")}
    now = min(timezone.now(), datetime.combine(today, time(23, 59), timezone.get_current_timezone()))
    for finding in pairs.values():
        suggestions += training_suggest(store=finding.store, item=finding.item, now=now) is not None
    return {"stock_checks": len(latest_gap), "training_suggestions": suggestions}


def _maintenance(rng, stores, staff, today: date) -> list[MaintenanceRequest]:
    rows = []
    statuses = [MaintenanceStatusChoices.DONE] * 4 + [MaintenanceStatusChoices.OPEN, MaintenanceStatusChoices.SCHEDULED,
                                                      MaintenanceStatusChoices.IN_PROGRESS]
    for store in stores:
        for _n in range(rng.randint(0, 3)):
            equipment, vendor = rng.choice(EQUIPMENT)
            status = rng.choice(statuses)
            reported = today - timedelta(days=rng.randint(0, 50))
            estimate = Decimal(rng.randrange(200, 8000, 50))
            rows.append(MaintenanceRequest(
                store=store, title=f"{equipment}{rng.choice(PROBLEMS)}", equipment=equipment, vendor=vendor,
                priority=rng.choice(list(PriorityChoices.values)), status=status, estimated_cost=estimate,
                actual_cost=(estimate * Decimal(str(round(rng.uniform(0.7, 1.3), 2)))).quantize(Decimal("1"))
                if status == MaintenanceStatusChoices.DONE else None,
                scheduled_date=reported + timedelta(days=rng.randint(1, 5)) if status != "open" else None,
                completed_date=reported + timedelta(days=rng.randint(2, 9)) if status == "done" else None,
                reported_by=staff["managers"].get(store.pk),
                reported_at=datetime.combine(reported, time(10, 0), timezone.get_current_timezone()),
            ))
    return MaintenanceRequest.objects.bulk_create(rows)


def _compliance(rng, stores, today: date) -> list[ComplianceItem]:
    names = defaultdict(list)
    for employee in Employee.objects.filter(store__in=stores).order_by("employee_no"):
        if len(names[employee.store_id]) < 3:
            names[employee.store_id].append(employee.name)
    rows = []
    for store in stores:
        rows.append(ComplianceItem(store=store, kind=ComplianceKindChoices.BUSINESS_LICENCE, name="营业执照",
                                   reference_no=f"91310{store.pk:06d}MA1{rng.randint(1000, 9999)}",
                                   issued_date=date(2019, 5, 1), expiry_date=date(2039, 4, 30), reminder_days=90))
        rows.append(ComplianceItem(store=store, kind=ComplianceKindChoices.FOOD_LICENCE, name="食品经营许可证",
                                   reference_no=f"JY1{store.pk:05d}{rng.randint(100000, 999999)}",
                                   issued_date=today - timedelta(days=5 * 365 - rng.randint(-40, 400)),
                                   expiry_date=today + timedelta(days=rng.randint(-5, 400)), reminder_days=60))
        rows.append(ComplianceItem(store=store, kind=ComplianceKindChoices.FIRE_EXTINGUISHER, name="灭火器年检",
                                   issued_date=today - timedelta(days=300),
                                   expiry_date=today + timedelta(days=rng.randint(-10, 90)), reminder_days=14))
        for person in names.get(store.pk, []):
            rows.append(ComplianceItem(store=store, kind=ComplianceKindChoices.HEALTH_CERTIFICATE,
                                       name=f"健康证 · {person}", holder=person,
                                       expiry_date=today + timedelta(days=rng.randint(-3, 360)), reminder_days=30))
    return ComplianceItem.objects.bulk_create(rows)
