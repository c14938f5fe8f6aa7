"""`opsdesk report-pack`: build (and optionally send) a report pack; it runs the `report_pack` management command.

Wired into `opsdesk/cli.py` like the cockpit's `add_commands`; `opsdesk manage report_pack ...` does the same."""

from __future__ import annotations

import argparse


def cmd_report_pack(args: argparse.Namespace) -> int:
    from opsdesk.cli import _setup_database

    _setup_database()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    options = {"kind": args.kind, "scope": args.scope, "language": args.language, "send": args.send}
    if args.company:
        options["company"] = args.company
    if args.period:
        options["period"] = args.period
    try:
        call_command("report_pack", **options)
    except CommandError as error:
        print(f"error: {error}")  # noqa: T201 (command output)
        return 1
    return 0


def add_commands(commands) -> None:
    pack = commands.add_parser("report-pack", help="build the weekly or monthly report pack of a scope")
    pack.add_argument("--company", help="company code (needed when there are several)")
    pack.add_argument("--kind", default="weekly", choices=["weekly", "monthly"])
    pack.add_argument("--scope", default="company", help="company, region:<code> or store:<code>")
    pack.add_argument("--period", help="2026-W48 or 2026-11 (default: the period just ended)")
    pack.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
    pack.add_argument("--send", action="store_true", help="also send to the company's e-mail and robots")
    pack.set_defaults(func=cmd_report_pack)
