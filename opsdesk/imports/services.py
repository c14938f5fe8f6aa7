"""Writes of the imports app: keep a file, create and configure a batch, run it, save a mapping profile.

`import_run()` is the whole path in one call (the CLI and the real-data loader use it); the web splits it into
upload -> mapping -> background job. Fact imports are audited at batch level: the ImportBatch row records who,
when, what file (SHA-256), which mapping and the row accounting.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core import hooks
from opsdesk.core.audit import audit_actor
from opsdesk.core.models import Company, Region
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import visible_store_ids
from opsdesk.imports.choices import BatchStatusChoices as S
from opsdesk.imports.kinds import DATE_FORMAT, KINDS, creates_missing, kind_spec
from opsdesk.imports.limits import limit
from opsdesk.imports.mapping import guess_mapping, mapping_problems
from opsdesk.imports.models import ImportBatch, ImportFile, MappingProfile
from opsdesk.imports.pipeline import BatchMovedOn, Progress, run_facts, run_master
from opsdesk.imports.sources import SourceError, open_source
from opsdesk.imports.validation import Lookups, MappingError, RowValidator

logger = logging.getLogger(__name__)
UNFINISHED = (S.PENDING, S.RUNNING, S.FAILED)


def can_import(user, kind: str) -> bool:
    """Whether a user may import this kind: facts need the imports and facts areas; master data the master area.
    `user=None` is the command line's system import (no scope limit)."""
    if user is None:
        return True
    spec = kind_spec(kind)
    if not user_can(user, "imports", "add"):
        return False
    if spec.may_import is not None:
        return bool(spec.may_import(user))
    if spec.is_master:
        return user_can(user, "imports_master", "add") and bool(user.has_company_scope)
    return user_can(user, "facts", "add")


def _assert_can_import(user, kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(_("未知的导入类型：%(kind)s") % {"kind": kind})
    if not can_import(user, kind):
        raise PermissionDenied(_("你的角色不允许导入此类数据。"))


def import_file_store(*, company: Company, stream: BinaryIO, name: str) -> ImportFile:
    """Keep an uploaded file under MEDIA_ROOT/imports/<sha[:2]>/<sha><suffix>; the same bytes are kept once."""
    root = Path(settings.MEDIA_ROOT) / "imports"
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=root / "tmp", delete=False) as temporary:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
            temporary.write(block)
            size += len(block)
    sha = digest.hexdigest()
    suffix = re.sub(r"[^A-Za-z0-9.]", "", "".join(Path(Path(name).name).suffixes[-2:]))[:16]
    relative = Path("imports") / sha[:2] / f"{sha}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        Path(temporary.name).unlink()
    else:
        shutil.move(temporary.name, target)
    stored, _created = ImportFile.objects.get_or_create(
        company=company,
        sha256=sha,
        defaults={"original_name": Path(name).name[:255], "stored_path": str(relative), "size_bytes": size},
    )
    if stored.purged_at is not None:  # the same bytes again after the retention job deleted them: kept anew
        ImportFile.objects.filter(pk=stored.pk).update(purged_at=None)
        stored.purged_at = None
    return stored


def import_file_store_path(*, company: Company, path: Path | str) -> ImportFile:
    """Keep a file from the local disk (the command line)."""
    path = Path(path)
    with open(path, "rb") as handle:
        return import_file_store(company=company, stream=handle, name=path.name)


def import_batch_create(
    *,
    actor,
    company: Company,
    kind: str,
    import_file: ImportFile,
    profile: MappingProfile | None = None,
    encoding: str = "",
    dry_run: bool = False,
) -> ImportBatch:
    """A draft batch with the file's header and a mapping from the profile or guessed from header synonyms."""
    _assert_can_import(actor, kind)
    encoding = encoding or (profile.encoding if profile else "")
    _assert_file_kept(import_file)
    try:
        with open_source(import_file.path, encoding or None, name=import_file.original_name) as source:
            header, detected = source.header, source.encoding
    except SourceError as error:
        raise ValidationError(str(error)) from error
    spec = kind_spec(kind)
    mapping = dict(profile.columns) if profile else guess_mapping(spec, header)
    with transaction.atomic():
        return ImportBatch.objects.create(
            company=company,
            kind=kind,
            file=import_file,
            is_dry_run=dry_run,
            mapping=mapping,
            defaults=dict(profile.defaults) if profile else {},
            mapping_profile=profile,
            encoding=encoding or ("" if detected == "xlsx" else detected),
            header=header,
            created_by=actor,
        )


def _assert_file_kept(import_file: ImportFile) -> None:
    if import_file.purged_at is not None or not import_file.path.exists():
        raise ValidationError(
            _("%(name)s：文件已按保留期限删除，请重新上传。") % {"name": import_file.original_name}
        )


def _fingerprint(batch: ImportBatch) -> str:
    payload = [batch.file.sha256, batch.kind, sorted(batch.mapping.items()), sorted(batch.defaults.items())]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def import_batch_configure(
    *,
    actor,
    batch: ImportBatch,
    mapping: dict | None = None,
    defaults: dict | None = None,
    save_as: str = "",
    source: str = "",
) -> ImportBatch:
    """Fix the mapping of a draft batch (optionally saving it as a named profile) and queue it; the same file with
    the same mapping already committed makes this batch a no-op 'duplicate'."""
    _assert_can_import(actor, batch.kind)
    spec = kind_spec(batch.kind)
    mapping = {name: column for name, column in (batch.mapping if mapping is None else mapping).items() if column}
    defaults = {
        name: value
        for name, value in (batch.defaults if defaults is None else defaults).items()
        if value not in ("", None)
    }
    problems = mapping_problems(spec, batch.header, mapping, defaults)
    if problems:
        raise ValidationError(problems)
    defaults = _with_date_order(batch, spec, mapping, defaults)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (S.DRAFT, *UNFINISHED):
            raise ValidationError(_("该批次已处理，不能再修改映射。"))
        previous = batch.fingerprint
        batch.mapping, batch.defaults = mapping, defaults
        if save_as:
            batch.mapping_profile = mapping_profile_save(
                actor=actor,
                company=batch.company,
                kind=batch.kind,
                name=save_as,
                source=source,
                columns=mapping,
                defaults=defaults,
                encoding=batch.encoding,
            )
        batch.fingerprint = _fingerprint(batch)
        if batch.rows_read and batch.fingerprint != previous:  # its committed chunks were read with the old mapping
            raise ValidationError(
                _("该批次已按原映射写入 %(rows)s 行，不能再修改映射：请重试该批次，或重新上传文件。")
                % {"rows": batch.rows_committed}
            )
        earlier = None
        if not batch.is_dry_run:
            earlier = (
                ImportBatch.objects.filter(
                    company=batch.company, fingerprint=batch.fingerprint, status=S.COMMITTED, is_dry_run=False
                )
                .exclude(pk=batch.pk)
                .first()
            )
        if earlier is not None:
            batch.status, batch.duplicate_of, batch.finished_at = S.DUPLICATE, earlier, timezone.now()
            if batch.created_by is not None and duplicate_visible(batch, batch.created_by):
                batch.message = _("同一文件已按相同映射导入（批次 #%(pk)s），本次未写入任何数据。") % {"pk": earlier.pk}
            else:  # the earlier batch is someone else's, outside this importer's scope: never named
                batch.message = _("同一文件已按相同映射导入过，本次未写入任何数据。")
        else:
            batch.status = S.PENDING
        batch.save()
    return batch


def _with_date_order(batch: ImportBatch, spec, mapping: dict, defaults: dict) -> dict:
    """The fixed values with the file's date order: the one given, else detected from the file's date columns
    (a file readable both day-first and month-first stops here with the reason, before anything is written)."""
    from itertools import chain

    from opsdesk.imports import dates

    given = defaults.get(DATE_FORMAT) or "auto"
    if given not in dates.ORDERS:
        raise ValidationError(_("日期格式只能是 %(orders)s") % {"orders": ", ".join(dates.ORDERS)})
    columns = [mapping[f.name] for f in spec.fields if f.parser in ("date", "datetime") and mapping.get(f.name)]
    if given != "auto" or not columns:
        return defaults
    try:
        with open_source(batch.file.path, batch.encoding or None, name=batch.file.original_name) as source:
            positions = [source.header.index(column) for column in columns if column in source.header]
            values = chain.from_iterable(
                (cells[position] for position in positions if position < len(cells)) for _number, cells in source.rows)
            order = dates.detect_order(values, ", ".join(columns))
    except dates.AmbiguousDates as error:
        raise ValidationError(str(error)) from error
    except SourceError:  # an unreadable file or part of it: the run reports it, with the batch's accounting
        return defaults
    return {**defaults, DATE_FORMAT: order} if order != "ymd" else defaults


def import_batch_enqueue(batch: ImportBatch) -> None:
    """Run the batch in the background worker once the current transaction commits."""
    from opsdesk.imports.jobs import run_import_batch

    if batch.status == S.PENDING:
        transaction.on_commit(lambda: run_import_batch.enqueue(batch.pk))


def import_batch_retry(*, actor, batch: ImportBatch) -> ImportBatch:
    """Queue an interrupted or failed batch again (it resumes after its last committed chunk)."""
    _assert_can_import(actor, batch.kind)
    with transaction.atomic():
        updated = ImportBatch.objects.filter(pk=batch.pk, status__in=UNFINISHED).update(status=S.PENDING, message="")
        if not updated:
            raise ValidationError(_("只有未完成或失败的批次可以重试。"))
        batch.refresh_from_db()
        import_batch_enqueue(batch)
    return batch


def import_batch_run(*, batch_id: int, callback=None) -> ImportBatch:
    """Run a queued batch (idempotent: a finished batch is returned as it is)."""
    batch = ImportBatch.objects.select_related("file", "company", "created_by").get(pk=batch_id)
    if batch.is_finished and batch.status != S.FAILED:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.RUNNING, started_at=timezone.now())
    batch.status = S.RUNNING
    progress = Progress(batch.pk, batch.file.size_bytes, callback)
    try:
        _assert_can_import(batch.created_by, batch.kind)
        _assert_file_kept(batch.file)
        with (
            audit_actor(batch.created_by),
            open_source(batch.file.path, batch.encoding or None, name=batch.file.original_name) as source,
        ):
            _run_source(batch, source, progress)
    except BatchMovedOn:  # another run of this batch is ahead: the batch is its to finish
        logger.info("import batch %s: another run is writing it, this one stopped", batch.pk)
    except (SourceError, MappingError, PermissionDenied, ValidationError) as error:
        _fail(batch, " ".join(getattr(error, "messages", [str(error)])))
    except Exception as error:
        logger.exception("import batch %s failed", batch.pk)
        _fail(batch, _("导入失败：%(error)s") % {"error": error})
    finally:
        progress.finish()
    batch.refresh_from_db()
    return batch


def _run_source(batch: ImportBatch, source, progress: Progress) -> None:
    spec = kind_spec(batch.kind)
    missing = [column for column in batch.mapping.values() if column not in source.header]
    if missing:
        raise MappingError(_("文件中没有这些列：%(columns)s") % {"columns": ", ".join(missing)})
    actor = batch.created_by
    if spec.is_master:
        validator = RowValidator(spec, source.header, batch.mapping, batch.defaults, None)
        run_master(batch, spec, source, validator, actor, progress)
        return
    allowed = None if actor is None else set(visible_store_ids(actor))
    lookups = Lookups.load(batch.company_id, allowed)
    if creates_missing(batch.defaults) and spec.writer is None:
        _masters_from_facts(batch, spec, lookups, actor)
    validator = RowValidator(spec, source.header, batch.mapping, batch.defaults, lookups)
    touched: dict = {}
    run_facts(batch, spec, source, validator, progress, touched)
    if spec.rollup and touched and not batch.is_dry_run:
        _roll_up(batch, spec, touched)
    hooks.facts_changed(batch.company_id)  # the cockpit refreshes its rollups once the facts are committed


def _masters_from_facts(batch: ImportBatch, spec, lookups: Lookups, actor) -> None:
    """Create (or, on a dry run, list) the stores and products the file names that are not masters yet, before its
    rows are validated; the batch's report lists each one."""
    from opsdesk.imports.masters import facts_missing_masters

    with transaction.atomic():
        missing = facts_missing_masters(batch, spec, lookups, actor)
        if missing:
            batch.report = {**batch.report, "masters": {"would_create" if batch.is_dry_run else "created": missing}}
            ImportBatch.objects.filter(pk=batch.pk).update(report=batch.report)


def _roll_up(batch: ImportBatch, spec, touched: dict) -> None:
    """The kind's rollup over the store-days the batch wrote (daily sales from lines or SKU days), in one
    transaction; what it did goes into the batch's report."""
    from django.utils.module_loading import import_string

    rollup = import_string(spec.rollup)
    with transaction.atomic():
        summary = rollup(batch, touched)
        if summary:
            report = dict(ImportBatch.objects.filter(pk=batch.pk).values_list("report", flat=True).first() or {})
            report["rollup"] = summary
            ImportBatch.objects.filter(pk=batch.pk).update(report=report)


def _fail(batch: ImportBatch, message: str) -> None:
    """Mark the batch failed, saying how many rows its committed chunks hold (a retry resumes after them)."""
    read, committed = ImportBatch.objects.filter(pk=batch.pk).values_list("rows_read", "rows_committed").first()
    if committed:
        message += " " + _("已处理 %(read)s 行，其中 %(rows)s 行已写入；重试将从此处继续。") % {
            "read": read,
            "rows": committed,
        }
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.FAILED, message=message[:2000], finished_at=timezone.now())


def _retention_expired(cutoff) -> Q:
    """Batches whose file need not be kept: refused or failed ones, and drafts never configured, older than cutoff."""
    return Q(status__in=(S.REJECTED, S.FAILED, S.DRAFT), created_at__lt=cutoff) & (
        Q(finished_at__isnull=True) | Q(finished_at__lt=cutoff)
    )


def import_files_purge(*, now=None, days: int | None = None) -> list[ImportFile]:
    """Delete the stored files that only refused, failed or abandoned draft batches use (or no batch at all: an
    upload refused before a batch existed) once older than `days` (IMPORT_RETENTION_DAYS). The batch rows, their
    reports and quarantines stay; the file row records `purged_at`. Returns the files purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=limit("IMPORT_RETENTION_DAYS") if days is None else days)
    kept = ImportBatch.objects.filter(file=OuterRef("pk")).exclude(_retention_expired(cutoff))
    candidates = ImportFile.objects.filter(purged_at=None, uploaded_at__lt=cutoff).exclude(Exists(kept))
    purged = []
    for import_file in candidates.order_by("pk"):
        with transaction.atomic():
            locked = ImportFile.objects.select_for_update().filter(pk=import_file.pk, purged_at=None).first()
            if locked is None or ImportBatch.objects.filter(file=locked).exclude(_retention_expired(cutoff)).exists():
                continue  # purged meanwhile, or a new batch started on it
            locked.purged_at = now
            locked.save(update_fields=["purged_at"])
            ImportBatch.objects.filter(file=locked, status=S.DRAFT).update(
                message=_("文件已按保留期限（%(days)s 天）删除，请重新上传。") % {"days": (now - cutoff).days}
            )
            locked.path.unlink(missing_ok=True)
        purged.append(locked)
    _purge_temporary_files(cutoff)
    logger.info("import retention: %s stored files deleted", len(purged))
    return purged


def _purge_temporary_files(cutoff) -> None:
    """Half-written uploads (a request that died mid-upload) under MEDIA_ROOT/imports/tmp."""
    folder = Path(settings.MEDIA_ROOT) / "imports" / "tmp"
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)


def mapping_profile_save(
    *,
    actor,
    company: Company,
    kind: str,
    name: str,
    columns: dict,
    defaults: dict | None = None,
    source: str = "",
    encoding: str = "",
) -> MappingProfile:
    """Create or replace a named mapping profile for a kind."""
    _assert_can_import(actor, kind)
    with transaction.atomic(), audit_actor(actor):
        profile, _created = MappingProfile.objects.update_or_create(
            company=company,
            kind=kind,
            name=name.strip()[:100],
            defaults={
                "columns": columns,
                "defaults": defaults or {},
                "source": source[:100],
                "encoding": encoding,
                "created_by": actor,
            },
        )
    return profile


def mapping_profile_delete(*, actor, profile: MappingProfile) -> None:
    """Delete a mapping profile (batches keep their own copy of the mapping)."""
    if not user_can(actor, "imports", "delete"):
        raise PermissionDenied(_("你的角色不允许此操作。"))
    with transaction.atomic(), audit_actor(actor):
        profile.delete()


def company_ensure(*, code: str, name: str = "", create: bool = True) -> Company:
    """The company with this code; created (with one region 'DEFAULT') when asked to."""
    company = Company.objects.filter(code=code).first()
    if company is None:
        if not create:
            raise ValidationError(_("公司 %(code)s 不存在。") % {"code": code})
        with transaction.atomic():
            company = Company.objects.create(code=code, name=name or code)
            Region.objects.create(company=company, code="DEFAULT", name=_("默认区域"))
    return company


def import_run(
    *,
    actor,
    company: Company,
    kind: str,
    path: Path | str,
    profile_name: str = "",
    mapping: dict | None = None,
    defaults: dict | None = None,
    encoding: str = "",
    dry_run: bool = False,
    callback=None,
) -> ImportBatch:
    """Keep the file, map it (profile, given mapping or guess), run it now. A batch of the same file and mapping
    that was interrupted is resumed rather than duplicated; one already committed makes this a no-op."""
    _assert_can_import(actor, kind)
    profile = None
    if profile_name:
        profile = MappingProfile.objects.filter(company=company, kind=kind, name=profile_name).first()
        if profile is None:
            raise ValidationError(_("没有名为“%(name)s”的映射方案。") % {"name": profile_name})
    stored = import_file_store_path(company=company, path=path)
    batch = import_batch_create(
        actor=actor, company=company, kind=kind, import_file=stored, profile=profile, encoding=encoding, dry_run=dry_run
    )
    overrides = {**batch.mapping, **(mapping or {})}
    batch = import_batch_configure(
        actor=actor, batch=batch, mapping=overrides, defaults={**batch.defaults, **(defaults or {})}
    )
    if batch.status == S.DUPLICATE:
        return batch
    unfinished = (
        ImportBatch.objects.filter(
            company=company, fingerprint=batch.fingerprint, status__in=UNFINISHED, is_dry_run=dry_run
        )
        .exclude(pk=batch.pk)
        .order_by("pk")
        .first()
    )
    if unfinished is not None:
        batch.delete()
        batch = unfinished
    return import_batch_run(batch_id=batch.pk, callback=callback)


def duplicate_visible(batch: ImportBatch, user) -> bool:
    """Whether `user` may open the batch that `batch` duplicates (pages and API name it only then)."""
    return bool(batch.duplicate_of_id) and ImportBatch.objects.for_user(user).filter(pk=batch.duplicate_of_id).exists()
