"""Promotion and store calendar pages: scoped, audited, role-checked."""

from datetime import date

import pytest
from auditlog.models import LogEntry

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.sales.models import Promotion, StoreCalendarDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    company = Company.objects.create(code="SP", name="促销测试")
    region = Region.objects.create(company=company, code="E", name="华东区")
    mine = Store.objects.create(company=company, region=region, code="A1", name="甲店", city="上海")
    other = Store.objects.create(company=company, region=region, code="B1", name="乙店", city="上海")
    return company, mine, other


def _user(company, role, stores=(), company_scope=False):
    user = User.objects.create_user(f"{role}-x", password="x-password-123", role=role, company=company,
                                    has_company_scope=company_scope)
    user.scope_stores.set(stores)
    return user


def test_supervisor_creates_promotion_for_own_store_and_it_is_audited(client, org):
    # given
    company, mine, _other = org
    client.force_login(_user(company, "supervisor", [mine]))

    # when
    response = client.post("/sales/promotions/add/", {
        "code": "P1", "name": "周末水果节", "start_date": "2026-12-05", "end_date": "2026-12-06",
        "discount_percent": "10", "stores": [mine.pk],
    })

    # then
    promotion = Promotion.objects.get(code="P1")
    assert response.status_code == 302
    assert list(promotion.stores.values_list("code", flat=True)) == ["A1"]
    entries = LogEntry.objects.get_for_object(promotion).filter(action=LogEntry.Action.CREATE)
    assert entries.count() == 1
    assert entries.get().actor.username == "supervisor-x"


def test_promotion_for_a_store_outside_scope_is_refused_and_nothing_is_written(client, org):
    # given
    company, mine, other = org
    client.force_login(_user(company, "supervisor", [mine]))

    # when
    response = client.post("/sales/promotions/add/", {
        "code": "P2", "name": "越权", "start_date": "2026-12-05", "end_date": "2026-12-06",
        "discount_percent": "10", "stores": [other.pk],
    })

    # then: the form does not even offer the other store
    assert response.status_code == 400
    assert Promotion.objects.count() == 0


def test_store_manager_cannot_create_promotions(client, org):
    company, mine, _other = org
    client.force_login(_user(company, "store_manager", [mine]))
    assert client.get("/sales/promotions/add/").status_code == 403
    assert client.get("/sales/promotions/").status_code == 200


def test_calendar_toggle_plans_a_closure_in_scope_only(client, org):
    # given
    company, mine, other = org
    client.force_login(_user(company, "store_manager", [mine]))

    # when
    response = client.post(f"/sales/calendar/{mine.pk}/2026-12-24/", {"field": "is_open"})
    denied = client.post(f"/sales/calendar/{other.pk}/2026-12-24/", {"field": "is_open"})

    # then
    assert response.status_code == 200
    assert StoreCalendarDay.objects.get(store=mine, date=date(2026, 12, 24)).is_open is False
    assert denied.status_code == 404
    assert not StoreCalendarDay.objects.filter(store=other).exists()
    page = client.get(f"/sales/calendar/?store={mine.pk}&month=2026-12")
    assert page.status_code == 200
    assert "停业" in page.content.decode()


def test_auditor_reads_the_calendar_but_cannot_change_it(client, org):
    company, mine, _other = org
    client.force_login(_user(company, "auditor", company_scope=True))
    assert client.get("/sales/calendar/").status_code == 200
    # a store whose calendar the role may not change reads as absent (404)
    assert client.post(f"/sales/calendar/{mine.pk}/2026-12-24/", {"field": "is_open"}).status_code == 404
    assert StoreCalendarDay.objects.count() == 0


def test_the_calendar_shows_the_promotions_running_in_the_store_on_their_days(client, org):
    # given: one promotion in this store 2026-12-10..12, one in every store on the 20th, one in another store only
    company, mine, other = org
    client.force_login(_user(company, "store_manager", [mine]))
    here = Promotion.objects.create(company=company, code="P-HERE", name="双十二", start_date=date(2026, 12, 10),
                                    end_date=date(2026, 12, 12))
    here.stores.add(mine)
    Promotion.objects.create(company=company, code="P-ALL", name="全场", start_date=date(2026, 12, 20),
                             end_date=date(2026, 12, 20))
    elsewhere = Promotion.objects.create(company=company, code="P-ELSE", name="别店", start_date=date(2026, 12, 10),
                                         end_date=date(2026, 12, 31))
    elsewhere.stores.add(other)
    # when
    page = client.get(f"/sales/calendar/?store={mine.pk}&month=2026-12").content.decode()
    # then
    def badges(day: int) -> int:
        cell = page[page.index(f'id="day-202612{day:02d}"'):]
        return cell[:cell.index("</td>")].count("calendar-promotion")

    assert [badges(day) for day in (9, 10, 12, 13, 20)] == [0, 1, 1, 0, 1]
    assert "别店" not in page
