"""Pages of the core app: home, sign-in helpers, employees, users, audit trail, API tokens (stores and regions are
kit specs: see specs.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core import hooks, selectors, services
from opsdesk.core.choices import RoleChoices
from opsdesk.core.filtersets import UserFilterSet
from opsdesk.core.forms import ApiTokenForm, UserForm
from opsdesk.core.models import ApiToken, User
from opsdesk.core.permissions import areas, user_can
from opsdesk.core.tables import UserTable
from opsdesk.core.views.generic import ObjectEditView, ObjectListView


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the cockpit when installed (see core/hooks.py), else the scope at a glance."""
    response = hooks.home_view(request) if hooks.home_view is not None else None
    if response is not None:
        return response
    summary = selectors.home_summary(user=request.user)
    return render(request, "core/home.html", {"summary": summary})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: remembered on the account and in a cookie."""
    from django.conf import settings
    from django.utils import translation

    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return HttpResponse(status=400)
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    translation.activate(language)
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", httponly=True)
    return response


class UserListView(ObjectListView):
    model = User
    filterset_class = UserFilterSet
    table_class = UserTable
    export_filename = "users"
    add_url_name = "core:user_add"

    def get_queryset(self, request, action="view"):
        return selectors.user_list(user=request.user, action=action)


class UserEditView(ObjectEditView):
    model = User
    form_class = UserForm

    def get_queryset(self, request, action="view"):
        return selectors.user_list(user=request.user, action=action)

    def _split(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.USER_FIELDS}
        return data, form.cleaned_data["scope_regions"], form.cleaned_data["scope_stores"]

    def create(self, request, form):
        data, regions, stores = self._split(form)
        return services.user_create(
            actor=request.user, data=data, password=form.cleaned_data["password"], regions=regions, stores=stores
        )

    def update(self, request, instance, form):
        data, regions, stores = self._split(form)
        if instance.pk == request.user.pk:
            # Own account: details only; role and scope stay as an administrator set them.
            data = {k: v for k, v in data.items() if k in {"first_name", "last_name", "email", "language"}}
            regions = stores = None
        user = services.user_update(actor=request.user, user=instance, data=data, regions=regions, stores=stores)
        if form.cleaned_data.get("password"):
            user.set_password(form.cleaned_data["password"])
            user.save(update_fields=["password"])
        return user


@login_required
def roles_matrix(request: HttpRequest) -> HttpResponse:
    """The role x area x action matrix (read-only), for administrators."""
    if not user_can(request.user, "users", "view"):
        raise PermissionDenied
    rows = [
        {"area": area, "cells": [sorted(grants.get(role.value, ())) for role in RoleChoices]}
        for area, grants in areas().items()
    ]
    return render(request, "core/roles.html", {"roles": list(RoleChoices), "rows": rows})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """Browse the audit trail of the user's scope, filtered by model, actor and action."""
    if not user_can(request.user, "audit", "view"):
        raise PermissionDenied
    entries = selectors.audit_entries(user=request.user)
    model = request.GET.get("model", "").strip().lower()
    if model:  # "app_label.model" from the picker; a bare model name (old links) still works
        app_label, _dot, name = model.rpartition(".")
        entries = entries.filter(content_type__model=name)
        entries = entries.filter(content_type__app_label=app_label) if app_label else entries
    actor = request.GET.get("actor", "").strip()
    if actor:
        entries = entries.filter(actor__username__icontains=actor)
    action = request.GET.get("action", "").strip()
    if action.isdigit():
        entries = entries.filter(action=int(action))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template = "core/_audit_rows.html" if request.htmx else "core/audit_list.html"
    return render(request, template, {"page": page, "filters": request.GET, "models": selectors.audited_models()})


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_can(request.user, "audit", "view"):
        raise PermissionDenied
    entry = get_object_or_404(selectors.audit_entries(user=request.user), pk=pk)
    return render(request, "core/audit_detail.html", {"entry": entry})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: create (key shown once) and revoke."""
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(
            actor=request.user, name=form.cleaned_data["name"], expires_at=form.cleaned_data["expires_at"]
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/token_list.html", {"tokens": tokens, "form": form, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌已撤销。"))
    return redirect("core:token_list")
