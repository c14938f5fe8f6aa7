"""Messages that must reach people at once (a serious incident, ...): e-mail to named users and the company's
group robots (DingTalk / WeCom), each channel tried on its own so one failure never stops the others.

The company's robot webhooks and brief e-mail addresses are its "channels" (see `channels`): the daily brief and
urgent notices use the same configuration.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10
CHANNEL_KEYS = ("emails", "dingtalk", "wecom")


class DeliveryError(Exception):
    """A channel answered but did not take the message (HTTP status, robot error code)."""


def _flat_channels(config: dict) -> dict:
    return {"emails": list(config.get("emails") or []), "dingtalk": config.get("dingtalk") or "",
            "wecom": config.get("wecom") or ""}


def channels(company) -> dict:
    """Where a company's messages go: e-mail addresses and robot webhooks.

    `settings.OPSDESK_BRIEF` is either one channel set ({"emails": [...], "dingtalk": url, "wecom": url}, optionally
    with "company": code) or channel sets per company code ({"ACME": {...}, "OTHER": {...}}). Without it the
    environment gives one channel set: OPSDESK_BRIEF_EMAILS (comma separated), OPSDESK_BRIEF_DINGTALK_WEBHOOK,
    OPSDESK_BRIEF_WECOM_WEBHOOK, for the company OPSDESK_BRIEF_COMPANY. One channel set serves one company only —
    the one named, or the only company with stores — so no company's figures ever reach another's recipients.
    """
    from opsdesk.core.models import Company

    configured = getattr(settings, "OPSDESK_BRIEF", None)
    if configured is None:
        configured = {"emails": [e.strip() for e in os.environ.get("OPSDESK_BRIEF_EMAILS", "").split(",") if e.strip()],
                      "dingtalk": os.environ.get("OPSDESK_BRIEF_DINGTALK_WEBHOOK", ""),
                      "wecom": os.environ.get("OPSDESK_BRIEF_WECOM_WEBHOOK", ""),
                      "company": os.environ.get("OPSDESK_BRIEF_COMPANY", "")}
    if not any(key in configured for key in CHANNEL_KEYS):  # channel sets per company code
        return _flat_channels(configured.get(company.code) or {})
    named = configured.get("company") or ""
    if named:
        return _flat_channels(configured) if named == company.code else _flat_channels({})
    with_stores = list(Company.objects.filter(stores__isnull=False).distinct().values_list("code", flat=True)[:2])
    if with_stores == [company.code]:
        return _flat_channels(configured)
    if any(configured.get(key) for key in CHANNEL_KEYS):
        logger.warning("channels not used for %s: several companies, set OPSDESK_BRIEF_COMPANY or configure "
                       "channels per company", company.code)
    return _flat_channels({})


def post_robot(url: str, payload: dict) -> None:
    """POST a group-robot message. Anything but HTTP 200 with a JSON answer whose `errcode` is 0 (or absent) fails:
    DingTalk and WeCom answer HTTP 200 even when they reject a message, e.g. {"errcode": 310000, ...}."""
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (configured URL)
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} {error.reason}") from error
    if status != 200:
        raise DeliveryError(f"HTTP {status}")
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise DeliveryError(f"HTTP 200 but not JSON: {body[:200]!r}") from error
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {answer['errcode']}: {answer.get('errmsg', '')}")


@dataclass
class Notice:
    """What an urgent notice reached: the e-mail recipients, the robots, and each failure with its reason."""

    emails: list[str] = field(default_factory=list)
    robots: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def notify(company, *, subject: str, body: str, users=()) -> Notice:
    """E-mail `users` (those with an address) and post to the company's robots, each on its own."""
    notice = Notice()
    addresses = sorted({user.email for user in users if user is not None and user.email})
    if addresses:
        try:
            send_mail(subject, body, None, addresses, fail_silently=False)
            notice.emails = addresses
        except Exception as error:  # noqa: BLE001 (an SMTP failure must not stop the robots)
            notice.failures.append(f"email: {error}")
    configured = channels(company)
    text = f"### {subject}\n\n{body}"
    for name, url, payload in (
        ("dingtalk", configured["dingtalk"], {"msgtype": "markdown", "markdown": {"title": subject, "text": text}}),
        ("wecom", configured["wecom"], {"msgtype": "markdown", "markdown": {"content": text}}),
    ):
        if not url:
            continue
        try:
            post_robot(url, payload)
            notice.robots.append(name)
        except (DeliveryError, OSError) as error:
            notice.failures.append(f"{name}: {error}")
    for failure in notice.failures:
        logger.warning("notice %r: %s", subject, failure)
    return notice
