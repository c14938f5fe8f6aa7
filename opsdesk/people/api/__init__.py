"""REST API of the people app (/api/v1/people/): the kit's operations of every spec, then each area's own
operations (`opsdesk.people.api.<area>.register(router)`). Out of scope answers 404."""

from ninja import Router

from opsdesk.people.areas import area_modules
from opsdesk.people.specs import all_specs

router = Router(tags=["people"])

for _spec in all_specs():
    _spec.register_api(router)
for _module in area_modules("api"):
    _module.register(router)
