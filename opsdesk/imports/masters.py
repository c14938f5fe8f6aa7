"""Writers of master-data kinds: resolve codes to rows of the company, then create or update in bulk with one
audit entry per created or changed row (`audit_bulk`, since bulk writes bypass model signals)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_bulk
from opsdesk.core.choices import StoreFormatChoices, StoreStatusChoices
from opsdesk.imports.choices import ImportKindChoices as K
from opsdesk.imports.upsert import ChangeCounts

Problems = dict[int, list[tuple[str, str, str]]]  # record index -> [(field, value, reason)]


class MasterWriter:
    """Create-or-update by code within one company. Subclasses name the model, key and FK resolution."""

    model_label: str = ""
    key: str = "code"
    fields: Sequence[str] = ()

    def __init__(self, company, actor):
        from django.apps import apps

        self.company = company
        self.actor = actor
        self.model = apps.get_model(self.model_label)
        self.changes = ChangeCounts()

    def resolve(self, records: list[dict]) -> Problems:
        """Check references (region, category, ...) and choices; fills *_id fields. Returns problems by index."""
        return {}

    def values(self, record: dict) -> dict:
        return {name: record[name] for name in self.fields}

    def write(self, records: list[dict]) -> int:
        existing = {getattr(row, self.key): row for row in self.model.objects.filter(company=self.company)}
        created, changed = [], []
        for record in records:
            values = self.values(record)
            row = existing.get(record[self.key])
            if row is None:
                created.append(self.model(company=self.company, **{self.key: record[self.key]}, **values))
                continue
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
    fields = ("name", "region_id", "city", "address", "opening_date", "format", "floor_area", "status")

    def resolve(self, records: list[dict]) -> Problems:
        regions = self._codes("core.Region")
        problems: Problems = {}
        for index, record in enumerate(records):
            found = []
            record["region_id"] = regions.get(record["region"])
            if record["region_id"] is None:
                found.append(("region", record["region"], _("未知区域编码（请先导入区域）")))
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
        for index, record in enumerate(records):
            found = []
            record["category_id"] = categories.get(record["category"]) if record.get("category") else None
            record["supplier_id"] = suppliers.get(record["supplier"]) if record.get("supplier") else None
            if record.get("category") and record["category_id"] is None:
                found.append(("category", record["category"], _("未知品类编码")))
            if record.get("supplier") and record["supplier_id"] is None:
                found.append(("supplier", record["supplier"], _("未知供应商编码")))
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


def writer_for(kind: str, company, actor) -> MasterWriter:
    return WRITERS[kind](company, actor)
