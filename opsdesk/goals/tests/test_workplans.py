"""Work plans: the document in both languages (DOCX, PDF), approval by the next level, frozen versions, scope,
scoped links, the approver's inbox, the API and the demo's approved plan."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document as WordDocument
from pypdf import PdfReader

from opsdesk.goals import inbox, selectors, services
from opsdesk.goals.models import Goal, GoalMeasurement, PlanMeasure, WorkPlan
from opsdesk.risks.models import Risk, RiskAction, RiskCategory

GOAL_TITLE = "一季度销售额增长10%"
MEASURE_TITLE = "陈列标准化"
RISK_TITLE = "冷链断电"
SIBLING_RISK = "广州门店漏水"


def _plan(org, *, store=None, region=None, year=2026, title="2026年度工作计划") -> WorkPlan:
    return WorkPlan.objects.create(company=org.company, store=store, region=store.region if store else region,
                                   year=year, title=title)


@pytest.fixture
def company_plan(org) -> WorkPlan:
    """The 2026 company plan: a measured Q1 sales goal, a measure linked to a company risk and its response, a
    resource; the register also holds a store b1 risk."""
    goal = Goal(company=org.company, title=GOAL_TITLE, kpi_code="sales_revenue", period_kind="quarter",
                period_start=date(2026, 1, 1), target_kind="absolute", target_value=1000.0)
    goal.full_clean()
    goal.save()
    GoalMeasurement.objects.create(goal=goal, as_of=date(2026, 2, 14), actual=450.0, projection=1020.0, lower=900.0,
                                   upper=1140.0, probability=0.62, status="on_track", method="run_rate")
    Goal.objects.filter(pk=goal.pk).update(actual=450.0, projection=1020.0, probability=0.62, status="on_track",
                                           measured_on=date(2026, 2, 14))
    category = RiskCategory.objects.create(company=org.company, code="OPS", name_zh="运营", name_en="Operations")
    risk = Risk.objects.create(company=org.company, code="R001", title=RISK_TITLE, category=category)
    response = RiskAction.objects.create(risk=risk, title="备用发电机", due_date=date(2026, 3, 1))
    Risk.objects.create(company=org.company, code="R002", title=SIBLING_RISK, category=category,
                        store=org.stores["b1"], region=org.region_b)
    plan = _plan(org)
    coo = org.users["coo"]
    services.measure_save(actor=coo, plan=plan, data={"area": "store", "title": MEASURE_TITLE, "quarters": "1,2",
                                                      "risk": risk, "risk_action": response})
    services.resource_save(actor=coo, plan=plan, data={"kind": "tools", "description": "巡店工具",
                                                       "amount": Decimal("3000")})
    return plan


def _docx_text(body: bytes) -> str:
    word = WordDocument(io.BytesIO(body))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "".join("".join(parts).split())


def _pdf_text(body: bytes) -> str:
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


@pytest.mark.parametrize("export_format", ["docx", "pdf"])
@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", ["一、目标", "二、分领域措施", "三、季度安排", "五、风险与应对", "进展正常", "门店管理"]),
    ("en", ["1.Goals", "2.Measuresbyarea", "3.Quarterlyschedule", "5.Risksandresponses", "Ontrack",
            "Storemanagement"]),
])
def test_the_plan_document_holds_goals_measures_and_risks_in_both_languages(
        company_plan, login, client, export_format, language, words):
    # given
    client = login(_coo(company_plan))
    # when
    response = client.get(reverse("goals:workplan_download", args=[company_plan.pk]),
                          {"format": export_format, "lang": language})
    # then
    assert response.status_code == 200
    text = (_docx_text if export_format == "docx" else _pdf_text)(response.content)
    for expected in [GOAL_TITLE, MEASURE_TITLE, RISK_TITLE, "备用发电机", "巡店工具", *words]:
        assert expected in text, expected
    assert SIBLING_RISK not in text


def _coo(plan):
    from opsdesk.core.models import User

    return User.objects.get(company=plan.company, username="matrix-coo")


def test_the_markdown_lays_the_measures_out_by_quarter(company_plan, login, client):
    login(_coo(company_plan))
    text = client.get(reverse("goals:workplan_download", args=[company_plan.pk]),
                      {"format": "md", "lang": "zh-hans"}).content.decode()
    assert "| 领域 | 措施 | Q1 | Q2 | Q3 | Q4 |" in text
    assert f"| 门店管理 | {MEASURE_TITLE} | ● | ● |  |  |" in text
    assert "| 合计 |  | 3,000.00 |  |" in text


def test_approval_needs_the_next_level_never_ones_own_submission_and_a_return_needs_a_comment(org):
    # given: a store plan of a1 submitted by its supervisor, a region plan submitted by the COO
    store_plan = services.plan_submit(actor=org.users["supervisor"], plan=_plan(org, store=org.stores["a1"]))
    region_plan = services.plan_submit(actor=org.users["coo"], plan=_plan(org, region=org.region_a))
    # then: self-approval refused
    with pytest.raises(PermissionDenied, match="不能审批自己提交的计划"):
        services.plan_approve(actor=org.users["supervisor"], plan=store_plan)
    # the same level refused: a regional manager may not approve the region plan
    with pytest.raises(PermissionDenied, match="计划须由上一级审批"):
        services.plan_approve(actor=org.users["regional_manager"], plan=region_plan)
    # a store manager may not approve at all; a supervisor cannot reach a region plan
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=org.users["store_manager"], plan=store_plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=org.users["supervisor"], plan=region_plan)
    # a return needs a comment
    with pytest.raises(ValidationError) as error:
        services.plan_return(actor=org.users["admin"], plan=region_plan, comment="  ")
    assert "comment" in error.value.message_dict
    for plan in (store_plan, region_plan):
        plan.refresh_from_db()
        assert (plan.status, plan.versions.get().status, plan.versions.get().decided_by) == (
            "submitted", "submitted", None)
    # when: the regional manager approves the store plan, the admin returns the region plan with a comment
    services.plan_approve(actor=org.users["regional_manager"], plan=store_plan)
    services.plan_return(actor=org.users["admin"], plan=region_plan, comment="补充人员措施")
    # then
    store_plan.refresh_from_db()
    region_plan.refresh_from_db()
    assert (store_plan.status, store_plan.versions.get().decided_by) == ("approved", org.users["regional_manager"])
    assert (region_plan.status, region_plan.return_comment, region_plan.versions.get().comment) == (
        "returned", "补充人员措施", "补充人员措施")


def test_a_company_plan_is_approved_by_another_company_wide_user_through_the_page(company_plan, login, client):
    services.plan_submit(actor=org_user(company_plan, "coo"), plan=company_plan)
    # the submitter's approval is refused with a message, nothing changes
    login(org_user(company_plan, "coo"))
    response = client.post(reverse("goals:workplan_approve", args=[company_plan.pk]), {"comment": ""})
    assert response.status_code == 302
    company_plan.refresh_from_db()
    assert company_plan.status == "submitted"
    # a return without a comment is refused
    login(org_user(company_plan, "admin"))
    client.post(reverse("goals:workplan_return", args=[company_plan.pk]), {"comment": ""})
    company_plan.refresh_from_db()
    assert company_plan.status == "submitted"
    client.post(reverse("goals:workplan_approve", args=[company_plan.pk]), {"comment": "同意"})
    company_plan.refresh_from_db()
    assert (company_plan.status, company_plan.versions.get().comment) == ("approved", "同意")


def org_user(plan, role):
    from opsdesk.core.models import User

    return User.objects.get(company=plan.company, username=f"matrix-{role}")


def test_editing_an_approved_plan_starts_a_new_draft_and_the_approved_snapshot_stays(company_plan, login, client):
    # given: version 1 submitted by the COO and approved by the admin
    coo, admin = org_user(company_plan, "coo"), org_user(company_plan, "admin")
    services.plan_submit(actor=coo, plan=company_plan)
    with pytest.raises(ValidationError):  # a submitted plan waits for its decision
        services.measure_save(actor=coo, plan=company_plan, data={"area": "people", "title": "x", "quarters": "1"})
    services.plan_approve(actor=admin, plan=company_plan)
    approved = company_plan.versions.get(number=1)
    frozen = approved.snapshot
    # when: the COO adds a measure and renames the plan
    services.measure_save(actor=coo, plan=company_plan, data={"area": "people", "title": "四场培训", "quarters": "4"})
    services.plan_update(actor=coo, instance=company_plan, data={"title": "2026年度工作计划（修订）"})
    # then
    company_plan.refresh_from_db()
    approved.refresh_from_db()
    assert (company_plan.status, company_plan.version, company_plan.versions.count()) == ("draft", 2, 1)
    assert (approved.status, approved.snapshot) == ("approved", frozen)
    assert [m["title"] for m in approved.snapshot["measures"]] == [MEASURE_TITLE]
    assert approved.snapshot["title"] == "2026年度工作计划"
    login(coo)
    text = client.get(reverse("goals:workplan_version_download", args=[approved.pk]),
                      {"format": "md", "lang": "en"}).content.decode()
    assert "四场培训" not in text
    assert MEASURE_TITLE in text
    assert "Approved" in text
    # the next submission is version 2; version 1 is untouched
    services.plan_submit(actor=coo, plan=company_plan)
    assert list(company_plan.versions.values_list("number", "status")) == [(2, "submitted"), (1, "approved")]
    page = client.get(reverse("goals:workplan_versions", args=[company_plan.pk])).content.decode()
    assert page.count("workplan_version_download") == 0
    assert page.count("/download/?format=docx") == 4


def test_a_store_manager_sees_their_stores_plan_and_the_plans_holding_it_never_another_stores(org, login, client):
    # given
    company = _plan(org, title="公司计划")
    region_a = _plan(org, region=org.region_a, title="华东计划")
    region_b = _plan(org, region=org.region_b, title="华南计划")
    a1 = _plan(org, store=org.stores["a1"], title="A1计划")
    a2 = _plan(org, store=org.stores["a2"], title="A2计划")
    b1 = _plan(org, store=org.stores["b1"], title="B1计划")
    manager = org.users["store_manager"]
    # then
    assert set(WorkPlan.objects.for_user(manager)) == {company, region_a, a1}
    assert set(WorkPlan.objects.for_user(manager, "change")) == {a1}
    assert set(WorkPlan.objects.for_user(org.users["regional_manager"], "change")) == {region_a, a1, a2}
    assert set(WorkPlan.objects.for_user(org.users["auditor"])) == {company, region_a, region_b, a1, a2, b1}
    assert not WorkPlan.objects.for_user(org.users["auditor"], "change").exists()
    login(manager)
    assert client.get(reverse("goals:workplan_detail", args=[a1.pk])).status_code == 200
    assert client.get(reverse("goals:workplan_detail", args=[company.pk])).status_code == 200
    for hidden in (a2, b1, region_b):
        assert client.get(reverse("goals:workplan_detail", args=[hidden.pk])).status_code == 404
        assert client.get(reverse("goals:workplan_download", args=[hidden.pk])).status_code == 404
        assert client.get(f"/api/v1/goals/plans/{hidden.pk}/").status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/goals/plans/").json()["items"]}
    assert listed == {company.pk, region_a.pk, a1.pk}
    # the company plan is read-only to the store manager: no measure can be added
    assert client.post(reverse("goals:measure_add", args=[company.pk]),
                       {"area": "people", "title": "x", "quarters": ["1"]}).status_code == 404
    assert not PlanMeasure.objects.exists()


def test_a_measure_links_only_rows_the_user_sees(org, login, client):
    from opsdesk.projects.models import Project

    # given
    plan = _plan(org, store=org.stores["a1"])
    mine = Project.objects.create(company=org.company, code="P1", name="A1改造", store=org.stores["a1"],
                                  region=org.region_a, start_date=date(2026, 1, 1))
    theirs = Project.objects.create(company=org.company, code="P2", name="B1改造", store=org.stores["b1"],
                                    region=org.region_b, start_date=date(2026, 1, 1))
    supervisor = org.users["supervisor"]
    # then: the form offers only the visible project, the service refuses the other one
    login(supervisor)
    page = client.get(reverse("goals:measure_add", args=[plan.pk])).content.decode()
    assert "A1改造" in page
    assert "B1改造" not in page
    with pytest.raises(ValidationError) as error:
        services.measure_save(actor=supervisor, plan=plan, data={"area": "process", "title": "x", "quarters": "1",
                                                                 "project": theirs})
    assert "project" in error.value.message_dict
    response = client.post(reverse("goals:measure_add", args=[plan.pk]), {
        "area": "process", "title": "收银改造", "quarters": ["2", "1"], "project": mine.pk})
    assert response.status_code == 302
    assert list(plan.measures.values_list("title", "quarters", "project")) == [("收银改造", "1,2", mine.pk)]


def test_a_submitted_plan_is_in_the_approvers_inbox_until_decided(org):
    from django.utils import timezone

    # given
    plan = services.plan_submit(actor=org.users["store_manager"], plan=_plan(org, store=org.stores["a1"]))
    now = timezone.now()
    key = f"plan:{plan.pk}"

    def keys(role):
        return [item.key for item in inbox.PROVIDER.items_for_user(org.users[role], now)]

    # then
    assert key in keys("supervisor")
    assert key in keys("regional_manager")
    assert key in keys("coo")
    assert key not in keys("store_manager")
    assert key not in keys("auditor")
    assert inbox.PROVIDER.item_for_user(org.users["supervisor"], key, now).link == plan.get_absolute_url()
    assert inbox.PROVIDER.item_for_user(org.users["store_manager"], key, now) is None
    # when
    services.plan_approve(actor=org.users["supervisor"], plan=plan)
    # then
    assert key not in keys("supervisor")
    assert selectors.plans_awaiting_approval(user=org.users["coo"]) == []


def test_the_demo_coo_opens_the_years_plan_drills_down_and_downloads_it(org, login, client):
    from opsdesk.goals.demo import demo_builder
    from opsdesk.sales.models import StoreDaySales

    # given: the demo's goals over Q1 sales (see test_demo)
    stores = [store for key, store in org.stores.items() if key != "x1"]
    StoreDaySales.objects.bulk_create([
        StoreDaySales(store=store, date=date(year, 1, 1) + timedelta(days=offset), sales_amount=Decimal(amount),
                      transactions=5)
        for offset in range(90) for store in stores for year, amount in ((2025, 100), (2026, 120))])
    demo_builder(org.company, end_date=date(2026, 5, 10), seed=1)
    plan = WorkPlan.objects.get(company=org.company)
    # when
    login(org.users["coo"])
    page = client.get(reverse("goals:workplan_detail", args=[plan.pk])).content.decode()
    # then
    assert (plan.year, plan.status, plan.version, plan.versions.get().status) == (2026, "approved", 1, "approved")
    sales = Goal.objects.get(company=org.company, parent__isnull=True, kpi_code="sales_revenue")
    for goal in Goal.objects.filter(company=org.company, parent__isnull=True):
        assert goal.title in page
    assert sales.get_absolute_url() in page
    for region_goal in sales.children.all():
        assert region_goal.get_absolute_url() in page
        assert region_goal.children.count() == 2
    assert "进展正常" in page
    assert "¥4.32万" in page  # the sales goal's measured Q1 actual
    for export_format in ("docx", "pdf"):
        response = client.get(reverse("goals:workplan_download", args=[plan.pk]), {"format": export_format})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
    assert plan.measures.count() == 4
    assert plan.resources.count() == 3
