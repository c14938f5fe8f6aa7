"""A day only part of the stores reported is not the company's day: the cockpit shows the last complete day, says
why, and lists the stores whose data lags."""

from datetime import timedelta

from django.urls import reverse

from opsdesk.cockpit import selectors
from opsdesk.cockpit.choices import RollupLevelChoices as L
from opsdesk.cockpit.models import DayRollup
from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import LAST_DAY, make_facts
from opsdesk.sales.models import StoreCalendarDay, StoreDaySales


def _company_stores(org):
    return [store for store in org.stores.values() if store.company_id == org.company.pk]


def test_a_day_with_a_missing_store_is_partial_and_the_cockpit_shows_the_day_before(org, client):
    # given: every store of the company has 60 days; one store has not sent the last day
    stores = _company_stores(org)
    make_facts(stores, days=60)
    late = stores[0]
    StoreDaySales.objects.filter(store=late, date=LAST_DAY).delete()
    # when
    rollup_refresh(org.company)
    coo = org.users["coo"]
    status = selectors.data_status(coo, selectors.scope_for(coo))
    client.force_login(coo)
    page = client.get(reverse("cockpit:index")).content.decode()
    # then
    company_day = DayRollup.objects.get(level=L.COMPANY, entity_id=org.company.pk, date=LAST_DAY)
    assert (company_day.stores_reporting, company_day.stores_expected) == (len(stores) - 1, len(stores))
    assert status == {"latest": LAST_DAY, "shown": LAST_DAY - timedelta(days=1), "is_partial": True,
                      "reporting": len(stores) - 1, "expected": len(stores)}
    assert 'id="data-partial"' in page
    assert f"{len(stores) - 1} / {len(stores)}" in page
    overview = selectors.cockpit_overview(user=coo)
    assert overview["today"] == LAST_DAY - timedelta(days=1)
    assert [(row["store"].pk, row["days_behind"]) for row in overview["stores_behind"]] == [(late.pk, 1)]


def test_a_store_shut_every_sunday_or_closed_by_the_calendar_does_not_make_a_day_partial(org):
    # given: store 0 never trades on Sundays; store 1 is shut on the last day by the calendar
    stores = _company_stores(org)
    make_facts(stores, days=60)
    StoreDaySales.objects.filter(store=stores[0], date__week_day=1).delete()
    StoreDaySales.objects.filter(store=stores[1], date=LAST_DAY).delete()
    StoreCalendarDay.objects.create(store=stores[1], date=LAST_DAY, is_open=False)
    # when
    rollup_refresh(org.company)
    # then: every day is complete (LAST_DAY 2026-03-15 is a Sunday)
    assert LAST_DAY.isoweekday() == 7
    rows = DayRollup.objects.filter(level=L.COMPANY, entity_id=org.company.pk, has_actuals=True)
    assert [row.date for row in rows if row.stores_reporting < row.stores_expected] == []
    coo = org.users["coo"]
    assert selectors.data_status(coo, selectors.scope_for(coo))["is_partial"] is False


def test_a_store_manager_sees_only_their_own_store_in_the_status(org):
    # given
    stores = _company_stores(org)
    make_facts(stores, days=30)
    manager = org.users["store_manager"]
    own = manager.scope_stores.get()
    other = next(store for store in stores if store.pk != own.pk)
    StoreDaySales.objects.filter(store=other, date=LAST_DAY).delete()
    # when
    rollup_refresh(org.company)
    status = selectors.data_status(manager, selectors.scope_for(manager))
    # then: another store's gap is not this manager's partial day
    assert (status["shown"], status["is_partial"], status["reporting"], status["expected"]) == (LAST_DAY, False, 1, 1)
    assert selectors.cockpit_overview(user=manager)["stores_behind"] == []


def test_the_brief_reports_the_last_complete_day_and_says_why(org):
    # given
    from opsdesk.cockpit.brief import brief_build, render_markdown

    stores = _company_stores(org)
    make_facts(stores, days=30)
    StoreDaySales.objects.filter(store=stores[0], date=LAST_DAY).delete()
    rollup_refresh(org.company)
    # when
    brief = brief_build(company=org.company, language="zh-hans")
    # then
    assert brief.day == LAST_DAY - timedelta(days=1)
    assert brief.data_note == (f"{LAST_DAY} 仅 {len(stores) - 1} / {len(stores)} 家门店上报，未计入；"
                               f"简报按最近完整的一天 {LAST_DAY - timedelta(days=1)}。")
    assert f"> {brief.data_note}" in render_markdown(brief)
