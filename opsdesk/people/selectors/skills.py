"""Reads of the skills area: newest assessed levels, readiness for the next step (inputs gathered here, computed
by `opsdesk.engine.readiness`), the skills matrix of a store, the gap report, the career ladder and succession.

Other areas are read lazily: the training area (PositionTraining, Enrolment) and the appraisals area (Appraisal)
may not exist yet; without them the trainings part is "0 of 0" (nothing required: full marks) and the ratings part
is the neutral value (flagged `ratings_missing`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsdesk.core.choices import EmployeeStatusChoices
from opsdesk.engine import readiness as engine
from opsdesk.people.models import Employee, Position
from opsdesk.people.models.skills import (
    DEVELOPMENT_AREA,
    ActionStatusChoices,
    DevelopmentAction,
    EmployeeSkill,
    PlanStatusChoices,
    PositionSkill,
    Skill,
)

PART_LABELS = {"skills": _("技能差距"), "trainings": _("必修培训"), "ratings": _("最近两次考核"),
               "time": _("任职时间")}
BAND_LABELS = {"ready_now": _("现在可晋升"), "ready_in_year": _("一年内可晋升"), "not_yet": _("尚未就绪"),
               "top": _("无下一级职位")}
WORKING = (EmployeeStatusChoices.ACTIVE, EmployeeStatusChoices.ON_LEAVE)


@dataclass(frozen=True)
class SkillGap:
    """A required skill of a position against the employee's newest assessed level (0 = not assessed)."""

    skill: Skill
    required_level: int
    level: int
    weight: int = 1
    assessed_on: date | None = None

    @property
    def shortfall(self) -> int:
        return max(self.required_level - self.level, 0)


@dataclass(frozen=True)
class ReadinessPartView:
    """One part of the score as shown: label, value 0..1, weight, points, and the facts behind it."""

    name: str
    value: float
    weight: float
    points: float
    detail: str

    @property
    def label(self) -> str:
        return str(PART_LABELS[self.name])

    @property
    def percent(self) -> float:
        return round(self.value * 100, 1)


@dataclass
class Readiness:
    """An employee's readiness for the next position: score 0-100, band, four parts and their inputs."""

    employee: Employee
    position: Position | None
    next_position: Position | None
    score: float
    band: str
    parts: list[ReadinessPartView]
    gaps: list[SkillGap]
    trainings_required: int
    trainings_attended: int
    training_area: bool
    ratings: list[int]
    ratings_missing: bool
    appraisal_area: bool
    months_in_role: int | None
    min_months_in_role: int
    weights: dict[str, float] = field(default_factory=lambda: dict(engine.DEFAULT_WEIGHTS))

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])

    def part(self, name: str) -> ReadinessPartView:
        return next(part for part in self.parts if part.name == name)


# ------------------------------------------------------------------------------------------------ facts


def optional_model(name: str):
    """A people model of another area, or None while that area is not installed."""
    try:
        return apps.get_model("people", name)
    except LookupError:
        return None


def newest_levels(employee_ids, *, as_of: date | None = None) -> dict[tuple[int, int], tuple[int, date]]:
    """(employee id, skill id) -> (level, assessed_on) of the newest assessment (on or before `as_of`)."""
    rows = EmployeeSkill.objects.filter(employee_id__in=list(employee_ids))
    if as_of is not None:
        rows = rows.filter(assessed_on__lte=as_of)
    newest: dict[tuple[int, int], tuple[int, date]] = {}
    for employee_id, skill_id, level, assessed_on in rows.order_by("assessed_on", "pk").values_list(
            "employee_id", "skill_id", "level", "assessed_on"):
        newest[(employee_id, skill_id)] = (level, assessed_on)
    return newest


def requirements_of(position_ids) -> dict[int, list[PositionSkill]]:
    """Position id -> its required skills (skill and family loaded), by skill code."""
    found: dict[int, list[PositionSkill]] = defaultdict(list)
    rows = PositionSkill.objects.filter(position_id__in=list(position_ids)).select_related("skill__family")
    for row in rows.order_by("skill__family__code", "skill__code"):
        found[row.position_id].append(row)
    return found


def required_trainings(position_ids) -> dict[int, set[int]] | None:
    """Position id -> ids of its required programmes; None when the training area is not installed."""
    model = optional_model("PositionTraining")
    if model is None:
        return None
    found: dict[int, set[int]] = defaultdict(set)
    for position_id, programme_id in model.objects.filter(position_id__in=list(position_ids)).values_list(
            "position_id", "programme_id"):
        found[position_id].add(programme_id)
    return found


def attended_programmes(employee_ids, *, as_of: date | None = None) -> dict[int, set[int]]:
    """Employee id -> programmes attended (an "attended" enrolment not failed), sessions starting by `as_of`."""
    model = optional_model("Enrolment")
    found: dict[int, set[int]] = defaultdict(set)
    if model is None:
        return found
    rows = model.objects.filter(employee_id__in=list(employee_ids), status="attended").exclude(passed=False)
    if as_of is not None:
        rows = rows.filter(session__starts_at__date__lte=as_of)
    for employee_id, programme_id in rows.values_list("employee_id", "session__programme_id"):
        found[employee_id].add(programme_id)
    return found


def last_ratings(employee_ids, *, as_of: date | None = None) -> dict[int, list[int]] | None:
    """Employee id -> final ratings of the last two done appraisals (newest first, by cycle end); None when the
    appraisals area is not installed."""
    model = optional_model("Appraisal")
    if model is None:
        return None
    rows = model.objects.filter(employee_id__in=list(employee_ids), status="done", final_rating__isnull=False)
    if as_of is not None:
        rows = rows.filter(cycle__period_end__lte=as_of)
    found: dict[int, list[int]] = defaultdict(list)
    for employee_id, rating in rows.order_by("employee_id", "-cycle__period_end", "-pk").values_list(
            "employee_id", "final_rating"):
        if len(found[employee_id]) < 2:
            found[employee_id].append(int(rating))
    return found


def gaps_for(requirements: list[PositionSkill], levels: dict, employee_id: int) -> list[SkillGap]:
    """The employee's standing against each requirement (newest level, 0 when not assessed)."""
    gaps = []
    for row in requirements:
        level, assessed_on = levels.get((employee_id, row.skill_id), (0, None))
        gaps.append(SkillGap(row.skill, row.required_level, level, row.weight, assessed_on))
    return gaps


# ------------------------------------------------------------------------------------------------ readiness


def readiness_many(employees, *, today: date | None = None) -> dict[int, Readiness]:
    """Readiness of each employee (position and next position loaded in 5 queries at most), as of `today`."""
    today = today or timezone.localdate()
    employees = list(employees)
    ids = [employee.pk for employee in employees]
    next_ids = {employee.position.next_position_id for employee in employees
                if employee.position_id and employee.position.next_position_id}
    levels = newest_levels(ids, as_of=today)
    requirements = requirements_of(next_ids)
    trainings = required_trainings(next_ids)
    attended = attended_programmes(ids, as_of=today) if trainings is not None else {}
    ratings = last_ratings(ids, as_of=today)
    return {employee.pk: _readiness(employee, today, levels, requirements, trainings, attended, ratings)
            for employee in employees}


def _readiness(employee, today, levels, requirements, trainings, attended, ratings) -> Readiness:
    position = employee.position if employee.position_id else None
    next_position = position.next_position if position is not None and position.next_position_id else None
    gaps = gaps_for(requirements.get(next_position.pk, []) if next_position else [], levels, employee.pk)
    required = (trainings or {}).get(next_position.pk, set()) if next_position else set()
    done = required & attended.get(employee.pk, set())
    own_ratings = (ratings or {}).get(employee.pk, [])
    since = employee.position_since or employee.hire_date
    months = engine.months_between(since, today) if since else None
    min_months = position.min_months_in_role if position is not None else 0
    result = engine.readiness_score(
        required_levels=[gap.required_level for gap in gaps], assessed_levels=[gap.level for gap in gaps],
        skill_weights=[gap.weight for gap in gaps], trainings_required=len(required), trainings_attended=len(done),
        ratings=own_ratings, months_in_role=months, min_months_in_role=min_months,
        has_next_position=next_position is not None)
    details = {
        "skills": _("%(short)s 项未达标，共差 %(levels)s 级") % {
            "short": sum(1 for gap in gaps if gap.shortfall), "levels": sum(gap.shortfall for gap in gaps)},
        "trainings": _("已参加 %(done)s / %(required)s 门") % {"done": len(done), "required": len(required)},
        "ratings": (_("无考核结果，按中性值（3 分）计") if result.ratings_missing
                    else " / ".join(str(rating) for rating in own_ratings)),
        "time": (_("任职日期未知") if months is None
                 else _("%(months)s / %(min)s 个月") % {"months": months, "min": min_months}),
    }
    parts = [ReadinessPartView(part.name, part.value, part.weight, round(part.points, 1), str(details[part.name]))
             for part in result.parts]
    return Readiness(employee=employee, position=position, next_position=next_position, score=result.score,
                     band=result.band, parts=parts, gaps=gaps, trainings_required=len(required),
                     trainings_attended=len(done), training_area=trainings is not None, ratings=own_ratings,
                     ratings_missing=result.ratings_missing, appraisal_area=ratings is not None,
                     months_in_role=months, min_months_in_role=min_months)


def readiness(employee, *, today: date | None = None) -> Readiness:
    """One employee's readiness for the next step (the caller has read the employee through its scope)."""
    employee = Employee.objects.select_related("position__next_position").get(pk=employee.pk)
    return readiness_many([employee], today=today)[employee.pk]


# ------------------------------------------------------------------------------------------------ pages


def employees_in_scope(user, *, store_id: int | None = None, head_office: bool = False) -> QuerySet[Employee]:
    """Working employees the user may see in the development area (a store's, or head office's)."""
    from opsdesk.core.permissions import user_can

    if not user_can(user, DEVELOPMENT_AREA, "view"):
        return Employee.objects.none()
    queryset = Employee.scope_queryset(Employee.objects.all(), user).filter(status__in=WORKING)
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    elif head_office:
        queryset = queryset.filter(store__isnull=True)
    return queryset.select_related("store", "position__next_position").order_by("store__code", "employee_no")


@dataclass(frozen=True)
class MatrixCell:
    level: int
    required: int

    @property
    def tone(self) -> str:
        """met, short1 (one level short), short2 (two or more), extra (not required, assessed), empty."""
        if not self.required:
            return "extra" if self.level else "empty"
        short = self.required - self.level
        return "met" if short <= 0 else ("short1" if short == 1 else "short2")


def skills_matrix(employees, *, today: date | None = None) -> tuple[list[Skill], list[tuple[Employee, list]]]:
    """Employees x skills: the skills required by their positions or assessed, and per employee one MatrixCell
    per skill (newest level vs the current position's requirement)."""
    employees = list(employees)
    levels = newest_levels([employee.pk for employee in employees], as_of=today)
    requirements = requirements_of({employee.position_id for employee in employees if employee.position_id})
    skill_ids = {row.skill_id for rows in requirements.values() for row in rows} | {key[1] for key in levels}
    skills = list(Skill.objects.filter(pk__in=skill_ids).select_related("family").order_by("family__code", "code"))
    rows = []
    for employee in employees:
        required = {row.skill_id: row.required_level for row in requirements.get(employee.position_id, [])}
        rows.append((employee, [MatrixCell(levels.get((employee.pk, skill.pk), (0, None))[0],
                                           required.get(skill.pk, 0)) for skill in skills]))
    return skills, rows


@dataclass(frozen=True)
class GapRow:
    """One missing level: for the current position ("current") or the next step ("next")."""

    employee: Employee
    target: str
    position: Position
    gap: SkillGap

    @property
    def target_label(self) -> str:
        return str(_("现岗位") if self.target == "current" else _("下一级"))


def gap_report(employees, *, today: date | None = None) -> list[GapRow]:
    """What each employee misses for the current position and for the next step (rows with a shortfall only),
    by employee number, then current before next, then skill family and code."""
    employees = list(employees)
    levels = newest_levels([employee.pk for employee in employees], as_of=today)
    positions = {employee.position_id for employee in employees if employee.position_id}
    positions |= {employee.position.next_position_id for employee in employees
                  if employee.position_id and employee.position.next_position_id}
    requirements = requirements_of(positions)
    rows = []
    for employee in sorted(employees, key=lambda item: item.employee_no):
        if not employee.position_id:
            continue
        for target, position in (("current", employee.position), ("next", employee.position.next_position)):
            if position is None:
                continue
            for gap in gaps_for(requirements.get(position.pk, []), levels, employee.pk):
                if gap.shortfall:
                    rows.append(GapRow(employee, target, position, gap))
    return rows


GAP_HEADER = (_("工号"), _("姓名"), _("门店"), _("现职位"), _("对照"), _("对照职位"), _("技能类别"), _("技能"),
              _("要求等级"), _("当前等级"), _("差距"), _("评估日期"))


def gap_export_rows(rows: list[GapRow]) -> list[list]:
    """The gap report as export rows (same order as GAP_HEADER)."""
    return [[row.employee.employee_no, row.employee.name, row.employee.store.name if row.employee.store_id else
             str(_("总部")), row.employee.position.name, row.target_label, row.position.name,
             row.gap.skill.family.name, row.gap.skill.name, row.gap.required_level, row.gap.level,
             row.gap.shortfall, row.gap.assessed_on] for row in rows]


@dataclass
class LadderStep:
    position: Position
    requirements: list[PositionSkill]
    employees: list[Employee]
    headcount: int


def career_ladder(user) -> list[tuple[str, list[LadderStep]]]:
    """The company's positions per track, ordered by level, with required skills and who (in scope) is on each."""
    positions = list(Position.objects.filter(company_id=user.company_id).select_related("next_position")
                     .order_by("track", "level", "code"))
    requirements = requirements_of([position.pk for position in positions])
    people: dict[int, list[Employee]] = defaultdict(list)
    for employee in employees_in_scope(user):
        people[employee.position_id].append(employee)
    tracks: dict[str, list[LadderStep]] = defaultdict(list)
    for position in positions:
        staff = people.get(position.pk, [])
        tracks[position.track].append(LadderStep(position, requirements.get(position.pk, []), staff[:12],
                                                 len(staff)))
    return list(tracks.items())


@dataclass
class SuccessionRow:
    position: Position
    incumbents: list[Employee]
    ready_now: list[Readiness]
    ready_in_year: list[Readiness]
    not_yet: int


def succession(user, *, today: date | None = None) -> list[SuccessionRow]:
    """For each key position of the company: incumbents in scope and the employees one step below (in scope) who
    are ready now or within a year, best score first."""
    keys = list(Position.objects.filter(company_id=user.company_id, is_key=True).order_by("track", "level", "code"))
    employees = list(employees_in_scope(user).filter(position__next_position__in=keys))
    ready = readiness_many(employees, today=today)
    incumbents: dict[int, list[Employee]] = defaultdict(list)
    for employee in employees_in_scope(user).filter(position__in=keys):
        incumbents[employee.position_id].append(employee)
    rows = []
    for position in keys:
        candidates = sorted((ready[employee.pk] for employee in employees
                             if employee.position.next_position_id == position.pk),
                            key=lambda item: (-item.score, item.employee.employee_no))
        rows.append(SuccessionRow(
            position, incumbents.get(position.pk, []),
            [item for item in candidates if item.band == "ready_now"],
            [item for item in candidates if item.band == "ready_in_year"],
            sum(1 for item in candidates if item.band == "not_yet")))
    return rows


def overdue_actions(user, today: date) -> QuerySet[DevelopmentAction]:
    """Open actions of active or draft plans in the user's scope whose due date has passed."""
    return (DevelopmentAction.objects.for_user(user)
            .filter(status=ActionStatusChoices.OPEN, due_date__lt=today,
                    plan__status__in=(PlanStatusChoices.ACTIVE, PlanStatusChoices.DRAFT))
            .select_related("plan__employee__store", "plan__owner").order_by("due_date", "pk"))
