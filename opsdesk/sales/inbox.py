"""The inbox provider of sales ("sales"): promotion results ready, assortment proposals to review, launches below
plan.

Keys: "evaluation:<promotion evaluation pk>" (computed in the last 14 days; medium when the promotion lost money, low
otherwise), "assortment:<store pk>" (open proposals of a store, for users who may decide them; medium) and
"launch:<launch pk>" (a launch in its tracking weeks selling under 80 % of its analogue forecast; high) and
"promotion:<promotion pk>" (a proposed promotion this user may approve; high when it starts within 7 days, due the
day before it starts).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.permissions import user_can
from opsdesk.sales import launches, selectors
from opsdesk.sales.models import AssortmentProposal, ProductLaunch, Promotion, PromotionEvaluation

PROVIDER_NAME = "sales"
MAX_ITEMS = 100
FRESH_DAYS = 14


def _evaluations(user, now):
    return (PromotionEvaluation.objects.for_user(user).filter(computed_at__gte=now - timedelta(days=FRESH_DAYS))
            .exclude(verdict="no_data").select_related("promotion"))


def _evaluation_item(evaluation: PromotionEvaluation) -> InboxItem:
    promotion = evaluation.promotion
    return InboxItem(
        provider=PROVIDER_NAME, key=f"evaluation:{evaluation.pk}",
        severity=Sev.MEDIUM if evaluation.verdict == "loses" else Sev.LOW,
        due=end_of_day(timezone.localtime(evaluation.computed_at).date() + timedelta(days=7)),
        title=deferred(lambda: _("促销效果评估已出：%(name)s") % {"name": promotion.name}),
        detail=deferred(lambda: str(evaluation.get_verdict_display())), store_id=None, company_id=promotion.company_id,
        link=promotion.get_absolute_url())


def _assortment_rows(user):
    return (AssortmentProposal.objects.for_user(user, "change").filter(state="proposed").values(
        "store_id", "store__code", "store__name", "store__company_id").annotate(n=Count("pk")).order_by("store_id"))


def _assortment_item(row: dict, today) -> InboxItem:
    return InboxItem(
        provider=PROVIDER_NAME, key=f"assortment:{row['store_id']}", severity=Sev.MEDIUM,
        due=end_of_day(today + timedelta(days=7)),
        title=deferred(lambda: _("%(n)s 条品项调整建议待审核") % {"n": row["n"]}), store_id=row["store_id"],
        store_name=f"{row['store__code']} {row['store__name']}", company_id=row["store__company_id"],
        link=f"{reverse('sales:assortment_list')}?state=proposed")


def _running_launches(user, today):
    return [launch for launch in ProductLaunch.objects.for_user(user).select_related("product").filter(
        launch_date__lte=today - timedelta(days=7), launch_date__gte=today - timedelta(days=26 * 7))
        if launch.launch_date + timedelta(days=7 * launch.weeks) >= today]


def _launch_item(launch: ProductLaunch, progress: dict) -> InboxItem:
    return InboxItem(
        provider=PROVIDER_NAME, key=f"launch:{launch.pk}", severity=Sev.HIGH,
        due=end_of_day(launch.launch_date + timedelta(days=7 * launch.weeks)),
        title=deferred(lambda: _("新品销量低于预测：%(product)s") % {"product": launch.product}),
        detail=deferred(lambda: _("实际 %(actual).0f，类比预测 %(expected).0f") % progress), store_id=None,
        company_id=launch.company_id, link=launch.get_absolute_url())


def _proposal_item(promotion: Promotion, today) -> InboxItem:
    soon = (promotion.start_date - today).days <= 7
    return InboxItem(
        provider=PROVIDER_NAME, key=f"promotion:{promotion.pk}", severity=Sev.HIGH if soon else Sev.MEDIUM,
        due=end_of_day(max(promotion.start_date - timedelta(days=1), today)),
        title=deferred(lambda: _("促销待审批：%(name)s") % {"name": promotion.name}),
        detail=deferred(lambda: _("%(start)s 开始，折扣 %(percent)s%%") % {
            "start": promotion.start_date.isoformat(), "percent": f"{float(promotion.discount_percent):g}"}),
        store_id=None, company_id=promotion.company_id, link=promotion.get_absolute_url())


class SalesProvider:
    name = PROVIDER_NAME
    label = gettext_lazy("销售")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        today = timezone.localtime(now).date()
        items = []
        if user_can(user, "promotions", "view"):
            items += [_evaluation_item(e) for e in _evaluations(user, now)[:MAX_ITEMS]]
            for launch in _running_launches(user, today)[:MAX_ITEMS]:
                progress = launches.launch_progress_cached(user=user, launch=launch)
                if progress["below_plan"]:
                    items.append(_launch_item(launch, progress))
        if user_can(user, "assortment", "change"):
            items += [_assortment_item(row, today) for row in _assortment_rows(user)[:MAX_ITEMS]]
        if user_can(user, "promotions", "change"):
            items += [_proposal_item(p, today) for p in selectors.promotions_awaiting_decision(user=user)[:MAX_ITEMS]]
        return sorted(items, key=lambda item: -item.severity)[:MAX_ITEMS]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit():
            return None
        today = timezone.localtime(now).date()
        if kind == "evaluation" and user_can(user, "promotions", "view"):
            found = _evaluations(user, now).filter(pk=int(number)).first()
            return None if found is None else _evaluation_item(found)
        if kind == "assortment" and user_can(user, "assortment", "change"):
            row = _assortment_rows(user).filter(store_id=int(number)).first()
            return None if row is None else _assortment_item(row, today)
        if kind == "promotion" and user_can(user, "promotions", "change"):
            found = selectors.promotions_awaiting_decision(user=user).filter(pk=int(number)).first()
            return None if found is None else _proposal_item(found, today)
        if kind == "launch" and user_can(user, "promotions", "view"):
            for launch in _running_launches(user, today):
                if launch.pk == int(number):
                    progress = launches.launch_progress_cached(user=user, launch=launch)
                    return _launch_item(launch, progress) if progress["below_plan"] else None
        return None


PROVIDER = SalesProvider()


def provider_factory() -> SalesProvider:
    return PROVIDER
