"""KPI values of appraisals against an independent computation from the facts (golden cases), the KPI scope of
each kind of employee, the re-normalisation of a missing KPI, and the KPI `people_appraisal_completion`.

The shared organisation: company A, stores a1, a2 (region A), b1, b2 (region B). Cycle 2026Q3 (1 July - 30 September).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.people.models import Employee
from opsdesk.people.models.appraisals import Appraisal
from opsdesk.people.selectors import appraisals as selectors
from opsdesk.people.services import appraisals as services
from opsdesk.people.tests.routes_appraisals import make_appraisal, make_cycle, make_template
from opsdesk.sales.models import StoreDaySales
from opsdesk.storeops.models import InspectionRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
KPI_LINES = (("storeops_inspection_score", 50, "60", "80", "95"), ("sales_vs_target", 50, "80", "100", "120"))


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def linear(value: float, threshold: float, target: float, stretch: float) -> float:
    """The linear rule written out: 0 at the threshold, 80 at the target, 100 at the stretch."""
    if value <= threshold:
        return 0.0
    if value <= target:
        return 80 * (value - threshold) / (target - threshold)
    return min(100.0, 80 + 20 * (value - target) / (stretch - target))


@pytest.fixture
def checklist(org):
    from opsdesk.storeops import services as storeops_services
    from opsdesk.storeops.tests.conftest import SPEC

    return storeops_services.template_build(actor=org.users["coo"], company=org.company, spec=SPEC)


@pytest.fixture
def facts(org, checklist):
    """Inspections and sales of Q3 2026 (and around it) at stores a1, a2 and b1."""
    scores = {"a1": [("92.5", at(7, 1, 0)), ("80.0", at(8, 15)), ("71.3", at(9, 30, 23))],
              "a2": [("60.0", at(8, 2))], "b1": [("15.0", at(8, 2))]}
    for key, runs in scores.items():
        for score, completed in runs:
            InspectionRun.objects.create(store=org.stores[key], template_version=checklist.current_version,
                                         status="completed", completed_at=completed, score=Decimal(score))
    InspectionRun.objects.create(store=org.stores["a1"], template_version=checklist.current_version,
                                 status="completed", completed_at=at(6, 30, 23), score=Decimal("10"))  # June
    target_model = apps.get_model("cockpit", "SalesTarget")
    for month, amount in ((7, "31000"), (8, "31000"), (9, "30000")):  # 1,000 a day
        target_model.objects.create(store=org.stores["a1"], month=date(2026, month, 1), amount=Decimal(amount))
    for day, amount in ((date(2026, 7, 1), "40000"), (date(2026, 8, 15), "40400"), (date(2026, 9, 30), "7000"),
                        (date(2026, 10, 1), "99999")):
        StoreDaySales.objects.create(store=org.stores["a1"], date=day, sales_amount=Decimal(amount),
                                     cost_amount=Decimal(0), transactions=10)
    return {"a1": [float(score) for score, _ in scores["a1"]], "a2": [float(score) for score, _ in scores["a2"]],
            "b1": [float(score) for score, _ in scores["b1"]], "a1_sales": 40000 + 40400 + 7000, "a1_target": 92000}


def _open_cycle(org, template_kwargs=None):
    make_template(org.company, kpi_share=60, kpis=KPI_LINES, name="门店员工模板", **(template_kwargs or {}))
    cycle = make_cycle(org.company, status="draft", start=Q3[0], end=Q3[1])
    services.cycle_transition(actor=org.users["hr"], cycle=cycle, status="open")
    return cycle


def test_kpi_values_of_a_store_employee_equal_the_facts_of_their_store(org, facts):
    # given: the cycle opened over Q3
    cycle = _open_cycle(org)
    employee = org.employees["a1"]
    # when
    appraisal = Appraisal.objects.get(cycle=cycle, employee=employee)
    results = {result.kpi_code: result for result in appraisal.kpi_results.all()}
    # then: the inspection average of a1's Q3 runs and sales against the targets, as computed from the facts
    inspection = mean(facts["a1"])
    sales_pct = facts["a1_sales"] * 100 / facts["a1_target"]
    assert results["storeops_inspection_score"].value == pytest.approx(inspection, abs=1e-9)
    assert results["sales_vs_target"].value == pytest.approx(sales_pct, abs=1e-9) == 95.0
    inspection_points = linear(inspection, 60, 80, 95)
    sales_points = linear(sales_pct, 80, 100, 120)
    assert float(results["storeops_inspection_score"].score) == round(inspection_points, 1) == 81.7
    assert float(results["sales_vs_target"].score) == round(sales_points, 1) == 60.0
    assert float(appraisal.kpi_score) == round((inspection_points * 50 + sales_points * 50) / 100, 1) == 70.8
    # and the source is shown with the number of facts behind it
    assert results["storeops_inspection_score"].source_text == "门店 A1 2026Q3 巡检平均得分 81.3，来源：巡检记录 3 次"
    assert results["storeops_inspection_score"].source_url == "/storeops/runs/"
    assert results["sales_vs_target"].source_text == "门店 A1 2026Q3 销售目标达成率 95.0%，来源：门店日销售数据 3 天"
    assert (results["sales_vs_target"].period_start, results["sales_vs_target"].period_end) == Q3


def test_kpi_values_equal_the_registry_measure_for_the_same_scope(org, facts):
    # given
    cycle = _open_cycle(org)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=org.employees["a1"])
    # when / then: what the appraisal stores is what the KPI registry measures for store a1 over Q3
    scope = KpiScope(org.company.pk, (org.stores["a1"].pk,))
    for result in appraisal.kpi_results.all():
        assert result.value == kpis()[result.kpi_code].measure(scope, Q3)


def test_a_supervisor_is_measured_over_the_stores_they_oversee(org, facts):
    # given: the supervisor's employee record (scope a1 and a2)
    supervisor = Employee.objects.create(company=org.company, store=org.stores["a1"], user=org.users["supervisor"],
                                         employee_no="SUP-1", name="督导王")
    cycle = _open_cycle(org)
    # when
    result = Appraisal.objects.get(cycle=cycle, employee=supervisor).kpi_results.get(
        kpi_code="storeops_inspection_score")
    # then: every run of a1 and a2 counts once
    assert result.value == pytest.approx(mean(facts["a1"] + facts["a2"]), abs=1e-9) == 75.95
    assert result.scope_label == "所辖 2 家门店（A1、A2）"
    assert result.source_text.endswith("来源：巡检记录 4 次")


def test_a_head_office_employee_is_measured_over_the_company(org, facts):
    # given
    cycle = _open_cycle(org)
    # when
    result = Appraisal.objects.get(cycle=cycle, employee=org.employees["head_office"]).kpi_results.get(
        kpi_code="storeops_inspection_score")
    # then: a1, a2 and b1 runs of the quarter
    assert result.value == pytest.approx(mean(facts["a1"] + facts["a2"] + facts["b1"]), abs=1e-9)
    assert result.scope_label == "全公司"


def test_a_missing_kpi_is_left_out_and_its_weight_renormalised(org, facts, client):
    # given: store a2 has inspections but no sales target
    cycle = _open_cycle(org)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=org.employees["a2"])
    # when
    results = {result.kpi_code: result for result in appraisal.kpi_results.all()}
    # then: the KPI score is the inspection score alone (its weight 50 of 50 measured)
    assert results["sales_vs_target"].value is None
    assert results["sales_vs_target"].score is None
    assert float(appraisal.kpi_score) == round(linear(60.0, 60, 80, 95), 1) == 0.0
    assert "无数据（不计入，权重按其余 KPI 重新分配）" in results["sales_vs_target"].source_text
    # and the page says so
    client.force_login(org.users["hr"])
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert 'id="renormalised"' in page
    assert "销售目标达成率" in page


def test_overall_score_and_proposed_rating_after_the_manager_review(org, facts):
    # given: the a1 employee's appraisal, self-review submitted, competencies 服务意识 (60) and 团队协作 (40)
    cycle = _open_cycle(org)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=org.employees["a1"])
    appraisal.status = "manager_review"
    appraisal.save()
    ratings = {rating.pk: {"服务意识": 4, "团队协作": 3}[rating.name] for rating in appraisal.competency_ratings.all()}
    # when
    services.appraisal_manager_review(actor=org.users["store_manager"], appraisal=appraisal, ratings=ratings,
                                      submit=True)
    appraisal.refresh_from_db()
    # then: KPI 70.84 x 60 % + competencies (75 x 60 + 50 x 40) / 100 = 65 x 40 %
    kpi = (linear(mean(facts["a1"]), 60, 80, 95) + linear(95.0, 80, 100, 120)) / 2
    competency = (75 * 60 + 50 * 40) / 100
    assert float(appraisal.competency_score) == competency == 65.0
    assert float(appraisal.overall_score) == round(0.6 * kpi + 0.4 * competency, 1) == 68.5
    assert appraisal.proposed_rating == 3
    assert appraisal.status == "calibration"


def test_completion_kpi_counts_done_appraisals_of_cycles_ending_in_the_period(org):
    # given: a Q3 cycle with three appraisals at a1/a2 (one done) and one at b1 (done); a Q2 cycle (done)
    q3 = make_cycle(org.company, start=Q3[0], end=Q3[1])
    q2 = make_cycle(org.company, start=date(2026, 4, 1), end=date(2026, 6, 30))
    extra = Employee.objects.create(company=org.company, store=org.stores["a1"], employee_no="X-1", name="甲")
    make_appraisal(org.employees["a1"], cycle=q3, status="done")
    make_appraisal(org.employees["a2"], cycle=q3, status="sign_off")
    make_appraisal(extra, cycle=q3, status="self_review")
    make_appraisal(org.employees["b1"], cycle=q3, status="done")
    make_appraisal(org.employees["a1"], cycle=q2, status="self_review")
    measure = kpis()["people_appraisal_completion"].measure
    # when / then
    assert measure(KpiScope(org.company.pk), (date(2026, 9, 1), date(2026, 9, 30))) == pytest.approx(50.0)
    region_a = KpiScope(org.company.pk, (org.stores["a1"].pk, org.stores["a2"].pk))
    assert measure(region_a, (date(2026, 7, 1), date(2026, 12, 31))) == pytest.approx(100 / 3)
    assert measure(KpiScope(org.company.pk), (date(2026, 1, 1), date(2026, 3, 31))) is None
    assert selectors.completion_percent(KpiScope(org.company.pk), Q3) == pytest.approx(50.0)


def test_training_attendance_without_sessions_is_missing_and_named_with_its_source(org):
    # given: a template weighing training attendance, and no training session in Q3
    make_template(org.company, kpi_share=50, name="培训模板", kpis=(
        ("people_training_attendance", 40, "70", "90", "100"), ("storeops_inspection_score", 60, "60", "80", "95")))
    cycle = make_cycle(org.company, status="draft", start=Q3[0], end=Q3[1])
    services.cycle_transition(actor=org.users["hr"], cycle=cycle, status="open")
    # when
    appraisal = Appraisal.objects.get(cycle=cycle, employee=org.employees["a1"])
    result = appraisal.kpi_results.get(kpi_code="people_training_attendance")
    # then: no value (the registry says None too), left out of the score, with the count of held sessions
    assert result.value is None
    assert kpis()["people_training_attendance"].measure(KpiScope(org.company.pk, (org.stores["a1"].pk,)), Q3) is None
    assert result.source_text == ("门店 A1 2026Q3 培训出席率：无数据（不计入，权重按其余 KPI 重新分配），"
                                  "来源：已举办培训 0 场")
    assert appraisal.kpi_score is None  # the inspection KPI has no data either
    assert selectors.kpi_renormalised(appraisal) == ["巡检平均得分", "培训出席率"]


@pytest.mark.parametrize(("code", "text"), [
    ("storeops_inspection_score", "巡检记录 0 次"), ("storeops_actions_closed_on_time", "到期整改任务 0 项"),
    ("service_csat", "满意度评分 0 个"), ("service_nps", "NPS 问卷答复 0 份"),
    ("service_sla_compliance", "已解决工单 0 张"), ("sales_revenue", "门店日销售数据 0 天"),
    ("people_training_attendance", "已举办培训 0 场"),
])
def test_every_source_counts_its_facts(org, code, text):
    # when
    source, _url = selectors.kpi_source(code, KpiScope(org.company.pk, (org.stores["a1"].pk,)), Q3)
    # then
    assert source == text


def test_a_kpi_without_counted_facts_names_its_formula(org):
    source, url = selectors.kpi_source("inventory_stockout_rate", KpiScope(org.company.pk), Q3)
    assert source.startswith(f"{kpis()['inventory_stockout_rate'].name_zh}：")
    assert url == ""
