"""Reads of appraisals: the scoped lists, an employee's KPI scope and the measured KPI values with their source,
the aggregated 360 answers, the calibration view, an employee's history and what is due for a user.

Every read goes through `for_user`. Measuring a KPI calls the core registry: `kpis()[code].measure(scope, period)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import mean

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opsdesk.core.choices import RoleChoices
from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import visible_store_ids
from opsdesk.engine import appraisal as engine
from opsdesk.people.models.appraisals import (
    AREA,
    CALIBRATION_AREA,
    REVIEW_AREA,
    Appraisal,
    AppraisalCycle,
    AppraisalStatusChoices,
    CompetencyRating,
    PeerRequestStatusChoices,
    PeerReviewAnswer,
    PeerReviewRequest,
    appraisal_condition,
)

#: Fewer answers than this are never shown, not even aggregated.
PEER_MIN_ANSWERS = 3
#: Roles whose KPIs are measured over the stores they oversee, not their own store.
OVERSEEING_ROLES = (RoleChoices.SUPERVISOR, RoleChoices.REGIONAL_MANAGER)
IN_REVIEW = (AppraisalStatusChoices.SELF_REVIEW, AppraisalStatusChoices.MANAGER_REVIEW)


# ------------------------------------------------------------------------------------------------ lists


def appraisal_list(*, user, action: str = "view") -> QuerySet[Appraisal]:
    """The appraisals the user reaches, with what a list shows."""
    return Appraisal.objects.for_user(user, action).select_related(
        "cycle", "employee__store__region", "employee__position", "manager", "template")


def appraisal_get(*, user, pk, action: str = "view") -> Appraisal | None:
    """One appraisal the user may `action`, else None (unknown, out of scope and not permitted read alike)."""
    from opsdesk.core.kit.guards import is_valid_id

    if not is_valid_id(pk):
        return None
    return appraisal_list(user=user, action=action).filter(pk=int(pk)).first()


def can_review(user, appraisal: Appraisal) -> bool:
    """Whether the user may review (rate, request peers, sign as manager) this appraisal: the reviewing role, the
    appraisal in reach, and never one's own."""
    if not user_can(user, REVIEW_AREA, "change") or appraisal.employee.user_id == user.pk:
        return False
    return Appraisal.objects.for_user(user, "view").filter(pk=appraisal.pk).exists()


def can_sign_as_manager(user, appraisal: Appraisal) -> bool:
    """Whether the user signs for the manager: the appraisal's manager, or any reviewer in reach when it has none."""
    if appraisal.manager_id is not None and appraisal.manager_id != user.pk:
        return False
    return can_review(user, appraisal)


def can_calibrate(user, appraisal: Appraisal) -> bool:
    """Whether the user may set the final rating (the calibrating role, in reach, not one's own)."""
    if not user_can(user, CALIBRATION_AREA, "change") or appraisal.employee.user_id == user.pk:
        return False
    return Appraisal.objects.for_user(user, "view").filter(pk=appraisal.pk).exists()


def appraisable_employees(user) -> QuerySet:
    """Employees whose appraisals the user reaches (staff: only themselves)."""
    from opsdesk.people.models import Employee

    if not user_can(user, AREA, "view"):
        return Employee.objects.none()
    if user.role == RoleChoices.STAFF:
        return Employee.objects.filter(user=user)
    condition = Q(user=user) | Q(store_id__in=visible_store_ids(user)) | Q(appraisals__manager=user)
    if user.has_company_scope and user.company_id:
        condition |= Q(store__isnull=True, company_id=user.company_id)
    return Employee.objects.filter(condition).distinct()


# ------------------------------------------------------------------------------------------------ KPI scope


@dataclass(frozen=True)
class EmployeeKpiScope:
    """Where an employee's KPIs are measured, and how the page says it."""

    scope: KpiScope
    label: str
    store_codes: tuple[str, ...] = ()


def employee_kpi_scope(employee) -> EmployeeKpiScope:
    """The employee's store; the stores their account oversees for supervisors and regional managers; the company
    for head office."""
    from opsdesk.core.models import Store

    user = employee.user
    if user is not None and user.role in OVERSEEING_ROLES and user.company_id == employee.company_id:
        if user.has_company_scope:
            return EmployeeKpiScope(KpiScope(employee.company_id), _("全公司"))
        ids = tuple(visible_store_ids(user))
        codes = tuple(Store.objects.filter(pk__in=ids).order_by("code").values_list("code", flat=True))
        listed = "、".join(codes[:5]) + ("…" if len(codes) > 5 else "")
        label = _("所辖 %(count)s 家门店（%(codes)s）") % {"count": len(codes), "codes": listed}
        return EmployeeKpiScope(KpiScope(employee.company_id, ids), label, codes)
    if employee.store_id:
        store = employee.store
        return EmployeeKpiScope(KpiScope(employee.company_id, (store.pk,)), _("门店 %(code)s") % {"code": store.code},
                                (store.code,))
    return EmployeeKpiScope(KpiScope(employee.company_id), _("全公司"))


# ------------------------------------------------------------------------------------------------ KPI source


def _bounds(period: tuple[date, date]) -> tuple[datetime, datetime]:
    return (timezone.make_aware(datetime.combine(period[0], time.min)),
            timezone.make_aware(datetime.combine(period[1] + timedelta(days=1), time.min)))


def _count(label: str, scope: KpiScope, period, *, time_field: str, company_field: str = "store__company_id",
           store_field: str = "store_id", dates: bool = False, **filters) -> int:
    model = apps.get_model(label)
    start, end = period if dates else _bounds(period)
    upper = "lte" if dates else "lt"
    queryset = model._default_manager.filter(**{f"{time_field}__gte": start, f"{time_field}__{upper}": end}, **filters)
    return scope.restrict(queryset, company_field=company_field, store_field=store_field).count()


@dataclass(frozen=True)
class Evidence:
    """How a KPI's facts are counted and named, and where they can be seen."""

    count: Callable[[KpiScope, tuple[date, date]], int]
    text: str  # with %(count)s
    url_name: str = ""


def _trainings_held(scope: KpiScope, period) -> int:
    from opsdesk.people.selectors.training import training_figures

    return training_figures(scope, period).held


def _evidence() -> dict[str, Evidence]:
    sales_days = Evidence(lambda s, p: _count("sales.StoreDaySales", s, p, time_field="date", dates=True),
                          _("门店日销售数据 %(count)s 天"))
    return {
        "storeops_inspection_score": Evidence(
            lambda s, p: _count("storeops.InspectionRun", s, p, time_field="completed_at", status="completed",
                                score__isnull=False), _("巡检记录 %(count)s 次"), "storeops:run_list"),
        "storeops_actions_closed_on_time": Evidence(
            lambda s, p: _count("storeops.CorrectiveAction", s, p, time_field="due_date", dates=True),
            _("到期整改任务 %(count)s 项"), "storeops:action_list"),
        "service_csat": Evidence(
            lambda s, p: _count("service.CsatRequest", s, p, time_field="answered_at", score__isnull=False,
                                company_field="ticket__company_id", store_field="ticket__store_id"),
            _("满意度评分 %(count)s 个"), "service:analysis"),
        "service_nps": Evidence(
            lambda s, p: _count("service.SurveyResponse", s, p, time_field="submitted_at", nps_score__isnull=False,
                                company_field="survey__company_id"),
            _("NPS 问卷答复 %(count)s 份"), "service:analysis"),
        "service_sla_compliance": Evidence(
            lambda s, p: _count("service.Ticket", s, p, time_field="resolved_at", company_field="company_id"),
            _("已解决工单 %(count)s 张"), "service:ticket_list"),
        "people_training_attendance": Evidence(_trainings_held, _("已举办培训 %(count)s 场"),
                                               "people:trainingsession_list"),
        **dict.fromkeys(("sales_revenue", "sales_vs_target", "sales_growth_yoy", "sales_gross_margin",
                         "sales_transactions", "sales_basket"), sales_days),
    }


def format_value(value: float | None, unit: str) -> str:
    """A measured value as the page shows it ("86.4", "92.5%", "¥12,345.00", "3.5 天")."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "currency":
        return f"¥{value:,.2f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "days":
        return _("%(value)s 天") % {"value": f"{value:.1f}"}
    return f"{value:.1f}"


def kpi_source(code: str, scope: KpiScope, period: tuple[date, date]) -> tuple[str, str]:
    """(source text, link) of a KPI's value: the facts counted ("巡检记录 42 次") or the KPI's formula."""
    definition = kpis().get(code)
    evidence = _evidence().get(code)
    if evidence is not None:
        try:
            count = evidence.count(scope, period)
        except (LookupError, ImportError):  # the app or area holding the facts is not installed
            count = None
        if count is not None:
            url = ""
            if evidence.url_name:
                try:
                    url = reverse(evidence.url_name)
                except NoReverseMatch:
                    url = ""
            return evidence.text % {"count": count}, url
    if definition is None:
        return _("未注册的 KPI"), ""
    description = definition.description_en if (get_language() or "").startswith("en") else definition.description_zh
    return f"{definition.name()}：{description}"[:280], ""


@dataclass
class MeasuredKpi:
    """One template KPI measured for an employee and period (what `AppraisalKpiResult` stores)."""

    kpi_code: str
    name: str
    weight: int
    unit: str
    value: float | None
    score: float | None
    scope_label: str
    period: tuple[date, date]
    source_text: str
    source_url: str
    higher_is_better: bool = True
    extra: dict = field(default_factory=dict)


def measure_kpi(line, employee_scope: EmployeeKpiScope, period: tuple[date, date], period_label: str) -> MeasuredKpi:
    """Measure one template KPI (`TemplateKpi`) over the scope and period, score it and describe its source."""
    definition = kpis().get(line.kpi_code)
    value = None if definition is None else definition.measure(employee_scope.scope, period)
    unit = definition.unit if definition else ""
    name = definition.name() if definition else line.kpi_code
    score = None
    if value is not None:
        score = engine.kpi_points(float(value), threshold=float(line.threshold), target=float(line.target),
                                  stretch=float(line.stretch), rule=line.rule, higher_is_better=line.higher_is_better)
    source, url = kpi_source(line.kpi_code, employee_scope.scope, period)
    if value is None:
        text = _("%(scope)s %(period)s %(name)s：无数据（不计入，权重按其余 KPI 重新分配），来源：%(source)s") % {
            "scope": employee_scope.label, "period": period_label, "name": name, "source": source}
    else:
        text = _("%(scope)s %(period)s %(name)s %(value)s，来源：%(source)s") % {
            "scope": employee_scope.label, "period": period_label, "name": name,
            "value": format_value(value, unit), "source": source}
    return MeasuredKpi(line.kpi_code, name, line.weight, unit, None if value is None else float(value), score,
                       employee_scope.label, period, text[:300], url, line.higher_is_better)


# ------------------------------------------------------------------------------------------------ scores


def kpi_renormalised(appraisal: Appraisal) -> list[str]:
    """The names of the appraisal's KPIs without a value (their weight went to the others)."""
    return [result.name for result in appraisal.kpi_results.all() if result.value is None]


def competency_score(ratings, field_name: str = "manager_rating") -> float | None:
    """The weighted competency score (0-100) of the rated competencies."""
    ratings = list(ratings)
    return engine.weighted_mean(
        [None if getattr(r, field_name) is None else engine.rating_points(getattr(r, field_name)) for r in ratings],
        [r.weight for r in ratings])


# ------------------------------------------------------------------------------------------------ 360 peers


@dataclass(frozen=True)
class PeerSummary:
    """The 360 answers of an appraisal, aggregated (never one answer alone)."""

    answers: int
    averages: list[tuple[str, float | None]]  # (competency name, mean rating 1-5)
    comments: list[str]


def peer_summary(appraisal: Appraisal) -> PeerSummary | None:
    """The aggregated answers once at least PEER_MIN_ANSWERS exist and no request is still open (so the latest
    answer can never be told apart by comparing two views); None before."""
    answers = list(PeerReviewAnswer.objects.filter(appraisal=appraisal).order_by("id"))
    if len(answers) < PEER_MIN_ANSWERS:
        return None
    if PeerReviewRequest.objects.filter(appraisal=appraisal, status=PeerRequestStatusChoices.REQUESTED).exists():
        return None
    averages = []
    for rating in CompetencyRating.objects.filter(appraisal=appraisal).order_by("-weight", "pk"):
        values = [answer.ratings.get(str(rating.pk)) for answer in answers]
        values = [int(value) for value in values if isinstance(value, int) and 1 <= value <= 5]
        averages.append((rating.name, round(mean(values), 1) if values else None))
    comments = sorted(answer.comment for answer in answers if answer.comment.strip())
    return PeerSummary(len(answers), averages, comments)


def peer_requests_for(user) -> QuerySet[PeerReviewRequest]:
    """The 360 reviews the user was asked for."""
    return PeerReviewRequest.objects.filter(reviewer=user).select_related("appraisal__cycle", "appraisal__employee")


# ------------------------------------------------------------------------------------------------ calibration


def rating_histogram(ratings: list[int]) -> dict:
    """A Plotly histogram of ratings 1-5 (one bin per rating)."""
    from opsdesk.core.charts import PALETTE

    return {"data": [{"type": "histogram", "x": sorted(ratings), "name": _("建议评级"),
                      "xbins": {"start": 0.5, "end": 5.5, "size": 1}, "marker": {"color": PALETTE[0]}}],
            "layout": {"title": {"text": _("建议评级分布"), "font": {"size": 14}}, "height": 320, "bargap": 0.05,
                       "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
                       "xaxis": {"title": {"text": _("建议评级")}, "dtick": 1, "range": [0.5, 5.5],
                                 "automargin": True},
                       "yaxis": {"title": {"text": _("人数")}, "rangemode": "tozero", "automargin": True}}}


@dataclass
class CalibrationView:
    """The appraisals of a cycle in the user's reach, their rating distribution and the outliers."""

    rows: list[Appraisal]
    distribution: dict[int, int]
    chart: dict
    outliers: dict[int, list[str]]
    manager_averages: list[tuple[str, float, int]]


def calibration_view(*, user, cycle: AppraisalCycle, region_id: int | None = None) -> CalibrationView:
    """Calibration across the user's reach (optionally one region) in one cycle: a histogram of proposed ratings,
    rows far from their KPI score, and managers whose average rating deviates."""
    rows = list(appraisal_list(user=user).filter(cycle=cycle).exclude(employee__user=user)
                .order_by("employee__store__code", "employee__employee_no"))
    if region_id is not None:
        rows = [row for row in rows if row.employee.store_id and row.employee.store.region_id == region_id]
    distribution = {rating: 0 for rating in range(1, 6)}
    for row in rows:
        if row.proposed_rating is not None:
            distribution[row.proposed_rating] += 1
    chart = rating_histogram([row.proposed_rating for row in rows if row.proposed_rating is not None])
    calibration_rows = [engine.CalibrationRow(row.pk, row.manager_id, row.proposed_rating,
                                              None if row.kpi_score is None else float(row.kpi_score))
                        for row in rows]
    reasons = {"kpi_gap": _("评级与 KPI 得分相差 2 级以上"), "manager": _("该上级给出的平均评级明显偏离")}
    outliers: dict[int, list[str]] = {}
    for outlier in engine.calibration_outliers(calibration_rows):
        outliers.setdefault(outlier.key, []).append(reasons[outlier.reason])
    for row in rows:
        row.outlier_reasons = outliers.get(row.pk, [])
    by_manager: dict[str, list[int]] = {}
    for row in rows:
        if row.proposed_rating is not None:
            by_manager.setdefault(row.manager.display_name if row.manager else "—", []).append(row.proposed_rating)
    manager_averages = sorted((name, round(mean(values), 2), len(values)) for name, values in by_manager.items())
    return CalibrationView(rows, distribution, chart, outliers, manager_averages)


# ------------------------------------------------------------------------------------------------ history, due


def employee_history(*, user, employee) -> list[Appraisal]:
    """Every appraisal of the employee the user reaches, newest cycle first, with its KPI results."""
    return list(appraisal_list(user=user).filter(employee=employee).prefetch_related("kpi_results")
                .order_by("-cycle__period_end"))


def employee_profile_section(user, employee) -> dict | None:
    """The appraisals block of the employee profile: the last cycles' status and rating, linking to the history
    (only for users who reach the employee's appraisals)."""
    if not appraisable_employees(user).filter(pk=employee.pk).exists():
        return None
    rows = [(str(appraisal.cycle), _("%(status)s · 评级 %(rating)s") % {
                "status": appraisal.get_status_display(),
                "rating": "—" if appraisal.rating is None else appraisal.rating})
            for appraisal in appraisal_list(user=user).filter(employee=employee).order_by("-cycle__period_end")[:4]]
    return {"title": _("绩效考核"), "rows": rows or [(_("考核"), _("还没有考核记录。"))],
            "url": reverse("people:appraisal_history", args=[employee.pk])}


def last_ratings(employee, count: int = 2) -> list[int]:
    """The final ratings of the employee's last `count` done appraisals, newest first (for readiness)."""
    return list(Appraisal.objects.filter(employee=employee, status=AppraisalStatusChoices.DONE,
                                         final_rating__isnull=False)
                .order_by("-cycle__period_end").values_list("final_rating", flat=True)[:count])


@dataclass(frozen=True)
class DueItem:
    """Something the user has to do on an appraisal (or a 360 review)."""

    kind: str  # self_review, manager_review, sign_off, peer_review
    appraisal: Appraisal
    due: date | None
    link: str


def appraisals_due(user) -> list[DueItem]:
    """The user's own self-reviews and sign-offs, the reviews and sign-offs of the appraisals they manage, and the
    360 reviews they were asked for."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[DueItem] = []
    reachable = appraisal_list(user=user).exclude(cycle__status="closed")
    own = reachable.filter(employee__user=user)
    for appraisal in own.filter(status=AppraisalStatusChoices.SELF_REVIEW):
        items.append(DueItem("self_review", appraisal, appraisal.cycle.self_review_due, appraisal.get_absolute_url()))
    for appraisal in own.filter(status=AppraisalStatusChoices.SIGN_OFF, employee_signed_at__isnull=True):
        items.append(DueItem("sign_off", appraisal, None, appraisal.get_absolute_url()))
    if user_can(user, REVIEW_AREA, "change"):
        managed = reachable.filter(manager=user).exclude(employee__user=user)
        for appraisal in managed.filter(status=AppraisalStatusChoices.MANAGER_REVIEW):
            items.append(DueItem("manager_review", appraisal, appraisal.cycle.manager_review_due,
                                 appraisal.get_absolute_url()))
        for appraisal in managed.filter(status=AppraisalStatusChoices.SIGN_OFF, manager_signed_at__isnull=True):
            items.append(DueItem("sign_off", appraisal, None, appraisal.get_absolute_url()))
    for request in peer_requests_for(user).filter(status=PeerRequestStatusChoices.REQUESTED,
                                                  appraisal__status__in=IN_REVIEW):
        items.append(DueItem("peer_review", request.appraisal, request.appraisal.cycle.manager_review_due,
                             request.get_absolute_url()))
    return items


def completion_percent(scope: KpiScope, period: tuple[date, date]) -> float | None:
    """Share (%) of the appraisals of cycles ending in the period that are done; None without any."""
    appraisals = Appraisal.objects.filter(cycle__company_id=scope.company_id, cycle__period_end__gte=period[0],
                                          cycle__period_end__lte=period[1])
    if scope.store_ids is not None:
        appraisals = appraisals.filter(employee__store_id__in=scope.store_ids)
    total = appraisals.count()
    if not total:
        return None
    return appraisals.filter(status=AppraisalStatusChoices.DONE).count() * 100.0 / total


__all__ = [
    "appraisal_condition", "appraisal_get", "appraisal_list", "appraisable_employees", "appraisals_due",
    "calibration_view", "can_calibrate", "can_review", "completion_percent", "employee_history",
    "employee_kpi_scope", "kpi_source", "last_ratings", "measure_kpi", "peer_summary",
]


@dataclass(frozen=True)
class PersonGoal:
    """A goal set on the appraised person whose period overlaps the cycle's, as the appraisal shows it."""

    pk: int
    title: str
    kpi_name: str
    period: str
    target: float | None
    actual: float | None
    projection: float | None
    attainment_pct: float | None
    status: str
    status_label: str
    url: str


def person_goals(appraisal: Appraisal) -> list[PersonGoal]:
    """The person goals (goals app) of the appraised employee in the cycle's period. Shown to whoever may read the
    appraisal: the goals are part of it. Attainment = actual / target for higher-is-better KPIs, target / actual for
    lower-is-better ones; none without a target or an actual."""
    user_id = appraisal.employee.user_id
    if user_id is None or not apps.is_installed("opsdesk.goals"):
        return []
    goal_model = apps.get_model("goals", "Goal")
    cycle = appraisal.cycle
    goals = goal_model.objects.filter(person_id=user_id, company_id=appraisal.employee.company_id,
                                      period_start__lte=cycle.period_end, period_end__gte=cycle.period_start)
    definitions = kpis()
    out = []
    for goal in goals.order_by("period_start", "pk"):
        definition = definitions.get(goal.kpi_code)
        higher = definition is None or definition.direction == "higher"
        attainment = None
        if goal.target and goal.actual is not None:
            attainment = (goal.actual / goal.target if higher else (goal.target / goal.actual if goal.actual
                                                                     else None))
        out.append(PersonGoal(goal.pk, goal.title, definition.name() if definition else goal.kpi_code,
                              f"{goal.period_start:%Y-%m-%d} – {goal.period_end:%Y-%m-%d}", goal.target, goal.actual,
                              goal.projection, None if attainment is None else round(attainment * 100, 1),
                              goal.status, goal.get_status_display(), goal.get_absolute_url()))
    return out
