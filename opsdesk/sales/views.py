"""Pages of the sales app: planned promotions and the planned store calendar."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core.kit.guards import is_valid_id
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from opsdesk.sales import promotions, selectors, services
from opsdesk.sales.filtersets import PromotionFilterSet
from opsdesk.sales.forms import PromotionForm
from opsdesk.sales.models import Promotion, PromotionEvaluation, StoreCalendarDay, StoreDaySales
from opsdesk.sales.tables import PromotionTable


class PromotionListView(ObjectListView):
    model = Promotion
    filterset_class = PromotionFilterSet
    table_class = PromotionTable
    export_filename = "promotions"
    add_url_name = "sales:promotion_add"

    def get_queryset(self, request, action="view"):
        return selectors.promotion_list(user=request.user, action=action)


class PromotionDetailView(ObjectDetailView):
    model = Promotion
    template_name = "sales/promotion_detail.html"
    fields = ["code", "name", "status", "start_date", "end_date", "discount_percent", "category", "promotion_type",
              "cost", "created_by", "decided_by", "decided_at", "decision_note"]

    def get_extra_context(self, request, instance):
        stores, hidden_count = selectors.promotion_stores(user=request.user, promotion=instance)
        evaluation = PromotionEvaluation.objects.for_user(request.user).filter(promotion=instance).first()
        planned = None
        if evaluation is None and instance.start_date > date.today() and request.GET.get("forecast"):
            planned = promotions.planned_promotion_uplift(instance, user=request.user)
        return {
            "evaluation": evaluation, "planned": planned, "is_future": instance.start_date > date.today(),
            "store_effect": promotions.visible_store_effect(user=request.user, evaluation=evaluation)
            if evaluation else None,
            "company_figures": request.user.has_company_scope,
            "can_evaluate": user_can(request.user, "promotions", "change") and instance.end_date < date.today(),
            "stores": stores, "hidden_store_count": hidden_count,
            # a promotion spanning more than the user's stores is read-only to them (its edit page answers 404)
            "can_change": selectors.promotion_is_writable(user=request.user, promotion=instance),
            "can_delete": selectors.promotion_is_writable(user=request.user, promotion=instance, action="delete"),
            "can_approve": user_can(request.user, "promotions", "change") and not selectors.promotion_decision_refusal(
                user=request.user, promotion=instance, decision="approve"),
            "can_cancel": user_can(request.user, "promotions", "change") and not selectors.promotion_decision_refusal(
                user=request.user, promotion=instance, decision="cancel"),
        }


class PromotionEditView(ObjectEditView):
    model = Promotion
    form_class = PromotionForm

    def create(self, request, form):
        return services.promotion_save(actor=request.user, data=form.cleaned_data, stores=form.cleaned_data["stores"])

    def update(self, request, instance, form):
        return services.promotion_save(actor=request.user, data=form.cleaned_data, stores=form.cleaned_data["stores"],
                                       promotion=instance)


class PromotionDeleteView(ObjectDeleteView):
    model = Promotion
    success_url_name = "sales:promotion_list"

    def delete(self, request, instance):
        services.promotion_delete(actor=request.user, promotion=instance)


def _month(request: HttpRequest) -> date:
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        return date(year, month, 1)
    except (ValueError, OverflowError):  # ?month=abc, 2024-13, 10**25-01
        today = date.today()
        return date(today.year, today.month, 1)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """A store's month: planned opening, promotions and holidays (editable), with actuals for past days."""
    if not user_can(request.user, "facts", "view"):
        raise PermissionDenied
    stores = Store.objects.for_user(request.user).order_by("code")
    store_id = request.GET.get("store")
    if store_id and not is_valid_id(store_id):
        raise Http404  # a malformed id reads as an unknown store
    store = get_object_or_404(stores, pk=int(store_id)) if store_id else stores.first()
    month = _month(request)
    weeks = []
    if store is not None:
        last_day = month_calendar.monthrange(month.year, month.month)[1]
        planned = {d.date: d for d in StoreCalendarDay.objects.for_user(request.user).filter(
            store=store, date__gte=month, date__lte=month.replace(day=last_day))}
        actual = {d.date: d for d in StoreDaySales.objects.for_user(request.user).filter(
            store=store, date__gte=month, date__lte=month.replace(day=last_day))}
        promotions = _store_promotions(request.user, store, month, month.replace(day=last_day))
        for week in month_calendar.Calendar().monthdatescalendar(month.year, month.month):
            weeks.append([{"date": day, "in_month": day.month == month.month, "planned": planned.get(day),
                           "actual": actual.get(day),
                           "promotions": [p for p in promotions if p.start_date <= day <= p.end_date]}
                          for day in week])
    context = {
        "stores": stores, "store": store, "month": month, "weeks": weeks, "previous": _shift(month, -1),
        "next": _shift(month, 1), "can_change": user_can(request.user, "facts", "change"),
    }
    return render(request, "sales/calendar.html", context)


def _store_promotions(user, store: Store, start: date, end: date) -> list[Promotion]:
    """The promotions the user sees that run in the store (or in every store) on some day of [start, end]."""
    return list(Promotion.objects.for_user(user).filter(
        Q(stores=store) | Q(stores__isnull=True), company_id=store.company_id, start_date__lte=end,
        end_date__gte=start).exclude(status="cancelled").distinct().order_by("start_date", "code"))


def _shift(month: date, delta: int) -> str:
    index = month.year * 12 + month.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
@require_POST
def calendar_toggle(request: HttpRequest, store_id: int, day: str) -> HttpResponse:
    """Flip one flag of a planned day (htmx); answers the day's cell."""
    # the calendar is a "facts" change of the store: a store the user may not change reads as absent (404)
    if not user_can(request.user, "facts", "change"):
        raise Http404
    store = get_object_or_404(Store.objects.for_user(request.user), pk=store_id)
    field = request.POST.get("field", "")
    if field not in {"is_open", "is_promo", "is_school_holiday"}:
        return HttpResponseBadRequest("field must be is_open, is_promo or is_school_holiday")
    try:
        planned_day = date.fromisoformat(day)
    except ValueError:
        return HttpResponseBadRequest("day must be YYYY-MM-DD")
    current = StoreCalendarDay.objects.filter(store=store, date=planned_day).first()
    value = not getattr(current, field, field == "is_open")
    entry = services.calendar_day_set(actor=request.user, store=store, day=planned_day, changes={field: value})
    cell = {"date": planned_day, "in_month": True, "planned": entry, "actual": None,
            "promotions": _store_promotions(request.user, store, planned_day, planned_day)}
    return render(request, "sales/_calendar_day.html", {"cell": cell, "store": store, "can_change": True})


@login_required
@require_POST
def promotion_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """Evaluate (or re-evaluate) a finished promotion now; answers the promotion page."""
    if not user_can(request.user, "promotions", "change"):
        raise Http404  # an object route: not permitted reads as absent
    promotion = get_object_or_404(Promotion.objects.for_user(request.user, "view"), pk=pk)
    if promotion.end_date >= date.today():
        return HttpResponseBadRequest("the promotion has not finished")
    promotions.promotion_evaluate(promotion)
    return redirect("sales:promotion_detail", pk=promotion.pk)


@login_required
@require_POST
def promotion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or cancel a proposed promotion; answers the promotion page with what happened."""
    if not user_can(request.user, "promotions", "change"):
        raise Http404  # an object route: not permitted reads as absent
    promotion = get_object_or_404(Promotion.objects.for_user(request.user, "change"), pk=pk)
    try:
        services.promotion_decide(actor=request.user, promotion=promotion, decision=request.POST.get("decision", ""),
                                  note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(request, _("促销已批准。") if request.POST.get("decision") == "approve" else _("促销已取消。"))
    return redirect("sales:promotion_detail", pk=promotion.pk)


@login_required
def promotion_league(request: HttpRequest) -> HttpResponse:
    """League table of evaluated promotions per type and category."""
    if not user_can(request.user, "promotions", "view"):
        raise PermissionDenied
    evaluations = (PromotionEvaluation.objects.for_user(request.user).select_related("promotion")
                   .order_by("-promotion__end_date")[:100])
    return render(request, "sales/promotion_league.html", {
        "rows": promotions.league_table(user=request.user), "evaluations": evaluations,
        "company_figures": request.user.has_company_scope})
