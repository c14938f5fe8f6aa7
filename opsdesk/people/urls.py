"""URLs of the people app (mounted at /people/): the kit's pages of every spec, then each area's own views
(`opsdesk.people.views.<area>.urlpatterns`)."""

from opsdesk.people.areas import area_modules
from opsdesk.people.specs import all_specs

app_name = "people"

urlpatterns = [
    *[pattern for spec in all_specs() for pattern in spec.urls()],
    *[pattern for module in area_modules("views") for pattern in getattr(module, "urlpatterns", [])],
]
