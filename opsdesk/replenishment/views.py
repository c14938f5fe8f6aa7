"""Pages of the replenishment app: proposals per store and supplier (filter, sort by urgency, edit, approve in
bulk), a proposal's reasoning with its forecast, plan runs with live progress, inventory health, and the company's
replenishment policy settings."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from opsdesk.core.charts import PALETTE, bar_chart, forecast_band_chart
from opsdesk.core.exports import export_response
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.replenishment import selectors, services
from opsdesk.replenishment.choices import ServiceMeasureChoices
from opsdesk.replenishment.forms import ProposalFilterForm, QuantityForm, ReplenishmentSettingsForm
from opsdesk.replenishment.models import NEVER, Proposal, ReplenishmentSettings

AREA = "replenishment"
FILTER_FIELDS = ("store", "supplier", "category", "reason", "urgency", "status", "q", "sort")


def _require(request: HttpRequest, action: str = "view", *, hidden: bool = False) -> None:
    """403 when the role may not act; `hidden` pages (about one object) answer 404 to a role that may not view."""
    if hidden and not user_can(request.user, AREA, "view"):
        raise Http404(_("未找到。"))
    if not user_can(request.user, AREA, action):
        raise PermissionDenied(_("你的角色不允许此操作。"))


def _permissions(request: HttpRequest) -> dict:
    return {
        "can_change": user_can(request.user, AREA, "change"),
        "can_approve": user_can(request.user, AREA, "approve"),
        "can_run": user_can(request.user, AREA, "add"),
        "can_configure": user_can(request.user, AREA, "configure"),
    }


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The replenishment page: the latest plan's proposals in scope, filtered, most urgent first, 50 per page."""
    _require(request)
    run = selectors.latest_run(user=request.user)
    form = ProposalFilterForm(request.GET or None, user=request.user)
    context = {"run": run, "form": form, **_permissions(request)}
    if run is not None:
        context["filter_fields"] = _filter_fields(form)
        filters = form.to_filter()
        if request.GET.get("export"):
            return _export_proposals(request, run, filters)
        context["totals"] = selectors.proposal_totals(user=request.user, run=run, filters=filters)
        page = selectors.proposal_page(user=request.user, run=run, filters=filters, after=request.GET.get("after", ""))
        page.rows = [_display(row) for row in page.rows]
        query = {name: request.GET[name] for name in FILTER_FIELDS if request.GET.get(name)}
        context.update(page=page, query=urlencode(query), filter_query=query,
                       next_url=f"?{urlencode({**query, 'after': page.next_cursor})}" if page.next_cursor else None)
    if request.htmx and not request.htmx.boosted:
        return render(request, "replenishment/_proposal_table.html", context)
    return render(request, "replenishment/proposal_list.html", context)


def _export_proposals(request: HttpRequest, run, filters) -> HttpResponse:
    """The filtered proposals of the plan (the user's scope) as CSV or XLSX, most urgent first."""
    header, rows = selectors.proposal_export_rows(user=request.user, run=run, filters=filters)
    try:
        return export_response(request.GET["export"], f"proposals-{run.plan_date}", header, rows)
    except ValueError:
        return HttpResponseBadRequest(_("导出格式只支持 csv 或 xlsx。"))


@login_required
def supplier_list(request: HttpRequest) -> HttpResponse:
    """Replenishment per supplier: lines, units and value to order in the user's stores (from the plan's rollups)."""
    _require(request)
    run = selectors.latest_run(user=request.user)
    rows = selectors.supplier_rollups(user=request.user, run=run) if run is not None else []
    return render(request, "replenishment/supplier_list.html", {"run": run, "rows": rows})


@login_required
def store_list(request: HttpRequest) -> HttpResponse:
    """Replenishment per store: lines and value to order, stockout risks, overstock (from the plan's rollups)."""
    _require(request)
    run = selectors.latest_run(user=request.user)
    rows = selectors.store_rollups(user=request.user, run=run) if run is not None else []
    return render(request, "replenishment/store_list.html", {"run": run, "rows": rows})


def _number(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _display(row: dict) -> dict:
    """Pre-formatted numbers for the table (formatting in Python is several times faster than template filters)."""
    urgency = row["urgency"]
    row["urgency_text"] = "∞" if urgency >= NEVER else f"{urgency:.1f}"
    row["urgency_class"] = "table-danger" if urgency < 0 else "table-warning" if urgency < 7 else ""
    for name in ("on_hand", "on_order"):
        row[f"{name}_text"] = _number(row[name], 3)
    for name in ("reorder_point", "order_up_to"):
        row[f"{name}_text"] = f"{row[name]:.1f}"
    row["expected_text"] = row["expected_date"].strftime("%m-%d")
    row["detail_url"] = reverse("replenishment:proposal_detail", args=[row["pk"]])
    row["quantity_url"] = f"{row['detail_url']}quantity/"
    return row


def _filter_fields(form: ProposalFilterForm) -> list[dict]:
    """The filter form as plain option lists: rendering ~200 <option>s through widget templates costs ~40 ms."""
    fields = []
    for bound in form:
        field = bound.field
        value = bound.value() if bound.value() not in (None, "") else field.initial  # empty = the default filter
        value = "" if value is None else str(value)
        entry = {"name": bound.name, "label": bound.label, "id": bound.id_for_label, "value": value}
        if hasattr(field, "choices"):
            options = ((str(getattr(key, "value", key)), label) for key, label in field.choices)
            entry["options"] = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                (key, mark_safe(" selected") if key == value else "", label) for key, label in options))
        fields.append(entry)
    return fields


def _proposal(request: HttpRequest, pk: int, action: str = "view") -> Proposal:
    """The proposal if the user may perform `action` on it, else 404 (never 403: out of scope and not permitted
    read the same)."""
    try:
        return selectors.proposal_get(user=request.user, pk=pk, action=action)
    except (Proposal.DoesNotExist, ValueError) as error:
        raise Http404(_("未找到。")) from error


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal: the forecast with history, the projected stock, and every step of the reasoning."""
    proposal = _proposal(request, pk)
    history, points = selectors.proposal_forecast(user=request.user, proposal=proposal)
    charts = [("demand-chart", _demand_chart(proposal, history, points))]
    if points:
        charts.append(("stock-chart", _stock_chart(proposal, points)))
    return render(request, "replenishment/proposal_detail.html", {
        "proposal": proposal, "charts": charts, "form": QuantityForm(initial={"quantity": proposal.quantity}),
        "lines": _reasoning(proposal), **_permissions(request),
    })


def _reasoning(p: Proposal) -> list[tuple[str, str]]:
    """The proposal's explanation, step by step, in words and numbers."""
    return [
        (_("库存位置"), _("在库 %(on_hand)s + 在途 %(on_order)s = %(position)s 件") % {
            "on_hand": f"{p.on_hand:g}", "on_order": f"{p.on_order:g}", "position": f"{p.position:g}"}),
        (_("交期与补货周期"), _("交期 %(lead).1f 天（标准差 %(std).1f）+ 补货周期 %(review)g 天") % {
            "lead": p.lead_time_mean, "std": p.lead_time_std, "review": p.review_days}),
        (_("周期内需求"), _("预测日均 %(daily).2f 件，交期加周期内共 %(demand).1f 件") % {
            "daily": p.mean_daily, "demand": p.demand_horizon}),
        (_("安全库存"), _(
            "%(abc)s 类商品，服务水平 %(level).0f%%，预测误差 %(sigma).2f 件/天 → 安全库存 %(ss).1f 件") % {
            "abc": p.abc_class, "level": p.service_level * 100, "sigma": p.forecast_sigma, "ss": p.safety_stock}),
        (_("再订货点 / 目标库存"), _("再订货点 %(rop).1f 件，目标库存 %(s).1f 件") % {
            "rop": p.reorder_point, "s": p.order_up_to}),
        (_("取整"), _("缺口 %(need).1f 件，按箱规 %(pack)s、起订量 %(moq)s 取整后 %(qty)s 件（增加 %(added).1f）") % {
            "need": max(p.raw_need, 0), "pack": p.pack_size, "moq": p.min_order_qty, "qty": p.proposed_quantity,
            "added": p.rounding_added}),
        (_("原因"), p.get_reason_display()),
        (_("紧迫度"), _("现有库存约 %(days).1f 天后售罄，扣除交期后余 %(urgency).1f 天") % {
            "days": p.days_until_stockout, "urgency": p.urgency}),
    ]


def _demand_chart(proposal: Proposal, history: list, points: list[dict]) -> dict:
    return forecast_band_chart(_("销量：历史与预测（件/天）"), history, points)


def _stock_chart(proposal: Proposal, points: list[dict]) -> dict:
    """Projected on hand over the forecast days, without and with the proposed order, against SS and ROP."""
    days = [p["date"] for p in points]
    without, level = [], proposal.on_hand + proposal.on_order
    for point in points:
        level -= point["forecast"]
        without.append(round(level, 2))
    with_order = [round(v + (proposal.quantity if day >= proposal.expected_date else 0), 2)
                  for v, day in zip(without, days, strict=True)]
    x = [d.isoformat() for d in days]
    flat = [x[0], x[-1]]
    data = [
        {"type": "scatter", "mode": "lines", "name": _("不订货"), "x": x, "y": without,
         "line": {"color": "#adb5bd", "dash": "dot"}},
        {"type": "scatter", "mode": "lines", "name": _("按建议订货"), "x": x, "y": with_order,
         "line": {"color": PALETTE[1], "width": 2.5}},
        {"type": "scatter", "mode": "lines", "name": _("再订货点"), "x": flat,
         "y": [proposal.reorder_point] * 2, "line": {"color": PALETTE[2], "dash": "dash"}},
        {"type": "scatter", "mode": "lines", "name": _("安全库存"), "x": flat,
         "y": [proposal.safety_stock] * 2, "line": {"color": PALETTE[4], "dash": "dash"}},
    ]
    return {"data": data, "layout": _layout(_("预计库存（件）"))}


def _layout(title: str) -> dict:
    return {"title": {"text": title, "font": {"size": 14}}, "height": 320, "hovermode": "x unified",
            "margin": {"l": 50, "r": 20, "t": 40, "b": 40}, "legend": {"orientation": "h", "y": -0.2}}


@login_required
@require_POST
def proposal_quantity(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a proposal's quantity (htmx: answers the row again, with the error when the quantity is refused)."""
    proposal = _proposal(request, pk, "change")
    form = QuantityForm(request.POST)
    error = None
    if form.is_valid():
        try:
            proposal = services.proposal_set_quantity(actor=request.user, proposal=proposal,
                                                      quantity=form.cleaned_data["quantity"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except Proposal.DoesNotExist as exc:  # in view scope but not in the change scope
            raise Http404 from exc
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        row = selectors.proposals_filtered(user=request.user, run=proposal.run,
                                           filters=selectors.ProposalFilter(reason=None)).filter(pk=proposal.pk)
        context = {"row": _display(row.values(*selectors.LIST_COLUMNS).get()), "error": error,
                   **_permissions(request)}
        # 200 even when refused: htmx swaps only 2xx answers, and the row must show the message.
        return render(request, "replenishment/_proposal_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已修改订货数量。"))
    return redirect(proposal.get_absolute_url())


@login_required
@require_POST
def approve(request: HttpRequest) -> HttpResponse:
    """Approve the selected proposals (or all filtered ones) into draft purchase orders."""
    _require(request, "approve")
    run = selectors.latest_run(user=request.user)
    if run is None:
        raise Http404
    if request.POST.get("scope") == "filtered":
        form = ProposalFilterForm(request.POST, user=request.user)
        ids = list(selectors.proposals_filtered(user=request.user, run=run, filters=form.to_filter(),
                                                action="approve")
                   .filter(quantity__gt=0).values_list("pk", flat=True)[: services.MAX_APPROVAL_LINES + 1])
    else:
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    try:
        result = services.proposals_approve(actor=request.user, proposal_ids=ids,
                                            notes=request.POST.get("notes", "")[:500])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("replenishment:proposal_list")
    if result.purchase_orders:
        messages.success(request, _("已生成 %(orders)s 张采购单草稿，共 %(lines)s 行。") % {
            "orders": len(result.purchase_orders), "lines": result.ordered})
    if result.skipped_without_supplier:
        messages.warning(request, _("%(count)s 行商品没有供应商，未下单。") % {
            "count": result.skipped_without_supplier})
    if not result.purchase_orders:
        messages.info(request, _("没有可审批的建议（数量为 0、已下单或不在你的范围内）。"))
        return redirect("replenishment:proposal_list")
    return redirect(reverse("purchasing:purchase_order_list") + "?status=draft")


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """Plan runs of the company, the newest first; active runs show a live progress bar."""
    _require(request)
    return render(request, "replenishment/run_list.html", {
        "runs": selectors.run_list(user=request.user)[:50], **_permissions(request),
    })


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Compute the plan now (the worker picks it up; the page follows its progress)."""
    _require(request, "add")
    run = services.plan_run_request(actor=request.user)
    return redirect(run.get_absolute_url())


def _run(request: HttpRequest, pk: int):
    _require(request, hidden=True)
    return get_object_or_404(selectors.run_list(user=request.user), pk=pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    return render(request, "replenishment/run_detail.html", {"run": run})


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar partial that an active run's page polls."""
    run = _run(request, pk)
    response = render(request, "replenishment/_run_progress.html", {"run": run})
    if not run.is_active and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
def health(request: HttpRequest) -> HttpResponse:
    """Inventory health of the user's whole scope."""
    _require(request)
    return _health(request, None)


@login_required
def health_store(request: HttpRequest, store_id: int) -> HttpResponse:
    """Inventory health of one store."""
    _require(request, hidden=True)
    store = get_object_or_404(Store.objects.for_user(request.user), pk=store_id)
    return _health(request, store)


def _health(request: HttpRequest, store: Store | None) -> HttpResponse:
    run = selectors.latest_run(user=request.user)
    context = {"run": run, "store": store, "charts": []}
    if run is not None:
        store_id = store.pk if store else None
        overview = selectors.health_overview(user=request.user, run=run, store_id=store_id)
        context.update(
            overview=overview, matrix=_matrix_rows(overview["abc_xyz"]),
            risks=selectors.stockout_risks_for_user(request.user, store_id=store_id, limit=30),
            overstock=selectors.overstock_for_user(request.user, store_id=store_id, limit=30),
            dead=selectors.overstock_for_user(request.user, store_id=store_id, limit=30, dead_only=True),
            stores=selectors.store_rollups(user=request.user, run=run) if store is None else [],
        )
        bins = run.summary.get("cover_bins", services.COVER_BINS)
        labels = [f"{lo}–{hi}" for lo, hi in zip(bins, bins[1:], strict=False)] + [f"{bins[-1]}+"]
        age_labels = [_("无入库记录") if label == "?" else label for label in overview["overstock_by_age"]]
        context["charts"] = [
            ("cover-chart", bar_chart(_("可售天数分布（门店×商品数）"), labels, overview["cover_histogram"],
                                      _("数量"))),
            ("age-chart", bar_chart(_("积压金额按库龄（天）"), age_labels, list(overview["overstock_by_age"].values()),
                                    _("金额"))),
        ]
    return render(request, "replenishment/health.html", context)


def _matrix_rows(matrix: dict) -> list[tuple[str, list]]:
    return [(abc, [matrix.get(abc, {}).get(xyz, [0, 0.0]) for xyz in "XYZ"]) for abc in "ABC"]


MEASURE_EXPLANATIONS = {
    ServiceMeasureChoices.CYCLE: gettext_lazy(
        "目标是每个补货周期内不缺货的概率：A 类 98% 表示大约每 50 个补货周期出现一次缺货（缺多少不计）。"),
    ServiceMeasureChoices.FILL_RATE: gettext_lazy(
        "目标是每个门店×商品的需求中能直接由现货满足的比例：98% 表示每 100 件需求约有 2 件因缺货未能满足。"),
    ServiceMeasureChoices.FILL_RATE_POOLED: gettext_lazy(
        "目标是每个 ABC 类整体的需求满足率；系统在类内以最低的安全库存金额分配，"
        "单价低的商品多备、单价高的商品少备，个别商品的满足率可能低于目标（可用“单品最低满足率”设下限）。"),
}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{_number(value * 100, 2)}%"


def _settings_rows(current: ReplenishmentSettings) -> list[dict]:
    """The current values, formatted, with what each one means."""
    days = _("%(days)s 天")
    values = {
        "service_level_a": _percent(current.service_level_a),
        "service_level_b": _percent(current.service_level_b),
        "service_level_c": _percent(current.service_level_c),
        "service_measure": current.get_service_measure_display(),
        "min_pair_fill_rate": _percent(current.min_pair_fill_rate),
        "review_days": days % {"days": _number(current.review_days, 2)},
        "risk_days": days % {"days": current.risk_days},
        "overstock_days": days % {"days": _number(current.overstock_days, 2)},
        "dead_days": days % {"days": current.dead_days},
    }
    fields = {field.name: field for field in ReplenishmentSettings._meta.fields}
    return [{"name": name, "label": fields[name].verbose_name, "value": value, "help": fields[name].help_text}
            for name, value in values.items()]


def _settings_page(request: HttpRequest, form: ReplenishmentSettingsForm | None, current: ReplenishmentSettings,
                   *, status: int = 200) -> HttpResponse:
    return render(request, "replenishment/settings.html", {
        "current": current, "rows": _settings_rows(current), "form": form, "is_default": current.pk is None,
        "measures": [(value, label, MEASURE_EXPLANATIONS[value]) for value, label in ServiceMeasureChoices.choices],
        **_permissions(request),
    }, status=status)


@login_required
@require_safe
def settings_detail(request: HttpRequest) -> HttpResponse:
    """The company's replenishment policy: current values with their meaning; the edit form for those who may."""
    _require(request)
    current = selectors.replenishment_settings_get(user=request.user)
    form = None
    if user_can(request.user, AREA, "configure"):
        form = ReplenishmentSettingsForm(instance=copy.copy(current))
    return _settings_page(request, form, current)


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    """Change the policy (COO and administrators): saved through the service, errors shown at their field."""
    _require(request, "configure")
    current = selectors.replenishment_settings_get(user=request.user, action="configure")
    # The form validates a copy: the page's "current values" must not show the rejected ones.
    data = request.POST if request.method == "POST" else None
    form = ReplenishmentSettingsForm(data, instance=copy.copy(current))
    if request.method != "POST":
        return _settings_page(request, form, current)
    if form.is_valid():
        try:
            services.replenishment_settings_update(
                actor=request.user, **{name: form.cleaned_data[name] for name in selectors.SETTINGS_FIELDS})
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, _("已保存补货策略设置，下一次补货计划将按新设置计算。"))
            return redirect("replenishment:settings")
    return _settings_page(request, form, current, status=400)
