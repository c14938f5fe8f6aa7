"""The work plan as a document (DOCX, PDF, Markdown, HTML through `opsdesk.core.documents`), built from the plan's
content (live, or the frozen snapshot of a version) in the active language: goals, measures per area, the quarterly
schedule, resources and risks with their responses."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opsdesk.core.documents import Bullets, Document, Heading, Paragraph, Table
from opsdesk.goals.choices import GoalStatusChoices, LevelChoices, MeasureAreaChoices, PlanStatusChoices
from opsdesk.goals.choices import ResourceKindChoices as Kind
from opsdesk.goals.services import format_value

QUARTERS = (1, 2, 3, 4)
MARK = "●"


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _link_labels() -> dict[str, str]:
    return {"project": _("项目"), "training_plan": _("培训计划"), "risk": _("风险"), "risk_action": _("应对行动")}


def period_label(content: dict) -> str:
    if content.get("quarter"):
        return _("%(year)s 年第 %(quarter)s 季度") % {"year": content["year"], "quarter": content["quarter"]}
    return _("%(year)s 年度") % {"year": content["year"]}


def scope_label(content: dict) -> str:
    return _("全公司") if content.get("level") == LevelChoices.COMPANY else content.get("scope", "")


def _goal_blocks(goals: list[dict], language: str) -> list:
    if not goals:
        return [Paragraph(_("本范围和周期尚无目标。"), muted=True)]
    rows = []
    for goal in goals:
        unit = goal["unit"]
        probability = "—" if goal["probability"] is None else f"{goal['probability'] * 100:.0f}%"
        rows.append([goal["title"], goal["kpi_name"].get("en" if language.startswith("en") else "zh-hans", ""),
                     f"{goal['period_start']} – {goal['period_end']}", format_value(goal["target"], unit),
                     format_value(goal["actual"], unit), format_value(goal["projection"], unit), probability,
                     _label(GoalStatusChoices, goal["status"])])
    table = Table([pgettext("goals", "目标"), pgettext("goals", "指标"), _("周期"), pgettext("goals", "目标值"),
                   _("至今实际"), _("期末预计"), _("达成概率"), _("状态")], rows, numeric=(3, 4, 5, 6))
    key = "en" if language.startswith("en") else "zh-hans"
    notes = [f"{goal['title']}: {goal['explanation'].get(key) or _('暂无数据')}" for goal in goals]
    return [table, Bullets(notes)]


def _measure_blocks(measures: list[dict]) -> list:
    blocks = []
    links = _link_labels()
    for area in MeasureAreaChoices:
        rows = [[m["title"], m["owner"] or "—", " ".join(f"Q{q}" for q in m["quarters"]),
                 "; ".join(f"{links.get(link['kind'], link['kind'])}: {link['label']}" for link in m["links"]) or "—",
                 m["description"]] for m in measures if m["area"] == area]
        blocks.append(Heading(str(area.label), level=3))
        if rows:
            blocks.append(Table([_("措施"), _("负责人"), _("季度"), _("关联"), _("说明")], rows))
        else:
            blocks.append(Paragraph(_("暂无措施。"), muted=True))
    return blocks


def _schedule_block(measures: list[dict]) -> Table:
    rows = [[_label(MeasureAreaChoices, m["area"]), m["title"],
             *[MARK if quarter in m["quarters"] else "" for quarter in QUARTERS]] for m in measures]
    return Table([_("领域"), _("措施"), *[f"Q{q}" for q in QUARTERS]], rows)


def _resource_blocks(resources: list[dict]) -> list:
    if not resources:
        return [Paragraph(_("暂无资源。"), muted=True)]
    rows = [[_label(Kind, r["kind"]), r["description"], "" if r["amount"] is None else f"{float(r['amount']):,.2f}",
             r["budget_line"] or "—"] for r in resources]
    total = sum(float(r["amount"]) for r in resources if r["amount"] is not None)
    rows.append([_("合计"), "", f"{total:,.2f}", ""])
    return [Table([_("类型"), _("说明"), _("金额"), _("预算行")], rows, numeric=(2,))]


def _risk_blocks(risks: list[dict]) -> list:
    from opsdesk.risks.choices import ActionStatusChoices, TreatmentChoices
    from opsdesk.risks.choices import LevelChoices as RiskLevelChoices

    if not risks:
        return [Paragraph(_("风险登记册中暂无本范围的未关闭风险。"), muted=True)]
    rows = []
    for risk in risks:
        responses = "; ".join(f"{a['title']} ({a['owner'] or '—'}, {a['due']}, "
                              f"{_label(ActionStatusChoices, a['status'])})" for a in risk["actions"]) or "—"
        rows.append([risk["code"], risk["title"], risk["scope"], _label(RiskLevelChoices, risk["level"]),
                     str(risk["score"]), _label(TreatmentChoices, risk["treatment"]), responses])
    return [Table([_("编号"), _("风险"), _("范围"), _("剩余等级"), _("剩余分值"), _("应对策略"), _("应对行动")],
                  rows, numeric=(4,))]


def plan_document(content: dict, *, language: str, version: dict | None = None) -> Document:
    """The plan document in the active language. `version`: number, status, submitted_by, submitted_at,
    decided_by, decided_at, comment (a frozen version), or None for the live plan."""
    meta = [(_("范围"), scope_label(content)), (_("周期"), period_label(content)),
            (_("负责人"), content.get("owner") or "—")]
    if version is None:
        meta += [(_("版本"), _("v%(number)s（当前）") % {"number": content.get("version", 1)})]
    else:
        meta += [(_("版本"), f"v{version['number']}"), (_("状态"), _label(PlanStatusChoices, version["status"])),
                 (_("提交"), f"{version['submitted_by']} · {version['submitted_at']}")]
        if version.get("decided_by"):
            meta.append((_("审批"), f"{version['decided_by']} · {version['decided_at']}"))
        if version.get("comment"):
            meta.append((_("审批意见"), version["comment"]))
    meta.append((_("生成时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")))
    document = Document(content["title"], subtitle=f"{scope_label(content)} · {period_label(content)}", meta=meta,
                        language=language)
    if content.get("summary"):
        document.add(Paragraph(content["summary"]))
    document.add(Heading(_("一、目标")), *_goal_blocks(content["goals"], language))
    document.add(Heading(_("二、分领域措施")), *_measure_blocks(content["measures"]))
    document.add(Heading(_("三、季度安排")), _schedule_block(content["measures"]))
    document.add(Heading(_("四、资源")), *_resource_blocks(content["resources"]))
    document.add(Heading(_("五、风险与应对")), *_risk_blocks(content["risks"]))
    return document


def version_facts(version) -> dict:
    """The facts of a frozen version printed with its document."""
    return {"number": version.number, "status": version.status,
            "submitted_by": version.submitted_by.display_name if version.submitted_by else "—",
            "submitted_at": timezone.localtime(version.submitted_at).strftime("%Y-%m-%d %H:%M"),
            "decided_by": version.decided_by.display_name if version.decided_by else "",
            "decided_at": timezone.localtime(version.decided_at).strftime("%Y-%m-%d %H:%M")
            if version.decided_at else "", "comment": version.comment}
