"""The purchasing providers: an expiring contract is due at the end of its last day, company-wide."""

from datetime import timedelta

from django.utils import timezone

from opsdesk.cockpit import inbox
from opsdesk.cockpit.providers.purchasing import ExpiringContractProvider
from opsdesk.purchasing.tests.factories import make_contract, make_product, make_supplier


def test_expiring_contract_is_due_on_its_end_date_for_company_wide_users(org):
    # given
    today = timezone.localdate()
    price = make_contract(make_supplier(org.company), make_product(org.company), price="4.00",
                          starts=today - timedelta(days=300), ends=today + timedelta(days=10))
    # when
    items = [i for i in inbox.inbox_for_user(org.users["coo"]) if i.provider == ExpiringContractProvider.name]
    store_items = [i for i in inbox.inbox_for_user(org.users["store_manager"])
                   if i.provider == ExpiringContractProvider.name]
    # then
    assert [(i.key, i.due, i.store_id) for i in items] == [
        (str(price.contract.pk), inbox.end_of_day(today + timedelta(days=10)), None)]
    assert store_items == []
