"""Reads of reports: the scopes a user may report on, the content of a report pack (KPIs per area for the period,
the period before and the same period last year; goals; exceptions; actions taken) and the pack as a document."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opsdesk.core import extensions
from opsdesk.core.documents import Bullets, Document, Heading, Paragraph, Table
from opsdesk.core.extensions import KpiScope
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.scoping import visible_stores
from opsdesk.reports import periods
from opsdesk.reports.choices import DecisionStatusChoices, PackKindChoices

logger = logging.getLogger(__name__)
TOP_EXCEPTIONS = 10
#: Timestamp fields that say "this was closed / resolved / completed / done" on a store's row (actions taken).
CLOSING_FIELDS = ("closed_at", "resolved_at", "completed_at", "done_at")
#: Apps whose rows are not actions taken in the stores (inbox states, the reports' own decisions).
NOT_ACTIONS = ("cockpit", "reports")
#: Weeks of sales forecast after the period, and finished weeks whose forecast accuracy the pack shows.
FORECAST_WEEKS = 4
ACCURACY_WEEKS = 4


# --- scopes -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackScope:
    """What a pack reports on: the company, one region or one store."""

    company: Company
    region: Region | None = None
    store: Store | None = None

    @property
    def code(self) -> str:
        if self.store is not None:
            return f"store:{self.store.code}"
        return f"region:{self.region.code}" if self.region is not None else "company"

    @property
    def label(self) -> str:
        return str(self.store or self.region or self.company)

    @property
    def store_ids(self) -> tuple[int, ...] | None:
        if self.store is not None:
            return (self.store.pk,)
        if self.region is not None:
            return tuple(Store.objects.filter(region=self.region).order_by("pk").values_list("pk", flat=True))
        return None

    @property
    def kpi_scope(self) -> KpiScope:
        return KpiScope(company_id=self.company.pk, store_ids=self.store_ids)

    def row_filter(self) -> dict:
        """The lookups of the rows (packs, subscriptions, meetings) of exactly this scope."""
        return {"company": self.company, "region": self.region if self.store is None else self.store.region,
                "store": self.store}


def scope_parse(company: Company, code: str) -> PackScope:
    """"company", "region:<code>" or "store:<code>" of a company (LookupError when there is no such scope)."""
    kind, _sep, value = code.partition(":")
    if kind == "company" and not value:
        return PackScope(company)
    if kind == "region":
        region = Region.objects.filter(company=company, code=value).first()
        if region is not None:
            return PackScope(company, region=region)
    if kind == "store":
        store = Store.objects.filter(company=company, code=value).select_related("region").first()
        if store is not None:
            return PackScope(company, region=store.region, store=store)
    raise LookupError(code)


def scope_of_row(row) -> PackScope:
    """The scope of a row with company, region and store (a subscription, a pack, a meeting)."""
    return PackScope(row.company, region=row.region if row.store_id is None else row.store.region, store=row.store)


def scope_options(user) -> list[PackScope]:
    """The scopes a user may report on: the company (company-wide users), the regions they hold (all for
    company-wide users) and their stores."""
    if not getattr(user, "company_id", None):
        return []
    company = user.company
    options = []
    if user.has_company_scope:
        options.append(PackScope(company))
        regions = Region.objects.filter(company=company)
    else:
        regions = user.scope_regions.filter(company=company)
    options += [PackScope(company, region=region) for region in regions.order_by("code")]
    options += [PackScope(company, region=store.region, store=store)
                for store in visible_stores(user).select_related("region").order_by("code")]
    return options


def scope_for_user(user, code: str | None) -> PackScope:
    """The scope `code` if the user may report on it, the user's own (first) scope without one; LookupError else."""
    options = scope_options(user)
    if not options:
        raise LookupError(code)
    if not code:
        return options[0]
    for option in options:
        if option.code == code:
            return option
    raise LookupError(code)


def company_reader(company: Company) -> User:
    """The account whose view of the company a scheduled pack takes (the brief's: its COO or administrator)."""
    from opsdesk.cockpit.brief import system_user

    try:
        return system_user(company)
    except ValueError as error:
        raise LookupError(str(error)) from error


# --- content ------------------------------------------------------------------------------------------------------

@dataclass
class KpiRow:
    """One KPI of a pack: its value in the period, the period before and the same period last year."""

    definition: extensions.KpiDefinition
    value: float | None
    previous: float | None
    last_year: float | None


@dataclass
class Area:
    """The KPIs of one app (grouped by the app prefix of their codes)."""

    prefix: str
    title: str
    rows: list[KpiRow] = field(default_factory=list)


@dataclass
class Pack:
    """The content of a pack, before it is written as a document."""

    scope: PackScope
    kind: str
    period: periods.Period
    previous: periods.Period
    last_year: periods.Period
    areas: list[Area] = field(default_factory=list)
    goals: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)
    actions: list[tuple[type[models.Model], str, int]] = field(default_factory=list)
    decisions: list = field(default_factory=list)
    forecast: PackForecast | None = None


def _measure(definition: extensions.KpiDefinition, scope: KpiScope, period: periods.Period) -> float | None:
    try:
        value = definition.measure(scope, period)
    except Exception:  # one app's broken KPI must not stop the pack
        logger.exception("KPI %s failed for %s %s", definition.code, scope, period)
        return None
    return None if value is None else float(value)


def _area_title(prefix: str) -> str:
    try:
        return str(apps.get_app_config(prefix).verbose_name)
    except LookupError:
        return prefix


def kpi_areas(scope: KpiScope, kind: str, period: periods.Period) -> list[Area]:
    """Every registered KPI with data, grouped by app in registration order, for the period, the one before and
    the same one last year."""
    before, year_ago = periods.previous(kind, period[0]), periods.last_year(kind, period[0])
    areas: dict[str, Area] = {}
    for code, definition in extensions.kpis().items():
        row = KpiRow(definition, _measure(definition, scope, period), _measure(definition, scope, before),
                     _measure(definition, scope, year_ago))
        if row.value is None and row.previous is None and row.last_year is None:
            continue
        prefix = code.split("_", 1)[0]
        areas.setdefault(prefix, Area(prefix, _area_title(prefix))).rows.append(row)
    return list(areas.values())


def pack_goals(scope: PackScope, period: periods.Period) -> list:
    """The goals set for exactly this scope (no person goals) whose period overlaps the pack's."""
    from opsdesk.goals.models import Goal

    return list(Goal.objects.filter(
        company=scope.company, store=scope.store, region=scope.region if scope.store is None else scope.store.region,
        person__isnull=True, period_start__lte=period[1], period_end__gte=period[0],
    ).order_by("period_start", "kpi_code", "pk"))


def pack_exceptions(scope: PackScope, reader) -> list:
    """The top items of the inbox in the scope, as the reader's inbox ranks them."""
    from opsdesk.cockpit.inbox import inbox_for_user

    store_ids = scope.store_ids
    items = inbox_for_user(reader, store_id=scope.store.pk if scope.store is not None else None)
    if store_ids is not None:
        items = [item for item in items if item.store_id in set(store_ids)]
    return items[:TOP_EXCEPTIONS]


def _closing_fields() -> list[tuple[type[models.Model], str]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("opsdesk.") or config.label in NOT_ACTIONS:
            continue
        for model in config.get_models():
            names = {f.name for f in model._meta.get_fields()}
            if "store" not in names:
                continue
            for name in CLOSING_FIELDS:
                if name in names and isinstance(model._meta.get_field(name), models.DateTimeField):
                    found.append((model, name))
    return found


def actions_taken(scope: PackScope, period: periods.Period) -> list[tuple[type[models.Model], str, int]]:
    """What was closed, resolved, completed or done in the scope's stores during the period: (model, timestamp
    field, count), from
    every store row with such a timestamp (corrective actions closed, complaints resolved, checklists completed...)."""
    start = timezone.make_aware(datetime.combine(period[0], time.min))
    end = timezone.make_aware(datetime.combine(period[1], time.max))
    rows = []
    kpi_scope = scope.kpi_scope
    for model, name in _closing_fields():
        queryset = kpi_scope.restrict(model._default_manager.all())
        count = queryset.filter(**{f"{name}__gte": start, f"{name}__lte": end}).count()
        if count:
            rows.append((model, name, count))
    return rows


def pack_decisions(scope: PackScope, period: periods.Period) -> list:
    """Decisions of the scope's meetings done in the period (actions taken) — the reports app's own."""
    from opsdesk.reports.models import MeetingDecision

    start = timezone.make_aware(datetime.combine(period[0], time.min))
    end = timezone.make_aware(datetime.combine(period[1], time.max))
    return list(MeetingDecision.objects.filter(
        meeting__company=scope.company, meeting__store=scope.store,
        meeting__region=scope.region if scope.store is None else scope.store.region,
        status=DecisionStatusChoices.DONE, done_at__gte=start, done_at__lte=end).select_related("owner"))


@dataclass
class PackForecast:
    """The sales forecast of a pack's scope: the latest run (None: no run yet), its weekly totals with the 80 %
    band for the weeks after the period, and the accuracy of earlier runs over the last finished weeks."""

    run: object | None
    weeks: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)


def weeks_ahead(period: periods.Period) -> list[periods.Period]:
    """The ISO weeks after a pack's period: from the first Monday after its last day."""
    monday = period[1] + timedelta(days=7 - period[1].weekday())
    return [periods.bounds(PackKindChoices.WEEKLY, monday + timedelta(weeks=n)) for n in range(FORECAST_WEEKS)]


def weeks_finished(period: periods.Period, today: date) -> list[periods.Period]:
    """The last whole ISO weeks ending by the period's last day and before today, oldest first."""
    last = min(period[1], today - timedelta(days=1))
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    return [periods.bounds(PackKindChoices.WEEKLY, sunday - timedelta(weeks=n))
            for n in range(ACCURACY_WEEKS - 1, -1, -1)]


def pack_forecast(scope: PackScope, period: periods.Period, *, today: date | None = None) -> PackForecast:
    """The scope's sales forecast for the weeks after the period and the forecasts' accuracy up to its end."""
    from opsdesk.forecasting import selectors as forecasts

    today = today or timezone.localdate()
    run, weeks = forecasts.sales_forecast_weeks(company_id=scope.company.pk, store_ids=scope.store_ids,
                                                weeks=weeks_ahead(period))
    if run is None:
        return PackForecast(run=None)
    accuracy = forecasts.sales_forecast_accuracy(company_id=scope.company.pk, store_ids=scope.store_ids,
                                                 weeks=weeks_finished(period, today))
    return PackForecast(run=run, weeks=weeks, accuracy=accuracy)


def pack_content(scope: PackScope, kind: str, period: periods.Period, *, reader) -> Pack:
    """Everything a pack says about a scope and a period (the reader's inbox gives the exceptions)."""
    return Pack(scope=scope, kind=kind, period=period, previous=periods.previous(kind, period[0]),
                last_year=periods.last_year(kind, period[0]), areas=kpi_areas(scope.kpi_scope, kind, period),
                goals=pack_goals(scope, period), exceptions=pack_exceptions(scope, reader),
                actions=actions_taken(scope, period), decisions=pack_decisions(scope, period),
                forecast=pack_forecast(scope, period))


# --- the document -------------------------------------------------------------------------------------------------

def format_value(value: float | None, unit: str) -> str:
    from opsdesk.goals.services import format_value as goal_format

    return goal_format(value, unit)


def change_text(value: float | None, base: float | None, unit: str, direction: str) -> str:
    """How the value moved from `base`, with a direction-aware mark: "+12.5% 好转" / "-1.0 pt 变差"; percentages
    move in points, everything else relative to the base."""
    if value is None or base is None:
        return "—"
    difference = value - base
    if unit == "%":
        text = f"{difference:+.1f} pt"
    elif base:
        text = f"{difference / abs(base) * 100:+.1f}%"
    else:
        text = f"{difference:+.1f}"
    if abs(difference) < 1e-9:
        mark = _("持平")
    elif (difference > 0) == (direction == "higher"):
        mark = _("好转")
    else:
        mark = _("变差")
    return f"{text} {mark}"


def pack_title(scope: PackScope, kind: str, period: periods.Period) -> str:
    return f"{PackKindChoices(kind).label} · {scope.label} · {periods.code(kind, period[0])}"


def _kpi_table(area: Area, language: str) -> Table:
    header = [_("指标"), _("本期"), _("上期"), _("环比"), _("去年同期"), _("同比")]
    rows = []
    for row in area.rows:
        unit, direction = row.definition.unit, row.definition.direction
        rows.append([row.definition.name(language), format_value(row.value, unit), format_value(row.previous, unit),
                     change_text(row.value, row.previous, unit, direction), format_value(row.last_year, unit),
                     change_text(row.value, row.last_year, unit, direction)])
    return Table(header, rows, numeric=(1, 2, 3, 4, 5))


def _goal_table(goals: list) -> Table:
    from opsdesk.goals.services import format_value as goal_format

    rows = []
    for goal in goals:
        unit = goal.definition.unit if goal.definition else ""
        rows.append([goal.title, f"{goal.period_start} – {goal.period_end}", goal_format(goal.target, unit),
                     goal_format(goal.actual, unit), goal_format(goal.projection, unit),
                     str(goal.get_status_display())])
    return Table([_("目标"), _("周期"), _("目标值"), _("至今实际"), _("期末预计"), _("状态")], rows,
                 numeric=(2, 3, 4))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _forecast_blocks(forecast: PackForecast) -> list:
    """The forecast section: the weeks ahead with their band, then the accuracy of the finished weeks."""
    blocks: list = [Heading(_("销售预测"))]
    if forecast.run is None:
        return [*blocks, Paragraph(_("还没有预测运行，本范围没有销售预测。"), muted=True)]
    run = forecast.run
    blocks.append(Paragraph(_("最新预测运行：历史截至 %(origin)s，预测 %(horizon)s 天；区间为 80%% 预测区间。") % {
        "origin": run.origin.isoformat(), "horizon": run.horizon}, muted=True))
    if forecast.weeks:
        header = [_("周"), _("起止日期"), _("已预测天数"), _("预测销售额"), _("下限（80%）"), _("上限（80%）")]
        blocks.append(Table(header, [
            [periods.code(PackKindChoices.WEEKLY, week.start), f"{week.start} – {week.end}", f"{week.days}/7",
             format_value(week.forecast, "currency"), format_value(week.lower, "currency"),
             format_value(week.upper, "currency")] for week in forecast.weeks], numeric=(2, 3, 4, 5)))
    else:
        blocks.append(Paragraph(_("最新预测运行不覆盖本期之后的几周。"), muted=True))
    blocks.append(Heading(_("预测准确度"), level=3))
    if not forecast.accuracy:
        blocks.append(Paragraph(_("已结束的各周没有事先做出的预测，暂无准确度。"), muted=True))
        return blocks
    blocks.append(Table([_("周"), _("预测起点"), _("预测销售额"), _("实际销售额"), "WAPE", _("预测偏差")], [
        [periods.code(PackKindChoices.WEEKLY, week.start), week.origin.isoformat(),
         format_value(week.forecast, "currency"), format_value(week.actual, "currency"),
         "—" if week.wape is None else f"{week.wape * 100:.1f}%", _percent(week.bias)]
        for week in forecast.accuracy], numeric=(2, 3, 4, 5)))
    blocks.append(Paragraph(_("WAPE = Σ|预测 − 实际| ÷ Σ实际（按门店逐日）；"
                              "偏差 = (Σ预测 − Σ实际) ÷ Σ实际，正数表示预测偏高。"), muted=True))
    return blocks


def pack_document(pack: Pack, language: str, *, generated_at: datetime | None = None) -> Document:
    """The pack as a document in `language`."""
    with translation.override(language):
        generated = timezone.localtime(generated_at or timezone.now())
        document = Document(title=pack_title(pack.scope, pack.kind, pack.period), language=language, meta=[
            (_("范围"), pack.scope.label), (_("周期"), periods.label(pack.kind, pack.period)),
            (_("上期"), periods.label(pack.kind, pack.previous)),
            (_("去年同期"), periods.label(pack.kind, pack.last_year)),
            (_("生成时间"), generated.strftime("%Y-%m-%d %H:%M"))])
        document.add(Heading(_("目标进展")))
        document.add(_goal_table(pack.goals) if pack.goals else Paragraph(_("本范围在本期没有目标。"), muted=True))
        for area in pack.areas:
            document.add(Heading(_area_title(area.prefix)), _kpi_table(area, language))
        if not pack.areas:
            document.add(Paragraph(_("本期没有可计量的指标数据。"), muted=True))
        if pack.forecast is not None:
            document.add(*_forecast_blocks(pack.forecast))
        document.add(Heading(_("异常与待办")))
        document.add(Table([_("事项"), _("门店"), _("严重程度"), _("截止"), _("负责人")], [
            [str(item.title), str(item.store_name), str(item.severity_label),
             timezone.localtime(item.due).strftime("%Y-%m-%d") if item.due else "—",
             item.owner.display_name if item.owner else "—"] for item in pack.exceptions])
            if pack.exceptions else Paragraph(_("没有待办事项。"), muted=True))
        document.add(Heading(_("本期已采取的行动")))
        lines = [f"{model._meta.verbose_name_plural} · {model._meta.get_field(name).verbose_name}: {count}"
                 for model, name, count in pack.actions]
        done = _("会议决议已完成")
        lines += [f"{done}: {decision.text}" + (f" ({decision.owner.display_name})" if decision.owner else "")
                  for decision in pack.decisions]
        document.add(Bullets(lines) if lines else Paragraph(_("本期没有记录的行动。"), muted=True))
        return document


def period_choice(kind: str, text: str | None, today: date) -> periods.Period:
    """The period a page asks for (its code), else the period just ended; ValueError for a bad code."""
    if kind not in PackKindChoices.values:
        raise ValueError(kind)
    return periods.parse(kind, text) if text else periods.just_ended(kind, today)


def meeting_document(meeting, language: str) -> Document:
    """The minutes of a meeting as a document in `language`."""
    with translation.override(language):
        document = Document(title=meeting.title, subtitle=_("会议纪要"), language=language, meta=[
            (_("会议日期"), meeting.held_on.isoformat()), (_("范围"), meeting.scope_label),
            (_("参会人"), "、".join(person.display_name for person in meeting.attendees.order_by("username")) or "—")])
        document.add(Heading(_("纪要")))
        document.add(*[Paragraph(text) for text in meeting.notes.splitlines() if text.strip()]
                     or [Paragraph("—", muted=True)])
        document.add(Heading(_("决议")))
        decisions = list(meeting.decisions.select_related("owner").order_by("pk"))
        document.add(Table([_("决议"), _("负责人"), _("截止日期"), _("状态")], [
            [decision.text, decision.owner.display_name if decision.owner else "—",
             decision.due_on.isoformat() if decision.due_on else "—", str(decision.get_status_display())]
            for decision in decisions]) if decisions else Paragraph(_("没有决议。"), muted=True))
        return document
