"""People in tables read as names, sort by name and export as names (never the login alone)."""

import django_tables2 as tables
import pytest

from opsdesk.core.models import Store
from opsdesk.core.tables import PersonColumn
from opsdesk.core.testing.factories import CompanyFactory, RegionFactory, StoreFactory, UserFactory
from opsdesk.storeops.models import CorrectiveAction


class _OwnerTable(tables.Table):
    owner = PersonColumn(accessor="owner", verbose_name="owner")

    class Meta:
        model = CorrectiveAction
        fields = ("title", "owner")


@pytest.fixture
def actions(db):
    company = CompanyFactory()
    store: Store = StoreFactory(company=company, region=RegionFactory(company=company))
    zhang = UserFactory(company=company, username="manager_sh001", first_name="伟", last_name="张")
    UserFactory(company=company, username="bob_login", first_name="Bob", last_name="Smith")
    li = UserFactory(company=company, username="aaa_login", first_name="娜", last_name="李")
    nameless = UserFactory(company=company, username="zz_nameless", first_name="", last_name="")
    rows = []
    for title, owner in (("a", zhang), ("b", li), ("c", nameless), ("d", None)):
        rows.append(CorrectiveAction.objects.create(store=store, title=title, owner=owner,
                                                    due_date="2026-12-01"))
    return rows


def test_a_person_renders_by_full_name_and_a_missing_one_as_a_dash(actions):
    # given
    table = _OwnerTable(CorrectiveAction.objects.filter(pk__in=[a.pk for a in actions]).order_by("title"))
    # when
    shown = [row.get_cell("owner") for row in table.rows]
    exported = [row[1] for row in list(table.as_values())[1:]]
    # then
    assert shown == ["张伟", "李娜", "zz_nameless", "—"]
    assert exported == ["张伟", "李娜", "zz_nameless", None]  # an empty cell in exports


def test_sorting_by_a_person_sorts_by_name_not_login(actions):
    # given
    table = _OwnerTable(CorrectiveAction.objects.filter(pk__in=[a.pk for a in actions], owner__isnull=False))
    # when
    table.order_by = "owner"
    # then: the nameless user first (empty last name), then 张 (U+5F20) before 李 (U+674E)
    assert [row.get_cell("title") for row in table.rows] == ["c", "a", "b"]
