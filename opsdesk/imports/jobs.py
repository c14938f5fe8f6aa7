"""Background jobs of the imports app (django-tasks; `opsdesk worker` runs them)."""

from django_tasks import task


@task()
def run_import_batch(batch_id: int) -> dict:
    """Run one queued import batch; safe to run twice (a finished batch is left as it is)."""
    from opsdesk.imports.services import import_batch_run

    batch = import_batch_run(batch_id=batch_id)
    return {"batch": batch.pk, "status": batch.status, "rows_read": batch.rows_read}


@task()
def purge_expired_import_files() -> dict:
    """The nightly retention job: delete stored files of refused, failed and abandoned batches past the limit."""
    from opsdesk.imports.services import import_files_purge

    return {"purged": len(import_files_purge())}
