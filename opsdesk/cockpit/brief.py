"""The daily brief of a scope: yesterday against target, what changed, the top actions; rendered as an HTML email,
Markdown and PDF, delivered by SMTP and DingTalk / WeCom group-robot webhooks.

Channels come from the environment (or `settings.OPSDESK_BRIEF`): OPSDESK_BRIEF_EMAILS (comma separated),
OPSDESK_BRIEF_DINGTALK_WEBHOOK, OPSDESK_BRIEF_WECOM_WEBHOOK.
"""

from __future__ import annotations

import io
import json
import logging
import os
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from opsdesk.cockpit import selectors
from opsdesk.cockpit.inbox import inbox_for_user
from opsdesk.core.models import Company, Region, Store, User

logger = logging.getLogger(__name__)
TOP_ACTIONS = 5
TOP_MOVERS = 3
WEBHOOK_TIMEOUT = 10
_FONT = "STSong-Light"


@dataclass
class Brief:
    """One scope's brief for one day (all figures from the rollups)."""

    company: Company
    scope_label: str
    day: date
    language: str
    sales: float = 0.0
    target: float = 0.0
    last_year: float = 0.0
    previous_week: float = 0.0
    mtd_sales: float = 0.0
    mtd_target_pct: float | None = None
    margin_pct: float | None = None
    movers: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)

    @property
    def target_pct(self) -> float | None:
        return self.sales / self.target * 100 if self.target else None

    @property
    def week_change_pct(self) -> float | None:
        return (self.sales - self.previous_week) / self.previous_week * 100 if self.previous_week else None


def _system_user(company: Company) -> User:
    user = User.objects.filter(company=company, has_company_scope=True, is_active=True,
                               role__in=["coo", "admin"]).order_by("role", "pk").first()
    if user is None:
        raise ValueError(_("公司 %(company)s 没有全公司范围的运营官或管理员账号。") % {"company": company.code})
    return user


def resolve_scope(company: Company, scope: str) -> tuple[int | None, int | None]:
    """"company", "region:<code>" or "store:<code>" -> (region_id, store_id)."""
    kind, _sep, code = scope.partition(":")
    if kind == "company":
        return None, None
    if kind == "region":
        return Region.objects.get(company=company, code=code).pk, None
    if kind == "store":
        return None, Store.objects.get(company=company, code=code).pk
    raise ValueError(f"unknown scope {scope!r}: use company, region:<code> or store:<code>")


def _movers(overview: dict, day: date) -> list[dict]:
    rows = [row for row in overview["league"] if row["growth_pct"] is not None]
    rows.sort(key=lambda row: row["growth_pct"])
    picked = rows[:TOP_MOVERS] + [row for row in rows[-TOP_MOVERS:] if row not in rows[:TOP_MOVERS]]
    return [{"store": str(row["store"]), "growth_pct": row["growth_pct"], "target_pct": row["target_pct"]}
            for row in picked]


def brief_build(*, company: Company, scope: str = "company", day: date | None = None,
                language: str = "zh-hans") -> Brief:
    """The brief of `scope` for `day` (default: the last day with actuals), in `language`."""
    user = _system_user(company)
    region_id, store_id = resolve_scope(company, scope)
    with translation.override(language):
        view = selectors.scope_for(user, region_id=region_id, store_id=store_id)
        day = day or selectors.as_of(user, view)
        if day is None:
            return Brief(company, view.label, date.today(), language)
        overview = selectors.cockpit_overview(user=user, region_id=region_id, store_id=store_id, today=day)
        week_before = selectors.cockpit_overview(user=user, region_id=region_id, store_id=store_id,
                                                 today=day - timedelta(days=7))
        tiles = overview["tiles"]
        items = inbox_for_user(user, store_id=store_id)
        if region_id is not None:
            stores = set(overview["scope"].store_ids)
            items = [item for item in items if item.store_id in stores]
        actions = [{"title": item.title, "store": item.store_name, "severity": item.severity_label,
                    "due": item.due, "owner": item.owner.display_name if item.owner else "", "why": item.reasons}
                   for item in items[:TOP_ACTIONS]]
        return Brief(company, overview["scope"].label, day, language, sales=float(tiles["today"]["sales"]),
                     target=float(tiles["today"]["target"]), last_year=float(tiles["today"]["last_year"]),
                     previous_week=float(week_before["tiles"]["today"]["sales"]),
                     mtd_sales=float(tiles["mtd"]["sales"]), mtd_target_pct=tiles["mtd"]["target_pct"],
                     margin_pct=tiles["margin_pct"], movers=_movers(overview, day), actions=actions)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown (the group-robot message)."""
    with translation.override(brief.language):
        lines = [f"## {_('每日简报')} · {brief.scope_label} · {brief.day}", "",
                 f"- {_('销售额')}: **{brief.sales:,.0f}** ({_('目标达成')} {_pct(brief.target_pct)}, "
                 f"{_('环比上周同日')} {_pct(brief.week_change_pct)})",
                 f"- {_('去年同日')}: {brief.last_year:,.0f}",
                 f"- {_('本月累计')}: {brief.mtd_sales:,.0f} ({_('目标达成')} {_pct(brief.mtd_target_pct)})",
                 f"- {_('本月毛利率')}: {_pct(brief.margin_pct)}", "", f"### {_('变化')}"]
        lines += [f"- {m['store']}: {_('同比')} {_pct(m['growth_pct'])}" for m in brief.movers] or ["- —"]
        lines += ["", f"### {_('最优先的待办')}"]
        lines += [f"{i}. [{a['severity']}] {a['title']} · {a['store']} · {a['owner']}"
                  for i, a in enumerate(brief.actions, start=1)] or ["- " + _("没有待办事项。")]
        return "\n".join(lines) + "\n"


def render_html(brief: Brief) -> str:
    """The brief as an HTML e-mail body (inline styles only)."""
    with translation.override(brief.language):
        return render_to_string("cockpit/brief_email.html", {"brief": brief})


def render_pdf(brief: Brief) -> bytes:
    """The brief as PDF (xhtml2pdf, with a CJK font every viewer has)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from xhtml2pdf import pisa

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    output = io.BytesIO()
    html = render_html(brief).replace("<body", f'<body style="font-family: {_FONT}"', 1)
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8", link_callback=lambda uri, rel: "")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return output.getvalue()


def channels() -> dict:
    """Where briefs go: e-mail addresses and robot webhooks (settings.OPSDESK_BRIEF, else the environment)."""
    configured = getattr(settings, "OPSDESK_BRIEF", None)
    if configured is not None:
        return configured
    emails = [e.strip() for e in os.environ.get("OPSDESK_BRIEF_EMAILS", "").split(",") if e.strip()]
    return {"emails": emails, "dingtalk": os.environ.get("OPSDESK_BRIEF_DINGTALK_WEBHOOK", ""),
            "wecom": os.environ.get("OPSDESK_BRIEF_WECOM_WEBHOOK", "")}


def _post_json(url: str, payload: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (configured URL)
        return response.status


def brief_deliver(brief: Brief, *, emails: list[str] = (), dingtalk: str = "", wecom: str = "") -> list[str]:
    """Send the brief to every given channel; returns the channels that accepted it."""
    markdown = render_markdown(brief)
    title = f"{brief.scope_label} {brief.day}"
    sent = []
    if emails:
        message = EmailMultiAlternatives(subject=title, body=markdown, to=list(emails))
        message.attach_alternative(render_html(brief), "text/html")
        message.attach(f"brief-{brief.day}.pdf", render_pdf(brief), "application/pdf")
        message.send()
        sent.append("email")
    if dingtalk:
        _post_json(dingtalk, {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}})
        sent.append("dingtalk")
    if wecom:
        _post_json(wecom, {"msgtype": "markdown", "markdown": {"content": markdown}})
        sent.append("wecom")
    return sent


def brief_deliver_all(day: date | None = None) -> int:
    """The daily job: each company's brief to the configured channels (failures are logged, not raised)."""
    config = channels()
    if not any(config.values()):
        return 0
    count = 0
    for company in Company.objects.filter(stores__isnull=False).distinct():
        try:
            brief = brief_build(company=company, day=day, language=settings.LANGUAGE_CODE)
            brief_deliver(brief, **config)
            count += 1
        except Exception:
            logger.exception("daily brief of %s failed", company.code)
    return count
