"""Template files for each import kind: the headers the mapping recognises at once, and one example row built from
the user's own data (a store and a product they can see), so a first import starts from a file that works."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from opsdesk.imports.kinds import FieldSpec, KindSpec
from opsdesk.imports.mapping import normalise_header

PARSER_LABELS = {
    "bool": gettext_lazy("是/否（1/0）"), "code": gettext_lazy("编码"), "date": gettext_lazy("日期 YYYY-MM-DD"),
    "integer": gettext_lazy("整数"), "month_or_date": gettext_lazy("月份 YYYY-MM"), "number": gettext_lazy("数字"),
    "sku": gettext_lazy("商品编码"), "store": gettext_lazy("门店编号"), "text": gettext_lazy("文本"),
    "fraction": gettext_lazy("比例 0.2 或百分数 20%"),
}
#: Optional fields the example row leaves empty: its unit price already gives the line's revenue, and a total, a
#: discount or a profit beside it would have to agree with it.
EMPTY_IN_EXAMPLE = frozenset({"line_total", "discount", "profit"})
#: Master fields whose example is the code of an existing object of that kind.
REFERENCE_FIELDS = {"region": "region", "supplier": "supplier", "category": "category", "parent": ""}


@dataclass(frozen=True)
class SampleContext:
    """Codes from the user's own scope used in the example row (empty when the company has none yet)."""

    store: str = ""
    sku: str = ""
    region: str = ""
    supplier: str = ""
    category: str = ""


def sample_context(user) -> SampleContext:
    """The first store, product, region, supplier and category the user can see."""
    from opsdesk.catalog.models import Product, ProductCategory
    from opsdesk.core.models import Region, Store
    from opsdesk.purchasing.models import Supplier

    def first(queryset, field):
        return queryset.order_by(field).values_list(field, flat=True).first() or ""

    stores = Store.objects.for_user(user)
    return SampleContext(
        store=first(stores, "code"),
        sku=first(Product.objects.filter(company_id=user.company_id), "sku"),
        region=first(Region.objects.filter(company_id=user.company_id), "code"),
        supplier=first(Supplier.objects.filter(company_id=user.company_id), "code"),
        category=first(ProductCategory.objects.filter(company_id=user.company_id), "code"),
    )


def header_for(field: FieldSpec, language: str | None = None) -> str:
    """A header the mapping recognises: the Chinese label when it is a synonym (Chinese UI), else the field's name."""
    language = language or get_language() or "zh-hans"
    if language.startswith("zh"):
        with override("zh-hans"):
            label = str(field.label)
        synonyms = {normalise_header(item) for item in field.synonyms}
        if normalise_header(label) in synonyms:
            return label
        chinese = [item for item in field.synonyms if any("\u4e00" <= char <= "\u9fff" for char in item)]
        if chinese:
            return chinese[0]
    return field.name


def example_value(field: FieldSpec, context: SampleContext, today: date):
    """One plausible value per field, from the user's data where the field refers to it."""
    if field.name in EMPTY_IN_EXAMPLE and not field.required:
        return ""
    if field.parser == "store":
        return context.store
    if field.parser == "sku":
        return context.sku
    if field.parser == "date":
        return (today - timedelta(days=1)).isoformat()
    if field.parser == "month_or_date":
        return today.strftime("%Y-%m")
    if field.parser == "bool":
        return 0
    if field.parser == "integer":
        return field.default if isinstance(field.default, int) and not isinstance(field.default, bool) else 1
    if field.parser == "number":
        if field.name in ("quantity", "units", "quantity_received", "on_hand"):
            return 2
        return field.default if isinstance(field.default, float) and field.default else 12.5
    if field.name in REFERENCE_FIELDS and field.parser == "code":
        return getattr(context, REFERENCE_FIELDS[field.name], "") if REFERENCE_FIELDS[field.name] else ""
    if field.parser == "code":
        return "EX001" if field.required else ""
    if field.default not in (None, ""):
        return field.default
    return _("示例") if field.required else ""


def sample_table(spec: KindSpec, context: SampleContext, today: date | None = None) -> tuple[list[str], list[list]]:
    """(headers, [example row]) for a kind."""
    today = today or date.today()
    headers = [header_for(field) for field in spec.fields]
    return headers, [[example_value(field, context, today) for field in spec.fields]]


def field_guide(spec: KindSpec) -> list[list[str]]:
    """One row per field: header, meaning, required, value type, the other headers recognised."""
    rows = []
    for field in spec.fields:
        rows.append([
            header_for(field), str(field.label), _("必填") if field.required else _("可选"),
            str(PARSER_LABELS.get(field.parser, field.parser)),
            "、".join(item for item in field.synonyms if item != header_for(field)),
        ])
    return rows


def guide_header() -> list[str]:
    return [_("列名"), _("含义"), _("必填"), _("取值"), _("也可识别的列名")]


def sample_xlsx(spec: KindSpec, context: SampleContext) -> bytes:
    """The template as a workbook: the data sheet (bold frozen header, one example row) and a field guide sheet."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = sample_table(spec, context)
    workbook = Workbook()
    sheets = ((workbook.active, str(spec.code)[:31], headers, rows),
              (workbook.create_sheet(), _("说明")[:31], guide_header(), field_guide(spec)))
    for sheet, title, header, body in sheets:
        sheet.title = title
        sheet.append(header)
        for row in body:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) * (2 if any(ord(c) > 0x2E80 for c in str(cell.value or "")) else 1)
                        for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
