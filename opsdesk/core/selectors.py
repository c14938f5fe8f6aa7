"""Reads of the core app. Every function takes the acting user and goes through `for_user`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from opsdesk.core.models import Region, Store, User
from opsdesk.core.scoping import visible_store_ids


@dataclass(frozen=True)
class ScopeSummary:
    """What the scope badge says: the user's scope in words and the number of stores it covers."""

    label: str
    store_count: int
    is_company: bool


def scope_summary(user) -> ScopeSummary:
    """The scope badge of a user ("华东区 · 12 家门店")."""
    store_count = len(visible_store_ids(user))
    if user.has_company_scope and user.company_id:
        label = user.company.name if user.company else _("全公司")
        return ScopeSummary(label=label, store_count=store_count, is_company=True)
    region_names = list(user.scope_regions.order_by("code").values_list("name", flat=True))
    store_names = list(user.scope_stores.order_by("code").values_list("name", flat=True))
    parts = region_names + store_names
    if not parts:
        return ScopeSummary(label=_("未分配范围"), store_count=0, is_company=False)
    label = "、".join(parts[:3]) + ("…" if len(parts) > 3 else "")
    return ScopeSummary(label=label, store_count=store_count, is_company=False)


def store_list(*, user, action: str = "view") -> QuerySet[Store]:
    """Stores the user may see, with their region, ready for a list page."""
    return Store.objects.for_user(user, action).select_related("region")


def store_get(*, user, pk: int, action: str = "view") -> Store:
    """One store in the user's scope (raises Store.DoesNotExist otherwise)."""
    return store_list(user=user, action=action).get(pk=pk)


def region_list(*, user, action: str = "view") -> QuerySet[Region]:
    """Regions the user may see, with the number of stores in each."""
    return Region.objects.for_user(user, action).annotate(store_count=Count("stores")).order_by("code")


def user_list(*, user, action: str = "view") -> QuerySet[User]:
    """User accounts the acting user may administer."""
    return (
        User.objects.for_user(user, action).select_related("company").prefetch_related("scope_regions", "scope_stores")
    )


def audit_entries(*, user) -> QuerySet:
    """Audit entries about objects in the user's scope (company-wide users: the whole company)."""
    from auditlog.models import LogEntry
    from django.db.models import Q

    from opsdesk.core.permissions import user_can

    if not user_can(user, "audit", "view") or not user.company_id:
        return LogEntry.objects.none()
    entries = LogEntry.objects.filter(additional_data__company_id=user.company_id)
    if not user.has_company_scope:
        store_ids = visible_store_ids(user)
        region_ids = list(Region.objects.for_user(user).values_list("pk", flat=True))
        entries = entries.filter(
            Q(additional_data__store_id__in=store_ids)
            | Q(additional_data__store_id__isnull=True, additional_data__region_id__in=region_ids)
        )
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def audited_models() -> list[tuple[str, str]]:
    """The audit list's object-type picker: ("app_label.model", name in the active language), sorted by name."""
    from auditlog.registry import auditlog
    from django.utils.text import capfirst

    labelled = {f"{model._meta.app_label}.{model._meta.model_name}": capfirst(str(model._meta.verbose_name))
                for model in auditlog.get_models()}
    return sorted(labelled.items(), key=lambda item: (item[1], item[0]))


def home_summary(*, user) -> dict:
    """Counts and the last 8 weeks of daily sales for the user's scope (read from store-day totals)."""
    from datetime import timedelta

    from django.db.models import Max, Sum
    from django.utils.translation import gettext as _

    from opsdesk.core.charts import line_chart
    from opsdesk.sales.models import StoreDaySales

    stores = Store.objects.for_user(user)
    days = StoreDaySales.objects.for_user(user)
    # The newest day in the whole table comes straight from the date index; the scoped window follows from it
    # (a scope-filtered MAX would scan every row of the user's stores).
    last_day = StoreDaySales.objects.aggregate(last=Max("date"))["last"]
    chart = None
    totals = {"sales": 0, "customers": 0}
    if last_day is not None:
        window = days.filter(date__gt=last_day - timedelta(days=56))
        per_day = list(
            window.values("date").order_by("date").annotate(sales=Sum("sales_amount"), customers=Sum("customers"))
        )
        last_day = per_day[-1]["date"] if per_day else None
        totals = {
            "sales": sum(row["sales"] for row in per_day[-28:]),
            "customers": sum(row["customers"] for row in per_day[-28:]),
        }
        chart = line_chart(
            _("近 8 周日销售额"),
            [row["date"].isoformat() for row in per_day],
            {_("销售额"): [float(row["sales"]) for row in per_day]},
        )
    return {
        "store_count": stores.count(),
        "region_count": Region.objects.for_user(user).count(),
        "employee_count": Store.employees.rel.related_model.objects.for_user(user).count(),
        "last_day": last_day,
        "sales_28d": totals["sales"],
        "customers_28d": totals["customers"],
        "chart": chart,
    }


def store_overview(*, user, store: Store) -> dict:
    """A store's last 90 days of sales and its staff, for the store page."""
    from datetime import timedelta

    from django.db.models import Max
    from django.utils.translation import gettext as _

    from opsdesk.core.charts import line_chart
    from opsdesk.sales.models import StoreDaySales

    days = StoreDaySales.objects.for_user(user).filter(store=store)
    last_day = days.aggregate(last=Max("date"))["last"]
    chart = None
    if last_day is not None:
        rows = list(
            days.filter(date__gt=last_day - timedelta(days=90))
            .order_by("date")
            .values("date", "sales_amount", "customers")
        )
        chart = line_chart(
            _("近 90 天销售额与客流"),
            [row["date"].isoformat() for row in rows],
            {_("销售额"): [float(row["sales_amount"]) for row in rows]}, _("销售额"),
            secondary={_("客流"): [row["customers"] for row in rows]}, secondary_title=_("客流（人）"),
        )
    employees = (Store.employees.rel.related_model.objects.for_user(user).filter(store=store)
                 .select_related("position", "department")[:50])
    return {"chart": chart, "employees": employees, "last_day": last_day}


def assignable_people(*, company_id: int, area: str, store_id: int | None = None, action: str = "change",
                      visible_to=None) -> QuerySet[User]:
    """The one answer to "who may own or be assigned this": active users of the company whose role may perform
    `action` in `area` and whose scope covers the store (any store for company-wide objects).

    `visible_to` narrows the list to people whose scope meets the acting user's (a form before a store is chosen).
    """
    from django.db.models import Q

    from opsdesk.core.permissions import areas

    roles = [role for role, actions in areas().get(area, {}).items() if action in actions]
    people = User.objects.filter(company_id=company_id, is_active=True, role__in=roles)
    if store_id is not None:
        store = Store.objects.filter(pk=store_id, company_id=company_id).values("region_id").first()
        if store is None:
            return User.objects.none()
        people = people.filter(Q(has_company_scope=True) | Q(scope_stores=store_id)
                               | Q(scope_regions=store["region_id"]))
    elif visible_to is not None and not visible_to.has_company_scope:
        stores = visible_store_ids(visible_to)
        regions = Store.objects.filter(pk__in=stores).values("region_id")
        people = people.filter(Q(has_company_scope=True) | Q(scope_stores__in=stores) | Q(scope_regions__in=regions))
    return people.distinct().order_by("last_name", "first_name", "username")


def is_assignable(person, *, company_id: int, area: str, store_id: int | None = None, action: str = "change") -> bool:
    """Whether one person may own or be assigned an object of `area` at `store_id` (see `assignable_people`)."""
    if person is None:
        return True
    return assignable_people(company_id=company_id, area=area, store_id=store_id, action=action).filter(
        pk=person.pk).exists()
