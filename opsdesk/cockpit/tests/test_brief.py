"""The daily brief: figures from the rollups, Markdown / HTML / PDF, delivered by e-mail and robot webhooks to a
fake endpoint on 127.0.0.1 (nothing leaves the machine)."""

import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db.models import Sum

from opsdesk.cli import main
from opsdesk.cockpit import brief as briefs
from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import LAST_DAY, make_facts
from opsdesk.sales.models import StoreDaySales


@pytest.fixture
def facts(org):
    make_facts([org.stores[c] for c in ("a1", "a2", "b1", "b2")], days=60)
    rollup_refresh(org.company)
    return org


@dataclass
class Robot:
    """A fake group robot: its base URL, the (path, JSON body) pairs received, and the answers per path."""

    url: str
    received: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)


@pytest.fixture
def robot():
    """A fake group-robot endpoint on loopback that records the JSON bodies it receives and answers like DingTalk
    and WeCom ({"errcode": 0, "errmsg": "ok"}) unless `answers[path]` says otherwise."""
    fake = Robot("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            fake.received.append((self.path, json.loads(body)))
            status, answer = fake.answers.get(self.path.partition("?")[0], (200, b'{"errcode": 0, "errmsg": "ok"}'))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    yield fake
    server.shutdown()
    server.server_close()


def test_brief_reports_yesterday_against_target_and_last_week(facts):
    # given
    stores = [facts.stores["a1"], facts.stores["a2"]]
    # when
    brief = briefs.brief_build(company=facts.company, scope="region:RA", day=LAST_DAY)
    # then
    day_sales = StoreDaySales.objects.filter(store__in=stores, date=LAST_DAY).aggregate(s=Sum("sales_amount"))["s"]
    week_sales = StoreDaySales.objects.filter(store__in=stores, date=LAST_DAY - timedelta(days=7)).aggregate(
        s=Sum("sales_amount"))["s"]
    assert (brief.scope_label, brief.sales, brief.previous_week, brief.target) == (
        "华东区", float(day_sales), float(week_sales), 2000.0)


def test_brief_renders_markdown_html_and_pdf_in_both_languages(facts):
    # given
    chinese = briefs.brief_build(company=facts.company, day=LAST_DAY)
    english = briefs.brief_build(company=facts.company, day=LAST_DAY, language="en")
    # when
    markdown, html, pdf = briefs.render_markdown(chinese), briefs.render_html(chinese), briefs.render_pdf(chinese)
    # then
    assert markdown.startswith(f"## 每日简报 · ACME 连锁 · {LAST_DAY}")
    assert "最优先的待办" in html
    assert pdf.startswith(b"%PDF")
    assert briefs.render_markdown(english).startswith(f"## Daily brief · ACME 连锁 · {LAST_DAY}")


def test_brief_is_delivered_by_email_dingtalk_and_wecom(facts, robot, settings):
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, emails=["coo@example.com"], dingtalk=f"{robot.url}/dingtalk?token=t",
                                    wecom=f"{robot.url}/wecom?key=k")
    # then
    assert (delivery.sent, delivery.failed, delivery.is_complete) == (["email", "dingtalk", "wecom"], {}, True)
    assert [m.to for m in mail.outbox] == [["coo@example.com"]]
    assert [a[0] for a in mail.outbox[0].attachments] == [f"brief-{LAST_DAY}.pdf"]
    assert [(path, body["msgtype"]) for path, body in robot.received] == [
        ("/dingtalk?token=t", "markdown"), ("/wecom?key=k", "markdown")]
    assert robot.received[0][1]["markdown"] == {"title": f"每日简报 · ACME 连锁 · {LAST_DAY}",
                                                "text": briefs.render_markdown(brief)}
    assert robot.received[1][1]["markdown"]["content"] == briefs.render_markdown(brief)


@pytest.mark.parametrize(("answer", "reason"), [
    ((200, b'{"errcode": 310000, "errmsg": "keywords not in content"}'), "errcode 310000: keywords not in content"),
    ((200, b'{"errcode": 93000, "errmsg": "invalid webhook url"}'), "errcode 93000: invalid webhook url"),
    ((500, b'{"error": "boom"}'), "HTTP 500 Internal Server Error"),
    ((200, b"<html>gateway</html>"), "HTTP 200 but not JSON: b'<html>gateway</html>'"),
])
def test_a_robot_that_rejects_the_brief_is_reported_and_the_other_robot_still_gets_it(facts, robot, caplog, answer,
                                                                                      reason):
    # given: DingTalk answers with an error; WeCom answers {"errcode": 0}
    robot.answers["/dingtalk"] = answer
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    delivery = briefs.brief_deliver(brief, dingtalk=f"{robot.url}/dingtalk?token=t", wecom=f"{robot.url}/wecom?key=k")
    # then
    assert (delivery.sent, delivery.failed, delivery.is_complete) == (["wecom"], {"dingtalk": reason}, False)
    assert [path for path, _body in robot.received] == ["/dingtalk?token=t", "/wecom?key=k"]
    assert [r.getMessage() for r in caplog.records if r.name == briefs.__name__] == [
        f"brief ACME company {LAST_DAY}: dingtalk failed: {reason}"]


def test_a_robot_that_does_not_answer_times_out_and_the_other_robot_still_gets_it(facts, robot, monkeypatch):
    # given: a loopback socket that accepts connections (the kernel's backlog) but never answers
    monkeypatch.setattr(briefs, "WEBHOOK_TIMEOUT", 0.2)
    silent = socket.create_server(("127.0.0.1", 0))
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    with silent:
        delivery = briefs.brief_deliver(brief, dingtalk=f"{robot.url}/dingtalk",
                                        wecom=f"http://127.0.0.1:{silent.getsockname()[1]}/wecom")
    # then
    assert (delivery.sent, delivery.failed) == (["dingtalk"], {"wecom": "TimeoutError: timed out"})


def test_a_robot_on_a_closed_port_is_reported_and_the_other_robot_still_gets_it(facts, robot):
    # given: a port bound on loopback but not listening refuses connections
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    with closed:
        delivery = briefs.brief_deliver(brief, dingtalk=f"http://127.0.0.1:{closed.getsockname()[1]}/dingtalk",
                                        wecom=f"{robot.url}/wecom")
    # then
    assert (delivery.sent, delivery.failed) == (
        ["wecom"], {"dingtalk": "ConnectionRefusedError: [Errno 111] Connection refused"})


def test_brief_command_writes_markdown(facts, tmp_path, capsys):
    # given
    output = tmp_path / "brief.md"
    # when
    code = main(["brief", "--company", "ACME", "--scope", "store:A1", "--date", str(LAST_DAY), "--output",
                 str(output)])
    # then
    assert code == 0
    assert output.read_text(encoding="utf-8").startswith(f"## 每日简报 · A1 上海一店 · {LAST_DAY}")
