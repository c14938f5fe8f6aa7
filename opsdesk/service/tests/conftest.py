"""Fixtures of the customer-service tests: a small company with one user per role, store hours and a ticket maker."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.testing.factories import CompanyFactory, RegionFactory, StoreFactory, make_user
from opsdesk.service import services
from opsdesk.service.models import BusinessHours, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = (0, 1, 2, 3, 4)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime in the stores' time zone (Asia/Shanghai)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def set_hours(store, weekdays=WEEKDAYS, opens: time = time(9), closes: time = time(21)) -> None:
    """The store opens on `weekdays` (0 = Monday) from `opens` to `closes`, and on no other day."""
    BusinessHours.objects.filter(store=store).delete()
    BusinessHours.objects.bulk_create([BusinessHours(store=store, weekday=day, opens=opens, closes=closes)
                                       for day in weekdays])


@pytest.fixture(autouse=True)
def _mail(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def svc(db):
    """Company DEMO: region east (stores a1, a2), region south (store b1); users for every role, with e-mail."""
    company = CompanyFactory(code="DEMO", name="演示连锁")
    east = RegionFactory(company=company, code="E", name="华东区")
    south = RegionFactory(company=company, code="S", name="华南区")
    a1 = StoreFactory(region=east, code="A1", name="上海一店")
    a2 = StoreFactory(region=east, code="A2", name="上海二店")
    b1 = StoreFactory(region=south, code="B1", name="广州一店")
    users = {
        "admin": make_user(R.ADMIN, company=company, username="admin", email="admin@example.com"),
        "coo": make_user(R.COO, company=company, username="coo", email="coo@example.com"),
        "auditor": make_user(R.AUDITOR, company=company, username="auditor"),
        "regional": make_user(R.REGIONAL_MANAGER, regions=[east], username="regional", email="rm@example.com"),
        "supervisor": make_user(R.SUPERVISOR, stores=[a1, a2], username="supervisor", email="sup@example.com"),
        "manager": make_user(R.STORE_MANAGER, stores=[a1], username="manager", email="sm@example.com"),
        "staff": make_user(R.STAFF, stores=[a1], username="staff"),
        "manager_b": make_user(R.STORE_MANAGER, stores=[b1], username="manager_b", email="smb@example.com"),
    }
    services.company_defaults_ensure(company.pk)
    return {"company": company, "east": east, "south": south, "a1": a1, "a2": a2, "b1": b1, **users}


@pytest.fixture
def make_ticket(svc):
    """`make_ticket(store=..., actor=..., **fields)`: a ticket logged through `ticket_create` (now = frozen time)."""

    def _make(*, store=None, actor=None, **fields) -> Ticket:
        data = {"store": store or svc["a1"], "title": fields.pop("title", "收银排队太久"), **fields}
        return services.ticket_create(actor=actor or svc["manager"], data=data)

    return _make
