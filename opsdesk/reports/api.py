"""REST API of reports (/api/v1/reports/): the kit's operations on meetings, decisions, subscriptions and stored
packs (read). Out of scope answers 404."""

from ninja import Router

from opsdesk.reports import specs

router = Router(tags=["reports"])

for _spec in specs.ALL:
    _spec.register_api(router)
