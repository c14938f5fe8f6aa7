"""Bench: the COO's inbox page on the demo data (queries and time, cold and memoised, filtered, paged, grouped).

Reproduce (a demo database first: `OPSDESK_VAR_DIR=/tmp/demo_inbox .venv/bin/opsdesk demo --no-serve`):

    OPSDESK_VAR_DIR=/tmp/demo_inbox .venv/bin/python -m opsdesk.cockpit.bench.inbox [username] [sku_lines]

Prints one line per request: what was asked, the status, the number of SQL queries and the wall time. `sku_lines`
adds that many synthetic single-SKU lines (a grouped provider, spread over the user's stores) for a database
without a replenishment plan: the stockout provider's shape, to measure grouping and paging at scale.
"""

from __future__ import annotations

import os
import sys
import time


class _SkuLines:
    name = "bench_sku"
    label = "SKU"
    group_by_store = True

    def __init__(self, stores, count: int):
        self.stores, self.count = stores, count

    def items_for_user(self, user, now):
        from datetime import timedelta

        from opsdesk.core.inbox_items import InboxItem, end_of_day

        return [InboxItem(provider=self.name, key=str(n), title=f"SKU {n}", severity=3 + n % 2,
                          due=end_of_day(now.date() + timedelta(days=n % 5)), store_id=store.pk,
                          store_name=str(store), company_id=store.company_id, link="/")
                for n, store in ((n, self.stores[n % len(self.stores)]) for n in range(self.count))]

    def item_for_user(self, user, key, now):
        return None


def main(username: str = "coo", sku_lines: str = "0") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from opsdesk.cockpit import inbox
    from opsdesk.core.models import User

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(username=username)
    if int(sku_lines):
        from opsdesk.core.models import Store

        inbox.register(_SkuLines(list(Store.objects.for_user(user).order_by("pk")), int(sku_lines)))
    client = Client()
    client.force_login(user)
    everything = inbox.inbox_for_user(user, now=None)
    counts: dict[str, int] = {}
    for item in everything:
        counts[item.provider] = counts.get(item.provider, 0) + 1
    print(f"user {username}: {len(everything)} inbox items from {len(inbox.providers())} providers: {counts}")  # noqa: T201
    body = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "inbox-body"}
    requests = [
        ("cold (no memo)", "/cockpit/inbox/", {}, 0),
        ("first, memo on", "/cockpit/inbox/", {}, 30),
        ("memoised", "/cockpit/inbox/", {}, 30),
        ("htmx: type=corrective_action", "/cockpit/inbox/?type=corrective_action", body, 30),
        ("htmx: due=overdue page 2", "/cockpit/inbox/?due=overdue&page=2", body, 30),
    ]
    for label, url, headers, seconds in requests:
        settings.OPSDESK_INBOX_CACHE_SECONDS = seconds
        if seconds == 0:
            inbox._MEMO.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, **headers)
            elapsed = time.perf_counter() - start
        line = (f"{label:34} {response.status_code} {len(queries):4d} queries {elapsed * 1000:8.0f} ms "
                f"{len(response.content) // 1024:5d} KiB")
        print(line)  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:3])
