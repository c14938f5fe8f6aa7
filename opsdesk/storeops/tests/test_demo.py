"""The demo generator: deterministic, consistent with the scoring rules, visible on the scorecard."""

from datetime import date

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.testing.factories import CompanyFactory, RegionFactory, StoreFactory, make_user
from opsdesk.storeops import selectors
from opsdesk.storeops.demo import create_demo_storeops
from opsdesk.storeops.models import ChecklistTemplate, CorrectiveAction, InspectionRun


def test_demo_creates_templates_runs_and_actions(db):
    # given: a company with two regions of three stores and the usual managers
    company = CompanyFactory(code="DEMO")
    regions = [RegionFactory(company=company, code=f"R{i}") for i in range(2)]
    stores = [StoreFactory(region=regions[i % 2], code=f"S{i}") for i in range(6)]
    for store in stores:
        make_user(R.STORE_MANAGER, stores=[store])
    for region in regions:
        make_user(R.SUPERVISOR, regions=[region])
        make_user(R.REGIONAL_MANAGER, regions=[region])
    coo = make_user(R.COO, company=company)
    # when
    counts = create_demo_storeops(company, seed=7, today=date(2025, 3, 14))
    # then
    names = set(ChecklistTemplate.objects.values_list("name", flat=True))
    assert names == {"门店日常巡检表", "食品安全检查", "消防安全月检", "Opening checklist", "Closing checklist"}
    assert counts["templates"] == 5
    assert counts["runs"] == InspectionRun.objects.count()
    completed = InspectionRun.objects.filter(status="completed")
    assert completed.count() > 6 * 8
    assert all(0 <= run.score <= 100 for run in completed)
    assert counts["actions"] == CorrectiveAction.objects.count() > 0
    assert InspectionRun.objects.filter(status="scheduled").exists()
    card = selectors.scorecard(user=coo, weeks=8, today=date(2025, 3, 14))
    assert len(card["league"]) == 6
    assert card["trend_chart"] is not None


def test_demo_is_deterministic(db):
    # given: the same company twice (built in two savepoints would be slower; compare the run scores instead)
    company = CompanyFactory(code="DEMO")
    region = RegionFactory(company=company)
    StoreFactory(region=region, code="S1")
    # when
    create_demo_storeops(company, seed=11, today=date(2025, 3, 14))
    first = list(InspectionRun.objects.order_by("pk").values_list("due_date", "status", "score"))
    # then: a second generation with the same seed on a fresh company gives the same sequence
    other = CompanyFactory(code="DEMO2")
    StoreFactory(region=RegionFactory(company=other), code="S1")
    create_demo_storeops(other, seed=11, today=date(2025, 3, 14))
    second = list(InspectionRun.objects.filter(store__company=other).order_by("pk")
                  .values_list("due_date", "status", "score"))
    assert first == second
