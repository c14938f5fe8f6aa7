"""REST API of the sales facts (/api/v1/sales/): read-only lists and rows of store-day totals, store x SKU x day
sales and invoice lines, with the list pages' filters. Out of scope answers 404."""

from ninja import Router

from opsdesk.sales import specs

router = Router(tags=["sales"])

for _spec in specs.ALL:
    _spec.register_api(router)
