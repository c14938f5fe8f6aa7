"""Reads of store operations. Every function takes the acting user and goes through `for_user`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.charts import bar_chart, line_chart, small_multiples_chart
from opsdesk.storeops.choices import ActionStatusChoices, RunStatusChoices
from opsdesk.storeops.models import (
    ChecklistTemplate,
    ComplianceItem,
    CorrectiveAction,
    Finding,
    InspectionAnswer,
    InspectionPhoto,
    InspectionRun,
    TemplateItem,
)
from opsdesk.storeops.models.actions import OPEN_ACTION_STATUSES
from opsdesk.storeops.models.runs import OPEN_RUN_STATUSES


def template_list(*, user, action: str = "view") -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.for_user(user, action).select_related("current_version")


def run_list(*, user, action: str = "view") -> QuerySet[InspectionRun]:
    return InspectionRun.objects.for_user(user, action).select_related(
        "store", "template_version__template", "inspector", "assignee"
    )


def finding_list(*, user, action: str = "view") -> QuerySet[Finding]:
    return Finding.objects.for_user(user, action).select_related("store", "item", "run__template_version__template")


def action_list(*, user, action: str = "view") -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.for_user(user, action).select_related("store", "owner", "escalated_to")


def inspections_due_for_user(*, user, today: date | None = None, include_upcoming: bool = False) -> QuerySet:
    """Open runs the user is expected to do: assigned to them, or to their role and not to a person, or started
    by them; due today or overdue (optionally also later in the period). Earliest due first."""
    today = today or timezone.localdate()
    runs = run_list(user=user, action="add").filter(status__in=OPEN_RUN_STATUSES)
    mine = Q(assignee=user) | Q(assignee__isnull=True, assignee_role=user.role) | Q(
        status=RunStatusChoices.IN_PROGRESS, inspector=user
    )
    runs = runs.filter(mine)
    if not include_upcoming:
        runs = runs.filter(Q(due_date__lte=today) | Q(status=RunStatusChoices.IN_PROGRESS))
    return runs.order_by("due_date", "pk")


def inspections_overdue_in_scope(*, user, today: date | None = None) -> QuerySet:
    """Open runs of the user's scope past their due date, whoever is to do them (what the inbox lists)."""
    today = today or timezone.localdate()
    return (run_list(user=user).filter(status__in=OPEN_RUN_STATUSES, due_date__lt=today)
            .select_related("store", "assignee", "template_version__template").order_by("due_date", "pk"))


def actions_for_owner(*, user) -> QuerySet[CorrectiveAction]:
    """Open actions the user owns or that were escalated to them, earliest due first."""
    return action_list(user=user).filter(Q(owner=user) | Q(escalated_to=user), status__in=OPEN_ACTION_STATUSES)


def actions_to_verify(*, user) -> QuerySet[CorrectiveAction]:
    from opsdesk.core.permissions import user_can

    if not user_can(user, "storeops_verify", "change"):
        return CorrectiveAction.objects.none()
    return action_list(user=user).filter(status=ActionStatusChoices.DONE).exclude(owner=user)


def compliance_expiring(*, user, today: date | None = None, days: int = 30) -> QuerySet[ComplianceItem]:
    today = today or timezone.localdate()
    return ComplianceItem.objects.for_user(user).select_related("store").filter(
        expiry_date__lte=today + timedelta(days=days)
    )


@dataclass
class SheetItem:
    """One item of a run as the inspector sees it."""

    item: TemplateItem
    answer: InspectionAnswer | None
    photos: list[InspectionPhoto] = field(default_factory=list)

    @property
    def is_answered(self) -> bool:
        from opsdesk.storeops import scoring
        from opsdesk.storeops.services.runs import _answer_value, item_spec

        value = _answer_value(self.item, self.answer, len(self.photos))
        return scoring.is_answered(item_spec(self.item), value) and (
            not self.item.is_photo_required or bool(self.photos) or bool(value and value.is_not_applicable)
        )

    @property
    def is_failed(self) -> bool:
        return bool(self.answer and self.answer.is_failed)


def run_sheet(run: InspectionRun) -> list[tuple[str, list[SheetItem]]]:
    """The run's sections with their items, answers and photos (4 queries whatever the size)."""
    items = list(TemplateItem.objects.filter(section__version_id=run.template_version_id).select_related("section"))
    answers = {a.item_id: a for a in InspectionAnswer.objects.filter(run=run)}
    photos = defaultdict(list)
    for photo in InspectionPhoto.objects.filter(run=run):
        photos[photo.item_id].append(photo)
    sections: dict[int, tuple[str, list[SheetItem]]] = {}
    for item in items:
        sections.setdefault(item.section_id, (item.section.title, []))[1].append(
            SheetItem(item=item, answer=answers.get(item.pk), photos=photos.get(item.pk, []))
        )
    return list(sections.values())


def sheet_progress(sheet) -> tuple[int, int]:
    """(answered, total) items of a run sheet."""
    entries = [entry for _title, entries in sheet for entry in entries]
    return sum(1 for entry in entries if entry.is_answered), len(entries)


def scorecard(*, user, weeks: int = 8, region_id: int | None = None, today: date | None = None) -> dict:
    """Store scorecard of the user's scope: weekly score trend, pass rate by item, open/overdue actions, league."""
    today = today or timezone.localdate()
    since = today - timedelta(weeks=weeks)
    runs = InspectionRun.objects.for_user(user).filter(status=RunStatusChoices.COMPLETED, completed_at__date__gt=since)
    actions = CorrectiveAction.objects.for_user(user)
    if region_id:
        runs, actions = runs.filter(store__region_id=region_id), actions.filter(store__region_id=region_id)
    league = _league(runs, actions, today)
    return {
        "weeks": weeks,
        "league": league,
        "trend_chart": _trend_chart(runs, league),
        "item_rows": _item_pass_rates(runs),
        "actions_chart": _actions_chart(league),
        "run_count": sum(row["runs"] for row in league),
    }


def _league(runs, actions, today: date) -> list[dict]:
    per_store = {
        row["store_id"]: row
        for row in runs.values("store_id", "store__code", "store__name").annotate(
            runs=Count("pk"), avg_score=Avg("score"), passed=Count("pk", filter=Q(is_passed=True))
        )
    }
    open_counts = {
        row["store_id"]: row
        for row in actions.filter(status__in=OPEN_ACTION_STATUSES).values("store_id", "store__code", "store__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    }
    rows = []
    for store_id in set(per_store) | set(open_counts):
        base = per_store.get(store_id) or open_counts[store_id]
        stats = per_store.get(store_id, {})
        counts = open_counts.get(store_id, {})
        n_runs = stats.get("runs", 0)
        rows.append({
            "store_id": store_id, "code": base["store__code"], "name": base["store__name"], "runs": n_runs,
            "avg_score": round(float(stats["avg_score"]), 1) if stats.get("avg_score") is not None else None,
            "pass_rate": round(100.0 * stats.get("passed", 0) / n_runs, 1) if n_runs else None,
            "open": counts.get("open", 0), "overdue": counts.get("overdue", 0),
        })
    rows.sort(key=lambda r: (r["avg_score"] is None, -(r["avg_score"] or 0), r["overdue"], r["code"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _trend_chart(runs, league: list[dict]) -> dict | None:
    from django.db.models.functions import TruncWeek

    rows = list(
        runs.annotate(week=TruncWeek("completed_at")).values("week", "store__code").annotate(score=Avg("score"))
        .order_by("week")
    )
    if not rows:
        return None
    weeks = sorted({row["week"].date().isoformat() for row in rows})
    by_store: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        by_store[row["store__code"]][row["week"].date().isoformat()] = round(float(row["score"]), 1)
    shown = [row["code"] for row in league if row["code"] in by_store]
    if len(shown) > 10:  # the best five and the worst five
        shown = shown[:5] + shown[-5:]
    series = {code: [by_store[code].get(week) for week in weeks] for code in shown}
    average = defaultdict(list)
    for row in rows:
        average[row["week"].date().isoformat()].append(float(row["score"]))
    reference = (_("全部平均"), [round(sum(average[w]) / len(average[w]), 1) for w in weeks])
    if len(series) == 1:  # one store: its line against the average on one chart
        spec = line_chart(_("巡检得分周趋势"), weeks, {**series, reference[0]: reference[1]}, y_title=_("得分"))
        for trace in spec["data"]:
            trace["mode"] = "lines+markers"
            trace["connectgaps"] = True
        return spec
    # several stores: one small panel each (same 0-100 scale) with the average in grey, not a tangle of lines
    return small_multiples_chart(_("巡检得分周趋势（每店一格，灰线为全部平均）"), weeks, series, reference=reference,
                                 y_range=(0, 100))


def _item_pass_rates(runs) -> list[dict]:
    rows = (
        InspectionAnswer.objects.filter(run__in=runs.values("pk"), is_not_applicable=False)
        .exclude(item__kind="note")
        .values("item__code", "item__text")
        .annotate(
            answered=Count("pk"), failed=Count("pk", filter=Q(is_failed=True)),
            failed_stores=Count("run__store", filter=Q(is_failed=True), distinct=True),
        )
        .order_by("item__code")
    )
    merged: dict[str, dict] = {}
    for row in rows:
        entry = merged.setdefault(row["item__code"], {"code": row["item__code"], "text": row["item__text"],
                                                      "answered": 0, "failed": 0, "failed_stores": 0})
        entry["answered"] += row["answered"]
        entry["failed"] += row["failed"]
        entry["failed_stores"] = max(entry["failed_stores"], row["failed_stores"])
    result = []
    for entry in merged.values():
        entry["pass_rate"] = round(100.0 * (entry["answered"] - entry["failed"]) / entry["answered"], 1)
        result.append(entry)
    result.sort(key=lambda e: (e["pass_rate"], e["code"]))
    return result


def item_pass_chart(item_rows: list[dict], limit: int = 15) -> dict | None:
    """Bar chart of the items with the lowest pass rate."""
    rows = item_rows[:limit]
    if not rows:
        return None
    spec = bar_chart(_("合格率最低的检查项"), [row["text"][:18] for row in rows], [row["pass_rate"] for row in rows],
                     y_title=_("合格率 %"))
    spec["data"][0]["text"] = [_("%(n)d 家门店不合格") % {"n": row["failed_stores"]} for row in rows]
    spec["layout"]["yaxis"]["range"] = [0, 100]
    spec["layout"]["xaxis"] = {"tickangle": -35, "automargin": True}
    return spec


def _actions_chart(league: list[dict]) -> dict | None:
    rows = [row for row in league if row["open"]]
    if not rows:
        return None
    rows.sort(key=lambda r: (-r["open"], r["code"]))
    rows = rows[:20]
    labels = [row["name"] for row in rows]
    on_time = [row["open"] - row["overdue"] for row in rows]
    spec = bar_chart(_("未关闭与逾期整改任务"), labels, on_time, y_title=_("任务数"))
    spec["data"][0]["name"] = _("未逾期")
    spec["data"].append({"type": "bar", "x": labels, "y": [row["overdue"] for row in rows], "name": _("已逾期"),
                         "marker": {"color": "#dc3545"}})
    spec["layout"]["barmode"] = "stack"
    spec["layout"]["xaxis"] = {"tickangle": -35, "automargin": True}
    return spec


def store_inspection_summary(*, user, store) -> dict:
    """A store's last runs and open actions (for the run list and store pages)."""
    runs = run_list(user=user).filter(store=store, status=RunStatusChoices.COMPLETED).order_by("-completed_at")[:10]
    return {"runs": runs, "open_actions": action_list(user=user).filter(store=store, status__in=OPEN_ACTION_STATUSES)}
