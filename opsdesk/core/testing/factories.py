"""factory-boy factories for the organisation, and `make_user(role, ...)` for a user with a role and a scope.

Users get an unusable password unless one is given (Argon2 hashing is slow by design; sign in with
`client.force_login(user)` in tests that are not about the password itself).
"""

from __future__ import annotations

from collections.abc import Iterable

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import ApiToken, Company, Region, Store, User
from opsdesk.people.models import Department, Employee, Position

#: Roles that see the whole company by default (everyone else is scoped to regions or stores).
COMPANY_WIDE_ROLES = frozenset({RoleChoices.COO, RoleChoices.AUDITOR, RoleChoices.ADMIN, RoleChoices.HR})


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"公司 {n}")


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"区域 {n}")


class StoreFactory(DjangoModelFactory):
    class Meta:
        model = Store

    region = factory.SubFactory(RegionFactory)
    company = factory.SelfAttribute("region.company")
    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"门店 {n}")
    city = "上海"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"部门 {n}")


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"职位 {n}")
    level = 1


class EmployeeFactory(DjangoModelFactory):
    """An employee at a store; pass `store=None, company=...` for head office."""

    class Meta:
        model = Employee

    store = factory.SubFactory(StoreFactory)
    company = factory.LazyAttribute(lambda employee: employee.store.company if employee.store else CompanyFactory())
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"员工 {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = RoleChoices.STAFF
    company = factory.SubFactory(CompanyFactory)
    is_active = True
    # An unusable password costs no hashing; `make_user(password=...)` sets a real one.
    password = factory.LazyFunction(lambda: make_password(None))


def make_user(
    role: str,
    *,
    company: Company | None = None,
    regions: Iterable[Region] = (),
    stores: Iterable[Store] = (),
    company_scope: bool | None = None,
    password: str | None = None,
    username: str | None = None,
    **fields,
) -> User:
    """A user with a role and a scope: the whole company (default for coo/auditor/admin), or regions and stores.

    `company` defaults to the company of the first region or store given, else a new company.
    """
    regions, stores = list(regions), list(stores)
    if company is None:
        company = (regions[0].company if regions else stores[0].company) if regions or stores else CompanyFactory()
    if company_scope is None:
        company_scope = role in COMPANY_WIDE_ROLES and not regions and not stores
    extra = {"username": username} if username else {}
    user = UserFactory(role=role, company=company, has_company_scope=company_scope, **extra, **fields)
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    if regions:
        user.scope_regions.set(regions)
    if stores:
        user.scope_stores.set(stores)
    return user


def make_token(user: User, *, name: str = "test", revoked: bool = False) -> tuple[ApiToken, str]:
    """A personal API token row and its key (the key itself is never stored)."""
    from django.utils import timezone

    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:12],
        key_hash=ApiToken.hash_key(key),
        revoked_at=timezone.now() if revoked else None,
    )
    return token, key


def build_small_company() -> dict:
    """Company DEMO: region east (stores a1, a2), region south (store b1), and one user per role (most with e-mail):
    admin, coo, auditor, regional (east), supervisor (a1, a2), manager and staff (a1), manager_b (b1).
    Domain apps' test fixtures start from it (storeops `ops`, service `svc`)."""
    from opsdesk.core.choices import RoleChoices as R

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
        "manager_b": make_user(R.STORE_MANAGER, stores=[b1], username="manager_b"),
    }
    return {"company": company, "east": east, "south": south, "a1": a1, "a2": a2, "b1": b1, **users}
