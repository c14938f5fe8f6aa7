"""Pages of the cockpit: the cockpit (also the home page), the action inbox and its actions."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.cockpit import inbox as inbox_service
from opsdesk.cockpit import selectors
from opsdesk.cockpit.forms import InboxActionForm
from opsdesk.core.kit.guards import is_valid_id
from opsdesk.core.models import User
from opsdesk.core.permissions import user_can

INBOX_PREVIEW = 8
#: The inbox shows the top of the ranking; the rest waits until these are handled.
INBOX_PAGE = 25
#: An upper bound only: a rendered list is reused while its ranking's revision lasts (30 s, or a state change).
INBOX_LIST_CACHE_SECONDS = 60
#: A company-wide league shows the top and the bottom of the ranking; a region shows all its stores.
LEAGUE_TOP, LEAGUE_BOTTOM = 30, 10
#: The cockpit body only changes when the rollups do (the key carries their version); this bounds memory.
COCKPIT_CACHE_SECONDS = 600


def _int(value) -> int | None:
    """A drill-down id from the query string; a malformed or impossible one (``abc``, 10**25) is ignored."""
    return int(value) if is_valid_id(value) else None


def _cockpit_cache_key(request, scope, region_id, store_id) -> str:
    """The rendered cockpit depends only on the rollups (their version), the rollup units covering the scope, the
    drill-down and the language: users whose scopes are covered by the same units share the entry."""
    from django.db.models import Max

    from opsdesk.cockpit.models import DayRollup

    version = DayRollup.objects.filter(company_id=request.user.company_id).aggregate(v=Max("pk"))["v"]
    raw = repr((request.user.company_id, version, get_language(), scope.label, scope.units, region_id, store_id,
                scope.store_ids if scope.level != "company" else None))
    return "cockpit:" + hashlib.sha256(raw.encode()).hexdigest()


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The cockpit of the user's scope, a region or a store (drill-down with ?region= / ?store=).

    Everything on it comes from the rollups, so the rendered body is cached until the next refresh."""
    if not user_can(request.user, "cockpit", "view"):
        raise PermissionDenied
    region_id, store_id = _int(request.GET.get("region")), _int(request.GET.get("store"))
    scope = selectors.scope_for(request.user, region_id=region_id, store_id=store_id)  # 404 outside the scope
    key = _cockpit_cache_key(request, scope, region_id, store_id)
    body = cache.get(key)
    if body is None:
        body = render_to_string("cockpit/_cockpit_body.html", _cockpit_context(request, region_id, store_id),
                                request=request)
        cache.set(key, body, COCKPIT_CACHE_SECONDS)
    return render(request, "cockpit/cockpit.html", {"body": mark_safe(body), "load_plotly": True})  # noqa: S308


def _cockpit_context(request, region_id, store_id) -> dict:
    overview = selectors.cockpit_overview(user=request.user, region_id=region_id, store_id=store_id)
    # "scope" is the shell's scope badge (context processor): the page's scope is "view_scope". The inbox panel
    # is live (not a rollup), so it loads in its own request (htmx) and never slows the cockpit down.
    view_scope = overview.pop("scope")
    league = overview.get("league") or []
    if len(league) > LEAGUE_TOP + LEAGUE_BOTTOM:
        overview["league_hidden"] = len(league) - LEAGUE_TOP - LEAGUE_BOTTOM
        overview["league_bottom"] = league[-LEAGUE_BOTTOM:]
        overview["league"] = league[:LEAGUE_TOP]
    return {**overview, "view_scope": view_scope, "user": request.user}


@login_required
def extension_tiles(request: HttpRequest) -> HttpResponse:
    """The domain apps' tiles of the user's scope (an htmx partial: live figures stay out of the cached body)."""
    if not user_can(request.user, "cockpit", "view"):
        raise PermissionDenied
    from django.utils import timezone

    tiles = selectors.extension_tiles(request.user, timezone.localdate())
    return render(request, "cockpit/_extension_tiles.html", {"tiles": tiles})


@login_required
def inbox_preview(request: HttpRequest) -> HttpResponse:
    """The top of the inbox for the cockpit's panel (an htmx partial)."""
    if not user_can(request.user, "inbox", "view"):
        raise PermissionDenied
    items = inbox_service.inbox_for_user(request.user, store_id=_int(request.GET.get("store")))
    return render(request, "cockpit/_inbox_preview.html", {"inbox_items": items[:INBOX_PREVIEW],
                                                           "inbox_count": len(items)})


def _candidates(user, items) -> dict[str, list[User]]:
    """Per item: the people it can be assigned to (same company, able to act, covering the item's store)."""
    if not user_can(user, "inbox", "change"):
        return {}
    people = list(User.objects.filter(company_id=user.company_id, is_active=True).exclude(role__in=["auditor", ""])
                  .prefetch_related("scope_stores", "scope_regions").order_by("username"))
    from opsdesk.core.models import Store

    regions = dict(Store.objects.filter(pk__in={i.store_id for i in items}).values_list("pk", "region_id"))
    scopes = [(person, {s.pk for s in person.scope_stores.all()}, {r.pk for r in person.scope_regions.all()})
              for person in people]
    out = {}
    for item in items:
        out[item.item_id] = [
            person for person, stores, person_regions in scopes
            if person.has_company_scope or (item.store_id is not None and (
                item.store_id in stores or regions.get(item.store_id) in person_regions))]
    return out


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The ranked action inbox of the user's scope."""
    if not user_can(request.user, "inbox", "view"):
        raise PermissionDenied
    store_id = _int(request.GET.get("store"))
    everything = inbox_service.inbox_for_user(request.user, store_id=store_id)
    can_act = user_can(request.user, "inbox", "change")
    list_html = _inbox_list_html(request, everything, can_act, inbox_service.inbox_revision(request.user,
                                                                                            store_id=store_id))
    return render(request, "cockpit/inbox.html", {"total": len(everything), "list_html": list_html})


def _inbox_list_html(request: HttpRequest, items: list, can_act: bool, revision: tuple | None) -> str:
    """The rendered list, reused while the ranking it came from is the same (see inbox.inbox_revision) for the same
    person, language, page and browser. The CSRF token in its forms is swapped for this request's own."""
    token = get_token(request)
    key = None
    if revision is not None:
        raw = repr((request.user.pk, revision, get_language(), can_act, request.get_full_path(),
                    request.META.get("CSRF_COOKIE")))
        key = "inbox-list:" + hashlib.sha256(raw.encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            cached_token, html = cached
            return mark_safe(html.replace(cached_token, token))  # noqa: S308 (our own rendered template)
    html = render_to_string("cockpit/_inbox_list.html", {"items": items[:INBOX_PAGE], "can_act": can_act,
                                                         "csrf_token": token}, request=request)
    if key is not None:
        cache.set(key, (token, html), INBOX_LIST_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own rendered template)


@login_required
def inbox_item(request: HttpRequest, provider: str, key: str) -> HttpResponse:
    """One inbox item: why it ranks where it does, its comments, and the assign / comment / snooze forms.

    The list shows only "done" inline and loads this into the item (htmx) on demand: the assignment candidates and
    the forms of 25 items would cost more than the whole ranking. Without JavaScript it is a page of its own.
    """
    item = inbox_service.inbox_item_get(request.user, provider, key)
    can_act = user_can(request.user, "inbox", "change")
    item.candidates = _candidates(request.user, [item]).get(item.item_id, []) if can_act else []
    next_url = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    template = "cockpit/_inbox_item.html" if request.htmx else "cockpit/inbox_item.html"
    context = {"item": item, "can_act": can_act, "next_url": next_url or reverse("cockpit:inbox")}
    return render(request, template, context)


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
