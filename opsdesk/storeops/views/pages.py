"""My inspections and actions (the inspector's list) and the store scorecard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from opsdesk.core.kit.guards import is_valid_id
from opsdesk.core.models import Region
from opsdesk.core.permissions import user_can
from opsdesk.storeops import forms, selectors


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Due and overdue inspections, my open actions, actions waiting for my verification, expiring compliance."""
    if not user_can(request.user, "storeops", "view"):
        raise PermissionDenied
    user = request.user
    today = timezone.localdate()
    due_runs = list(selectors.inspections_due_for_user(user=user, today=today, include_upcoming=True)[:50])
    context = {
        "today": today,
        "due_runs": due_runs,
        # the inbox lists every overdue run of the scope: those someone else does are shown here too, apart
        "others_overdue": selectors.inspections_overdue_in_scope(user=user, today=today).exclude(
            pk__in=[run.pk for run in due_runs])[:50],
        "my_actions": selectors.actions_for_owner(user=user)[:50],
        "to_verify": selectors.actions_to_verify(user=user)[:50],
        "expiring": selectors.compliance_expiring(user=user, today=today)[:20],
        "start_form": forms.RunStartForm(user=user) if user_can(user, "storeops", "add") else None,
    }
    return render(request, "storeops/my.html", context)


@login_required
def scorecard(request: HttpRequest) -> HttpResponse:
    """Score trend per store, pass rate by item across stores, open/overdue actions and the league table."""
    if not user_can(request.user, "storeops", "view"):
        raise PermissionDenied
    regions = Region.objects.for_user(request.user)
    try:
        weeks = max(1, min(int(request.GET.get("weeks", 8)), 52))
    except ValueError:
        weeks = 8
    region_id = request.GET.get("region")
    region = regions.filter(pk=int(region_id)).first() if is_valid_id(region_id) else None
    card = selectors.scorecard(user=request.user, weeks=weeks, region_id=region.pk if region else None)
    context = {
        "card": card, "regions": regions, "region": region, "weeks": weeks,
        "item_chart": selectors.item_pass_chart(card["item_rows"]),
    }
    return render(request, "storeops/scorecard.html", context)
