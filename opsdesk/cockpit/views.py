"""Pages of the cockpit: the cockpit (also the home page), the action inbox and its actions."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.cockpit import inbox as inbox_service
from opsdesk.cockpit import inbox_list, selectors
from opsdesk.cockpit.forms import InboxActionForm, InboxBulkForm, InboxFilterForm
from opsdesk.core.kit.guards import is_valid_id
from opsdesk.core.models import User
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import visible_store_ids

INBOX_PREVIEW = 8
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
    raw = repr((request.user.company_id, version, get_language(), scope.label, scope.kind, scope.units, region_id,
                store_id, scope.store_ids if scope.level != "company" else None, _sees_several_stores(request.user)))
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
    # The region crumb leads somewhere only for a user with more than one store (a store manager's region is
    # their store); the domain apps' tiles cover the user's whole scope, so they show on that page only.
    crumb_region = view_scope.region if _sees_several_stores(request.user) else None
    return {**overview, "view_scope": view_scope, "user": request.user, "crumb_region": crumb_region,
            "is_own_scope": region_id is None and store_id is None}


def _sees_several_stores(user) -> bool:
    return bool(user.has_company_scope) or len(visible_store_ids(user)) > 1


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
    # Only people who may act on inbox items (a role without the inbox area, such as HR, is never offered).
    scopes = [(person, {s.pk for s in person.scope_stores.all()}, {r.pk for r in person.scope_regions.all()})
              for person in people if user_can(person, "inbox", "change")]
    out = {}
    for item in items:
        out[item.item_id] = [
            person for person, stores, person_regions in scopes
            if person.has_company_scope or (item.store_id is not None and (
                item.store_id in stores or regions.get(item.store_id) in person_regions))]
    return out


def _provider_labels() -> dict[str, str]:
    return {name: str(provider.label) for name, provider in inbox_service.providers().items()}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The ranked action inbox of the user's scope: filters, counts per type, stockout-like lines grouped per store,
    pages and bulk actions. htmx requests get the part they target: the body (filters, counts, list, pages), or a
    group's items (`?group=provider:store`)."""
    if not user_can(request.user, "inbox", "view"):
        raise PermissionDenied
    selection = InboxFilterForm(request.GET).selection()
    everything = inbox_service.inbox_for_user(request.user)
    labels = _provider_labels()
    page = inbox_list.inbox_page(request.user, everything, selection, labels=labels,
                                 grouped=inbox_list.grouped_providers(inbox_service.providers()),
                                 number=request.GET.get("page") or 1)
    can_act = user_can(request.user, "inbox", "change")
    next_path = _next_path(request)
    target = request.htmx.target if request.htmx and not request.htmx.boosted else None
    members = bool(target and target.startswith("members-") and selection.group_key)
    list_html = _inbox_list_html(request, page, can_act, next_path, inbox_service.inbox_revision(request.user),
                                 template="cockpit/_inbox_rows.html" if members else "cockpit/_inbox_list.html")
    if members:
        return HttpResponse(list_html)
    context = {"page": page, "selection": selection, "list_html": list_html, "can_act": can_act,
               "next_path": next_path, "due_choices": inbox_list.DUE_CHOICES, "labels": labels}
    if target == "inbox-body":
        return render(request, "cockpit/_inbox_body.html", context)
    return render(request, "cockpit/inbox.html", {**context, "total": page.total})


def _next_path(request: HttpRequest) -> str:
    """Where an item's actions return to: this page (a body swapped in by htmx becomes the page: its address is
    pushed), or for a group's items loaded into the list the page the browser shows."""
    is_members = bool(request.htmx and (request.htmx.target or "").startswith("members-"))
    current = request.htmx.current_url if is_members else None
    if current and url_has_allowed_host_and_scheme(current, {request.get_host()}, request.is_secure()):
        parts = urlsplit(current)
        if parts.path == reverse("cockpit:inbox"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def _inbox_list_html(request: HttpRequest, page, can_act: bool, next_path: str, revision: tuple | None,
                     template: str) -> str:
    """The rendered lines of the page, reused while the ranking it came from is the same (see inbox.inbox_revision)
    for the same person, language, page and browser. The CSRF token in its forms is swapped for this request's own."""
    token = get_token(request)
    key = None
    if revision is not None:
        raw = repr((request.user.pk, revision, get_language(), can_act, request.get_full_path(), next_path, template,
                    request.META.get("CSRF_COOKIE")))
        key = "inbox-list:" + hashlib.sha256(raw.encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            cached_token, html = cached
            return mark_safe(html.replace(cached_token, token))  # noqa: S308 (our own rendered template)
    html = render_to_string(template, {
        "rows": page.page.object_list, "can_act": can_act, "csrf_token": token, "next_path": next_path,
        "first_number": page.page.start_index() if template == "cockpit/_inbox_list.html" else 0}, request=request)
    if key is not None:
        cache.set(key, (token, html), INBOX_LIST_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own rendered template)


@require_POST
@login_required
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Assign to me, snooze or complete the ticked items (a ticked group: all its items under the page's filters)."""
    if not user_can(request.user, "inbox", "change"):
        raise PermissionDenied
    form = InboxBulkForm(request.POST)
    selection = form.selection()
    if any(name in form.errors for name in ("action", "until", "reason", "next")):
        return HttpResponse(status=400)
    data = form.cleaned_data
    item_ids, group_keys = form.selected(request.POST)
    members = _group_members(request.user, selection, group_keys)
    items = inbox_service.inbox_items_select(request.user, item_ids, members)  # 404 for a foreign id
    try:
        count = inbox_service.inbox_items_bulk(actor=request.user, items=items, action=data["action"],
                                               until=data.get("until"), reason=data.get("reason") or "")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ngettext("已更新 %(count)s 条待办。", "已更新 %(count)s 条待办。", count)
                         % {"count": count})
    next_url = data.get("next") or reverse("cockpit:inbox")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("cockpit:inbox")
    return redirect(next_url)


def _group_members(user, selection, group_keys: list[str]) -> list:
    """The items of the ticked groups, as the page showed them (same filters); a malformed key is ignored."""
    if not group_keys:
        return []
    wanted = set()
    for key in group_keys:
        provider, _sep, store = key.partition(":")
        if store.isdigit() and len(store) <= 10:
            wanted.add((provider, int(store)))
    items = inbox_list.inbox_filter(inbox_service.inbox_for_user(user), selection, user)
    return [item for item in items if (item.provider, item.store_id) in wanted]


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
    except PermissionDenied as error:  # the item's own record refused (a decision the user may not close)
        raise Http404 from error
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
