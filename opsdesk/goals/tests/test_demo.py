"""The goals demo builder: the seed's four quarterly goals, the sales goal cascaded by last year's share and
measured."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from opsdesk.goals.demo import demo_builder
from opsdesk.goals.models import Goal, GoalMeasurement
from opsdesk.sales.models import StoreDaySales


def test_the_demo_holds_the_four_seed_goals_with_the_sales_goal_cascaded_and_measured(org):
    company_stores = [store for key, store in org.stores.items() if key != "x1"]
    rows = []
    for offset in range(90):  # Q1 2025 at 100 a day per store, Q1 2026 at 120
        for store in company_stores:
            rows.append(StoreDaySales(store=store, date=date(2025, 1, 1) + timedelta(days=offset),
                                      sales_amount=Decimal(100), transactions=5))
            rows.append(StoreDaySales(store=store, date=date(2026, 1, 1) + timedelta(days=offset),
                                      sales_amount=Decimal(120), transactions=5))
    StoreDaySales.objects.bulk_create(rows)

    counts = demo_builder(org.company, end_date=date(2026, 5, 10), seed=1)

    top = list(Goal.objects.filter(company=org.company, parent__isnull=True).order_by("period_start"))
    assert [(goal.kpi_code, goal.period_start, goal.target) for goal in top] == [
        ("sales_revenue", date(2026, 1, 1), 39600.0),  # 4 stores x 100 x 90 days x 1.1
        ("service_csat", date(2026, 4, 1), 90.0),
        ("sales_launched_products", date(2026, 7, 1), 2.0),
        ("people_trainings_held", date(2026, 10, 1), 4.0),
    ]
    sales = top[0]
    assert [(child.region.code, child.target) for child in sales.children.order_by("region__code")] == [
        ("RA", 19800.0), ("RB", 19800.0)]
    assert sorted(Goal.objects.filter(parent__parent=sales).values_list("target", flat=True)) == [9900.0] * 4
    sales.refresh_from_db()
    assert (sales.actual, sales.status, sales.measured_on) == (43200.0, "on_track", date(2026, 3, 31))
    # Q1: 12 weekly days + its last day, for 7 goals; Q2: 5 weekly days + the demo's last day; Q3, Q4 not started
    assert counts == {"goals": 10, "measurements": 7 * 13 + 6, "work_plans": 1, "plan_measures": 4,
                      "plan_resources": 3}
    assert GoalMeasurement.objects.filter(goal__company=org.company).count() == 97
    assert top[1].measurements.order_by("-as_of").first().status == "no_data"
