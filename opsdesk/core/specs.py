"""Kit specs of the organisation: stores and regions (pages core:store_*/region_*, REST /api/v1/stores|regions/).

The kit's writes keep the rules: rows belong to the actor's company (set on create), a store's region must be one
the actor sees (a related row out of scope is a field error), and the re-read through the actor's scope rolls back
a create the actor could not see afterwards (a region made by a user without company scope: it has no stores yet
and is not among the user's regions). A store or region still referred to is not deleted: the message names what
refers to it.
"""

from __future__ import annotations

from opsdesk.core import selectors
from opsdesk.core.forms import AttributesField
from opsdesk.core.kit import ObjectSpec
from opsdesk.core.models import Region, Store
from opsdesk.core.tables import RegionTable, StoreTable


def _store_overview(request, store) -> dict:
    return selectors.store_overview(user=request.user, store=store)


def _region_stores(request, region) -> dict:
    return {"stores": selectors.store_list(user=request.user).filter(region=region)}


store = ObjectSpec(
    Store, path="stores", name="store",
    fields=("code", "name", "region", "city", "address", "opening_date", "format", "floor_area", "status",
            "holiday_subdivision", "attributes"),
    columns=("code", "name", "region", "city", "address", "opening_date", "format", "floor_area", "status",
             "holiday_subdivision"),
    field_classes={"attributes": AttributesField},
    search_fields=("code", "name", "city", "address"),
    filter_fields=("region", "city", "format", "status"),
    queryset=selectors.store_list, table_class=StoreTable,
    detail_template="core/store_detail.html", detail_context=_store_overview,
)

region = ObjectSpec(
    Region, path="regions", name="region",
    fields=("code", "name"),
    search_fields=("code", "name"),
    queryset=selectors.region_list, table_class=RegionTable,
    detail_template="core/region_detail.html", detail_context=_region_stores,
)
