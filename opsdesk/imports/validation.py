"""Row validation: one parsed record per row, or the list of (column, value, reason) problems found in it.

Store, SKU and supplier codes resolve through dicts loaded once per batch; the importer's scope decides which
stores may be written. `KeySet` finds in-file duplicates of the natural key at 8 bytes per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.apps import apps
from django.utils.translation import gettext as _

from opsdesk.core.models import STORE_ATTRIBUTE_MAX_COUNT as MAX_ATTRIBUTE_COUNT
from opsdesk.core.models import STORE_ATTRIBUTE_MAX_LENGTH as MAX_ATTRIBUTE_LENGTH
from opsdesk.imports import dates, parsing
from opsdesk.imports.choices import ImportKindChoices as K
from opsdesk.imports.kinds import (
    DATE_FORMAT,
    RETURN_PREFIX,
    KindSpec,
    date_window_problem,
    quarantine_column_names,
)
from opsdesk.imports.sources import UndecodedRow

#: Codes that are charges, postage or manual adjustments rather than products (e.g. UCI Online Retail).
NON_PRODUCT_CODES = frozenset(
    {
        "POST",
        "DOT",
        "M",
        "D",
        "C2",
        "CRUK",
        "BANK CHARGES",
        "AMAZONFEE",
        "PADS",
        "S",
        "B",
        "m",
        "ADJUST",
        "ADJUST2",
        "TEST001",
        "TEST002",
        "运费",
        "邮费",
        "手续费",
        "折扣",
        "调整",
    }
)
_NON_PRODUCT_RE = re.compile(r"^gift_\d+_\d+$", re.IGNORECASE)  # gift vouchers

Problem = tuple[str, str, str]  # (column, value, reason)


def is_non_product_code(code: str) -> bool:
    """Postage, fees, discounts, manual adjustments and gift vouchers: reported, never counted as demand."""
    return code in NON_PRODUCT_CODES or code.upper() in NON_PRODUCT_CODES or bool(_NON_PRODUCT_RE.match(code))


@dataclass
class Lookups:
    """Codes of the company resolved to primary keys, and the stores the importer may write (None: all)."""

    stores: dict[str, int]
    products: dict[str, int]
    suppliers: dict[str, int]
    allowed_store_ids: set[int] | None = None

    @classmethod
    def load(cls, company_id: int, allowed_store_ids: set[int] | None) -> Lookups:
        from opsdesk.catalog.models import Product
        from opsdesk.core.models import Store
        from opsdesk.purchasing.models import Supplier

        return cls(
            stores=dict(Store.objects.filter(company_id=company_id).values_list("code", "pk")),
            products=dict(Product.objects.filter(company_id=company_id).values_list("sku", "pk")),
            suppliers=dict(Supplier.objects.filter(company_id=company_id).values_list("code", "pk")),
            allowed_store_ids=allowed_store_ids,
        )


class MappingError(ValueError):
    """The mapping or a fixed value cannot be used (message for the user)."""


class RowValidator:
    """Turns the cells of one row into a record of parsed values, checking every mapped field."""

    def __init__(self, spec: KindSpec, header: Sequence[str], mapping: dict, defaults: dict, lookups: Lookups | None):
        self.spec = spec
        self.lookups = lookups
        self.constants: dict = {}
        self.steps: list[tuple] = []
        self.unset = spec.unset_fields(mapping, defaults)  # a master file leaves them alone on existing rows
        self.derive_line_no = spec.code == K.SALES_LINES and not mapping.get("line_no")
        self.date_order = str(defaults.get(DATE_FORMAT) or "ymd")
        self._line_counters: dict[str, int] = {}
        model = apps.get_model(spec.model)
        index = {column: position for position, column in enumerate(header)}
        for field in spec.fields:
            parse = self._parser(field.parser, _max_length(model, field.name))
            column = mapping.get(field.name)
            if column:
                self.steps.append((field.name, column, index[column], parse, field.required, field.default))
            elif defaults.get(field.name) not in (None, ""):
                try:
                    self.constants[field.name] = parse(str(defaults[field.name]).strip())
                except parsing.CellError as error:
                    raise MappingError(f"{field.label}: {defaults[field.name]} — {error}") from error
            else:
                self.constants[field.name] = field.default
        self.date_fields = [f.name for f in spec.fields if f.parser in ("date", "datetime", "month_or_date")]
        used, reserved = set(mapping.values()), quarantine_column_names()
        self.extra = ([(str(column).strip(), position) for position, column in enumerate(header)
                       if str(column).strip() and column not in used and str(column).strip() not in reserved]
                      if spec.extra_field else [])
        if RETURN_PREFIX in spec.options:
            self.constants[RETURN_PREFIX] = str(defaults.get(RETURN_PREFIX) or "")

    def validate(self, cells: Sequence[str]) -> tuple[dict, list[Problem]]:
        """(record, problems); the record is complete only when there are no problems."""
        if type(cells) is UndecodedRow:
            return {}, [("", "", cells.reason)]
        record = dict(self.constants)
        problems: list[Problem] = []
        width = len(cells)
        for name, column, position, parse, required, default in self.steps:
            text = cells[position].strip() if position < width else ""
            if not text:
                if required:
                    problems.append((column, "", _("缺少必填值")))
                else:
                    record[name] = default
                continue
            try:
                record[name] = parse(text)
            except parsing.CellError as error:
                problems.append((column, text, str(error)))
        if self.spec.extra_field:
            record[self.spec.extra_field] = extra = {}
            for column, position in self.extra:  # the limits of ``validate_store_attributes`` (a header: the reader's)
                text = cells[position].strip() if position < width else ""
                if len(text) > MAX_ATTRIBUTE_LENGTH:
                    problems.append((column, text[:40], _("超过 %(n)s 个字符") % {"n": MAX_ATTRIBUTE_LENGTH}))
                elif text:
                    if sum(value is not None for value in extra.values()) == MAX_ATTRIBUTE_COUNT:
                        problems.append((column, text[:40], _("其他列超过 %(n)s 个，这一列及之后的列无法保存")
                                         % {"n": MAX_ATTRIBUTE_COUNT}))
                        break
                    extra[column] = text
                else:
                    extra[column] = None  # the file says this row has none: the writer removes the name
        if self.derive_line_no and record.get("invoice"):
            invoice = record["invoice"]
            record["line_no"] = self._line_counters[invoice] = self._line_counters.get(invoice, 0) + 1
        if problems or self.spec.is_master:
            return record, problems
        return record, self._check_facts(record)

    def _check_facts(self, record: dict) -> list[Problem]:
        for name in self.date_fields:
            value = record.get(name)
            value = value[0] if isinstance(value, tuple) else value
            if value is None:  # an optional date left empty (an employee without a hire date): nothing to check
                continue
            reason = date_window_problem(value.date() if hasattr(value, "date") else value, self.spec.future_days)
            if reason:
                return [(self.column_of(name), str(value), reason)]
        if self.spec.check is not None:
            found = self.spec.check(record)
            if found:
                name, reason = found
                return [(self.column_of(name), _display(record.get(name)), reason)]
        return []

    def column_of(self, name: str) -> str:
        for step in self.steps:
            if step[0] == name:
                return step[1]
        return name

    # ------------------------------------------------------------ parsers

    def _parser(self, kind: str, max_length: int | None):
        simple = {
            "number": parsing.parse_number,
            "fraction": parsing.parse_fraction,
            "integer": parsing.parse_integer,
            "bool": parsing.parse_bool,
            "date": dates.parser_for("date", self.date_order),
            "datetime": dates.parser_for("datetime", self.date_order),
            "month_or_date": parsing.parse_month_or_date,
            "holiday": _parse_holiday,
        }
        if kind in simple:
            return simple[kind]
        if kind == "store":
            return self._store
        if kind == "sku":
            return self._product
        if kind == "supplier":
            return self._supplier
        limit = max_length or 10_000

        def text(value: str) -> str:
            if len(value) > limit:
                raise parsing.CellError(_("过长（最多 %(n)s 个字符）") % {"n": limit})
            return value

        return text

    def _store(self, code: str) -> int:
        store_id = self.lookups.stores.get(code)
        allowed = self.lookups.allowed_store_ids
        # A store outside the importer's scope reads exactly like an unknown one: a quarantine reason never tells
        # which store codes exist elsewhere in the company.
        if store_id is None or (allowed is not None and store_id not in allowed):
            raise parsing.CellError(_("未知门店编号"))
        return store_id

    def _product(self, code: str) -> int:
        product_id = self.lookups.products.get(code)
        if product_id is None:
            if is_non_product_code(code):
                raise parsing.CellError(_("非商品编码（运费、手续费、手工调整等），不计入需求"))
            raise parsing.CellError(_("未知商品编码"))
        return product_id

    def _supplier(self, code: str) -> int:
        supplier_id = self.lookups.suppliers.get(code)
        if supplier_id is None:
            raise parsing.CellError(_("未知供应商编码"))
        return supplier_id


def _parse_holiday(text: str) -> str:
    value = text.strip().lower()
    if value in ("0", "a", "b", "c"):
        return value
    if value in ("", "无", "no", "none", "0.0"):
        return "0"
    raise parsing.CellError(_("法定假日应为 0、a、b 或 c"))


def _max_length(model, name: str) -> int | None:
    try:
        return model._meta.get_field(name).max_length
    except Exception:  # noqa: BLE001 - the field is not on the model (derived or FK code)
        return None


def _display(value) -> str:
    return "" if value is None else str(value)


class KeySet:
    """A set of 64-bit key hashes kept as a few sorted NumPy arrays (merged like an LSM tree): 8 bytes per key.

    The one structure of an import that grows with the file: exact in-file duplicate detection must remember
    every key seen (about 8 MB per million rows, plus the same again while two levels merge)."""

    def __init__(self) -> None:
        self.levels: list[np.ndarray] = []

    def add(self, keys: np.ndarray) -> np.ndarray:
        """Add a chunk of keys; returns a bool mask of those already seen (earlier chunks or earlier in the chunk)."""
        if not len(keys):
            return np.zeros(0, dtype=bool)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        seen = np.zeros(len(keys), dtype=bool)
        repeat = np.zeros(len(keys), dtype=bool)
        repeat[1:] = ordered[1:] == ordered[:-1]
        seen[order] = repeat
        for level in self.levels:
            positions = np.minimum(np.searchsorted(level, keys), len(level) - 1)
            seen |= level[positions] == keys
        fresh = np.unique(keys[~seen])
        if len(fresh):
            self.levels.append(fresh)
        while len(self.levels) > 1 and len(self.levels[-2]) <= 2 * len(self.levels[-1]):
            merged = np.concatenate((self.levels.pop(), self.levels[-1]))  # disjoint: new keys were checked
            merged.sort(kind="stable")
            self.levels[-1] = merged
        return seen
