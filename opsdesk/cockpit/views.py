"""Pages of the cockpit: the cockpit (also the home page), the action inbox and its actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.cockpit import inbox as inbox_service
from opsdesk.cockpit import selectors
from opsdesk.cockpit.forms import InboxActionForm
from opsdesk.core.models import User
from opsdesk.core.permissions import user_can

INBOX_PREVIEW = 8


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The cockpit of the user's scope, a region or a store (drill-down with ?region= / ?store=)."""
    if not user_can(request.user, "cockpit", "view"):
        raise PermissionDenied
    overview = selectors.cockpit_overview(user=request.user, region_id=_int(request.GET.get("region")),
                                          store_id=_int(request.GET.get("store")))
    scope = overview.pop("scope")
    items = inbox_service.inbox_for_user(request.user, store_id=scope.store.pk if scope.store else None)
    # "scope" is the shell's scope badge (context processor): the page's scope is "view_scope".
    context = {**overview, "view_scope": scope, "inbox_items": items[:INBOX_PREVIEW], "inbox_count": len(items), "load_plotly": True}
    return render(request, "cockpit/cockpit.html", context)


def _candidates(user, items) -> dict[str, list[User]]:
    """Per item: the people it can be assigned to (same company, able to act, covering the item's store)."""
    if not user_can(user, "inbox", "change"):
        return {}
    people = list(User.objects.filter(company_id=user.company_id, is_active=True).exclude(role__in=["auditor", ""])
                  .prefetch_related("scope_stores", "scope_regions").order_by("username"))
    from opsdesk.core.models import Store

    regions = dict(Store.objects.filter(pk__in={i.store_id for i in items}).values_list("pk", "region_id"))
    out = {}
    for item in items:
        out[item.item_id] = [
            person for person in people
            if person.has_company_scope or (item.store_id is not None and (
                item.store_id in {s.pk for s in person.scope_stores.all()}
                or regions.get(item.store_id) in {r.pk for r in person.scope_regions.all()}))]
    return out


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The ranked action inbox of the user's scope."""
    if not user_can(request.user, "inbox", "view"):
        raise PermissionDenied
    items = inbox_service.inbox_for_user(request.user, store_id=_int(request.GET.get("store")))
    candidates = _candidates(request.user, items)
    for item in items:
        item.candidates = candidates.get(item.item_id, [])
    can_act = user_can(request.user, "inbox", "change")
    return render(request, "cockpit/inbox.html", {"items": items, "can_act": can_act,
                                                  "providers": inbox_service.providers()})


@require_POST
@login_required
def inbox_act(request: HttpRequest) -> HttpResponse:
    """Assign, comment on, snooze or complete an inbox item."""
    if not user_can(request.user, "inbox", "change"):
        raise PermissionDenied
    form = InboxActionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    data = form.cleaned_data
    item = inbox_service.inbox_item_get(request.user, data["provider"], data["key"])
    try:
        _apply(request.user, item, data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已更新：%(title)s") % {"title": item.title})
    next_url = data.get("next") or "/cockpit/inbox/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/cockpit/inbox/"
    return redirect(next_url)


def _apply(actor, item, data) -> None:
    action = data["action"]
    if action == "assign":
        assignee = User.objects.filter(Q(pk=data.get("assignee") or 0), company_id=actor.company_id).first()
        if assignee is None:
            raise ValidationError(_("请选择负责人。"))
        inbox_service.inbox_item_assign(actor=actor, item=item, assignee=assignee)
    elif action == "comment":
        inbox_service.inbox_item_comment(actor=actor, item=item, text=data.get("text") or "")
    elif action == "snooze":
        if data.get("until") is None:
            raise ValidationError(_("请填写暂缓时间。"))
        inbox_service.inbox_item_snooze(actor=actor, item=item, until=data["until"], reason=data.get("reason") or "")
    else:
        inbox_service.inbox_item_done(actor=actor, item=item)
