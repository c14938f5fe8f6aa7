"""REST API of the sales facts (/api/v1/sales/): read-only lists and rows of store-day totals, store x SKU x day
sales and invoice lines, with the list pages' filters; the explorer (`GET /api/v1/sales/explore`). Out of scope
answers 404."""

from django.http import HttpRequest, QueryDict
from ninja import Router
from ninja.errors import HttpError

from opsdesk.core.permissions import user_can
from opsdesk.sales import explorer, specs

router = Router(tags=["sales"])

for _spec in specs.ALL:
    _spec.register_api(router)


@router.get("/explore", summary="Sales explorer: measures by dimensions, with comparisons")
def explore(request: HttpRequest):
    """Parameters as on the explorer page: `measure`, `dimension` (up to two), `start`, `end` (ISO dates), `compare`
    (last_year, target, forecast) and `f_<dimension>` keys, each repeatable. Only the user's stores are counted."""
    if not user_can(request.auth, "facts", "view"):
        raise HttpError(403, "Your role does not allow this action.")
    params: QueryDict = request.GET
    try:
        query = explorer.query_from_params(params, user=request.auth)
    except (ValueError, KeyError) as error:
        raise HttpError(422, str(error)) from error
    result = explorer.sales_explore(user=request.auth, query=query)
    return {"start": query.start, "end": query.end, "measures": list(query.measures),
            "dimensions": list(query.dimensions), "compare": list(query.compare),
            "filters": {name: list(values) for name, values in query.filters.items()}, "rows": result.rows}
