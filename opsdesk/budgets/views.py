"""Pages of the budgets app beyond the kit's: a version's detail with its workflow (approve, revise, copy to a year
with growth), the grid (cost centre x category rows, 12 month columns, editable for drafts), spreading a line's
yearly amount, budget control (actual, committed, available, year-end projection) and the store P&L."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsdesk.budgets import selectors, services
from opsdesk.budgets.choices import SpreadChoices
from opsdesk.budgets.models import AREA, MONTH_FIELDS, BudgetLine, BudgetVersion
from opsdesk.core import charts
from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.engine import budget as engine

MONTH_LABELS = [f"{month}" for month in range(1, 13)]


class CopyForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    growth_percent = forms.FloatField(label=gettext_lazy("增长率（%）"), min_value=-100, max_value=1000, initial=0)


class SpreadForm(forms.Form):
    total = forms.DecimalField(label=gettext_lazy("全年金额"), min_value=0, max_digits=14, decimal_places=2)
    method = forms.ChoiceField(label=gettext_lazy("分摊方式"), choices=SpreadChoices.choices)


def version_detail_context(request: HttpRequest, version: BudgetVersion) -> dict:
    user = request.user
    return {
        "can_approve": version.is_draft and user_can(user, AREA, "approve"),
        "can_revise": version.status == "approved" and user_can(user, AREA, "add"),
        "can_copy": user_can(user, AREA, "add"),
        "copy_form": CopyForm(initial={"year": version.year + 1, "growth_percent": 3}),
        "line_count": selectors.version_lines(user, version).count(),
    }


def _version(request: HttpRequest, pk: int) -> BudgetVersion:
    version = scoped_or_none(BudgetVersion, request.user, pk)
    if version is None:
        raise Http404
    return version


def _run(request: HttpRequest, call, success: str) -> bool:
    try:
        call()
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def version_approve(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    if not user_can(request.user, AREA, "approve"):
        raise Http404
    _run(request, lambda: services.version_approve(actor=request.user, version=version), _("预算版本已批准。"))
    return redirect(version.get_absolute_url())


@login_required
@require_POST
def version_revise(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    if not user_can(request.user, AREA, "add"):
        raise Http404
    result = {}
    if _run(request, lambda: result.update(new=services.version_revise(actor=request.user, version=version)),
            _("已生成修订草稿。")):
        return redirect(result["new"].get_absolute_url())
    return redirect(version.get_absolute_url())


@login_required
@require_POST
def version_copy(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    if not user_can(request.user, AREA, "add"):
        raise Http404
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
        return redirect(version.get_absolute_url())
    result = {}
    if _run(request, lambda: result.update(new=services.version_copy_year(
            actor=request.user, source=version, year=form.cleaned_data["year"],
            growth_percent=form.cleaned_data["growth_percent"])), _("已复制为新草稿。")):
        return redirect(result["new"].get_absolute_url())
    return redirect(version.get_absolute_url())


def _grid_rows(lines, editable_ids: set[int]) -> list[dict]:
    return [{"line": line, "months": list(zip(MONTH_FIELDS, line.months, strict=True)),
             "editable": line.pk in editable_ids} for line in lines]


@login_required
def version_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The version's lines as a grid: cost centre x category rows, twelve month columns; a draft's lines the user
    may change are inputs, saved together."""
    version = _version(request, pk)
    user = request.user
    lines = list(selectors.version_lines(user, version))
    editable_ids = set()
    if version.is_draft and user_can(user, AREA, "change"):
        editable_ids = set(BudgetLine.objects.for_user(user, "change").filter(version=version)
                           .values_list("pk", flat=True))
    if request.method == "POST":
        if not editable_ids:
            raise Http404
        values = {}
        try:
            for line in lines:
                if line.pk in editable_ids:
                    values[line.pk] = [Decimal(request.POST.get(f"line-{line.pk}-{name}", "0") or "0")
                                       for name in MONTH_FIELDS]
        except InvalidOperation:
            messages.error(request, _("请输入数字。"))
            return redirect("budgets:version_grid", pk=version.pk)
        _run(request, lambda: messages.info(request, _("已修改 %(count)s 行。") % {
            "count": services.grid_save(actor=user, version=version, values=values)}), _("预算已保存。"))
        return redirect("budgets:version_grid", pk=version.pk)
    totals = [sum((line.months[index] for line in lines), Decimal("0")) for index in range(12)]
    return render(request, "budgets/grid.html", {
        "version": version, "rows": _grid_rows(lines, editable_ids), "months": MONTH_LABELS,
        "totals": totals, "grand_total": sum(totals, Decimal("0")), "is_editable": bool(editable_ids),
        "spread_form": SpreadForm()})


@login_required
@require_POST
def line_spread(request: HttpRequest, pk: int) -> HttpResponse:
    line = scoped_or_none(BudgetLine, request.user, pk, "change")
    if line is None or not user_can(request.user, AREA, "change"):
        raise Http404
    form = SpreadForm(request.POST)
    if form.is_valid():
        _run(request, lambda: services.line_spread(actor=request.user, line=line, total=form.cleaned_data["total"],
                                                   method=form.cleaned_data["method"]), _("已分摊到各月。"))
    else:
        messages.error(request, " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    return redirect("budgets:version_grid", pk=line.version_id)


def _chosen_version(request: HttpRequest, today: date) -> BudgetVersion | None:
    value = request.GET.get("version")
    if value and is_valid_id(value):
        return scoped_or_none(BudgetVersion, request.user, value)
    return selectors.approved_version(request.user.company_id, today.year) if request.user.company_id else None


@login_required
def control(request: HttpRequest) -> HttpResponse:
    """Budget control of a version (default: this year's approved one): per line the year's budget, actual to
    date, committed, available and the year-end projection with its variance; the share of lines overrunning."""
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    today = timezone.localdate()
    version = _chosen_version(request, today)
    figures = []
    if version is not None:
        figures = selectors.line_figures(list(selectors.version_lines(request.user, version)),
                                         company_id=version.company_id, year=version.year, today=today)
    share = engine.overrun_share([item.projection for item in figures])
    return render(request, "budgets/control.html", {
        "version": version, "figures": figures, "overrun_share": None if share is None else share * 100,
        "versions": BudgetVersion.objects.for_user(request.user)[:30],
        "totals": {
            "budget": sum(item.projection.budget for item in figures),
            "actual": sum(item.projection.actual for item in figures),
            "committed": sum(item.projection.committed for item in figures),
            "projected": sum(item.projection.projected for item in figures)}})


def pnl_figures(store: Store, year: int, version: BudgetVersion | None, today: date) -> dict:
    """A store's P&L of the year by month: sales, gross margin, costs by category (actual), operating profit,
    cost ratios to sales, and the plan (the budget's costs) against the actual."""
    sales, cost_of_sales = selectors.sales_by_month([store.pk], year)
    mapping = selectors.category_map(store.company_id)
    actual = selectors.actuals(store.company_id, year, store_ids=[store.pk], mapping=mapping)
    key = f"store:{store.pk}"
    lines = list(BudgetLine.objects.filter(version=version, centre_key=key).select_related("category")
                 ) if version else []
    from opsdesk.budgets.models import BudgetCategory

    categories = {category.pk: category for category in BudgetCategory.objects.filter(
        company_id=store.company_id, kind="cost")}
    rows, plan_costs, actual_costs = [], [0.0] * 12, [0.0] * 12
    for category_id, category in categories.items():
        months = actual.get((key, category_id))
        plan = next((line for line in lines if line.category_id == category_id), None)
        plan_months = [float(value) for value in plan.months] if plan else [0.0] * 12
        actual_months = [float(value) for value in months] if months is not None else [0.0] * 12
        if not any(plan_months) and not any(actual_months):
            continue
        total = sum(actual_months)
        rows.append({"category": category, "actual": total, "plan": sum(plan_months),
                     "ratio": total * 100 / float(sales.sum()) if sales.sum() else None})
        plan_costs = [a + b for a, b in zip(plan_costs, plan_months, strict=True)]
        actual_costs = [a + b for a, b in zip(actual_costs, actual_months, strict=True)]
    gross = float(sales.sum() - cost_of_sales.sum())
    costs = sum(actual_costs)
    chart = charts.line_chart(_("营运费用：预算与实际（按月）"), [f"{year}-{month:02d}" for month in range(1, 13)],
                              {_("预算"): plan_costs, _("实际"): actual_costs,
                               _("毛利"): [float(s - c) for s, c in zip(sales, cost_of_sales, strict=True)]})
    return {"sales": float(sales.sum()), "gross": gross,
            "gross_pct": gross * 100 / float(sales.sum()) if sales.sum() else None, "rows": rows, "costs": costs,
            "operating_profit": gross - costs,
            "cost_ratio": costs * 100 / float(sales.sum()) if sales.sum() else None, "chart": chart}


@login_required
def store_pnl(request: HttpRequest) -> HttpResponse:
    """The P&L of one store in the user's scope for a year (default: the first store, this year)."""
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    today = timezone.localdate()
    stores = Store.objects.for_user(request.user).order_by("code")
    chosen = request.GET.get("store")
    store = stores.filter(pk=int(chosen)).first() if chosen and is_valid_id(chosen) else stores.first()
    if chosen and store is None:
        raise Http404
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    context = {"stores": stores, "store": store, "year": year}
    if store is not None:
        version = selectors.approved_version(store.company_id, year)
        context.update(pnl_figures(store, year, version, today), version=version)
    return render(request, "budgets/pnl.html", context)
