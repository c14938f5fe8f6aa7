"""Fixtures of the customer-service tests: a small company with one user per role, store hours and a ticket maker."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from opsdesk.core.testing.factories import build_small_company
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
    svc = build_small_company()
    svc["manager_b"].email = "smb@example.com"
    svc["manager_b"].save(update_fields=["email"])
    services.company_defaults_ensure(svc["company"].pk)
    return svc


@pytest.fixture
def make_ticket(svc):
    """`make_ticket(store=..., actor=..., **fields)`: a ticket logged through `ticket_create` (now = frozen time)."""

    def _make(*, store=None, actor=None, **fields) -> Ticket:
        data = {"store": store or svc["a1"], "title": fields.pop("title", "收银排队太久"), **fields}
        return services.ticket_create(actor=actor or svc["manager"], data=data)

    return _make
