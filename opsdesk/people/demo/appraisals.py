"""Demo data of the appraisal area (Chinese): three templates (门店员工, 门店管理, 督导与区域) with KPIs measured from
the demo's sales, inspections, corrective actions, stockouts and CSAT; two quarterly cycles, the last two complete
quarters before the demo day: the older closed (every appraisal rated, calibrated and signed), the recent one in
progress (appraisals spread over self-review, manager review, calibration, sign-off and done; 360 peer answers for
some store managers).

Called by `opsdesk.people.demo.demo_builder` as `build(company, end_date)` after skills and training; it writes
nothing when the company already has these cycles, and is deterministic for a company and day.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from opsdesk.core.audit import audit_bulk

#: (name, positions (codes; empty: the default template), KPI share, KPI lines, competency lines)
#: KPI line: (code, weight, threshold, target, stretch); competency line: (name, weight, description, skill name)
TEMPLATES = (
    ("门店员工考核模板", (), 50,
     (("storeops_inspection_score", 30, 70, 85, 95), ("sales_vs_target", 25, 85, 100, 110),
      ("service_csat", 25, 70, 85, 95), ("people_training_attendance", 20, 70, 90, 100)),
     (("服务态度", 40, "主动问候、耐心解答、妥善处理投诉", "客户关系"),
      ("商品知识与陈列", 30, "熟悉商品，陈列与价签规范", ""),
      ("团队协作", 30, "配合排班，互相补位", "团队管理"))),
    ("门店管理者考核模板", ("STORE_MANAGER", "ASSISTANT_MANAGER", "SECTION_LEAD"), 70,
     (("sales_vs_target", 30, 85, 100, 110), ("storeops_inspection_score", 25, 70, 85, 95),
      ("storeops_actions_closed_on_time", 20, 60, 85, 100), ("inventory_stockout_rate", 15, 8, 4, 2),
      ("service_csat", 10, 70, 85, 95)),
     (("团队管理", 40, "排班、带教与员工士气", "团队管理"), ("流程优化", 30, "发现问题并推动整改", "流程优化"),
      ("客户关系", 30, "投诉处理与顾客回访", "客户关系"))),
    ("督导与区域考核模板", ("AREA_SUPERVISOR", "REGIONAL_MANAGER"), 70,
     (("sales_vs_target", 35, 85, 100, 110), ("storeops_inspection_score", 25, 70, 85, 95),
      ("storeops_actions_closed_on_time", 20, 60, 85, 100), ("service_sla_compliance", 20, 70, 90, 98)),
     (("运营管理", 40, "门店标准执行与巡店质量", "运营管理"), ("数据分析", 30, "用数据发现问题、跟踪改善", "数据分析"),
      ("团队管理", 30, "辅导店长，培养接班人", "团队管理"))),
)
MANAGER_COMMENTS = ("执行力强，门店标准保持得好。", "服务意识突出，顾客表扬多。", "需要加强数据分析，按时关闭整改。",
                    "带教新人用心，团队稳定。", "库存管理有进步，缺货明显减少。", "沟通积极，但排班还可优化。")
SELF_COMMENTS = ("本季度完成了岗位目标，希望继续提升商品知识。", "积极参与培训，服务投诉减少。",
                 "承担了新员工带教，希望有更多管理机会。")
PEER_COMMENTS = ("乐于助人，交接清楚。", "遇到高峰期能主动补位。", "沟通可以更直接一些。", "对新人很有耐心。")
CALIBRATION_NOTES = ("区域校准：与同级对比后下调一级。", "区域校准：重大项目贡献，上调一级。")


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def last_two_quarters(today: date) -> list[tuple[date, date]]:
    """(start, end) of the two complete quarters before the one holding `today`, older first."""
    current = _quarter_start(today)
    recent_end = current - timedelta(days=1)
    recent_start = _quarter_start(recent_end)
    older_end = recent_start - timedelta(days=1)
    return [(_quarter_start(older_end), older_end), (recent_start, recent_end)]


def _templates(company) -> list:
    """The three templates (KPIs not registered in this installation are left out, their weight given to the
    first line so every template adds up to 100)."""
    from opsdesk.core.extensions import kpis
    from opsdesk.people.models import Position
    from opsdesk.people.models.appraisals import AppraisalTemplate, TemplateCompetency, TemplateKpi

    registered = kpis()
    skills = _skills_by_name(company)
    positions = {position.code: position for position in Position.objects.filter(company=company)}
    made = []
    for name, codes, share, kpi_lines, competency_lines in TEMPLATES:
        targets = [positions[code] for code in codes if code in positions] or [None]
        lines = [line for line in kpi_lines if line[0] in registered]
        missing = 100 - sum(line[1] for line in lines)
        for number, position in enumerate(targets):
            template = AppraisalTemplate.objects.create(
                company=company, name=name if number == 0 else f"{name}（{position.name}）", position=position,
                kpi_share=share if lines else 0)
            TemplateKpi.objects.bulk_create([
                TemplateKpi(template=template, kpi_code=code, weight=weight + (missing if index == 0 else 0),
                            threshold=Decimal(threshold), target=Decimal(target), stretch=Decimal(stretch))
                for index, (code, weight, threshold, target, stretch) in enumerate(lines)])
            TemplateCompetency.objects.bulk_create([
                TemplateCompetency(template=template, name=competency, weight=weight, description=description,
                                   skill=skills.get(skill))
                for competency, weight, description, skill in competency_lines])
            made.append(template)
    return made


def _skills_by_name(company) -> dict:
    try:
        from opsdesk.people.models import Skill
    except ImportError:  # the skills area is not installed
        return {}
    return {skill.name: skill for skill in Skill.objects.filter(company=company)}


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 19), rng.randint(0, 59))))


def _rate(rng: random.Random, kpi_score) -> int:
    """A manager's rating that follows the KPI result, with some spread."""
    base = 3 if kpi_score is None else 1 + min(4, int(float(kpi_score) // 22))
    return max(1, min(5, base + rng.choice((-1, 0, 0, 0, 1))))


def _review(appraisal, rng: random.Random, *, self_only: bool = False) -> None:
    from opsdesk.people.services.appraisals import rescore

    for rating in appraisal.competency_ratings.all():
        rating.self_rating = max(1, min(5, _rate(rng, appraisal.kpi_score) + rng.choice((0, 0, 1))))
        if not self_only:
            rating.manager_rating = _rate(rng, appraisal.kpi_score)
        rating.save()
    appraisal.self_comment = rng.choice(SELF_COMMENTS)
    if not self_only:
        appraisal.manager_comment = rng.choice(MANAGER_COMMENTS)
    rescore(appraisal)


def _calibrate(appraisal, rng: random.Random) -> None:
    adjust = rng.random() < 0.12 and appraisal.proposed_rating is not None
    final = appraisal.proposed_rating or 3
    if adjust:
        final = max(1, min(5, final + (-1 if final >= 4 else 1)))
        appraisal.calibration_note = CALIBRATION_NOTES[0 if final < (appraisal.proposed_rating or 3) else 1]
    appraisal.final_rating = final


def _sign(appraisal, cycle, rng: random.Random) -> None:
    appraisal.employee_signed_at = _moment(cycle.manager_review_due + timedelta(days=rng.randint(3, 8)), rng)
    appraisal.manager_signed_at = _moment(cycle.manager_review_due + timedelta(days=rng.randint(3, 8)), rng)


def _generate(cycle, templates) -> list:
    from opsdesk.core.choices import EmployeeStatusChoices
    from opsdesk.people.models import Employee
    from opsdesk.people.models.appraisals import Appraisal, CompetencyRating
    from opsdesk.people.services.appraisals import manager_for, measure_into, template_for

    cache: dict = {}
    appraisals = []
    employees = (Employee.objects.filter(company=cycle.company, status=EmployeeStatusChoices.ACTIVE)
                 .select_related("store", "manager__user", "user", "position").order_by("employee_no"))
    for employee in employees:
        template = template_for(employee, templates)
        appraisal = Appraisal.objects.create(cycle=cycle, employee=employee, template=template,
                                             manager=manager_for(employee))
        CompetencyRating.objects.bulk_create([
            CompetencyRating(appraisal=appraisal, competency=line, name=line.name, description=line.description,
                             weight=line.weight) for line in template.competencies.all()])
        measure_into(appraisal, cache=cache)
        appraisals.append(appraisal)
    return appraisals


def _peers(appraisal, colleagues, rng: random.Random) -> int:
    """Four colleagues asked; three answered (anonymously), the fourth request closed."""
    from opsdesk.people.models.appraisals import PeerReviewAnswer, PeerReviewRequest

    reviewers = [user for user in colleagues if user.pk != appraisal.employee.user_id][:4]
    if len(reviewers) < 4:
        return 0
    requested = appraisal.cycle.self_review_due - timedelta(days=7)
    for number, reviewer in enumerate(reviewers):
        PeerReviewRequest.objects.create(appraisal=appraisal, reviewer=reviewer, requested_on=requested,
                                         status="answered" if number < 3 else "closed",
                                         answered_on=requested + timedelta(days=2) if number < 3 else None)
    ratings = list(appraisal.competency_ratings.values_list("pk", flat=True))
    for _number in range(3):
        PeerReviewAnswer.objects.create(appraisal=appraisal, ratings={str(pk): rng.randint(3, 5) for pk in ratings},
                                        comment=rng.choice(PEER_COMMENTS), period_bucket=appraisal.cycle.period_end)
    return 3


def build(company, today: date) -> dict[str, int]:
    """Two quarterly cycles for the company's active employees (see the module docstring); returns counts."""
    from opsdesk.core.models import User
    from opsdesk.people.models.appraisals import AppraisalCycle, AppraisalTemplate

    (older_start, older_end), (recent_start, recent_end) = last_two_quarters(today)
    names = [f"{start.year}年第{(start.month - 1) // 3 + 1}季度绩效考核" for start in (older_start, recent_start)]
    if AppraisalCycle.objects.filter(company=company, name__in=names).exists():
        return {"cycles": 0, "appraisals": 0}
    rng = random.Random(f"appraisals-{company.code}-{today.isoformat()}")
    # Row by row under the audit trail would write thousands of entries: the creations are audited in bulk.
    with transaction.atomic(), disable_auditlog():
        templates = list(AppraisalTemplate.objects.filter(company=company)) or _templates(company)
        older = AppraisalCycle.objects.create(
            company=company, name=names[0], period_start=older_start, period_end=older_end,
            self_review_due=older_end + timedelta(days=10), manager_review_due=older_end + timedelta(days=20),
            status="open", peers_enabled=False)
        older_appraisals = _generate(older, templates)
        for appraisal in older_appraisals:
            _review(appraisal, rng)
            _calibrate(appraisal, rng)
            _sign(appraisal, older, rng)
            appraisal.status = "done"
            appraisal.save()
        older.status = "closed"
        older.save()
        recent = AppraisalCycle.objects.create(
            company=company, name=names[1], period_start=recent_start, period_end=recent_end,
            self_review_due=today + timedelta(days=3),
            manager_review_due=today + timedelta(days=12), status="open", peers_enabled=True)
        recent_appraisals = _generate(recent, templates)
        answers = _progress(recent, recent_appraisals, rng, User.objects.filter(company=company, is_active=True))
        audit_bulk("create", [(None, row) for row in (*templates, older, recent, *older_appraisals,
                                                      *recent_appraisals)])
    return {"cycles": 2, "appraisals": len(older_appraisals) + len(recent_appraisals), "peer_answers": answers}


def _progress(cycle, appraisals, rng: random.Random, users) -> int:
    """Spread the recent cycle over the workflow; the demo accounts' own appraisals wait for their self-review."""
    colleagues = list(users.order_by("username"))
    answers = 0
    for appraisal in appraisals:
        if appraisal.employee.user_id is not None:
            continue  # the demo users' own appraisals: still to self-review
        draw = rng.random()
        if draw < 0.3:
            continue
        _review(appraisal, rng, self_only=draw < 0.55)
        if draw < 0.55:
            appraisal.status = "manager_review"
            if appraisal.employee.position and appraisal.employee.position.code == "STORE_MANAGER":
                answers += _peers(appraisal, colleagues, rng)
        elif draw < 0.75:
            appraisal.status = "calibration"
        else:
            _calibrate(appraisal, rng)
            if draw < 0.88:
                appraisal.status = "sign_off"
            else:
                _sign(appraisal, cycle, rng)
                appraisal.status = "done"
        appraisal.save()
    return answers
