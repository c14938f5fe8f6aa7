"""Reads of the imports app; every queryset goes through `for_user`."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opsdesk.imports.choices import QuarantineKindChoices
from opsdesk.imports.kinds import QUARANTINE_COLUMNS
from opsdesk.imports.models import ImportBatch, MappingProfile, QuarantineRow
from opsdesk.imports.pipeline import read_progress


def batch_list(*, user, action: str = "view") -> QuerySet[ImportBatch]:
    """Batches the user may see (company-wide users: the company's; others: their own)."""
    return ImportBatch.objects.for_user(user, action).select_related("file", "created_by", "mapping_profile")


def batch_get(*, user, pk: int, action: str = "view") -> ImportBatch:
    """One batch in the user's scope (ImportBatch.DoesNotExist otherwise)."""
    return batch_list(user=user, action=action).get(pk=pk)


def quarantine_list(*, user, batch: ImportBatch, kind: str | None = None) -> QuerySet[QuarantineRow]:
    """Quarantined (and, with kind='duplicate', skipped duplicate) rows of one visible batch, in file order."""
    rows = QuarantineRow.objects.for_user(user).filter(batch=batch).order_by("row_number", "pk")
    return rows.filter(kind=kind) if kind else rows


def profile_list(*, user, action: str = "view") -> QuerySet[MappingProfile]:
    """Mapping profiles of the user's company."""
    return MappingProfile.objects.for_user(user, action).select_related("created_by")


def batch_report(batch: ImportBatch) -> dict:
    """The four numbers of the row accounting, the identity check, and live progress while the batch runs."""
    progress = read_progress(batch.pk) if not batch.is_finished else None
    return {
        "rows_read": batch.rows_read,
        "rows_committed": batch.rows_committed,
        "rows_quarantined": batch.rows_quarantined,
        "rows_skipped_duplicates": batch.rows_skipped_duplicates,
        "rows_invalid": batch.rows_invalid,
        "rows_inserted": batch.rows_inserted,
        "rows_updated": batch.rows_updated,
        "rows_unchanged": batch.rows_unchanged,
        "has_change_counts": batch.has_change_counts,
        "is_balanced": batch.is_balanced,
        "progress": progress,
        "masters": _masters_report(batch.report or {}),
        "rollup": (batch.report or {}).get("rollup", {}),
    }


def _masters_report(report: dict) -> list[dict]:
    """The masters the batch created (or, a dry run, would create), by kind, with their codes."""
    labels = {"regions": _("区域"), "stores": _("门店"), "products": _("商品"), "categories": _("品类"),
              "suppliers": _("供应商")}
    masters = report.get("masters", {})
    return [{"label": labels.get(kind, kind), "codes": codes, "would": state == "would_create"}
            for state in ("created", "would_create") for kind, codes in masters.get(state, {}).items()]


def quarantine_table(batch: ImportBatch, rows: QuerySet[QuarantineRow]) -> tuple[list[str], Iterator[list]]:
    """Header and rows for the quarantine download: the file's own columns plus row number and error columns, so
    the file can be fixed and imported again (the mapping ignores the two added columns, and a stores file's
    attributes leave them out: ``kinds.QUARANTINE_COLUMNS``)."""
    header = list(batch.header)
    width = len(header)
    if rows.filter(raw__isnull=False).exists() and batch.kind == "sales_lines" and not batch.mapping.get("line_no"):
        header.append("line_no")
        width += 1
    header += [str(label) for label in QUARANTINE_COLUMNS]

    def generate() -> Iterator[list]:
        for row in rows.iterator(chunk_size=2000):
            raw = list(row.raw)[:width]
            raw += [""] * (width - len(raw))
            problems = "; ".join(_describe(problem) for problem in row.errors) or row.reason
            yield [*raw, row.row_number, problems]

    return header, generate()


def _describe(problem: dict) -> str:
    if problem.get("column"):
        return f"{problem['column']}={problem.get('value', '')!s}: {problem['reason']}"
    return problem["reason"]


QUARANTINE_KINDS = dict(QuarantineKindChoices.choices)
