"""Periodic jobs (nightly forecast and plan, daily brief, escalations) without an extra server.

Apps register a job with `register(name, hour=, minute=, enqueue=)` in their AppConfig.ready(); `opsdesk worker`
runs `tick()` every 30 seconds next to the task worker. A job is enqueued once per local day, after its time;
the `ScheduledRun` row (unique per job and day) makes that hold across restarts and several workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    hour: int
    minute: int
    enqueue: Callable[[], object]


_JOBS: dict[str, PeriodicJob] = {}


def register(name: str, *, hour: int, minute: int, enqueue: Callable[[], object]) -> None:
    """Run `enqueue()` once a day at or after hour:minute local time."""
    _JOBS[name] = PeriodicJob(name, hour, minute, enqueue)


def jobs() -> dict[str, PeriodicJob]:
    return dict(_JOBS)


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due today and not yet enqueued; returns the names enqueued."""
    from opsdesk.core.models import ScheduledRun

    local = timezone.localtime(now or timezone.now())
    started = []
    for job in _JOBS.values():
        if (local.hour, local.minute) < (job.hour, job.minute):
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=job.name, day=local.date())
                job.enqueue()
        except IntegrityError:
            continue  # already enqueued today (by us after a restart, or by another worker)
        except Exception:  # a failing job must not stop the others; it is logged and retried tomorrow
            logger.exception("periodic job %s failed to enqueue", job.name)
            continue
        started.append(job.name)
    return started
