"""Command-line parts of the imports app: `opsdesk import`, `opsdesk imports ...` and `opsdesk realdata`.

Registered on the main parser by `add_commands()`; Django is set up only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter


def _echo(text: str = "", file=None) -> None:
    """Print to the terminal (the command line's output)."""
    (file or sys.stdout).write(f"{text}\n")


def _setup() -> None:
    from opsdesk.cli import _migrate, _setup_django

    _setup_django()
    _migrate()


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    result = {}
    for item in values or []:
        name, separator, value = item.partition("=")
        if not separator:
            raise SystemExit(f"{option} expects FIELD=VALUE, got {item!r}")
        result[name.strip()] = value.strip()
    return result


def _company(code: str | None, create: bool):
    from opsdesk.core.models import Company
    from opsdesk.imports.services import company_ensure

    if code:
        existed = Company.objects.filter(code=code).exists()
        company = company_ensure(code=code, create=create)
        if not existed:
            _echo(f"Created company {code} (with region DEFAULT).")
        return company
    companies = list(Company.objects.all()[:2])
    if len(companies) != 1:
        raise SystemExit("--company CODE is required (there is not exactly one company)")
    return companies[0]


def _actor(username: str | None):
    if not username:
        return None  # a system import: the whole company, recorded as "命令行" on the batch
    from opsdesk.core.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise SystemExit(f"no active user {username!r}")
    return user


class _Bar:
    """A tqdm progress bar over the file's bytes (validation), then over the rows written."""

    def __init__(self, label: str):
        from tqdm import tqdm

        self.tqdm = tqdm
        self.label = label
        self.bar = None
        self.phase = None

    def __call__(self, report: dict) -> None:
        if report["phase"] != self.phase:
            self.close()
            self.phase = report["phase"]
            title = f"{self.label}: {'validate' if self.phase == 'validate' else 'write'}"
            self.bar = self.tqdm(total=report["bytes_total"], unit="B", unit_scale=True, desc=title, file=sys.stderr)
        self.bar.n = min(report["bytes_read"], report["bytes_total"])
        self.bar.set_postfix(rows=report["rows_read"], refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def print_report(batch) -> None:
    """The same report the batch page shows: status, the four numbers, the identity, the reasons."""
    from opsdesk.imports.models import QuarantineRow

    _echo(
        f"Batch #{batch.pk} {batch.kind} {batch.file.original_name} (sha256 {batch.file.sha256[:12]}…): "
        f"{batch.get_status_display()} [{batch.status}]" + (" — dry run, nothing written" if batch.is_dry_run else "")
    )
    if batch.message:
        _echo(f"  {batch.message}")
    if batch.status == "duplicate":
        return
    _echo(f"  rows read {batch.rows_read:>10,}")
    _echo(f"  committed {batch.rows_committed:>10,}" + ("  (would be written)" if batch.is_dry_run else ""))
    if batch.has_change_counts:
        _echo(f"    inserted {batch.rows_inserted:>9,}")
        _echo(f"    updated {batch.rows_updated:>10,}  (previous values in the audit trail)")
        _echo(f"    unchanged {batch.rows_unchanged:>8,}")
    _echo(f"  quarantined {batch.rows_quarantined:>8,}  (with errors: {batch.rows_invalid:,})")
    _echo(f"  skipped duplicates {batch.rows_skipped_duplicates:>,}")
    _echo(f"  read = committed + quarantined + skipped duplicates: {'OK' if batch.is_balanced else 'MISMATCH'}")
    _print_batch_report(batch.report or {})
    reasons = Counter(QuarantineRow.objects.filter(batch=batch).values_list("reason", flat=True).iterator())
    for reason, count in reasons.most_common(10):
        _echo(f"    {count:>8,}  {reason}")
    if reasons:
        _echo(f"  quarantine: opsdesk imports quarantine {batch.pk} -o quarantine-{batch.pk}.csv")


def _print_batch_report(report: dict) -> None:
    """Masters created (or that a dry run would create), the daily sales rolled up, imported totals vs their lines."""
    masters = report.get("masters", {})
    for state, label in (("created", "created"), ("would_create", "would create (dry run: none created)")):
        for kind, codes in masters.get(state, {}).items():
            shown = ", ".join(codes[:20]) + (f", … ({len(codes)} in all)" if len(codes) > 20 else "")
            _echo(f"  {label} {len(codes):,} {kind}: {shown}")
    rollup = report.get("rollup", {})
    if "sku_days" in rollup:
        _echo(f"  rolled up: {rollup['sku_days']:,} SKU days, {rollup['store_days']:,} store days written or changed")
    totals = rollup.get("totals", {})
    if totals.get("days"):
        _echo(f"  imported store-day totals kept on {totals['days']:,} days that also have lines or SKU days: "
              f"{totals['imported_sales']} imported vs {totals['summed_sales']} summed "
              f"(difference {totals['difference']}, {totals['days_different']:,} days differ)")


def _options(args) -> dict:
    """Batch options given as flags, kept with the fixed values under their "@" keys (see kinds.RETURN_PREFIX)."""
    from opsdesk.imports.kinds import CREATE_MISSING, DATE_FORMAT, RETURN_PREFIX

    options = {}
    if getattr(args, "create_missing", False):
        options[CREATE_MISSING] = "1"
    if getattr(args, "date_format", None) and args.date_format != "auto":
        options[DATE_FORMAT] = args.date_format
    if getattr(args, "return_prefix", None):
        options[RETURN_PREFIX] = args.return_prefix
    return options


def cmd_import(args: argparse.Namespace) -> int:
    """Import one file now, with a progress bar, and print the batch report."""
    _setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from opsdesk.imports.services import import_run

    company = _company(args.company, create=True)
    bar = _Bar(args.kind) if not args.quiet else None
    try:
        batch = import_run(
            actor=_actor(args.user),
            company=company,
            kind=args.kind,
            path=args.file,
            profile_name=args.mapping or "",
            mapping=_pairs(args.column, "--column"),
            defaults={**_pairs(args.set, "--set"), **_options(args)},
            encoding=args.encoding or "",
            dry_run=args.dry_run,
            callback=bar,
        )
    except (ValidationError, PermissionDenied) as error:
        _echo("error: " + "; ".join(getattr(error, "messages", [str(error)])), file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    print_report(batch)
    if batch.status == "failed":  # a refused file (a limit, an unreadable part): the reason, once more, on stderr
        _echo(f"error: {batch.message}", file=sys.stderr)
        return 2
    return 1 if batch.status == "rejected" else 0


def cmd_imports(args: argparse.Namespace) -> int:
    """List batches, show one, or write its quarantine to a CSV/XLSX file."""
    _setup()
    from opsdesk.imports.models import ImportBatch

    if args.action == "list":
        for batch in ImportBatch.objects.select_related("file", "company").order_by("-pk")[: args.limit]:
            _echo(
                f"#{batch.pk:<5} {batch.company.code:<8} {batch.kind:<16} {batch.status:<10} "
                f"read {batch.rows_read:>9,} committed {batch.rows_committed:>9,} "
                f"(+{batch.rows_inserted:,} ~{batch.rows_updated:,} ={batch.rows_unchanged:,}) "
                f"quarantined {batch.rows_quarantined:>7,} dup {batch.rows_skipped_duplicates:>6,}  "
                f"{batch.file.original_name}"
            )
        return 0
    batch = ImportBatch.objects.select_related("file").filter(pk=args.batch).first()
    if batch is None:
        raise SystemExit(f"no batch #{args.batch}")
    if args.action == "show":
        print_report(batch)
        return 0
    return _write_quarantine(batch, args.output, args.format, duplicates=args.duplicates)


def _write_quarantine(batch, output: str | None, export_format: str, duplicates: bool = False) -> int:
    """The quarantined rows (or, with `duplicates`, the skipped in-file duplicates) as a file to fix and import."""
    import csv

    from opsdesk.core.exports import escape_cell, xlsx_bytes
    from opsdesk.imports.choices import QuarantineKindChoices
    from opsdesk.imports.selectors import quarantine_table

    kind = QuarantineKindChoices.DUPLICATE if duplicates else QuarantineKindChoices.ERROR
    header, rows = quarantine_table(batch, batch.quarantine.filter(kind=kind).order_by("row_number", "pk"))
    path = output or f"quarantine-{batch.pk}.{export_format}"
    if export_format == "xlsx":
        with open(path, "wb") as handle:
            handle.write(xlsx_bytes(header, rows, sheet_title=f"quarantine-{batch.pk}"))
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([escape_cell(cell) for cell in row] for row in rows)
    _echo(f"wrote {path}")
    return 0


def cmd_realdata(args: argparse.Namespace) -> int:
    """Load the public Rossmann and Online Retail data sets into a fresh company, as a new user would."""
    _setup()
    from opsdesk.imports.realdata import load_real_data

    return load_real_data(data_dir=args.data, company_code=args.company, progress=not args.quiet)


def add_commands(commands) -> None:
    """Add `import`, `imports` and `realdata` to the `opsdesk` sub-command parser."""
    from opsdesk.imports.kinds import KINDS

    parser = commands.add_parser("import", help="import a CSV/TSV/gzip/XLSX file (prints the batch report)")
    parser.add_argument("kind", choices=sorted(KINDS), help="what the file holds")
    parser.add_argument("file", help="the file to import")
    parser.add_argument("--mapping", help="name of a saved mapping profile for this kind")
    parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    parser.add_argument("--encoding", help="override the detected encoding (utf-8, utf-8-sig, gb18030, ...)")
    parser.add_argument("--company", help="company code (created, with a DEFAULT region, if it does not exist)")
    parser.add_argument("--user", help="import as this user (their role and scope apply); default: system import")
    parser.add_argument("--column", action="append", metavar="FIELD=HEADER", help="map a field to a column")
    parser.add_argument("--set", action="append", metavar="FIELD=VALUE", help="fixed value for a field")
    parser.add_argument("--date-format", choices=["auto", "ymd", "dmy", "mdy"],
                        help="how the file writes dates (default auto: detected; an ambiguous file asks)")
    parser.add_argument("--return-prefix", metavar="PREFIX",
                        help="sales lines: invoices starting with PREFIX are returns (e.g. C); default: none")
    parser.add_argument("--create-missing", action="store_true",
                        help="create the stores, products, regions, categories and suppliers the file names that are "
                             "not masters yet (each one reported; a dry run only lists them)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=cmd_import)

    batches = commands.add_parser("imports", help="list import batches, show one, or download its quarantine")
    batches.add_argument("action", choices=["list", "show", "quarantine"])
    batches.add_argument("batch", nargs="?", type=int, help="batch number (show, quarantine)")
    batches.add_argument("--limit", type=int, default=30)
    batches.add_argument("-o", "--output", help="quarantine file to write")
    batches.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    batches.add_argument("--duplicates", action="store_true",
                         help="quarantine: write the skipped in-file duplicates instead of the rows with errors")
    batches.set_defaults(func=cmd_imports)

    real = commands.add_parser("realdata", help="load ../shared/data (Rossmann, Online Retail) into company REAL")
    real.add_argument("--data", default="../shared/data", help="folder with rossmann/ and online_retail/")
    real.add_argument("--company", default="REAL")
    real.add_argument("--quiet", action="store_true")
    real.set_defaults(func=cmd_realdata)
