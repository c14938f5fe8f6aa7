"""Writers of master-data kinds: resolve codes to rows of the company, then create or update in bulk with one
audit entry per created or changed row (`audit_bulk`, since bulk writes bypass model signals).

Masters from the facts: with the batch option "create missing" (`CREATE_MISSING`, `--create-missing`, a checkbox on
the web) a stores file may name regions, a products file categories and suppliers, a fact file stores and products
that are not masters yet: they are created (code as name), each one listed in the batch's report; a dry run lists what
it would create and creates nothing. Without the option an unknown code is an error that says how to create it."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_bulk
from opsdesk.core.choices import StoreFormatChoices, StoreStatusChoices
from opsdesk.core.models import STORE_ATTRIBUTE_MAX_COUNT
from opsdesk.imports.choices import ImportKindChoices as K
from opsdesk.imports.upsert import ChangeCounts

Problems = dict[int, list[tuple[str, str, str]]]  # record index -> [(field, value, reason)]

#: What a master file may name that can be created from it: report key -> (model, field of the record).
REFERENCES = {
    "regions": ("core.Region", "region"),
    "categories": ("catalog.ProductCategory", "category"),
    "suppliers": ("purchasing.Supplier", "supplier"),
}


def create_masters(model_label: str, company, actor, codes, **values) -> dict[str, int]:
    """Create masters of `model_label` with these codes (code as name) in bulk, audited; returns code -> pk of the
    ones created. Stores and products take their required fields in `values` (a callable per code, or a value)."""
    from django.apps import apps

    model = apps.get_model(model_label)
    key = "sku" if model_label == "catalog.Product" else "code"
    rows = []
    for code in sorted(codes):
        fields = {name: value(code) if callable(value) else value for name, value in values.items()}
        rows.append(model(company=company, **{key: code}, **{"name": code, **fields}))
    model.objects.bulk_create(rows, batch_size=1000)
    created = dict(model.objects.filter(company=company, **{f"{key}__in": list(codes)}).values_list(key, "pk"))
    audit_bulk("create", [(None, row) for row in model.objects.filter(pk__in=list(created.values()))], actor=actor)
    return created


class MasterWriter:
    """Create-or-update by code within one company. Subclasses name the model, key and FK resolution.

    A master the file updates keeps the fields the file has no column (nor fixed value) for (``unset``: the spec's
    names, a reference's ``<name>_id`` included): a products file of prices does not reset costs, pack sizes and
    categories, and a stores file of cities does not rename the stores after their codes. A new master takes the
    defaults."""

    model_label: str = ""
    key: str = "code"
    fields: Sequence[str] = ()

    def __init__(self, company, actor, create_missing: bool = False):
        from django.apps import apps

        self.company = company
        self.actor = actor
        self.unset: frozenset[str] = frozenset()
        self.model = apps.get_model(self.model_label)
        self.changes = ChangeCounts()
        self.create_missing = create_missing
        self.missing: dict[str, set[str]] = {}  # report key -> codes named by the file that are not masters yet
        self.created_references: dict[str, list[str]] = {}

    def reference(self, record: dict, kind: str, codes: dict[str, int], reason: str) -> tuple | None:
        """Resolve the record's code of a referenced master into `<field>_id`; an unknown code is a problem, or,
        when creating missing masters, noted to be created (the id is filled in by `write`)."""
        field = REFERENCES[kind][1]
        code = record.get(field) or ""
        record[f"{field}_id"] = codes.get(code) if code else None
        if not code or record[f"{field}_id"] is not None:
            return None
        if self.create_missing:
            self.missing.setdefault(kind, set()).add(code)
            return None
        return (field, code, reason)

    def _create_missing(self, records: list[dict]) -> dict[str, list[str]]:
        """Create the referenced masters the file named that are not there yet; fill in their ids."""
        created: dict[str, list[str]] = {}
        for kind, codes in self.missing.items():
            model_label, field = REFERENCES[kind]
            known = create_masters(model_label, self.company, self.actor, codes)
            for record in records:
                if record.get(field) in known:
                    record[f"{field}_id"] = known[record[field]]
            created[kind] = sorted(known)
        return created

    def resolve(self, records: list[dict]) -> Problems:
        """Check references (region, category, ...) and choices; fills *_id fields. Returns problems by index."""
        return {}

    def values(self, record: dict, row=None) -> dict:
        """The row's new field values from the record (``row``: the stored one, None for a new master)."""
        return {name: record[name] for name in self.fields}

    def write(self, records: list[dict]) -> int:
        self.created_references = self._create_missing(records)
        existing = {getattr(row, self.key): row for row in self.model.objects.filter(company=self.company)}
        created, changed = [], []
        for record in records:
            row = existing.get(record[self.key])
            values = self.values(record, row)
            if row is None:
                created.append(self.model(company=self.company, **{self.key: record[self.key]}, **values))
                continue
            values = {name: value for name, value in values.items() if name.removesuffix("_id") not in self.unset}
            before = copy.copy(row)
            if any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                changed.append((before, row))
        self.model.objects.bulk_create(created, batch_size=1000)
        if changed:
            self.model.objects.bulk_update([row for _before, row in changed], list(self.fields), batch_size=1000)
        audit_bulk("create", [(None, row) for row in created], actor=self.actor)
        audit_bulk("update", changed, actor=self.actor)
        self.after_write(records)
        self.changes = ChangeCounts(len(created), len(changed), len(records) - len(created) - len(changed))
        return len(created) + len(changed)

    def after_write(self, records: list[dict]) -> None:
        """Hook for references inside the same file (category parents)."""

    def _codes(self, model_label: str, key: str = "code") -> dict[str, int]:
        from django.apps import apps

        return dict(apps.get_model(model_label).objects.filter(company=self.company).values_list(key, "pk"))


def _choice(value: str, choices) -> str | None:
    """A choice by value or by its label (营业中 -> open)."""
    for choice_value, label in choices.choices:
        if value.lower() == choice_value or value == str(label):
            return choice_value
    return None


class RegionWriter(MasterWriter):
    model_label = "core.Region"
    fields = ("name",)


class StoreWriter(MasterWriter):
    model_label = "core.Store"
    fields = ("name", "region_id", "city", "address", "opening_date", "format", "floor_area", "status", "attributes")

    def values(self, record: dict, row=None) -> dict:
        values = super().values(record, row)
        values["attributes"] = _merged(row.attributes if row is not None else {}, values["attributes"])
        return values

    def resolve(self, records: list[dict]) -> Problems:
        regions = self._codes("core.Region")
        stored = dict(self.model.objects.filter(company=self.company).values_list("code", "attributes"))
        problems: Problems = {}
        reason = _("未知区域编码（请先导入区域，或选择“创建缺失的主数据”）")
        too_many = _("与门店已有的属性合计超过 %(n)s 个") % {"n": STORE_ATTRIBUTE_MAX_COUNT}
        for index, record in enumerate(records):
            found = [problem for problem in [self.reference(record, "regions", regions, reason)] if problem]
            if len(_merged(stored.get(record["code"], {}), record["attributes"])) > STORE_ATTRIBUTE_MAX_COUNT:
                found.append(("attributes", "", too_many))
            record["name"] = record.get("name") or record["code"]
            record["format"] = _choice(record["format"], StoreFormatChoices)
            if record["format"] is None:
                found.append(("format", record.get("format") or "", _("未知业态")))
            record["status"] = _choice(record["status"], StoreStatusChoices)
            if record["status"] is None:
                found.append(("status", "", _("未知状态")))
            if found:
                problems[index] = found
        return problems


def _merged(stored: dict, named: dict) -> dict:
    """A store's attributes after a file's other columns (``KindSpec.extra_field``): a non-empty cell sets its name,
    an empty one (None) removes it, names the file has no column for are kept."""
    attributes = dict(stored)
    for name, text in named.items():
        if text is None:
            attributes.pop(name, None)
        else:
            attributes[name] = text
    return attributes


class CategoryWriter(MasterWriter):
    model_label = "catalog.ProductCategory"
    fields = ("name",)

    def resolve(self, records: list[dict]) -> Problems:
        known = set(self._codes(self.model_label)) | {record["code"] for record in records}
        return {
            index: [("parent", record["parent"], _("未知上级品类编码"))]
            for index, record in enumerate(records)
            if record.get("parent") and record["parent"] not in known
        }

    def after_write(self, records: list[dict]) -> None:
        if "parent" in self.unset:  # no parent column: new categories have none, the others keep theirs
            return
        codes = self._codes(self.model_label)
        rows = {row.code: row for row in self.model.objects.filter(company=self.company, code__in=list(codes))}
        changed = []
        for record in records:
            row = rows[record["code"]]
            parent_id = codes.get(record.get("parent")) if record.get("parent") else None
            if row.parent_id != parent_id:
                before = copy.copy(row)
                row.parent_id = parent_id
                changed.append((before, row))
        self.model.objects.bulk_update([row for _before, row in changed], ["parent"], batch_size=1000)
        audit_bulk("update", changed, actor=self.actor)


class SupplierWriter(MasterWriter):
    model_label = "purchasing.Supplier"
    fields = ("name", "contact_name", "phone", "email", "lead_time_days", "payment_terms")


class ProductWriter(MasterWriter):
    model_label = "catalog.Product"
    key = "sku"
    fields = ("name", "barcode", "unit", "pack_size", "cost", "price", "category_id", "supplier_id")

    def resolve(self, records: list[dict]) -> Problems:
        categories, suppliers = self._codes("catalog.ProductCategory"), self._codes("purchasing.Supplier")
        problems: Problems = {}
        unknown_category = _("未知品类编码（请先导入品类，或选择“创建缺失的主数据”）")
        unknown_supplier = _("未知供应商编码（请先导入供应商，或选择“创建缺失的主数据”）")
        for index, record in enumerate(records):
            found = [problem for problem in (self.reference(record, "categories", categories, unknown_category),
                                             self.reference(record, "suppliers", suppliers, unknown_supplier))
                     if problem]
            if record["price"] <= 0:
                found.append(("price", str(record["price"]), _("零售价应大于 0")))
            if record["cost"] < 0:
                found.append(("cost", str(record["cost"]), _("成本价为负")))
            if record["pack_size"] < 1:
                found.append(("pack_size", str(record["pack_size"]), _("箱规应至少为 1")))
            record["cost"], record["price"] = round(record["cost"], 2), round(record["price"], 2)
            if found:
                problems[index] = found
        return problems


class EmployeeWriter(MasterWriter):
    model_label = "people.Employee"
    key = "employee_no"
    # Personal fields (phone, ID, address, salary band) only come in through HR's "hr_employees" import.
    fields = ("name", "store_id", "hire_date", "email")

    def resolve(self, records: list[dict]) -> Problems:
        stores = self._codes("core.Store")
        problems: Problems = {}
        for index, record in enumerate(records):
            record["store_id"] = stores.get(record["store"]) if record.get("store") else None
            if record.get("store") and record["store_id"] is None:
                problems[index] = [("store", record["store"], _("未知门店编号"))]
        return problems


WRITERS = {
    K.REGIONS: RegionWriter,
    K.STORES: StoreWriter,
    K.CATEGORIES: CategoryWriter,
    K.SUPPLIERS: SupplierWriter,
    K.PRODUCTS: ProductWriter,
    K.EMPLOYEES: EmployeeWriter,
}


def writer_for(kind: str, company, actor, create_missing: bool = False) -> MasterWriter:
    return WRITERS[kind](company, actor, create_missing)


# ---------------------------------------------------------------- masters named by a fact file


def facts_missing_masters(batch, spec, lookups, actor) -> dict[str, list[str]]:
    """The stores and products a fact file names that are not masters yet (non-product codes such as postage left
    out). On a dry run they are only listed (and read as known, so their rows count as they would); otherwise they
    are created (a store in region DEFAULT, a product priced at the first positive unit price its lines give) and
    the lookups learn them. Raises MappingError when the importer may not create masters."""
    from django.utils.translation import gettext as _

    from opsdesk.core.permissions import user_can
    from opsdesk.imports.sources import open_source
    from opsdesk.imports.validation import MappingError, is_non_product_code

    if actor is not None and not (user_can(actor, "imports_master", "add") and actor.has_company_scope):
        raise MappingError(_("只有可导入主数据的全公司账号才能创建缺失的门店和商品。"))
    named = _codes_named(batch, spec, open_source)
    missing = {
        "stores": sorted(code for code in named["stores"] if code not in lookups.stores),
        "products": sorted(code for code in named["products"]
                           if code not in lookups.products and not is_non_product_code(code)),
    }
    missing = {kind: codes for kind, codes in missing.items() if codes}
    if batch.is_dry_run:
        for kind, codes in missing.items():  # placeholders: nothing is written on a dry run
            target = lookups.stores if kind == "stores" else lookups.products
            target.update({code: -1 - index for index, code in enumerate(codes)})
        return missing
    if missing.get("stores"):
        region = _default_region(batch.company, actor)
        created = create_masters("core.Store", batch.company, actor, missing["stores"], region_id=region, city="—")
        lookups.stores.update(created)
        if lookups.allowed_store_ids is not None:
            lookups.allowed_store_ids |= set(created.values())
    if missing.get("products"):
        prices, names = named["prices"], named["names"]
        lookups.products.update(create_masters(
            "catalog.Product", batch.company, actor, missing["products"], cost=0,
            price=lambda code: round(prices.get(code, 0), 2), name=lambda code: names.get(code, code)[:200]))
    return missing


def _codes_named(batch, spec, open_source) -> dict:
    """Distinct store and product codes of the file's mapped columns (or fixed values), and a unit price and name per
    product (its first positive price, its first non-empty name)."""
    from opsdesk.imports import parsing

    fields = {field.parser: field.name for field in spec.fields if field.parser in ("store", "sku")}
    named: dict = {"stores": set(), "products": set(), "prices": {}, "names": {}}
    columns = {}
    for parser, kind in (("store", "stores"), ("sku", "products")):
        name = fields.get(parser)
        if name and batch.mapping.get(name):
            columns[kind] = batch.mapping[name]
        elif name and batch.defaults.get(name):
            named[kind].add(str(batch.defaults[name]).strip())
    price_column, name_column = batch.mapping.get("unit_price"), batch.mapping.get("product_name")
    # An order-line export without unit prices: a product's price is its first line's total / quantity.
    total_column = None if price_column else batch.mapping.get("line_total")
    quantity_column = batch.mapping.get("quantity") if total_column else None
    with open_source(batch.file.path, batch.encoding or None, name=batch.file.original_name) as source:
        index = {column: position for position, column in enumerate(source.header)}
        positions = {kind: index[column] for kind, column in columns.items() if column in index}
        price_at = index.get(price_column or total_column) if (price_column or total_column) else None
        quantity_at = index.get(quantity_column) if quantity_column else None
        name_at = index.get(name_column) if name_column else None
        product_at = positions.get("products")
        for _number, cells in source.rows:
            width = len(cells)
            for kind, position in positions.items():
                if position < width and cells[position].strip():
                    named[kind].add(cells[position].strip())
            if product_at is None or product_at >= width:
                continue
            code = cells[product_at].strip()
            if name_at is not None and name_at < width and code not in named["names"] and cells[name_at].strip():
                named["names"][code] = cells[name_at].strip()
            if price_at is not None and price_at < width:
                if code not in named["prices"]:
                    try:
                        price = parsing.parse_number(cells[price_at].strip())
                        if quantity_at is not None:
                            price = abs(price / parsing.parse_number(cells[quantity_at].strip()))
                    except (parsing.CellError, IndexError, ZeroDivisionError):
                        continue
                    if price > 0:
                        named["prices"][code] = price
    return named


def _default_region(company, actor) -> int:
    """The region new stores go to: DEFAULT (created when the company has none of that code)."""
    from opsdesk.core.models import Region

    region = Region.objects.filter(company=company, code="DEFAULT").first()
    if region is None:
        region = Region.objects.get(pk=create_masters("core.Region", company, actor, ["DEFAULT"])["DEFAULT"])
    return region.pk
