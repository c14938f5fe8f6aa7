"""Store sales goals set the cockpit's monthly targets: split by last year's months, the month goal winning over
the quarter goal, rows of deleted goals removed, imported targets of other months untouched."""

from datetime import date, timedelta
from decimal import Decimal

from opsdesk.cockpit.models import SalesTarget
from opsdesk.goals.models import Goal
from opsdesk.goals.targets import company_targets, sync_sales_targets
from opsdesk.sales.models import StoreDaySales


def _goal(org, **fields) -> Goal:
    values = {"company": org.company, "title": "Q4 销售", "kpi_code": "sales_revenue", "period_kind": "quarter",
              "period_start": date(2026, 10, 1), "target_kind": "absolute", "target_value": 10000.0,
              "store": org.stores["a1"], "region": org.stores["a1"].region}
    values.update(fields)
    goal = Goal(**values)
    goal.full_clean()
    goal.save()
    return goal


def _last_year(org, month: date, daily: int) -> None:
    day = month
    while day.month == month.month:
        StoreDaySales.objects.create(store=org.stores["a1"], date=day, sales_amount=Decimal(daily))
        day += timedelta(days=1)


def targets(org):
    return sorted(SalesTarget.objects.filter(store__company=org.company).values_list(
        "store__code", "month", "amount", "source"))


def test_a_quarter_goal_splits_by_last_years_months_and_a_month_goal_wins(org):
    # last year: October 31 x 100, November 30 x 200, December 31 x 100 = 3,100 + 6,000 + 3,100 = 12,200
    for month, daily in ((date(2025, 10, 1), 100), (date(2025, 11, 1), 200), (date(2025, 12, 1), 100)):
        _last_year(org, month, daily)
    code = org.stores["a1"].code
    quarter = _goal(org)
    assert company_targets(org.company.pk) == {
        (org.stores["a1"].pk, date(2026, 10, 1)): Decimal("2540.99"),
        (org.stores["a1"].pk, date(2026, 11, 1)): Decimal("4918.03"),
        (org.stores["a1"].pk, date(2026, 12, 1)): Decimal("2540.98"),
    }  # 10,000 x 3,100/12,200 = 2,540.98.. twice; the left-over cent goes to the first of the equal remainders
    _goal(org, title="十一月冲刺", period_kind="month", period_start=date(2026, 11, 1), target_value=5500.0)
    SalesTarget.objects.create(store=org.stores["a2"], month=date(2026, 11, 1), amount=Decimal("800"))  # imported

    assert sync_sales_targets(org.company.pk) == 3
    assert targets(org) == [
        (code, date(2026, 10, 1), Decimal("2540.99"), "goals"),
        (code, date(2026, 11, 1), Decimal("5500.00"), "goals"),
        (code, date(2026, 12, 1), Decimal("2540.98"), "goals"),
        (org.stores["a2"].code, date(2026, 11, 1), Decimal("800.00"), ""),
    ]

    quarter.delete()
    sync_sales_targets(org.company.pk)
    assert targets(org) == [(code, date(2026, 11, 1), Decimal("5500.00"), "goals"),
                            (org.stores["a2"].code, date(2026, 11, 1), Decimal("800.00"), "")]


def test_without_last_year_the_months_split_by_days_and_other_goals_set_nothing(org):
    _goal(org, target_value=9200.0)  # 31 + 30 + 31 days
    _goal(org, title="区域目标", store=None, region=org.stores["a1"].region)  # a region goal: no store target
    _goal(org, title="满意度", kpi_code="service_csat", target_value=90.0)  # not sales
    store = org.stores["a1"].pk
    assert company_targets(org.company.pk) == {(store, date(2026, 10, 1)): Decimal("3100.0"),
                                               (store, date(2026, 11, 1)): Decimal("3000.0"),
                                               (store, date(2026, 12, 1)): Decimal("3100.0")}


def test_saving_and_deleting_a_store_sales_goal_keep_the_targets_in_step(org, django_capture_on_commit_callbacks):
    from opsdesk.goals import services

    coo = org.users["coo"]
    data = {"title": "十月门店销售", "kpi_code": "sales_revenue", "region": org.stores["a1"].region,
            "store": org.stores["a1"], "period_kind": "month", "period_start": date(2026, 10, 1),
            "target_kind": "absolute", "target_value": 4321.0}
    with django_capture_on_commit_callbacks(execute=True):
        goal = services.goal_create(actor=coo, data=data)
    assert targets(org) == [(org.stores["a1"].code, date(2026, 10, 1), Decimal("4321.00"), "goals")]

    with django_capture_on_commit_callbacks(execute=True):
        services.goal_update(actor=coo, instance=goal, data={**data, "target_value": 5000.0})
    assert targets(org)[0][2] == Decimal("5000.00")

    with django_capture_on_commit_callbacks(execute=True):
        services.goal_delete(actor=coo, instance=goal)
    assert targets(org) == []
