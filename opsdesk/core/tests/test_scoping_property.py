"""Property: for any scope assignment, `for_user` returns exactly the rows the rules say (computed in Python)."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Company, Region, Store
from opsdesk.core.permissions import role_can
from opsdesk.core.testing.factories import (
    CompanyFactory,
    EmployeeFactory,
    RegionFactory,
    StoreFactory,
    make_user,
)
from opsdesk.people.models import Employee

PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass
class World:
    companies: list[Company]
    regions: list[Region]
    stores: list[Store]
    employees: list[Employee]


@pytest.fixture
def world(db) -> World:
    """Two companies, three regions each, two stores per region, one employee per store plus head office."""
    companies = [CompanyFactory(code=f"W{index}") for index in range(2)]
    regions = [RegionFactory(company=company) for company in companies for _ in range(3)]
    stores = [StoreFactory(region=region) for region in regions for _ in range(2)]
    employees = [EmployeeFactory(store=store) for store in stores]
    employees += [EmployeeFactory(store=None, company=company) for company in companies]
    return World(companies, regions, stores, employees)


@st.composite
def assignments(draw):
    """A scope assignment: a company (or none), the company flag, any regions and stores (of either company)."""
    return {
        "company": draw(st.sampled_from([None, 0, 1])),
        "company_scope": draw(st.booleans()),
        "regions": draw(st.sets(st.integers(0, 5), max_size=4)),
        "stores": draw(st.sets(st.integers(0, 11), max_size=5)),
        "role": draw(st.sampled_from(list(RoleChoices))),
        "is_active": draw(st.booleans()),
    }


def _user(world: World, assignment: dict):
    company = world.companies[assignment["company"]] if assignment["company"] is not None else None
    user = make_user(
        assignment["role"],
        company=company or world.companies[0],
        regions=[world.regions[index] for index in sorted(assignment["regions"])],
        stores=[world.stores[index] for index in sorted(assignment["stores"])],
        company_scope=assignment["company_scope"],
        is_active=assignment["is_active"],
    )
    if company is None:
        user.company = None
        user.save(update_fields=["company"])
    return user


def _expected_store_ids(world: World, assignment: dict) -> set[int]:
    if assignment["company"] is None or not assignment["is_active"] or not role_can(assignment["role"], "org", "view"):
        return set()  # no assignment, inactive, or a role without the area (the supplier role) sees no store
    company = world.companies[assignment["company"]]
    regions = {world.regions[index].pk for index in assignment["regions"]}
    stores = {world.stores[index].pk for index in assignment["stores"]}
    return {
        store.pk
        for store in world.stores
        if store.company_id == company.pk
        and (assignment["company_scope"] or store.pk in stores or store.region_id in regions)
    }


@PROPERTY_SETTINGS
@given(assignment=assignments())
def test_stores_for_user_are_exactly_the_assigned_scope(world, assignment):
    with transaction.atomic():
        # given
        user = _user(world, assignment)
        # when
        found = set(Store.objects.for_user(user).values_list("pk", flat=True))
        # then
        assert found == _expected_store_ids(world, assignment)
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(assignment=assignments())
def test_employees_for_user_follow_stores_and_head_office_needs_company_scope(world, assignment):
    with transaction.atomic():
        # given
        user = _user(world, assignment)
        store_ids = _expected_store_ids(world, assignment)
        company = world.companies[assignment["company"]] if assignment["company"] is not None else None
        sees_head_office = (company is not None and assignment["company_scope"] and assignment["is_active"]
                            and role_can(assignment["role"], "people", "view"))
        expected = {
            employee.pk
            for employee in world.employees
            if employee.store_id in store_ids
            or (employee.store_id is None and sees_head_office and employee.company_id == company.pk)
        }
        # when
        found = set(Employee.objects.for_user(user).values_list("pk", flat=True))
        # then
        assert found == expected
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(assignment=assignments())
def test_regions_for_user_are_the_regions_of_visible_stores_and_held_regions(world, assignment):
    with transaction.atomic():
        # given
        user = _user(world, assignment)
        store_ids = _expected_store_ids(world, assignment)
        expected = set()
        may_view = role_can(assignment["role"], "org", "view")
        if assignment["company"] is not None and assignment["is_active"] and may_view:
            company = world.companies[assignment["company"]]
            held = {world.regions[index].pk for index in assignment["regions"]}
            expected = {
                region.pk
                for region in world.regions
                if region.company_id == company.pk
                and (
                    assignment["company_scope"]
                    or region.pk in held
                    or any(store.region_id == region.pk for store in world.stores if store.pk in store_ids)
                )
            }
        # when
        found = set(Region.objects.for_user(user).values_list("pk", flat=True))
        # then
        assert found == expected
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", list(RoleChoices))
def test_no_assignment_means_no_access(world, role):
    # given: a user of company W0 with neither the company flag nor regions nor stores
    user = make_user(role, company=world.companies[0], company_scope=False)
    # when
    reachable = {
        "stores": Store.objects.for_user(user).count(),
        "regions": Region.objects.for_user(user).count(),
        "employees": Employee.objects.for_user(user).count(),
        "companies": Company.objects.for_user(user).count(),
    }
    # then
    assert reachable == {"stores": 0, "regions": 0, "employees": 0, "companies": 0}
