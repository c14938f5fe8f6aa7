"""Budgets: availability counts each amount once (a partly received order), the warn / stop / override paths at the
point of commitment (service, page and API), spreading, copying with growth, approval, projections, the Excel
import (idempotent, bad rows quarantined) and scope (a store manager sees only the store's lines)."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from opsdesk.budgets import selectors, services
from opsdesk.budgets.models import MONTH_FIELDS, BudgetCategory, BudgetLine, BudgetVersion, CommitmentOverride
from opsdesk.core.hooks import CommitmentStopped
from opsdesk.purchasing import services as purchasing
from opsdesk.purchasing.tests.factories import make_order, make_product, make_supplier


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def categories(org):
    services.budgets_seed(org.company)
    return {category.code: category for category in BudgetCategory.objects.filter(company=org.company)}


def _months(value) -> dict:
    return {name: Decimal(str(value)) for name in MONTH_FIELDS}


@pytest.fixture
def approved(org, categories, today):
    """This year's approved budget: purchasing of store a1, 1,000 a month, rule stop."""
    version = BudgetVersion.objects.create(company=org.company, year=today.year, name="年度预算", status="approved")
    line = BudgetLine.objects.create(version=version, company=org.company, store=org.stores["a1"],
                                     category=categories["purchasing"], rule="stop", **_months(1000))
    return line


def _draft(org, amount: str, today, *, quantity: str = "1"):
    """A draft order for store a1 expected today, of `quantity` x `amount`."""
    return make_order(org.stores["a1"], make_supplier(org.company), status="draft", quantity=quantity,
                      unit_price=amount, order_date=today, expected_date=today)


def _partly_received(org, today):
    """Sent: 10 x 50 = 500, 4 received (200 actual), 6 open (300 committed)."""
    order = make_order(org.stores["a1"], make_supplier(org.company), status="sent", quantity="10",
                       unit_price="50", order_date=today, expected_date=today)
    purchasing.receipt_create(actor=org.users["admin"], line=order.lines.get(), received_on=today,
                              quantity_received=Decimal("4"))
    return order


def test_partly_received_order_is_counted_once(org, approved, today):
    # given a sent order of 500 with 200 received
    _partly_received(org, today)
    key, month = (approved.centre_key, approved.category_id), today.month - 1
    # when
    actual = selectors.actuals(org.company.pk, today.year)
    committed = selectors.commitments(org.company.pk, today.year)
    checks = services.order_checks(_draft(org, "100", today))
    # then the received part is actual, the open part committed, never both: 1,000 - 200 - 300 = 500 available
    assert (actual[key][month], committed[key][month]) == (200.0, 300.0)
    assert [(check.budget, check.actual, check.committed, check.available, check.requested, check.level)
            for _line, _month, check in checks] == [(1000.0, 200.0, 300.0, 500.0, 100.0, "ok")]


def test_no_approved_line_checks_nothing(org, categories, today):
    # given no approved budget at all
    order = _draft(org, "99999", today)
    # when
    sent = purchasing.purchase_order_send(actor=org.users["supervisor"], order=order, email=False)
    # then
    assert (sent.status, sent.commitment_findings) == ("sent", [])


def test_warn_rule_sends_with_the_arithmetic(org, approved, today):
    # given
    approved.rule = "warn"
    approved.save()
    _partly_received(org, today)
    # when an order of 600 meets 500 available
    sent = purchasing.purchase_order_send(actor=org.users["supervisor"], order=_draft(org, "600", today),
                                          email=False)
    # then
    assert sent.status == "sent"
    assert [finding.level for finding in sent.commitment_findings] == ["warn"]
    assert "预算 1000.00 − 实际 200.00 − 已承诺 300.00 = 可用 500.00；本单 600.00，超出 100.00" in (
        sent.commitment_findings[0].message)


def test_stop_rule_stops_then_the_next_level_overrides_with_a_reason(org, approved, today):
    # given
    _partly_received(org, today)
    order = _draft(org, "600", today)
    # when the supervisor sends, even with a reason
    with pytest.raises(CommitmentStopped) as stopped:
        purchasing.purchase_order_send(actor=org.users["supervisor"], order=order, email=False,
                                       override_reason="开业备货")
    # then nothing is sent; the stop awaits the next level
    order.refresh_from_db()
    assert (order.status, stopped.value.can_override) == ("draft", False)
    assert list(CommitmentOverride.objects.values_list("status", "available", "requested")) == [
        ("awaiting", Decimal("500.00"), Decimal("600.00"))]
    # when the regional manager sends with a reason
    sent = purchasing.purchase_order_send(actor=org.users["regional_manager"], order=order, email=False,
                                          override_reason="开业备货")
    # then it is sent and the override is recorded (row and audit)
    row = CommitmentOverride.objects.get()
    assert (sent.status, [finding.level for finding in sent.commitment_findings]) == ("sent", ["overridden"])
    assert (row.status, row.reason, row.approved_by, row.stopped_by) == (
        "approved", "开业备货", org.users["regional_manager"], org.users["supervisor"])
    assert LogEntry.objects.get_for_object(row).filter(actor=org.users["regional_manager"]).exists()


def test_stop_without_reason_stops_even_the_coo(org, approved, today):
    order = _draft(org, "1500", today)
    with pytest.raises(CommitmentStopped) as stopped:
        purchasing.purchase_order_send(actor=org.users["coo"], order=order, email=False)
    assert stopped.value.can_override is True
    assert stopped.value.messages == [
        f"{approved} {today:%Y-%m}：预算 1000.00 − 实际 0.00 − 已承诺 0.00 = 可用 1000.00；本单 1500.00，超出 500.00"]


def test_a_po_spanning_categories_checks_each(org, categories, approved, today):
    # given a second purchasing category for fresh food, budgeted at 100 a month with the stop rule
    from opsdesk.catalog.models import ProductCategory

    fresh = ProductCategory.objects.create(company=org.company, code="FRESH", name="生鲜")
    fruit = ProductCategory.objects.create(company=org.company, code="FRUIT", name="水果", parent=fresh)
    category = BudgetCategory.objects.create(company=org.company, code="p-fresh", name_zh="生鲜采购",
                                             name_en="Fresh", kind="purchasing", product_category=fresh)
    BudgetLine.objects.create(version=approved.version, company=org.company, store=org.stores["a1"],
                              category=category, rule="stop", **_months(100))
    order = _draft(org, "300", today)
    apple = make_product(org.company)
    apple.category = fruit
    apple.save()
    order.lines.create(product=apple, quantity=Decimal("1"), unit_price=Decimal("150"))
    # when
    checks = services.order_checks(order)
    # then: other products 300 of 1,000 (ok); fruit 150 of 100 under fresh (stop)
    assert [(line.category.code, check.requested, check.level) for line, _month, check in checks] == [
        ("purchasing", 300.0, "ok"), ("p-fresh", 150.0, "stop")]


def test_order_page_shows_the_stop_and_the_override_form(org, login, approved, today):
    # given
    order = _draft(org, "1500", today)
    # when the supervisor opens and sends it
    client = login(org.users["supervisor"])
    page = client.get(order.get_absolute_url()).content.decode()
    response = client.post(reverse("purchasing:purchase_order_send", args=[order.pk]), follow=True)
    # then the arithmetic shows, without an override form; the order stays a draft
    assert 'id="budget-check"' in page
    assert "可用 1000.00；本单 1500.00" in page
    assert 'id="budget-override-form"' not in page
    assert "超出 500.00" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "draft"
    # when the COO opens it and overrides with a reason
    client = login(org.users["coo"])
    assert 'id="budget-override-form"' in client.get(order.get_absolute_url()).content.decode()
    client.post(reverse("purchasing:purchase_order_send", args=[order.pk]), {"override_reason": "新店开业备货"})
    # then
    order.refresh_from_db()
    assert order.status == "sent"
    assert list(CommitmentOverride.objects.values_list("status", "reason")) == [("approved", "新店开业备货")]


def test_api_send_answers_400_with_the_arithmetic_then_overrides(org, login, approved, today):
    order = _draft(org, "1500", today)
    url = f"/api/v1/purchasing/orders/{order.pk}/send/"
    stopped = login(org.users["supervisor"]).post(url)
    assert stopped.status_code == 400
    assert "预算 1000.00 − 实际 0.00 − 已承诺 0.00 = 可用 1000.00；本单 1500.00" in stopped.json()["detail"]
    sent = login(org.users["coo"]).post(f"{url}?override_reason=开业")
    assert (sent.status_code, sent.json()["status"]) == (200, "sent")
    check = login(org.users["store_manager"]).get(f"/api/v1/budgets/orders/{order.pk}/check/")
    assert check.json()[0]["committed"] == 0.0  # the order itself is not counted against itself


def test_spread_evenly_and_by_last_years_seasonality(org, categories, today):
    from opsdesk.finance.models import OperatingCost

    # given last year's rent of store a1: 1,000 a month, 2,000 in December
    last = today.year - 1
    for month in range(1, 13):
        OperatingCost.objects.create(store=org.stores["a1"], date=date(last, month, 1), is_monthly=True,
                                     category="租金", amount=Decimal(2000 if month == 12 else 1000))
    version = BudgetVersion.objects.create(company=org.company, year=today.year, name="草稿")
    line = BudgetLine.objects.create(version=version, company=org.company, store=org.stores["a1"],
                                     category=categories["rent"])
    # when
    services.line_spread(actor=org.users["coo"], line=line, total=Decimal("26000"), method="seasonal")
    line.refresh_from_db()
    seasonal = line.months
    services.line_spread(actor=org.users["coo"], line=line, total=Decimal("100"), method="even")
    line.refresh_from_db()
    # then
    assert seasonal == [Decimal("2000.00")] * 11 + [Decimal("4000.00")]
    assert line.months == [Decimal("8.37")] + [Decimal("8.33")] * 11


def test_copy_with_growth_approve_and_revise(org, login, approved, today):
    # when the approved version is copied to next year with +5 %
    copy = services.version_copy_year(actor=org.users["coo"], source=approved.version, year=today.year + 1,
                                      growth_percent=5)
    # then a draft with every month grown
    assert (copy.year, copy.status, copy.lines.get().months) == (today.year + 1, "draft", [Decimal("1050.00")] * 12)
    # when a revision of this year is opened and approved
    revision = services.version_revise(actor=org.users["coo"], version=approved.version)
    services.version_approve(actor=org.users["coo"], version=revision)
    # then the original is marked revised
    approved.version.refresh_from_db()
    assert (approved.version.status, BudgetVersion.objects.get(pk=revision.pk).status) == ("revised", "approved")
    # and an approved version's lines are frozen
    answer = login(org.users["coo"]).post(reverse("budgets:budgetline_edit", args=[approved.pk]),
                           {"version": approved.version_id, "store": org.stores["a1"].pk, "region": "",
                            "category": approved.category_id, "rule": "stop", "note": "",
                            **{name: "5" for name in MONTH_FIELDS}})
    approved.refresh_from_db()
    assert (answer.status_code, approved.months) == (400, [Decimal("1000.00")] * 12)


def test_regional_manager_may_not_approve(org, approved):
    from django.core.exceptions import PermissionDenied

    draft = BudgetVersion.objects.create(company=org.company, year=2030, name="草稿")
    with pytest.raises(PermissionDenied):
        services.version_approve(actor=org.users["regional_manager"], version=draft)


def test_grid_saves_a_drafts_months(org, login, categories, today):
    version = BudgetVersion.objects.create(company=org.company, year=today.year, name="草稿")
    line = BudgetLine.objects.create(version=version, company=org.company, store=org.stores["a1"],
                                     category=categories["rent"])
    other = BudgetLine.objects.create(version=version, company=org.company, store=org.stores["b1"],
                                      category=categories["rent"])
    client = login(org.users["regional_manager"])
    page = client.get(reverse("budgets:version_grid", args=[version.pk])).content.decode()
    assert f'name="line-{line.pk}-m01"' in page
    assert f"grid-line-{other.pk}" not in page
    client.post(reverse("budgets:version_grid", args=[version.pk]),
                {f"line-{line.pk}-{name}": "250" for name in MONTH_FIELDS})
    line.refresh_from_db()
    assert line.annual == Decimal("3000.00")


def test_projection_of_a_line(org, approved, today):
    # given 2 x 1,000 received in January and 500 committed for December, seen on 1 July (6 months gone)
    year = today.year
    july = date(year, 7, 1)
    order = make_order(org.stores["a1"], make_supplier(org.company), status="sent", quantity="40",
                       unit_price="50", order_date=date(year, 1, 2), expected_date=date(year, 1, 5))
    from opsdesk.purchasing.models import Receipt

    Receipt.objects.create(line=order.lines.get(), date=date(year, 1, 5), quantity_received=Decimal("40"))
    order.lines.update(received_quantity=Decimal("40"))
    make_order(org.stores["a1"], make_supplier(org.company), status="sent", quantity="10", unit_price="50",
               order_date=date(year, 1, 2), expected_date=date(year, 12, 1))
    # when
    figures = selectors.line_figures([approved], company_id=org.company.pk, year=year, today=july)
    projection = figures[0].projection
    # then: elapsed = 6 + 1/31; rate = 2,000 / (6.0323 / 12) = 3,978.6; rest = rate x 5.9677/12 - 500
    assert (projection.budget, projection.actual, projection.committed) == (12000.0, 2000.0, 500.0)
    assert projection.rest == pytest.approx(1478.61, abs=0.01)
    assert projection.projected == pytest.approx(3978.61, abs=0.01)
    assert figures[0].available_to_date == 9500.0


def test_store_manager_sees_only_the_stores_lines(org, login, approved, categories, today):
    # given lines of store b1, region A's office and the company
    version = approved.version
    BudgetLine.objects.create(version=version, company=org.company, store=org.stores["b1"],
                              category=categories["rent"])
    BudgetLine.objects.create(version=version, company=org.company, region=org.region_a,
                              category=categories["training"])
    BudgetLine.objects.create(version=version, company=org.company, category=categories["marketing"])
    # when
    client = login(org.users["store_manager"])
    control = client.get(reverse("budgets:control")).content.decode()
    listed = client.get(f"/api/v1/budgets/versions/{version.pk}/control/").json()
    # then only store a1's line
    assert [row["line_id"] for row in listed] == [approved.pk]
    assert control.count('id="control-line-') == 1
    assert len(login(org.users["regional_manager"]).get(
        f"/api/v1/budgets/versions/{version.pk}/control/").json()) == 2  # a1 and region A's office
    assert len(login(org.users["coo"]).get(f"/api/v1/budgets/versions/{version.pk}/control/").json()) == 4


def test_store_pnl_page(org, login, approved, categories, today):
    from opsdesk.finance.models import OperatingCost
    from opsdesk.sales.models import StoreDaySales

    StoreDaySales.objects.create(store=org.stores["a1"], date=today, sales_amount=Decimal("10000"),
                                 cost_amount=Decimal("7000"))
    OperatingCost.objects.create(store=org.stores["a1"], date=today.replace(day=1), is_monthly=True, category="房租",
                                 amount=Decimal("800"))
    page = login(org.users["store_manager"]).get(reverse("budgets:store_pnl")).content.decode()
    assert 'id="pnl-sales">¥10,000.00' in page
    assert 'id="pnl-gross">¥3,000.00' in page
    assert 'id="pnl-costs">¥800.00' in page
    assert 'id="pnl-profit">¥2,200.00' in page
    assert "30.0%" in page  # gross margin of the sales
    assert "8.0%" in page  # cost ratio of the sales
    assert 'data-chart="pnl-chart"' in page


HEADER = ["年度", "版本", "门店编号", "区域", "预算类别", "控制规则", "全年金额", *[f"{m}月" for m in range(1, 13)]]


def test_import_is_idempotent_and_quarantines_bad_rows(org, categories, today, tmp_path):
    from opsdesk.imports.services import import_run

    BudgetVersion.objects.create(company=org.company, year=today.year, name="草稿")
    rows = [
        [today.year, "", "A1", "", "rent", "stop", "", *["1000"] * 12],
        [today.year, "", "A2", "", "人工", "", "24000", *[""] * 12],
        [today.year, "", "", "RA", "training", "warn", "1200", *[""] * 12],
        [today.year, "", "A1", "", "不存在", "", "100", *[""] * 12],
        [today.year + 5, "", "A1", "", "rent", "", "100", *[""] * 12],
        [today.year, "", "ZZ", "", "rent", "", "100", *[""] * 12],
    ]
    def write(name, content):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([HEADER, *content])
        return path

    # when imported, again unchanged, then again with the rent raised (rows in another order)
    first = import_run(actor=org.users["coo"], company=org.company, kind="budget_lines", path=write("a.csv", rows))
    same = import_run(actor=org.users["coo"], company=org.company, kind="budget_lines", path=write("b.csv", rows))
    rows[0][7:] = ["1100"] * 12
    third = import_run(actor=org.users["coo"], company=org.company, kind="budget_lines",
                       path=write("c.csv", rows[::-1]))
    # then three lines, never duplicated; the three bad rows quarantined each time with their reason
    assert (first.rows_committed, first.rows_quarantined, first.rows_inserted) == (3, 3, 3)
    assert list(first.quarantine.order_by("row_number").values_list("row_number", "reason")) == [
        (5, "未知预算类别"), (6, "找不到唯一的该年度草稿版本（已批准的版本不能导入）"), (7, "未知门店编号")]
    assert same.status == "duplicate"
    assert (third.rows_inserted, third.rows_updated, third.rows_unchanged, third.rows_quarantined) == (0, 1, 2, 3)
    assert sorted((line.centre_key.split(":")[0], line.category.code, str(line.annual), line.rule)
                  for line in BudgetLine.objects.all()) == [
        ("region", "training", "1200.00", "warn"), ("store", "labour", "24000.00", "warn"),
        ("store", "rent", "13200.00", "stop")]


def test_kpis_and_inbox(org, approved, today):
    from opsdesk.budgets.inbox import PROVIDER
    from opsdesk.core.extensions import KpiScope, kpis

    # given an order of 13,000 received this year: the line overruns
    order = make_order(org.stores["a1"], make_supplier(org.company), status="sent", quantity="1",
                       unit_price="13000", order_date=today, expected_date=today)
    purchasing.receipt_create(actor=org.users["admin"], line=order.lines.get(), received_on=today,
                              quantity_received=Decimal("1"))
    scope = KpiScope(company_id=org.company.pk)
    variance = kpis()["budgets_variance_pct"].measure(scope, (today - timedelta(days=30), today))
    items = PROVIDER.items_for_user(org.users["store_manager"], timezone.now())
    assert variance is not None
    assert variance > 0
    assert [item.key for item in items] == [f"overrun:{approved.pk}"]
    assert json.dumps(sorted(code for code in kpis() if code.startswith("budgets_"))) == json.dumps(sorted([
        "budgets_variance_pct", "budgets_cost_ratio", "budgets_cost_ratio_rent", "budgets_cost_ratio_labour",
        "budgets_cost_ratio_utilities", "budgets_cost_ratio_marketing", "budgets_cost_ratio_maintenance",
        "budgets_cost_ratio_training"]))


def test_demo_builder_approves_this_years_budget_with_a_line_close_to_overrun(org, today):
    from opsdesk.budgets.demo import demo_builder
    from opsdesk.sales.models import StoreDaySales

    # given receipts and sales of store a1 this year
    _partly_received(org, today)
    StoreDaySales.objects.create(store=org.stores["a1"], date=today, sales_amount=Decimal("9000"),
                                 cost_amount=Decimal("6000"))
    # when
    counts = demo_builder(org.company, end_date=today, seed=1)
    # then 4 stores x 6 lines, 2 region offices, 2 company lines, approved
    version = BudgetVersion.objects.get(company=org.company, year=today.year)
    assert (counts["budget_lines"], version.lines.count(), version.status) == (28, 28, "approved")
    # and a1's purchasing line leaves about 100 this month, with the stop rule: a new order of 500 is stopped
    checks = services.order_checks(_draft(org, "500", today))
    assert [(check.actual, check.committed, check.available, check.level) for _l, _m, check in checks] == [
        (200.0, 300.0, 100.0, "stop")]


def test_cockpit_tiles_and_brief_section(org, approved, today):
    from opsdesk.budgets.kpis import brief_section, cockpit_tiles

    # given a stopped order awaiting the next level
    order = _draft(org, "1500", today)
    with pytest.raises(CommitmentStopped):
        purchasing.purchase_order_send(actor=org.users["supervisor"], order=order, email=False)
    # when
    coo_tiles = cockpit_tiles(org.users["coo"], today)
    store_tiles = cockpit_tiles(org.users["store_manager"], today)
    section = brief_section(org.company.pk, None, today, "en")
    # then
    assert [tile["label"] for tile in coo_tiles] == ["预算预计偏差", "预计超支的预算行", "超预算待批准的采购单"]
    assert (coo_tiles[2]["value"], coo_tiles[2]["tone"], len(store_tiles)) == ("1", "danger", 2)
    assert section.title == "Budget"  # the project catalogue holds 预算
    assert section.lines[0].startswith("Budget 12000 for the year, projected ")


def test_sales_linked_line_projects_the_rest_from_the_persisted_forecast(org, approved):
    from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries
    from opsdesk.purchasing.models import Receipt
    from opsdesk.sales.models import StoreDaySales

    # given sales of 1,000 a month this year to June and all last year; 3,000 received in January (ratio 0.5)
    year, store = 2026, org.stores["a1"]
    for month in range(1, 13):
        StoreDaySales.objects.create(store=store, date=date(year - 1, month, 15), sales_amount=Decimal("1000"))
        if month <= 6:
            StoreDaySales.objects.create(store=store, date=date(year, month, 15), sales_amount=Decimal("1000"))
    order = make_order(store, make_supplier(org.company), status="received", quantity="60", unit_price="50",
                       order_date=date(year, 1, 2), expected_date=date(year, 1, 5))
    Receipt.objects.create(line=order.lines.get(), date=date(year, 1, 5), quantity_received=Decimal("60"))
    # and a forecast of 2,000 for July and for August
    run = ForecastRun.objects.create(company=org.company, status="done", origin=date(year, 6, 30))
    series = ForecastSeries.objects.create(run=run, store=store, measure="sales", model_name="ets")
    for day in (date(year, 7, 10), date(year, 8, 5)):
        ForecastPoint.objects.create(series=series, date=day, forecast=2000, lower=1800, upper=2200)
    # when seen on 30 June (6 months gone)
    figures = selectors.line_figures([approved], company_id=org.company.pk, year=year, today=date(year, 6, 30))
    # then rest = 0.5 x (2,000 + 2,000 + 4 x 1,000) = 4,000; projected = 3,000 + 4,000
    assert (figures[0].basis, figures[0].projection.rest, figures[0].projection.projected) == (
        "forecast", 4000.0, 7000.0)
    assert figures[0].projection.variance == -5000.0


def test_seasonal_spread_without_cost_history_follows_last_years_sales(org, categories, today):
    from opsdesk.sales.models import StoreDaySales

    for month in range(1, 13):
        StoreDaySales.objects.create(store=org.stores["a1"], date=date(today.year - 1, month, 10),
                                     sales_amount=Decimal(3000 if month == 1 else 1000))
    version = BudgetVersion.objects.create(company=org.company, year=today.year, name="草稿")
    line = BudgetLine.objects.create(version=version, company=org.company, store=org.stores["a1"],
                                     category=categories["marketing"])
    services.line_spread(actor=org.users["regional_manager"], line=line, total=Decimal("1400"), method="seasonal")
    line.refresh_from_db()
    assert line.months == [Decimal("300.00")] + [Decimal("100.00")] * 11
