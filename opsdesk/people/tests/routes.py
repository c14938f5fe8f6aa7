"""Permission-matrix declarations of the people app: every area's `tests/routes_<area>.py` ROUTES."""

from importlib import import_module
from importlib.util import find_spec

from opsdesk.people.areas import AREAS

ROUTES = [
    route
    for area in AREAS
    if find_spec(f"opsdesk.people.tests.routes_{area}") is not None
    for route in import_module(f"opsdesk.people.tests.routes_{area}").ROUTES
]
