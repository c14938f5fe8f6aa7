"""Take the README tour's screenshots from a running OpsDesk (the demo company), in Debian's Chromium.

Usage: .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots]
"""

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PAGES = [
    ("coo", "cockpit", "/"),
    ("coo", "inbox", "/cockpit/inbox/"),
    ("coo", "stores", "/stores/"),
    ("coo", "store-forecast", "/forecasting/stores/1/"),
    ("coo", "replenishment", "/replenishment/"),
    ("coo", "inventory-health", "/replenishment/health/"),
    ("coo", "replenishment-settings", "/replenishment/settings/"),
    ("coo", "storeops-scorecard", "/storeops/scorecard/"),
    ("coo", "supplier-scorecards", "/purchasing/scorecards/"),
    ("coo", "supplier-overview", "/purchasing/suppliers/31/"),
    ("coo", "supplier-complaints", "/purchasing/complaints/"),
    ("coo", "service-tickets", "/service/tickets/"),
    ("coo", "service-ticket", "/service/tickets/2395/"),
    ("coo", "service-analysis", "/service/analysis/"),
    ("manager_sh001", "service-store-qr", "/service/stores/1/qr/"),
    ("supervisor", "storeops-my", "/storeops/"),
    ("manager_sh001", "store-list-manager", "/stores/"),
    ("coo", "sales-explorer", "/sales/explore/"),
    ("coo", "goals", "/goals/goals/"),
    ("coo", "work-plan", "/goals/plans/1/"),
    ("coo", "report-pack", "/reports/pack/"),
    ("coo", "project-gantt", "/projects/projects/2/gantt/"),
    ("coo", "risk-heat-map", "/risks/heat-map/"),
    ("coo", "budget-pnl", "/budgets/pnl/"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--password", default="opsdesk-demo-2026")
    parser.add_argument("--language", default="zh-hans")
    parser.add_argument("--only", nargs="*", default=None, help="take only these screenshots (names)")
    args = parser.parse_args()
    pages = [page for page in PAGES if args.only is None or page[1] in args.only]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("OPSDESK_CHROMIUM", "/usr/bin/chromium"),
                                             headless=True, args=ARGS)
        for username in dict.fromkeys(user for user, _name, _path in pages):
            context = browser.new_context(base_url=args.base, viewport={"width": 1360, "height": 900})
            page = context.new_page()
            page.goto("/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            if args.language != "zh-hans":
                page.select_option("#language-form select", args.language)
                page.wait_for_load_state("networkidle")
            for user, name, path in pages:
                if user != username:
                    continue
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # let Plotly draw
                page.screenshot(path=str(out / f"{name}.png"), full_page=False)
                print(f"{name}: {page.title()}")  # noqa: T201
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
