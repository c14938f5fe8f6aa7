"""The daily brief delivered by real SMTP (Django's SMTP backend) to a fake server on 127.0.0.1 (aiosmtpd): the
received message exactly, per recipient language; SMTP failures reported without losing the robot webhooks; the
OPSDESK_EMAIL_* settings path (AUTH, STARTTLS, implicit TLS). Nothing leaves the machine."""

import email
import email.policy
import runpy
import shutil
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from opsdesk.cli import main
from opsdesk.cockpit import brief as briefs
from opsdesk.cockpit.jobs import send_daily_briefs
from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import LAST_DAY, make_facts
from opsdesk.cockpit.tests.test_brief import robot  # noqa: F401 (fixture)
from opsdesk.core.models import User

SENDER = "OpsDesk 运营 <brief@opsdesk.test>"
SUBJECT_ZH = f"每日简报 · ACME 连锁 · {LAST_DAY}"
SUBJECT_EN = f"Daily brief · ACME 连锁 · {LAST_DAY}"


class LoopbackController(Controller):
    """aiosmtpd's threaded controller on an ephemeral port: the port the OS chose is read back before the
    controller's readiness probe connects to it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Recorder:
    """The aiosmtpd handler: keeps every envelope; refuses every recipient when `refusal` is set."""

    envelopes: list = field(default_factory=list)
    logins: list = field(default_factory=list)
    refusal: str = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refusal:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((mechanism, auth_data.login.decode(), auth_data.password.decode()))
        # handled=False: aiosmtpd answers "535 ... credentials invalid" itself on failure
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)


@pytest.fixture
def facts(org):
    make_facts([org.stores[c] for c in ("a1", "a2", "b1", "b2")], days=60)
    rollup_refresh(org.company)
    return org


@pytest.fixture
def start_smtp():
    """Start a fake SMTP server on 127.0.0.1 (extra keyword arguments go to aiosmtpd); stopped after the test."""
    controllers = []

    def _start(recorder: Recorder, **options) -> int:
        controller = LoopbackController(recorder, hostname="127.0.0.1", port=0, **options)
        controller.start()
        controllers.append(controller)
        return controller.port

    yield _start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp(settings, start_smtp):
    """A plain fake SMTP server, with Django's SMTP backend pointed at it."""
    recorder = Recorder()
    _use_smtp(settings, start_smtp(recorder))
    return recorder


def _use_smtp(settings, port: int, **options) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = SENDER
    for name, value in options.items():
        setattr(settings, name, value)


def _closed_port() -> socket.socket:
    """A loopback port that is bound but not listening: connections to it are refused."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    return closed


def _parsed(envelope) -> email.message.EmailMessage:
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def _text(part) -> str:
    return part.get_content().replace("\r\n", "\n")


def _structure(message) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def test_brief_email_arrives_over_smtp_as_markdown_html_and_pdf(facts, smtp):
    # given
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo@example.com"])
    # then
    assert (delivery.sent, delivery.failed) == (["email"], {})
    [envelope] = smtp.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("brief@opsdesk.test", ["coo@example.com"])
    message = _parsed(envelope)
    assert (message["From"], message["To"], message["Subject"]) == (SENDER, "coo@example.com", SUBJECT_ZH)
    assert _structure(message) == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                                   "application/pdf"]
    _mixed, _alternative, plain, html, pdf = message.walk()
    assert (plain.get_content_charset(), html.get_content_charset()) == ("utf-8", "utf-8")
    assert (_text(plain), _text(html)) == (briefs.render_markdown(brief), briefs.render_html(brief))
    assert (pdf.get_content_disposition(), pdf.get_filename()) == ("attachment", f"brief-{LAST_DAY}.pdf")
    assert pdf.get_content().startswith(b"%PDF-")
    assert pdf.get_content().rstrip().endswith(b"%%EOF")


def test_brief_email_headers_are_rfc_2047_encoded_utf_8(facts, smtp):
    # given
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    briefs.brief_deliver(brief, emails=["coo@example.com"])
    # then: the raw header block is 7-bit ASCII, the Chinese subject and sender name travel as =?utf-8?...?=
    headers = smtp.envelopes[0].original_content.split(b"\r\n\r\n", 1)[0].decode("ascii")
    raw = email.message_from_string(headers, policy=email.policy.compat32)
    assert raw["Subject"].lower().startswith("=?utf-8?")
    assert raw["From"].lower().startswith("=?utf-8?")
    assert str(email.header.make_header(email.header.decode_header(raw["Subject"]))) == SUBJECT_ZH


def test_each_recipient_gets_the_brief_in_their_own_language(facts, smtp):
    # given: the regional manager reads English; an address with no account gets the brief's language
    User.objects.filter(pk=facts.users["coo"].pk).update(email="coo-brief@example.com", language="zh-hans")
    User.objects.filter(pk=facts.users["regional_manager"].pk).update(email="RM-brief@example.com", language="en")
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    english = briefs.brief_build(company=facts.company, day=LAST_DAY, language="en")
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo-brief@example.com", "rm-brief@example.com",
                                                   "board@example.com"])
    # then
    assert (delivery.sent, delivery.failed) == (["email"], {})
    assert [envelope.rcpt_tos for envelope in smtp.envelopes] == [
        ["coo-brief@example.com", "board@example.com"], ["rm-brief@example.com"]]
    chinese_message, english_message = (_parsed(envelope) for envelope in smtp.envelopes)
    assert (chinese_message["Subject"], english_message["Subject"]) == (SUBJECT_ZH, SUBJECT_EN)
    assert _text(english_message.get_body(("plain",))) == briefs.render_markdown(english)
    assert _text(english_message.get_body(("html",))) == briefs.render_html(english)
    assert _text(chinese_message.get_body(("plain",))) == briefs.render_markdown(brief)


def test_refused_smtp_connection_is_reported_and_the_robots_still_get_the_brief(facts, robot, settings,  # noqa: F811
                                                                               caplog):
    # given
    closed = _closed_port()
    _use_smtp(settings, closed.getsockname()[1])
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    with closed:
        delivery = briefs.brief_deliver(brief, emails=["coo@example.com"], dingtalk=f"{robot.url}/dingtalk",
                                        wecom=f"{robot.url}/wecom")
    # then
    reason = "coo@example.com: ConnectionRefusedError: [Errno 111] Connection refused"
    assert (delivery.sent, delivery.failed) == (["dingtalk", "wecom"], {"email": reason})
    assert [path for path, _body in robot.received] == ["/dingtalk", "/wecom"]
    assert [r.getMessage() for r in caplog.records if r.name == briefs.__name__] == [
        f"brief ACME company {LAST_DAY}: email failed: {reason}"]


def test_smtp_server_refusing_the_recipients_is_reported_and_the_robots_still_get_the_brief(
        facts, robot, smtp):  # noqa: F811
    # given
    smtp.refusal = "550 5.1.1 <coo@example.com>: mailbox unavailable"
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo@example.com"], dingtalk=f"{robot.url}/dingtalk",
                                    wecom=f"{robot.url}/wecom")
    # then
    assert delivery.sent == ["dingtalk", "wecom"]
    assert delivery.failed == {"email": "coo@example.com: SMTPRecipientsRefused: {'coo@example.com': "
                                        "(550, b'5.1.1 <coo@example.com>: mailbox unavailable')}"}
    assert (smtp.envelopes, len(robot.received)) == ([], 2)


def test_brief_command_sends_and_names_the_channel_that_failed(facts, robot, settings, capsys):  # noqa: F811
    # given: SMTP refused, both robots answering
    closed = _closed_port()
    _use_smtp(settings, closed.getsockname()[1])
    settings.OPSDESK_BRIEF = {"emails": ["coo@example.com"], "dingtalk": f"{robot.url}/dingtalk",
                              "wecom": f"{robot.url}/wecom", "company": "ACME"}
    # when
    with closed:
        code = main(["brief", "--company", "ACME", "--date", str(LAST_DAY), "--output", "/dev/null", "--send"])
    # then
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[-1] == "sent to: dingtalk, wecom"
    assert [line for line in err.splitlines() if line.startswith("failed:")] == [
        "failed: email: coo@example.com: ConnectionRefusedError: [Errno 111] Connection refused"]


def test_brief_command_sends_by_smtp(facts, smtp, settings, capsys):
    # given
    settings.OPSDESK_BRIEF = {"emails": ["coo@example.com"], "dingtalk": "", "wecom": "", "company": "ACME"}
    # when
    code = main(["brief", "--company", "ACME", "--date", str(LAST_DAY), "--language", "en", "--output",
                 "/dev/null", "--send"])
    # then
    assert (code, capsys.readouterr().out.splitlines()[-1]) == (0, "sent to: email")
    assert [_parsed(envelope)["Subject"] for envelope in smtp.envelopes] == [SUBJECT_EN]


def test_daily_job_delivers_every_company_brief_by_smtp_and_robots(facts, smtp, robot, settings):  # noqa: F811
    # given: one robot rejects the message
    robot.answers["/wecom"] = (200, b'{"errcode": 93000, "errmsg": "invalid webhook url"}')
    settings.OPSDESK_BRIEF = {
        "ACME": {"emails": ["coo@example.com"], "dingtalk": f"{robot.url}/dingtalk", "wecom": f"{robot.url}/wecom"},
        "OTHER": {"emails": ["boss@other.example"], "dingtalk": f"{robot.url}/dingtalk"},
    }
    # when
    deliveries = briefs.brief_deliver_all(day=LAST_DAY)
    # then: each company's brief reaches its own recipients only
    assert briefs.delivery_summary(deliveries) == {
        "ACME": {"sent": ["email", "dingtalk"], "failed": {"wecom": "errcode 93000: invalid webhook url"}},
        "OTHER": {"sent": ["email", "dingtalk"], "failed": {}}}
    assert [(envelope.rcpt_tos, _parsed(envelope)["Subject"]) for envelope in smtp.envelopes] == [
        (["coo@example.com"], SUBJECT_ZH),
        (["boss@other.example"], f"每日简报 · 外区 · {LAST_DAY}")]  # a company of one region opens on that region


def test_one_channel_set_never_serves_several_companies(facts, smtp, settings, caplog):
    # given: two companies with stores, channels not tied to one of them
    settings.OPSDESK_BRIEF = {"emails": ["coo@example.com"], "dingtalk": "", "wecom": ""}
    # when
    deliveries = briefs.brief_deliver_all(day=LAST_DAY)
    # then
    assert (deliveries, smtp.envelopes) == ({}, [])
    assert "several companies, set OPSDESK_BRIEF_COMPANY" in caplog.text


def test_channels_from_the_environment_serve_the_named_company(facts, settings, monkeypatch):
    # given
    del settings.OPSDESK_BRIEF
    monkeypatch.setenv("OPSDESK_BRIEF_EMAILS", "coo@example.com, ops@example.com")
    monkeypatch.setenv("OPSDESK_BRIEF_COMPANY", "OTHER")
    # when
    acme, other = briefs.channels(facts.company), briefs.channels(facts.other_company)
    # then
    assert acme == {"emails": [], "dingtalk": "", "wecom": ""}
    assert other == {"emails": ["coo@example.com", "ops@example.com"], "dingtalk": "", "wecom": ""}


def test_scheduled_task_returns_each_company_delivery(facts, smtp, settings):
    # given
    settings.OPSDESK_BRIEF = {"emails": ["coo@example.com"], "dingtalk": "", "wecom": "", "company": "ACME"}
    # when
    result = send_daily_briefs.call()
    # then
    assert result == {"ACME": {"sent": ["email"], "failed": {}}}
    assert _parsed(smtp.envelopes[0])["Subject"] == SUBJECT_ZH


def test_mail_settings_come_from_the_opsdesk_email_environment(monkeypatch, tmp_path):
    # given
    for name, value in {"OPSDESK_VAR_DIR": str(tmp_path), "OPSDESK_EMAIL_HOST": "smtp.example.com",
                        "OPSDESK_EMAIL_PORT": "2525", "OPSDESK_EMAIL_USER": "brief",
                        "OPSDESK_EMAIL_PASSWORD": "s3cret", "OPSDESK_EMAIL_TLS": "false",
                        "OPSDESK_EMAIL_FROM": SENDER}.items():
        monkeypatch.setenv(name, value)
    # when
    values = runpy.run_path(str(Path(briefs.__file__).parents[1] / "config" / "settings.py"))
    # then
    assert {name: values[name] for name in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER",
                                            "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL")} == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 2525, "EMAIL_HOST_USER": "brief", "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": False,
        "DEFAULT_FROM_EMAIL": SENDER}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_uses_the_configured_user_and_password(facts, settings, start_smtp):
    # given: a server that requires AUTH (allowed without TLS on loopback for the test)
    recorder = Recorder()
    port = start_smtp(recorder, authenticator=recorder.authenticate, auth_required=True, auth_require_tls=False)
    _use_smtp(settings, port, EMAIL_HOST_USER="brief", EMAIL_HOST_PASSWORD="s3cret")
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo@example.com"])
    # then
    assert (delivery.sent, recorder.logins, len(recorder.envelopes)) == (
        ["email"], [("PLAIN", "brief", "s3cret")], 1)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_wrong_smtp_password_is_reported(facts, settings, start_smtp):
    # given
    recorder = Recorder()
    port = start_smtp(recorder, authenticator=recorder.authenticate, auth_required=True, auth_require_tls=False)
    _use_smtp(settings, port, EMAIL_HOST_USER="brief", EMAIL_HOST_PASSWORD="wrong")
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo@example.com"])
    # then
    assert delivery.sent == []
    assert delivery.failed == {"email": "coo@example.com: SMTPAuthenticationError: (535, b'5.7.8 Authentication "
                                        "credentials invalid')"}
    assert recorder.envelopes == []


@pytest.fixture(scope="module")
def certificate_files(tmp_path_factory):
    """A self-signed certificate and key for 127.0.0.1 (made once per module: RSA key generation takes a while)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def certificate(certificate_files, monkeypatch):
    """The server's TLS context; the client trusts the certificate through SSL_CERT_FILE (OpenSSL reads it
    whenever a default context loads the system CAs, as Django's SMTP backend does)."""
    cert, key = certificate_files
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_starttls_is_used_when_enabled(facts, settings, start_smtp, certificate):
    # given: a server that refuses mail and login before STARTTLS
    recorder = Recorder()
    port = start_smtp(recorder, tls_context=certificate, require_starttls=True,
                      authenticator=recorder.authenticate, auth_required=True)
    _use_smtp(settings, port, EMAIL_USE_TLS=True, EMAIL_HOST_USER="brief", EMAIL_HOST_PASSWORD="s3cret")
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo@example.com"])
    # then
    assert (delivery.sent, recorder.logins, len(recorder.envelopes)) == (
        ["email"], [("PLAIN", "brief", "s3cret")], 1)


def test_implicit_tls_is_used_when_enabled(facts, settings, start_smtp, certificate):
    # given: an SMTPS server (TLS from the first byte)
    recorder = Recorder()
    port = start_smtp(recorder, ssl_context=certificate)
    _use_smtp(settings, port, EMAIL_USE_SSL=True)
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo@example.com"])
    # then
    assert (delivery.sent, _parsed(recorder.envelopes[0])["Subject"]) == (["email"], SUBJECT_ZH)
