"""The customer-service analysis page: tickets, complaints, SLA, CSAT and NPS of the user's scope."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from opsdesk.core.kit.guards import is_valid_id
from opsdesk.core.models import Region, Store
from opsdesk.core.permissions import user_can
from opsdesk.service import analysis as selectors
from opsdesk.service.models import AREA

MONTH = re.compile(r"(\d{4})-(\d{2})")
#: The longest range the page aggregates at once.
MAX_MONTHS = 36


def _month(value: str | None) -> date | None:
    match = MONTH.fullmatch(value or "")
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def _filters(request: HttpRequest, stores, regions) -> selectors.AnalysisFilters:
    """The filters of the query string; unknown, out-of-scope or malformed values fall back to the defaults."""
    default = selectors.default_filters(timezone.localdate())
    start = _month(request.GET.get("from")) or default.start
    end = _month(request.GET.get("to")) or default.end
    if end < start:
        start, end = end, start
    if len(selectors.AnalysisFilters(start, end).months) > MAX_MONTHS:
        start = selectors.next_month(date(end.year - MAX_MONTHS // 12, end.month, 1))
    store_id, region_id = request.GET.get("store", ""), request.GET.get("region", "")
    store = stores.filter(pk=int(store_id)).first() if is_valid_id(store_id) else None
    region = regions.filter(pk=int(region_id)).first() if is_valid_id(region_id) else None
    return selectors.AnalysisFilters(start=start, end=end, store_id=store.pk if store else None,
                                     region_id=region.pk if region else None)


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    """Charts, top issues and the CSAT / NPS table of the user's stores, filtered by store, region and months."""
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    stores = Store.objects.for_user(request.user).order_by("code")
    regions = Region.objects.for_user(request.user).order_by("code")
    filters = _filters(request, stores, regions)
    context = {
        "filters": filters, "stores": stores, "regions": regions,
        "analysis": selectors.service_analysis(user=request.user, filters=filters),
    }
    return render(request, "service/analysis.html", context)
