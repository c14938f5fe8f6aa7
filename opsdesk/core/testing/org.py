"""The one shared organisation every security test runs against (the `org` fixture of the root conftest).

Company A ("ACME") has region A (stores a1, a2) and region B (stores b1, b2); company B ("OTHER") has region X
(store x1). One user per role in company A with a realistic scope:

    coo, auditor, admin       the whole of company A
    regional_manager          region A            (a1, a2)
    supervisor                stores a1 and a2
    store_manager, staff      store a1
    supplier                  no store; linked to supplier MATRIX-SUP of company A (`org.supplier`)

Store a1 is in everyone's scope (the "in-scope" object). The "out-of-scope" object of a region- or store-scoped
user lies in region B of the same company; that of a company-wide user belongs to company B.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db import models

from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.factories import (
    CompanyFactory,
    EmployeeFactory,
    RegionFactory,
    StoreFactory,
    UserFactory,
    make_user,
)
from opsdesk.people.models import Employee

ROLES: tuple[str, ...] = tuple(role.value for role in RoleChoices)


@dataclass
class Org:
    """Handles on the shared organisation, and the in-scope / out-of-scope object of each kind for a user."""

    company: Company
    other_company: Company
    region_a: Region
    region_b: Region
    region_x: Region
    stores: dict[str, Store]
    employees: dict[str, Employee]
    users: dict[str, User] = field(default_factory=dict)
    target_user: User | None = None
    other_user: User | None = None
    supplier: models.Model | None = None  # the supplier of the supplier-role user (purchasing.Supplier)

    def is_company_wide(self, user: User | None) -> bool:
        return bool(user is not None and user.has_company_scope)

    def store_for(self, user: User | None, in_scope: bool) -> Store:
        if in_scope:
            return self.stores["a1"]
        return self.stores["x1"] if self.is_company_wide(user) else self.stores["b1"]

    def region_for(self, user: User | None, in_scope: bool) -> Region:
        return self.store_for(user, in_scope).region

    def employee_for(self, user: User | None, in_scope: bool) -> Employee:
        return self.employees[self.store_for(user, in_scope).code.lower()]

    def user_for(self, user: User | None, in_scope: bool) -> User:
        """An account another user administers: same company (in scope) or company B (out of scope)."""
        return self.target_user if in_scope else self.other_user

    def audit_entry_for(self, user: User | None, in_scope: bool) -> LogEntry:
        """The audit entry recording the creation of the in-scope / out-of-scope store."""
        return audit_entry(self.store_for(user, in_scope), LogEntry.Action.CREATE)


def audit_entry(instance: models.Model, action: int) -> LogEntry:
    """The one audit entry of `action` about `instance`."""
    return LogEntry.objects.get_for_object(instance).get(action=action)


def build_org() -> Org:
    """Create the shared organisation (about 30 rows plus their audit entries)."""
    company = CompanyFactory(code="ACME", name="ACME 连锁")
    other_company = CompanyFactory(code="OTHER", name="其他公司")
    region_a = RegionFactory(company=company, code="RA", name="华东区")
    region_b = RegionFactory(company=company, code="RB", name="华南区")
    region_x = RegionFactory(company=other_company, code="RX", name="外区")
    stores = {
        "a1": StoreFactory(region=region_a, code="A1", name="上海一店", city="上海"),
        "a2": StoreFactory(region=region_a, code="A2", name="杭州一店", city="杭州"),
        "b1": StoreFactory(region=region_b, code="B1", name="广州一店", city="广州"),
        "b2": StoreFactory(region=region_b, code="B2", name="深圳一店", city="深圳"),
        "x1": StoreFactory(region=region_x, code="X1", name="外司一店", city="北京"),
    }
    employees = {key: EmployeeFactory(store=store, employee_no=f"E-{store.code}") for key, store in stores.items()}
    employees["head_office"] = EmployeeFactory(store=None, company=company, employee_no="E-HQ")
    employees["other_head_office"] = EmployeeFactory(store=None, company=other_company, employee_no="E-XHQ")
    org = Org(company, other_company, region_a, region_b, region_x, stores, employees)
    scopes = {
        RoleChoices.REGIONAL_MANAGER: {"regions": [region_a]},
        RoleChoices.SUPERVISOR: {"stores": [stores["a1"], stores["a2"]]},
        RoleChoices.STORE_MANAGER: {"stores": [stores["a1"]]},
        RoleChoices.STAFF: {"stores": [stores["a1"]]},
    }
    for role in ROLES:
        org.users[role] = make_user(role, company=company, username=f"matrix-{role}", **scopes.get(role, {}))
    org.target_user = make_user(RoleChoices.STAFF, company=company, username="matrix-target", stores=[stores["a2"]])
    org.other_user = UserFactory(
        role=RoleChoices.ADMIN, company=other_company, has_company_scope=True, username="matrix-other"
    )
    _link_supplier_user(org)
    return org


def _link_supplier_user(org: Org) -> None:
    """The supplier-role user belongs to one supplier of company A (it sees only that supplier's orders)."""
    from django.apps import apps

    supplier_model = apps.get_model("purchasing", "Supplier")
    org.supplier = supplier_model.objects.create(company=org.company, code="MATRIX-SUP", name="矩阵供应商")
    user = org.users[RoleChoices.SUPPLIER]
    user.supplier = org.supplier
    user.save(update_fields=["supplier"])
