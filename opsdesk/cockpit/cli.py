"""`opsdesk brief`: render (and optionally send) the daily brief of a scope."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def cmd_brief(args: argparse.Namespace) -> int:
    from opsdesk.cli import _company, _setup_database

    _setup_database()
    from opsdesk.cockpit import brief as briefs

    company = _company(args.company)
    day = date.fromisoformat(args.date) if args.date else None
    brief = briefs.brief_build(company=company, scope=args.scope, day=day, language=args.language)
    if args.format == "pdf":
        output = Path(args.output or f"brief-{brief.day}.pdf")
        output.write_bytes(briefs.render_pdf(brief))
        print(f"brief written to {output}")  # noqa: T201 (command output)
    else:
        text = briefs.render_markdown(brief) if args.format == "md" else briefs.render_html(brief)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"brief written to {args.output}")  # noqa: T201 (command output)
        else:
            print(text)  # noqa: T201 (command output)
    if args.send:
        return _send(briefs, brief)
    return 0


def _send(briefs, brief) -> int:
    """Deliver to the configured channels; each failed channel is named with its reason, and the exit code is 1."""
    delivery = briefs.brief_deliver(brief, **briefs.channels(brief.company))
    if not delivery.sent and not delivery.failed:
        print("sent to: no channel configured")  # noqa: T201 (command output)
        return 0
    print(f"sent to: {', '.join(delivery.sent) or 'none'}")  # noqa: T201 (command output)
    for channel, reason in delivery.failed.items():
        print(f"failed: {channel}: {reason}", file=sys.stderr)  # noqa: T201 (command output)
    return 1 if delivery.failed else 0


def add_commands(commands) -> None:
    brief = commands.add_parser("brief", help="render the daily brief of a scope (Markdown, HTML or PDF)")
    brief.add_argument("--company", help="company code (needed when there are several)")
    brief.add_argument("--scope", default="company", help="company, region:<code> or store:<code>")
    brief.add_argument("--date", help="the day to report (YYYY-MM-DD; default: the last day with sales)")
    brief.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
    brief.add_argument("--format", default="md", choices=["md", "html", "pdf"])
    brief.add_argument("--output", help="write to this file instead of the terminal")
    brief.add_argument("--send", action="store_true", help="also deliver to the configured e-mail and webhooks "
                       "(exit code 1 when a channel fails)")
    brief.set_defaults(func=cmd_brief)
