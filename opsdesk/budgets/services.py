"""Writes of the budgets app: the company's default categories, versions (approve, revise, copy a year with a
growth factor), lines (spread a yearly amount, the grid), the check where money is committed (a purchase order
sent) with its overrides, and the Excel import writer."""

from __future__ import annotations

import contextvars
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.budgets import selectors
from opsdesk.budgets.choices import (
    CategoryKindChoices,
    ControlRuleChoices,
    OverrideStatusChoices,
    SpreadChoices,
    VersionStatusChoices,
)
from opsdesk.budgets.models import AREA, MONTH_FIELDS, BudgetCategory, BudgetLine, BudgetVersion, CommitmentOverride
from opsdesk.core.audit import audit_actor
from opsdesk.core.hooks import CommitmentFinding
from opsdesk.core.kit.guards import assert_can, in_scope_for_update
from opsdesk.core.permissions import user_can
from opsdesk.engine import budget as engine

#: The seed: (code, 中文, English, kind, operating-cost category names). Purchasing has one category for every
#: product; a company adds one per product category it wants to control apart.
DEFAULT_CATEGORIES = (
    ("rent", "房租", "Rent", "cost", "房租,租金,rent"),
    ("labour", "人工", "Labour", "cost", "人工,工资,薪酬,人工成本,labour,wages"),
    ("utilities", "水电", "Utilities", "cost", "水电,水电费,能源,utilities"),
    ("marketing", "市场推广", "Marketing", "cost", "市场,营销,推广,广告,marketing"),
    ("maintenance", "维修保养", "Maintenance", "cost", "维修,维护,维修保养,maintenance"),
    ("training", "培训", "Training", "cost", "培训,training"),
    ("other", "其他费用", "Other costs", "cost", "其他,杂费,other"),
    ("purchasing", "采购", "Purchasing", "purchasing", ""),
)


def budgets_seed(company) -> None:
    """The default budget categories of a new company (idempotent)."""
    for code, name_zh, name_en, kind, names in DEFAULT_CATEGORIES:
        BudgetCategory.objects.get_or_create(company=company, code=code, defaults={
            "name_zh": name_zh, "name_en": name_en, "kind": kind, "cost_names": names,
            "is_sales_linked": kind == CategoryKindChoices.PURCHASING})


def _version_for_update(actor, version: BudgetVersion, action: str) -> BudgetVersion:
    return in_scope_for_update(actor, BudgetVersion, version, action)


def version_approve(*, actor, version: BudgetVersion) -> BudgetVersion:
    """Approve a draft: it becomes the year's budget; the version approved before it is marked revised."""
    assert_can(actor, AREA, "approve")
    with transaction.atomic(), audit_actor(actor):
        version = _version_for_update(actor, version, "change")
        if not version.is_draft:
            raise ValidationError(_("只有草稿版本可以批准。"))
        (BudgetVersion.objects.filter(company_id=version.company_id, year=version.year,
                                      status=VersionStatusChoices.APPROVED)
         .update(status=VersionStatusChoices.REVISED))
        version.status, version.approved_by, version.approved_at = (VersionStatusChoices.APPROVED, actor,
                                                                    timezone.now())
        version.save(update_fields=["status", "approved_by", "approved_at"])
    return version


def _copy_lines(source: BudgetVersion, target: BudgetVersion, factor: float = 1.0) -> int:
    rows = []
    for line in source.lines.all():
        months = engine.grow([float(value) for value in line.months], factor) if factor != 1.0 else line.months
        rows.append(BudgetLine(version=target, company_id=target.company_id, region_id=line.region_id,
                               store_id=line.store_id, category_id=line.category_id, centre_key=line.centre_key,
                               rule=line.rule, note=line.note,
                               **{name: Decimal(str(value)) for name, value in zip(MONTH_FIELDS, months,
                                                                                   strict=True)}))
    BudgetLine.objects.bulk_create(rows)
    return len(rows)


def version_revise(*, actor, version: BudgetVersion) -> BudgetVersion:
    """Open a revision of an approved version: a draft copy of its lines (approved, it replaces the original)."""
    assert_can(actor, AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        version = _version_for_update(actor, version, "view")
        if version.status != VersionStatusChoices.APPROVED:
            raise ValidationError(_("只有已批准的版本可以修订。"))
        revision = BudgetVersion.objects.create(company_id=version.company_id, year=version.year,
                                                name=version.name, revision=version.revision + 1,
                                                notes=_("修订自 %(version)s") % {"version": version})
        _copy_lines(version, revision)
    return revision


def version_copy_year(*, actor, source: BudgetVersion, year: int, growth_percent: float) -> BudgetVersion:
    """Copy a version's lines to a new draft of another year, every month grown by `growth_percent`."""
    assert_can(actor, AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        source = _version_for_update(actor, source, "view")
        version = BudgetVersion.objects.create(
            company_id=source.company_id, year=year, name=_("%(year)s 年预算") % {"year": year},
            notes=_("由 %(source)s 复制，增长 %(growth)s%%") % {"source": source, "growth": f"{growth_percent:g}"})
        _copy_lines(source, version, 1 + growth_percent / 100)
    return version


def _line_for_update(actor, line: BudgetLine) -> BudgetLine:
    line = in_scope_for_update(actor, BudgetLine, line, "change")
    if not line.version.is_draft:
        raise ValidationError(_("只有草稿版本可以修改。"))
    return line


def line_spread(*, actor, line: BudgetLine, total: Decimal, method: str) -> BudgetLine:
    """Spread a yearly amount over the line's months: evenly, or like last year's actuals of the same cost centre
    and category (a store line without them: like the store's sales last year; evenly when there is neither)."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        line = _line_for_update(actor, line)
        if method == SpreadChoices.SEASONAL:
            last = selectors.actuals(line.company_id, line.version.year - 1,
                                     store_ids=[line.store_id] if line.store_id else None)
            weights = last.get((line.centre_key, line.category_id))
            if weights is None and line.store_id:
                weights = selectors.sales_by_month([line.store_id], line.version.year - 1)[0]
            months = engine.spread_by_weights(float(total), weights if weights is not None else [0.0] * 12)
        else:
            months = engine.spread_evenly(float(total))
        _set_months(line, months)
    return line


def _set_months(line: BudgetLine, months) -> None:
    for name, value in zip(MONTH_FIELDS, months, strict=True):
        setattr(line, name, Decimal(str(value)).quantize(Decimal("0.01")))
    line.full_clean()
    line.save()


def grid_save(*, actor, version: BudgetVersion, values: dict[int, list[Decimal]]) -> int:
    """Save the grid of a draft version: `values` maps a line id to its twelve months. Lines outside the actor's
    changeable scope are refused (nothing is saved). Returns the number of lines changed."""
    assert_can(actor, AREA, "change")
    changed = 0
    with transaction.atomic(), audit_actor(actor):
        version = _version_for_update(actor, version, "view")
        if not version.is_draft:
            raise ValidationError(_("只有草稿版本可以修改。"))
        lines = {line.pk: line for line in BudgetLine.objects.for_user(actor, "change").filter(
            version=version, pk__in=list(values))}
        if set(values) - set(lines):
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
        for pk, months in values.items():
            line = lines[pk]
            if [value.quantize(Decimal("0.01")) for value in months] != line.months:
                if any(value < 0 for value in months):
                    raise ValidationError(_("预算金额不能为负数。"))
                _set_months(line, months)
                changed += 1
    return changed


# ------------------------------------------------------------------------------ the check at the point of commitment


def _order_by_category(order, mapping) -> dict[int, Decimal]:
    amounts: dict[int, Decimal] = {}
    for line in order.lines.select_related("product"):
        category = mapping.for_product_category(line.product.category_id)
        if category is not None:
            amounts[category] = amounts.get(category, Decimal("0")) + line.quantity * line.unit_price
    return amounts


def may_override(actor) -> bool:
    """The next level above the one who sends: the COO, the administrator and regional managers (for orders of
    their region: the order is re-read through the actor's scope before anything is checked)."""
    return user_can(actor, AREA, "override")


def arithmetic_text(line: BudgetLine, month: date, check: engine.Availability) -> str:
    return _("%(line)s %(month)s：预算 %(budget).2f − 实际 %(actual).2f − 已承诺 %(committed).2f = 可用 "
             "%(available).2f；本单 %(requested).2f，超出 %(over).2f") % {
        "line": line, "month": f"{month:%Y-%m}", "budget": check.budget, "actual": check.actual,
        "committed": check.committed, "available": check.available, "requested": check.requested,
        "over": max(-check.remaining_after, 0)}


def order_checks(order) -> list[tuple[BudgetLine, date, engine.Availability]]:
    """The order's checks: one per purchasing category of its lines against the approved line of its store x
    category x the expected date's month (no approved line: nothing to check)."""
    month = order.expected_date.replace(day=1)
    version = selectors.approved_version(order.company_id, month.year)
    if version is None:
        return []
    mapping = selectors.category_map(order.company_id)
    amounts = _order_by_category(order, mapping)
    lines = {line.category_id: line for line in BudgetLine.objects.filter(
        version=version, centre_key=f"store:{order.store_id}", category_id__in=list(amounts))
        .select_related("category", "store")}
    if not lines:
        return []
    actual = selectors.actuals(order.company_id, month.year, store_ids=[order.store_id], mapping=mapping)
    committed = selectors.commitments(order.company_id, month.year, store_ids=[order.store_id], mapping=mapping,
                                      exclude_order_id=order.pk)
    result = []
    for category_id, line in sorted(lines.items()):
        key, index = (line.centre_key, category_id), month.month - 1
        budget_month = float(line.months[index])
        spent = float(actual[key][index]) if key in actual else 0.0
        open_value = float(committed[key][index]) if key in committed else 0.0
        result.append((line, month, engine.availability(budget_month, spent, open_value, float(amounts[category_id]),
                                                        line.rule)))
    return result


def commitment_check(order, actor, *, override_reason: str = "", record: bool = True) -> list[CommitmentFinding]:
    """The budgets' word on sending `order` (registered in core.hooks): a warning or a stop per line; a stop is
    overridden when the actor may override and gives a reason (recorded: the override row and the audit)."""
    findings = []
    for line, month, check in order_checks(order):
        if check.level == "ok":
            continue
        text = arithmetic_text(line, month, check)
        if check.level == engine.WARN:
            findings.append(CommitmentFinding("warn", text))
        elif override_reason and may_override(actor):
            if record:
                _record_override(order, actor, line, month, check, override_reason)
            findings.append(CommitmentFinding("overridden", text, True))
        else:
            findings.append(CommitmentFinding("stop", text, may_override(actor)))
    if record and not any(finding.level == "stop" for finding in findings):
        CommitmentOverride.objects.filter(order=order, status=OverrideStatusChoices.AWAITING).delete()
    return findings


def _amounts(check: engine.Availability) -> dict:
    return {"budget": selectors.to_decimal(check.budget), "actual": selectors.to_decimal(check.actual),
            "committed": selectors.to_decimal(check.committed), "requested": selectors.to_decimal(check.requested),
            "available": selectors.to_decimal(check.available)}


def _record_override(order, actor, line, month, check, reason: str) -> None:
    with audit_actor(actor):
        row = CommitmentOverride.objects.filter(order=order, line=line, month=month).first() or CommitmentOverride(
            company_id=order.company_id, store_id=order.store_id, order=order, line=line, month=month,
            stopped_by=actor)
        for name, value in _amounts(check).items():
            setattr(row, name, value)
        row.status, row.reason, row.approved_by = OverrideStatusChoices.APPROVED, reason, actor
        row.save()


def commitment_stopped(order, actor, findings) -> None:
    """A stopped order awaits the next level: one awaiting row per stopped line (its arithmetic refreshed)."""
    with transaction.atomic(), audit_actor(actor):
        for line, month, check in order_checks(order):
            if check.level != engine.STOP:
                continue
            row, _created = CommitmentOverride.objects.get_or_create(
                order=order, line=line, month=month, status=OverrideStatusChoices.AWAITING,
                defaults={"company_id": order.company_id, "store_id": order.store_id, "stopped_by": actor,
                          **_amounts(check)})
            for name, value in _amounts(check).items():
                setattr(row, name, value)
            row.save()


# ------------------------------------------------------------------------------------------------ the Excel import

_IMPORT_CONTEXT: contextvars.ContextVar = contextvars.ContextVar("budget_import", default=None)


def _import_lookups(company_id: int) -> dict:
    from opsdesk.core.models import Region

    return {
        "version": {(version.year, version.name): version for version in BudgetVersion.objects.filter(
            company_id=company_id, status=VersionStatusChoices.DRAFT)},
        "category": {key: category for category in BudgetCategory.objects.filter(company_id=company_id)
                     for key in (category.code, category.name_zh, category.name_en)},
        "region": {key: region for region in Region.objects.filter(company_id=company_id)
                   for key in (region.code, region.name)},
    }


def import_check(record: dict) -> tuple[str, str] | None:
    """One import row's cross-field rules: a draft version of the year (by name, or the only draft of the year),
    a known category, a known rule, twelve non-negative months or a yearly amount to spread evenly."""
    lookups = _IMPORT_CONTEXT.get()
    if lookups is None:
        return "year", _("导入上下文缺失，请重新导入。")
    drafts = [version for (year, name), version in lookups["version"].items() if year == record["year"]
              and (not record.get("version") or name == record["version"])]
    if len(drafts) != 1:
        return "version", _("找不到唯一的该年度草稿版本（已批准的版本不能导入）")
    record["version_obj"] = drafts[0]
    category = lookups["category"].get((record.get("category") or "").strip())
    if category is None:
        return "category", _("未知预算类别")
    record["category_obj"] = category
    region_text = (record.get("region") or "").strip()
    record["region_obj"] = lookups["region"].get(region_text) if region_text else None
    if region_text and record["region_obj"] is None:
        return "region", _("未知区域")
    rule = (record.get("rule") or "warn").strip().lower()
    rule = {"提醒": "warn", "拦截": "stop", "不控制": "none"}.get(rule, rule)
    if rule not in ControlRuleChoices.values:
        return "rule", _("控制规则须为 warn / stop / none")
    record["rule"] = rule
    months = [record.get(name) for name in MONTH_FIELDS]
    if all(value is None for value in months):
        if record.get("annual") is None:
            return "annual", _("请填写12个月的金额或全年金额")
        months = engine.spread_evenly(float(record["annual"]))
    months = [float(value or 0) for value in months]
    if any(value < 0 for value in months):
        return "m01", _("预算金额不能为负数。")
    record["months"] = months
    return None


class BudgetImportWriter:
    """Writes the lines of one budget import batch into draft versions: created or updated by (version, cost
    centre, category), never duplicated. Only roles that may change budgets import."""

    def __init__(self, batch):
        self.company_id, self.actor = batch.company_id, batch.created_by
        if self.actor is not None and not (user_can(self.actor, AREA, "add") and user_can(self.actor, AREA,
                                                                                          "change")):
            raise PermissionDenied(_("你不能导入预算。"))
        _IMPORT_CONTEXT.set(_import_lookups(self.company_id))

    def write(self, records: list[dict]):
        from opsdesk.budgets.models import centre_key
        from opsdesk.imports.upsert import ChangeCounts

        inserted = updated = unchanged = 0
        for record in records:
            store_id = record.get("store")
            region = record.get("region_obj")
            region_id = region.pk if region and not store_id else None
            key = centre_key(store_id, region_id)
            values = {name: Decimal(str(round(value, 2))) for name, value in zip(MONTH_FIELDS, record["months"],
                                                                                   strict=True)}
            line = BudgetLine.objects.filter(version=record["version_obj"], centre_key=key,
                                             category=record["category_obj"]).first()
            if line is None:
                line = BudgetLine(version=record["version_obj"], company_id=self.company_id, store_id=store_id,
                                  region_id=region_id, category=record["category_obj"])
                inserted += 1
            elif all(getattr(line, name) == value for name, value in values.items()) and line.rule == record["rule"]:
                unchanged += 1
                continue
            else:
                updated += 1
            for name, value in values.items():
                setattr(line, name, value)
            line.rule = record["rule"]
            line.full_clean()
            line.save()
        return ChangeCounts(inserted, updated, unchanged)
