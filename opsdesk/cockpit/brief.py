"""The daily brief of a scope: yesterday against target, what changed, the top actions; rendered as an HTML email,
Markdown and PDF, delivered by SMTP and DingTalk / WeCom group-robot webhooks.

Channels are configured per company (see `channels()`): the environment's OPSDESK_BRIEF_EMAILS (comma
separated), OPSDESK_BRIEF_DINGTALK_WEBHOOK and OPSDESK_BRIEF_WECOM_WEBHOOK serve one company (OPSDESK_BRIEF_COMPANY,
or the only one), `settings.OPSDESK_BRIEF` can give each company its own.

E-mail goes through Django's mail backend, set up in opsdesk/config/settings.py from the environment:
OPSDESK_EMAIL_HOST (SMTP when set; otherwise messages are written to var/mail/ and nothing leaves the machine),
OPSDESK_EMAIL_PORT (default 587), OPSDESK_EMAIL_USER and OPSDESK_EMAIL_PASSWORD (SMTP AUTH when both are set),
OPSDESK_EMAIL_TLS (STARTTLS, default on; the server certificate is verified against the system CAs),
OPSDESK_EMAIL_SSL (implicit TLS, SMTPS on port 465; turns STARTTLS off unless OPSDESK_EMAIL_TLS says otherwise)
and OPSDESK_EMAIL_FROM (the sender, default "OpsDesk <opsdesk@localhost>"). Each address receives the brief in the
interface language of the company's active user with that address (the brief's own language for anyone else): one
message per language, multipart/alternative (Markdown text and HTML) with the PDF attached.

Every channel is tried on its own: a refused SMTP connection, an HTTP error, a timeout or a robot answering a
non-zero `errcode` is logged and returned in `BriefDelivery.failed`, and the other channels are still served.
"""

from __future__ import annotations

import io
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from opsdesk.cockpit import selectors
from opsdesk.cockpit.inbox import inbox_for_user
from opsdesk.core import extensions, formatting
from opsdesk.core.models import Company, Region, Store, User

# The channel configuration and the robot POST are shared with urgent notices (opsdesk.core.notify).
from opsdesk.core.notify import CHANNEL_KEYS, channels  # noqa: F401
from opsdesk.core.notify import DeliveryError as BriefDeliveryError
from opsdesk.core.notify import post_robot as _post_robot
from opsdesk.core.pdf import cjk_font

logger = logging.getLogger(__name__)
TOP_ACTIONS = 5
TOP_MOVERS = 3
WEBHOOK_TIMEOUT = 10


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
    scope: str = "company"
    sections: list[extensions.BriefSection] = field(default_factory=list)  # the domain apps' parts
    data_note: str = ""  # set when the latest day is incomplete (the brief then reports the last complete day)

    @property
    def target_pct(self) -> float | None:
        return self.sales / self.target * 100 if self.target else None

    @property
    def week_change_pct(self) -> float | None:
        return (self.sales - self.previous_week) / self.previous_week * 100 if self.previous_week else None


def system_user(company: Company) -> User:
    """The account whose view of the company unattended output takes (its COO, else an administrator)."""
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
    user = system_user(company)
    region_id, store_id = resolve_scope(company, scope)
    with translation.override(language):
        view = selectors.scope_for(user, region_id=region_id, store_id=store_id)
        status = selectors.data_status(user, view)
        note = ""
        if day is None and status is not None:
            day = status["shown"]
            if status["is_partial"]:
                note = _("%(latest)s 仅 %(reporting)s / %(expected)s 家门店上报，未计入；"
                         "简报按最近完整的一天 %(shown)s。") % {
                    "latest": status["latest"], "reporting": status["reporting"], "expected": status["expected"],
                    "shown": status["shown"]}
        if day is None:
            return Brief(company, view.label, date.today(), language, scope=scope)
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
        store_ids = None if region_id is None and store_id is None else tuple(overview["scope"].store_ids)
        return Brief(company, overview["scope"].label, day, language, sales=float(tiles["today"]["sales"]),
                     target=float(tiles["today"]["target"]), last_year=float(tiles["today"]["last_year"]),
                     previous_week=float(week_before["tiles"]["today"]["sales"]),
                     mtd_sales=float(tiles["mtd"]["sales"]), mtd_target_pct=tiles["mtd"]["target_pct"],
                     margin_pct=tiles["margin_pct"], movers=_movers(overview, day), actions=actions, scope=scope,
                     sections=brief_sections(company.pk, store_ids, day, language), data_note=note)


def brief_sections(company_id: int, store_ids: tuple[int, ...] | None, day: date, language: str
                   ) -> list[extensions.BriefSection]:
    """The sections the domain apps registered, in registration order; one that fails is logged and left out (the
    brief still goes out)."""
    sections = []
    for function in extensions.brief_section_functions():
        try:
            section = function(company_id, store_ids, day, language)
        except Exception:  # a domain app's bug must not stop the brief
            logger.exception("brief section %s failed", getattr(function, "__qualname__", function))
            continue
        if section is not None:
            sections.append(section)
    return sections


def _pct(value: float | None) -> str:
    return formatting.percent(value)


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown (the group-robot message)."""
    with translation.override(brief.language):
        lines = [f"## {_('每日简报')} · {brief.scope_label} · {brief.day}", "",
                 *([f"> {brief.data_note}", ""] if brief.data_note else []),
                 f"- {_('销售额')}: **{formatting.money(brief.sales)}** ({_('目标达成')} {_pct(brief.target_pct)}, "
                 f"{_('环比上周同日')} {_pct(brief.week_change_pct)})",
                 f"- {_('去年同日')}: {formatting.money(brief.last_year)}",
                 f"- {_('本月累计')}: {formatting.money(brief.mtd_sales)} "
                 f"({_('目标达成')} {_pct(brief.mtd_target_pct)})",
                 f"- {_('本月毛利率')}: {_pct(brief.margin_pct)}", "", f"### {_('变化')}"]
        lines += [f"- {m['store']}: {_('同比')} {_pct(m['growth_pct'])}" for m in brief.movers] or ["- —"]
        lines += ["", f"### {_('最优先的待办')}"]
        lines += [f"{i}. [{a['severity']}] {a['title']} · {a['store']} · {a['owner']}"
                  for i, a in enumerate(brief.actions, start=1)] or ["- " + _("没有待办事项。")]
        for section in brief.sections:
            lines += ["", f"### {section.title}", *[f"- {line}" for line in section.lines or ["—"]]]
        return "\n".join(lines) + "\n"


def render_html(brief: Brief) -> str:
    """The brief as an HTML e-mail body (inline styles only)."""
    with translation.override(brief.language):
        return render_to_string("cockpit/brief_email.html", {"brief": brief})


def render_pdf(brief: Brief) -> bytes:
    """The brief as PDF (xhtml2pdf, with the Chinese font of opsdesk.core.pdf)."""
    from xhtml2pdf import pisa

    font = cjk_font()
    output = io.BytesIO()
    # The font goes on <html> too: xhtml2pdf lays out the <title> text with the root element's font.
    html = render_html(brief).replace("<html", f'<html style="font-family: {font}"', 1)
    html = html.replace("<body", f'<body style="font-family: {font}"', 1)
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8", link_callback=lambda uri, rel: "")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return output.getvalue()


@dataclass
class BriefDelivery:
    """What one delivery did: the channels that took the brief, and each failed channel with the reason."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return not self.failed


def _language(code: str | None, default: str) -> str:
    try:
        return translation.get_supported_language_variant(code) if code else default
    except LookupError:
        return default


def recipient_languages(company: Company, emails: list[str], default: str) -> dict[str, list[str]]:
    """The addresses grouped by language: a company user's interface language, `default` for anyone else."""
    default = _language(default, settings.LANGUAGE_CODE)
    match = Q(pk__in=[])
    for address in emails:
        match |= Q(email__iexact=address)
    known = {email.lower(): language for email, language in User.objects.filter(
        match, company=company, is_active=True).order_by("pk").values_list("email", "language")}
    groups: dict[str, list[str]] = {}
    for address in emails:
        groups.setdefault(_language(known.get(address.lower()), default), []).append(address)
    return groups


def brief_subject(brief: Brief) -> str:
    """The e-mail subject and robot title: "每日简报 · <scope> · <day>" in the brief's language."""
    with translation.override(brief.language):
        return f"{_('每日简报')} · {brief.scope_label} · {brief.day}"


def brief_email(brief: Brief, recipients: list[str]) -> EmailMultiAlternatives:
    """The e-mail of a brief: Markdown text and HTML alternatives, the PDF attached."""
    message = EmailMultiAlternatives(subject=brief_subject(brief), body=render_markdown(brief), to=list(recipients))
    message.attach_alternative(render_html(brief), "text/html")
    message.attach(f"brief-{brief.day}.pdf", render_pdf(brief), "application/pdf")
    return message


def _reason(error: BaseException) -> str:
    if isinstance(error, BriefDeliveryError):
        return str(error)
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    return f"{type(error).__name__}: {error}"


def _send_email(brief: Brief, emails: list[str]) -> None:
    """One message per recipient language; a group that fails does not stop the next one."""
    errors = []
    for language, recipients in recipient_languages(brief.company, emails, brief.language).items():
        try:
            variant = brief if language == _language(brief.language, language) else brief_build(
                company=brief.company, scope=brief.scope, day=brief.day, language=language)
            brief_email(variant, recipients).send()
        except Exception as error:  # reported with the recipients it concerns
            errors.append(f"{', '.join(recipients)}: {_reason(error)}")
    if errors:
        raise BriefDeliveryError("; ".join(errors))


def brief_deliver(brief: Brief, *, emails: list[str] = (), dingtalk: str = "", wecom: str = "") -> BriefDelivery:
    """Send the brief to every given channel, each on its own: a failed channel is logged and reported in the
    result, and the others are still served."""
    markdown, title = render_markdown(brief), brief_subject(brief)
    attempts: list[tuple[str, Callable[[], None]]] = []
    if emails:
        attempts.append(("email", lambda: _send_email(brief, list(emails))))
    if dingtalk:
        attempts.append(("dingtalk", lambda: _post_robot(
            dingtalk, {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}})))
    if wecom:
        attempts.append(("wecom", lambda: _post_robot(
            wecom, {"msgtype": "markdown", "markdown": {"content": markdown}})))
    delivery = BriefDelivery()
    for channel, send in attempts:
        try:
            send()
        except Exception as error:  # one channel's failure must not lose the others
            delivery.failed[channel] = _reason(error)
            logger.error("brief %s %s %s: %s failed: %s", brief.company.code, brief.scope, brief.day, channel,
                         delivery.failed[channel], exc_info=not isinstance(error, OSError | BriefDeliveryError))
        else:
            delivery.sent.append(channel)
    return delivery


def brief_deliver_all(day: date | None = None) -> dict[str, BriefDelivery]:
    """The daily job: each company's brief to the configured channels; returns each company's delivery (a brief
    that cannot be built is reported as the failed channel "build"). Failures are logged, never raised."""
    deliveries = {}
    for company in Company.objects.filter(stores__isnull=False).distinct().order_by("code"):
        config = channels(company)
        if not any(config.values()):
            continue
        try:
            brief = brief_build(company=company, day=day, language=settings.LANGUAGE_CODE)
        except Exception as error:  # the next company still gets its brief
            logger.exception("daily brief of %s could not be built", company.code)
            deliveries[company.code] = BriefDelivery(failed={"build": _reason(error)})
            continue
        deliveries[company.code] = brief_deliver(brief, **config)
    return deliveries


def delivery_summary(deliveries: dict[str, BriefDelivery]) -> dict[str, dict]:
    """The deliveries as plain data (the task result)."""
    return {code: asdict(delivery) for code, delivery in deliveries.items()}
