"""The daily brief: figures from the rollups, Markdown / HTML / PDF, delivered by e-mail and robot webhooks to a
fake endpoint on 127.0.0.1 (nothing leaves the machine)."""

import json
import threading
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


@pytest.fixture
def robot():
    """A fake group-robot endpoint on loopback that records the JSON bodies it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
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
    url, received = robot
    brief = briefs.brief_build(company=facts.company, day=LAST_DAY)
    # when
    sent = briefs.brief_deliver(brief, emails=["coo@example.com"], dingtalk=f"{url}/dingtalk?token=t",
                                wecom=f"{url}/wecom?key=k")
    # then
    assert sent == ["email", "dingtalk", "wecom"]
    assert [m.to for m in mail.outbox] == [["coo@example.com"]]
    assert [a[0] for a in mail.outbox[0].attachments] == [f"brief-{LAST_DAY}.pdf"]
    assert [(path, body["msgtype"]) for path, body in received] == [
        ("/dingtalk?token=t", "markdown"), ("/wecom?key=k", "markdown")]
    assert received[0][1]["markdown"]["text"] == briefs.render_markdown(brief)
    assert received[1][1]["markdown"]["content"] == briefs.render_markdown(brief)


def test_brief_command_writes_markdown(facts, tmp_path, capsys):
    # given
    output = tmp_path / "brief.md"
    # when
    code = main(["brief", "--company", "ACME", "--scope", "store:A1", "--date", str(LAST_DAY), "--output",
                 str(output)])
    # then
    assert code == 0
    assert output.read_text(encoding="utf-8").startswith(f"## 每日简报 · A1 上海一店 · {LAST_DAY}")
