"""Kit specs of the budgets app: versions, lines (with their twelve months), categories and the overrides of
stopped purchase orders (read-only: they are written where an order is sent)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opsdesk.budgets import views
from opsdesk.budgets.models import MONTH_FIELDS, BudgetCategory, BudgetLine, BudgetVersion, CommitmentOverride
from opsdesk.core.kit import ObjectSpec
from opsdesk.core.kit import services as kit_services


def _draft_only(*, actor, instance, data):
    """A line changes only while its version is a draft (approval freezes it; a revision is a new draft)."""
    if not instance.version.is_draft:
        raise ValidationError(_("只有草稿版本可以修改。"))
    return kit_services.object_update(actor=actor, instance=instance, data=data, fields=line.fields)


version = ObjectSpec(
    BudgetVersion, path="versions", name="budgetversion", fields=("year", "name", "notes"),
    columns=("year", "name", "revision", "status", "approved_by", "approved_at"),
    detail_fields=("year", "name", "revision", "status", "approved_by", "approved_at", "notes"),
    search_fields=("name",), filter_fields=("year", "status"), select_related=("approved_by",),
    detail_template="budgets/version_detail.html", detail_context=views.version_detail_context,
)

line = ObjectSpec(
    BudgetLine, path="lines", name="budgetline",
    fields=("version", "store", "region", "category", "rule", "note", *MONTH_FIELDS),
    columns=("version", "store", "region", "category", "rule", *MONTH_FIELDS),
    filter_fields=("version", "store", "region", "category", "rule"),
    select_related=("version", "store", "region", "category"), update_with=_draft_only,
)

category = ObjectSpec(
    BudgetCategory, path="categories", name="budgetcategory",
    fields=("code", "name_zh", "name_en", "kind", "cost_names", "product_category", "is_sales_linked"),
    columns=("code", "name_zh", "name_en", "kind", "cost_names", "product_category"),
    search_fields=("code", "name_zh", "name_en"), filter_fields=("kind",), select_related=("product_category",),
)

override = ObjectSpec(
    CommitmentOverride, path="overrides", name="commitmentoverride", fields=(), read_only=True,
    columns=("created_at", "order", "store", "line", "month", "budget", "actual", "committed", "requested",
             "available", "status", "stopped_by", "approved_by", "reason"),
    filter_fields=("store", "status", "month"), select_related=("order", "store", "line__category", "stopped_by",
                                                                "approved_by"),
)

ALL = (version, line, category, override)
