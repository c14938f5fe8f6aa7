"""REST API of the risk register (/api/v1/risks/): the kit's operations on risks, controls, actions, indicators,
measurements, categories, matrix definitions and settings. Out of scope answers 404."""

from ninja import Router

from opsdesk.risks import specs

router = Router(tags=["risks"])

for _spec in specs.ALL:
    _spec.register_api(router)
