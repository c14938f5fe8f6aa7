"""The "budget_lines" import kind: one row per cost centre x category of a draft version, with twelve months or a
yearly amount spread evenly (an Excel sheet the finance team keeps). Re-importing updates; bad rows are
quarantined with their reason."""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext_lazy

from opsdesk.budgets.models import MONTH_FIELDS

IMPORT_KIND = "budget_lines"


@cache
def import_kind():
    from opsdesk.budgets.services import BudgetImportWriter, import_check
    from opsdesk.imports.kinds import STORE, F, KindSpec

    months = tuple(
        F(name, f"{index}月", "number", False, (f"{index}月", f"{index:02d}月", f"m{index:02d}", f"m{index}",
                                                  ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                                   "oct", "nov", "dec")[index - 1]))
        for index, name in enumerate(MONTH_FIELDS, start=1))
    return KindSpec(
        IMPORT_KIND,
        (
            F("year", "年度", "integer", True, ("年度", "年份", "year")),
            F("version", "版本", "text", False, ("版本", "版本名称", "version"), ""),
            F("store", "门店编号", "store", False, STORE, None),
            F("region", "区域", "text", False, ("区域", "区域编码", "region"), ""),
            F("category", "预算类别", "text", True, ("预算类别", "类别", "费用类别", "category")),
            F("rule", "控制规则", "text", False, ("控制规则", "规则", "rule"), "warn"),
            F("annual", "全年金额", "number", False, ("全年金额", "全年", "年度金额", "annual", "total")),
            *months,
        ),
        key=("year", "version", "store", "region", "category"),
        model="budgets.BudgetLine",
        check=import_check,
        future_days=3 * 366,
        title=gettext_lazy("预算行（Excel）"),
        writer=BudgetImportWriter,
    )
