"""Reads of training: the figures of a scope and period (the KPIs and the quarterly plan page share them), the
quarterly plan, a store's session calendar, a trainee's own enrolments, and the inspection suggestions that become
enrolment proposals.

The rules, stated once:
- A session belongs to a period by the local date of `starts_at`, and to a scope by its store; a head-office
  session (no store) belongs only to the company-wide scope (`KpiScope.store_ids` None).
- "Held" = status held. Attendance rate = attended / (enrolled + attended + absent) enrolments of held sessions.
- Trainees = attended enrolments of held sessions (one person at two sessions counts twice; `people` counts
  distinct employees). Training hours = attended enrolments × the programme's duration.
- A session's cost = its actual cost, else the programme's cost per session + cost per trainee × attended.
  Cost per trainee = the held sessions' costs / their attended enrolments.
- Pass rate = passed / tested among attended enrolments with a test score; average feedback = mean rating given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from opsdesk.core.extensions import KpiScope, Period
from opsdesk.people.models.training import (
    Enrolment,
    EnrolmentStatusChoices,
    SessionStatusChoices,
    TrainingPlan,
    TrainingProgramme,
    TrainingSession,
)

SEATED = (EnrolmentStatusChoices.ENROLLED, EnrolmentStatusChoices.ATTENDED, EnrolmentStatusChoices.ABSENT)


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The aware instants [start, end) of a period of local dates, both days included."""
    from django.utils import timezone

    start, end = period
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))


def quarter_period(year: int, quarter: int) -> Period:
    """The first and last day of a calendar quarter."""
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def sessions_in(scope: KpiScope, period: Period) -> QuerySet[TrainingSession]:
    """Sessions of the scope starting in the period (any status; see the module rules)."""
    start, end = period_bounds(period)
    sessions = TrainingSession.objects.filter(company_id=scope.company_id, starts_at__gte=start, starts_at__lt=end)
    if scope.store_ids is not None:
        sessions = sessions.filter(store_id__in=scope.store_ids)
    return sessions


@dataclass
class TrainingFigures:
    """What the sessions of a scope and period add up to (see the module docstring for each rule)."""

    scheduled: int = 0
    held: int = 0
    seated: int = 0
    attended: int = 0
    people: int = 0
    hours: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    tested: int = 0
    passed: int = 0
    ratings: list[int] = field(default_factory=list)

    @property
    def attendance_rate(self) -> float | None:
        return None if not self.seated else self.attended * 100.0 / self.seated

    @property
    def cost_per_trainee(self) -> float | None:
        return None if not self.attended else float(self.cost) / self.attended

    @property
    def pass_rate(self) -> float | None:
        return None if not self.tested else self.passed * 100.0 / self.tested

    @property
    def average_feedback(self) -> float | None:
        return None if not self.ratings else sum(self.ratings) / len(self.ratings)


def session_cost(session: TrainingSession, attended: int) -> Decimal:
    """The actual cost, else the programme's cost per session + cost per trainee × attended."""
    if session.actual_cost is not None:
        return session.actual_cost
    programme = session.programme
    return programme.cost_per_session + programme.cost_per_trainee * attended


def training_figures(scope: KpiScope, period: Period) -> TrainingFigures:
    """Scheduled and held sessions, attendance, trainees, hours, cost, tests and feedback of a scope and period."""
    sessions = sessions_in(scope, period)
    figures = TrainingFigures(scheduled=sessions.exclude(status=SessionStatusChoices.CANCELLED).count())
    held = list(sessions.filter(status=SessionStatusChoices.HELD).select_related("programme").annotate(
        n_attended=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatusChoices.ATTENDED))))
    figures.held = len(held)
    for session in held:
        figures.hours += session.programme.duration_hours * session.n_attended
        figures.cost += session_cost(session, session.n_attended)
    enrolments = Enrolment.objects.filter(session__in=[session.pk for session in held])
    row = enrolments.aggregate(
        seated=Count("pk", filter=Q(status__in=SEATED)),
        attended=Count("pk", filter=Q(status=EnrolmentStatusChoices.ATTENDED)),
        people=Count("employee", filter=Q(status=EnrolmentStatusChoices.ATTENDED), distinct=True),
        tested=Count("pk", filter=Q(status=EnrolmentStatusChoices.ATTENDED, test_score__isnull=False)),
        passed=Count("pk", filter=Q(status=EnrolmentStatusChoices.ATTENDED, test_score__isnull=False, passed=True)))
    figures.seated, figures.attended, figures.people = row["seated"], row["attended"], row["people"]
    figures.tested, figures.passed = row["tested"], row["passed"]
    figures.ratings = list(enrolments.filter(status=EnrolmentStatusChoices.ATTENDED, feedback_rating__isnull=False)
                           .values_list("feedback_rating", flat=True))
    return figures


# ------------------------------------------------------------------------------------------------ KPIs


def trainings_held(scope: KpiScope, period: Period) -> float | None:
    """Sessions with status held starting in the period (0 when none: "4 trainings held in Q4" reads 4.0)."""
    return float(sessions_in(scope, period).filter(status=SessionStatusChoices.HELD).count())


def training_attendance(scope: KpiScope, period: Period) -> float | None:
    return training_figures(scope, period).attendance_rate


def training_hours(scope: KpiScope, period: Period) -> float | None:
    return float(training_figures(scope, period).hours)


def training_cost_per_trainee(scope: KpiScope, period: Period) -> float | None:
    return training_figures(scope, period).cost_per_trainee


# ------------------------------------------------------------------------------------------------ the plan page


@dataclass(frozen=True)
class PlanScope:
    """Where the plan page looks: the user's whole scope, a region or a store (with a label)."""

    kind: str  # "all", "region" or "store"
    kpi: KpiScope
    label: str
    region_id: int | None = None
    store_id: int | None = None


def plan_scope(user, *, region_id: int | None = None, store_id: int | None = None) -> PlanScope | None:
    """The scope the plan page shows; None when the region or store is unknown or out of the user's scope."""
    from django.utils.translation import gettext as _

    from opsdesk.core.extensions import kpi_scope_for_user
    from opsdesk.core.models import Region, Store

    if store_id is not None:
        store = Store.objects.for_user(user, "view").filter(pk=store_id).first()
        if store is None:
            return None
        return PlanScope("store", KpiScope(user.company_id, (store.pk,)), store.name, store_id=store.pk)
    if region_id is not None:
        region = Region.objects.for_user(user, "view").filter(pk=region_id).first()
        if region is None:
            return None
        visible = Store.objects.for_user(user, "view").filter(region=region).values_list("pk", flat=True)
        return PlanScope("region", KpiScope(user.company_id, tuple(sorted(visible))), region.name,
                         region_id=region.pk)
    scope = kpi_scope_for_user(user)
    label = _("全公司") if scope.store_ids is None else _("我的门店")
    return PlanScope("all", scope, label)


def planned_sessions(user, scope: PlanScope, year: int) -> dict[int, int | None]:
    """Planned sessions per quarter from the plans of exactly this scope (the company's, the region's, the
    store's; "my stores" of a store-scoped user: the sum of their stores' plans). None where no plan exists."""
    plans = TrainingPlan.objects.for_user(user, "view").filter(company_id=scope.kpi.company_id, year=year)
    if scope.kind == "store":
        plans = plans.filter(store_id=scope.store_id)
    elif scope.kind == "region":
        plans = plans.filter(store__isnull=True, region_id=scope.region_id)
    elif scope.kpi.store_ids is None:
        plans = plans.filter(store__isnull=True, region__isnull=True)
    else:
        plans = plans.filter(store_id__in=scope.kpi.store_ids)
    result: dict[int, int | None] = dict.fromkeys(range(1, 5))
    for quarter, planned in plans.values_list("quarter", "planned_sessions"):
        result[quarter] = (result[quarter] or 0) + planned
    return result


@dataclass
class PlanRow:
    quarter: int
    period: Period
    planned: int | None
    figures: TrainingFigures


def plan_rows(user, scope: PlanScope, year: int) -> list[PlanRow]:
    """One row per quarter of the year: planned sessions and the quarter's figures."""
    planned = planned_sessions(user, scope, year)
    return [PlanRow(quarter, quarter_period(year, quarter), planned[quarter],
                    training_figures(scope.kpi, quarter_period(year, quarter))) for quarter in range(1, 5)]


@dataclass
class BreakdownRow:
    label: str
    cells: list[tuple[int | None, int]]  # (planned, held) per quarter 1-4


def plan_breakdown(user, scope: PlanScope, year: int) -> list[BreakdownRow]:
    """Quarters × the parts of a scope: regions (and head office) of the whole company, stores otherwise; planned
    from each part's own plans, held sessions by the module rules. Empty for a single store."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from opsdesk.core.models import Region, Store

    if scope.kind == "store":
        return []
    by_region = scope.kind == "all" and scope.kpi.store_ids is None
    held = sessions_in(scope.kpi, (date(year, 1, 1), date(year, 12, 31))).filter(status=SessionStatusChoices.HELD)
    plans = TrainingPlan.objects.for_user(user, "view").filter(company_id=scope.kpi.company_id, year=year)
    if by_region:
        parts = [(region.pk, region.name) for region in Region.objects.for_user(user, "view").order_by("code")]
        plans = plans.filter(store__isnull=True, region__isnull=False)
        key_of_plan, key_of_session = "region_id", "store__region_id"
    else:
        parts = [(store.pk, f"{store.code} {store.name}") for store in
                 Store.objects.filter(pk__in=scope.kpi.store_ids).order_by("code")]
        plans = plans.filter(store_id__in=scope.kpi.store_ids)
        key_of_plan, key_of_session = "store_id", "store_id"
    planned: dict[tuple, int] = {}
    for key, quarter, count in plans.values_list(key_of_plan, "quarter", "planned_sessions"):
        planned[(key, quarter)] = planned.get((key, quarter), 0) + count
    counts: dict[tuple, int] = {}
    for key, starts_at in held.values_list(key_of_session, "starts_at"):
        quarter = (timezone.localtime(starts_at).month - 1) // 3 + 1
        counts[(key, quarter)] = counts.get((key, quarter), 0) + 1
    if by_region:
        parts.append((None, _("总部/外部场地")))
    return [BreakdownRow(label, [(planned.get((key, quarter)), counts.get((key, quarter), 0))
                                 for quarter in range(1, 5)]) for key, label in parts]


def plan_chart(rows: list[PlanRow], labels: dict[str, str]) -> dict:
    """Grouped bars per quarter: planned and held sessions."""
    from opsdesk.core.charts import PALETTE, bar_chart

    quarters = [f"Q{row.quarter}" for row in rows]
    chart = bar_chart(labels["title"], quarters, [row.planned or 0 for row in rows], labels["y"])
    chart["data"][0]["name"] = labels["planned"]
    chart["data"].append({"type": "bar", "name": labels["held"], "x": quarters,
                          "y": [row.figures.held for row in rows], "marker": {"color": PALETTE[1]}})
    chart["layout"]["barmode"] = "group"
    return chart


# ------------------------------------------------------------------------------------------------ lists


def session_calendar(user, *, start: date, days: int = 42, store_id: int | None = None) -> list[tuple[date, list]]:
    """The user's sessions from `start` for `days` days, grouped by local date (days without sessions left out)."""
    from django.utils import timezone

    begin, end = period_bounds((start, start + timedelta(days=days - 1)))
    sessions = (TrainingSession.objects.for_user(user, "view").filter(starts_at__gte=begin, starts_at__lt=end)
                .select_related("programme", "store", "trainer").order_by("starts_at", "pk")
                .annotate(n_seated=Count("enrolments", filter=Q(enrolments__status__in=SEATED))))
    if store_id is not None:
        sessions = sessions.filter(store_id=store_id)
    grouped: dict[date, list] = {}
    for session in sessions:
        grouped.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return sorted(grouped.items())


def own_enrolments(user) -> QuerySet[Enrolment]:
    """The signed-in user's own enrolments (through Employee.user), newest session first."""
    employee = getattr(user, "employee", None)
    if employee is None:
        return Enrolment.objects.none()
    return (Enrolment.objects.filter(employee=employee).select_related("session__programme", "session__store")
            .order_by("-session__starts_at"))


def session_roster(session: TrainingSession) -> QuerySet[Enrolment]:
    return session.enrolments.select_related("employee", "employee__position").order_by("employee__employee_no")


# ------------------------------------------------------------------------------------------------ inspections


def inspection_suggestions(*, user, store) -> list:
    """The store's current training suggestions from failed inspections (open or accepted), as the user sees them
    (read through storeops' own scoped manager; a user who may not view store operations gets none)."""
    from opsdesk.storeops.choices import SuggestionStatusChoices
    from opsdesk.storeops.models import TrainingSuggestion

    return list(TrainingSuggestion.objects.for_user(user, "view").filter(
        store=store, status__in=(SuggestionStatusChoices.OPEN, SuggestionStatusChoices.ACCEPTED)).order_by("pk"))


def programmes_for_suggestion(programmes: list[TrainingProgramme], suggestion) -> list[TrainingProgramme]:
    """Programmes listing the suggestion's item code; if none does, those listing its topic."""
    code, topic = suggestion.item_code.strip().lower(), suggestion.topic.strip().lower()
    by_code = [programme for programme in programmes if code and code in programme.inspection_keys]
    return by_code or [programme for programme in programmes if topic and topic in programme.inspection_keys]


def store_trainees(*, store, programme: TrainingProgramme) -> QuerySet:
    """The store's active employees in the positions requiring the programme (all of them if none requires it)."""
    from opsdesk.core.choices import EmployeeStatusChoices
    from opsdesk.people.models import Employee

    employees = Employee.objects.filter(store=store, status=EmployeeStatusChoices.ACTIVE).order_by("employee_no")
    positions = list(programme.positions.values_list("position_id", flat=True))
    return employees.filter(position_id__in=positions) if positions else employees
