"""The calendar is the truth for a store day's flags (issue #14): a calendar import refreshes the flags of the store
days rolled up from lines or SKU days, and a later rollup keeps them."""

from datetime import date, timedelta
from decimal import Decimal

from opsdesk.imports.models import ImportBatch
from opsdesk.imports.services import import_run
from opsdesk.sales.models import StoreDaySales
from opsdesk.sales.rollups import sales_rollup_refresh

LINE_HEADER = ["门店", "小票号", "商品编码", "时间", "数量", "单价"]
CALENDAR_HEADER = ["Store", "Date", "Open", "Promo", "StateHoliday", "SchoolHoliday"]
D1, D2 = date(2024, 5, 1), date(2024, 5, 2)


def _run(chain, path, kind) -> ImportBatch:
    batch = import_run(actor=None, company=chain["company"], kind=kind, path=path)
    assert batch.status == "committed", (batch.status, batch.message)
    return batch


def _days():
    return list(StoreDaySales.objects.order_by("store__code", "date").values_list(
        "store__code", "date", "sales_amount", "is_open", "is_promo", "state_holiday", "is_school_holiday", "source"))


def test_a_calendar_import_sets_the_flags_of_derived_store_days_and_a_later_rollup_keeps_them(chain, write_file):
    # given: S1's days 1 and 2 rolled up from lines; S2's day 1 imported as totals (with its own flags)
    _run(chain, write_file("lines.csv", [
        LINE_HEADER,
        ["S1", "T1", "P1", "2024-05-01 09:00", "2", "2.50"],
        ["S1", "T2", "P1", "2024-05-02 09:00", "1", "2.50"],
    ]), "sales_lines")
    _run(chain, write_file("totals.csv", [["门店", "日期", "销售额", "促销"], ["S2", "2024-05-01", "30.00", "0"]]),
         "store_day_sales")
    # when: the calendar says day 1 was a promotion and a public holiday in the school holidays, day 2 closed
    calendar = _run(chain, write_file("calendar.csv", [
        CALENDAR_HEADER,
        ["S1", "2024-05-01", "1", "1", "a", "1"],
        ["S1", "2024-05-02", "0", "0", "0", "0"],
        ["S1", "2024-05-03", "1", "1", "0", "0"],  # no sales that day: no store day is made
        ["S2", "2024-05-01", "1", "1", "a", "0"],
    ]), "calendar")
    # then: S1's derived days take the calendar's flags; S2's imported day keeps what its file said
    assert calendar.report["rollup"] == {"store_days": 2}
    assert _days() == [
        ("S1", D1, Decimal("5.00"), True, True, "a", True, "lines"),
        ("S1", D2, Decimal("2.50"), False, False, "0", False, "lines"),
        ("S2", D1, Decimal("30.00"), True, False, "0", False, "imported"),
    ]
    # when: more lines for both days roll up again, then a full refresh
    again = _run(chain, write_file("more.csv", [
        LINE_HEADER,
        ["S1", "T3", "P2", "2024-05-01 10:00", "4", "2.00"],
        ["S1", "T4", "P2", "2024-05-02 10:00", "1", "2.00"],
    ]), "sales_lines")
    refresh = sales_rollup_refresh(company_id=chain["company"].pk)
    # then: the sales change, the calendar's flags stay
    assert again.report["rollup"]["store_days"] == 2
    assert refresh["store_days"] == 0
    assert _days() == [
        ("S1", D1, Decimal("13.00"), True, True, "a", True, "lines"),
        ("S1", D2, Decimal("4.50"), False, False, "0", False, "lines"),
        ("S2", D1, Decimal("30.00"), True, False, "0", False, "imported"),
    ]


def test_a_day_without_a_calendar_is_a_promotion_day_when_a_sku_day_is_and_the_calendar_overrules_it(
        chain, write_file):
    # given: imported SKU days, P1 on promotion on days 1 and 2
    _run(chain, write_file("sku.csv", [
        ["门店", "商品编码", "日期", "数量", "销售额", "促销"],
        ["S1", "P1", "2024-05-01", "2", "5.00", "1"],
        ["S1", "P2", "2024-05-01", "1", "3.00", "0"],
        ["S1", "P1", "2024-05-02", "1", "2.50", "1"],
    ]), "sku_day_sales")
    before = _days()
    # when: the calendar says day 2 had no promotion (the calendar's word wins)
    calendar = _run(chain, write_file("calendar.csv", [CALENDAR_HEADER, ["S1", "2024-05-02", "1", "0", "0", "0"]]),
                    "calendar")
    # then: day 1 (no calendar day) stays a promotion day from its SKU days; day 2 follows the calendar
    assert before == [
        ("S1", D1, Decimal("8.00"), True, True, "0", False, "sku_day"),
        ("S1", D2, Decimal("2.50"), True, True, "0", False, "sku_day"),
    ]
    assert calendar.report["rollup"] == {"store_days": 1}
    assert _days() == [
        ("S1", D1, Decimal("8.00"), True, True, "0", False, "sku_day"),
        ("S1", D2, Decimal("2.50"), True, False, "0", False, "sku_day"),
    ]


def test_a_calendar_of_future_days_only_changes_no_store_day(chain, write_file):
    # given
    _run(chain, write_file("lines.csv", [LINE_HEADER, ["S1", "T1", "P1", "2024-05-01 09:00", "2", "2.50"]]),
         "sales_lines")
    before = list(StoreDaySales.objects.values_list("pk", "is_open", "is_promo", "state_holiday"))
    # when
    future = (date.today() + timedelta(days=30)).isoformat()
    calendar = _run(chain, write_file("future.csv", [CALENDAR_HEADER, ["S1", future, "0", "1", "b", "1"]]), "calendar")
    # then
    assert calendar.report["rollup"] == {"store_days": 0}
    assert list(StoreDaySales.objects.values_list("pk", "is_open", "is_promo", "state_holiday")) == before


def test_setting_a_day_on_the_web_calendar_refreshes_the_derived_store_day(chain, write_file):
    # given: S1's day 1 rolled up from lines, not a promotion day
    from opsdesk.core.models import User
    from opsdesk.sales.services import calendar_day_set

    _run(chain, write_file("lines.csv", [LINE_HEADER, ["S1", "T1", "P1", "2024-05-01 09:00", "2", "2.50"]]),
         "sales_lines")
    coo = User.objects.create_user("coo_cal", role="coo", company=chain["company"], has_company_scope=True)
    assert _days() == [("S1", D1, Decimal("5.00"), True, False, "0", False, "lines")]
    # when: the COO marks the day a promotion day on the store calendar
    calendar_day_set(actor=coo, store=chain["stores"]["S1"], day=D1, changes={"is_promo": True})
    # then
    assert _days() == [("S1", D1, Decimal("5.00"), True, True, "0", False, "lines")]
