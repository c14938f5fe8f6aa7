"""Browser test: a store manager reports a serious incident from a phone through the incident add page, and the chain
above the store hears of it at once by e-mail, delivered over SMTP to a real (local) SMTP server."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes, policy

import pytest

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.risks.models import Incident

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-pass-2026"
PHONE = {"width": 390, "height": 844}


class _Inbox:
    """aiosmtpd handler keeping every envelope the server accepted."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A local SMTP server on a free port; Django's SMTP backend delivers to it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # aiosmtpd checks its own start by connecting, so it needs a real port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "opsdesk@example.com"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def chain(transactional_db, settings):
    """Store SH020 with its manager, and the supervisor, regional manager and COO above it (all with e-mail); a
    manager of another region who must not hear of it."""
    settings.OPSDESK_BRIEF = {"RK": {}}  # no robots: e-mail only
    company = Company.objects.create(code="RK", name="风险测试连锁")
    east = Region.objects.create(company=company, code="E", name="华东区")
    south = Region.objects.create(company=company, code="S", name="华南区")
    store = Store.objects.create(company=company, region=east, code="SH020", name="上海徐汇店", city="上海")
    other = Store.objects.create(company=company, region=south, code="GZ001", name="广州天河店", city="广州")

    def person(username, role, email, **scope):
        user = User.objects.create_user(username, password=PASSWORD, role=role, company=company, email=email,
                                        language="zh-hans", **scope.pop("fields", {}))
        if "stores" in scope:
            user.scope_stores.set(scope["stores"])
        if "regions" in scope:
            user.scope_regions.set(scope["regions"])
        return user

    person("manager_sh020", "store_manager", "sm@example.com", stores=[store])
    person("supervisor_e", "supervisor", "sv@example.com", stores=[store])
    person("regional_e", "regional_manager", "rm@example.com", regions=[east])
    person("coo", "coo", "coo@example.com", fields={"has_company_scope": True})
    person("manager_gz001", "store_manager", "gz@example.com", stores=[other])
    return store


def _wait_for(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def test_a_store_manager_reports_a_serious_incident_on_a_phone_and_the_chain_is_mailed(
        chain, smtp_server, browser_context, live_server):  # noqa: F811
    # given: the store manager's phone, signed in
    phone = browser_context.browser.new_context(base_url=live_server.url, viewport=PHONE, locale="zh-CN",
                                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, "manager_sh020", PASSWORD)

    # when: the manager opens the incident form
    page.goto("/risks/incidents/add/")
    page.wait_for_load_state("networkidle")

    # then: it is made for reporting on the spot: the time is now (a phone's date-time picker), the store is theirs
    assert page.get_attribute("#id_occurred_at", "type") == "datetime-local"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page.input_value("#id_occurred_at"))
    assert page.input_value("#id_store") == str(chain.pk)

    # when: they report a customer injury as serious and save
    page.select_option("#id_kind", "customer_injury")
    page.select_option("#id_severity", "serious")
    page.fill("#id_title", "顾客在生鲜区滑倒")
    page.fill("#id_description", "生鲜区地面有水，顾客滑倒扭伤脚踝。")
    page.fill("#id_immediate_actions", "已放置警示牌并送医。")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "risks-incident-report-phone")
    page.click("form.kit-edit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/risks/incidents/\d+/$"))
    page.wait_for_load_state("networkidle")

    # then: the form fitted the phone, the incident page says whom it reached, and the mail arrived over SMTP
    assert page_width <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "已于" in page.locator("#incident-notice").inner_text()
    screenshot(page, "risks-incident-reported-phone")
    assert _wait_for(lambda: len(smtp_server.envelopes) == 1)
    envelope = smtp_server.envelopes[0]
    assert sorted(envelope.rcpt_tos) == ["coo@example.com", "rm@example.com", "sm@example.com", "sv@example.com"]
    assert envelope.mail_from == "opsdesk@example.com"
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"].strip() == "【严重事件】SH020 上海徐汇店：顾客在生鲜区滑倒"
    assert "已放置警示牌并送医。" in message.get_content()
    incident = Incident.objects.get()
    assert (incident.store, incident.severity, incident.reporter.username) == (chain, "serious", "manager_sh020")
    assert incident.notified_to == "coo@example.com, rm@example.com, sm@example.com, sv@example.com"
    phone.close()
