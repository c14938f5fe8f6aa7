"""The "online_reviews" import kind: reviews become online-review tickets, once, and bad rows are quarantined."""

from __future__ import annotations

import csv

import pytest
import time_machine

from opsdesk.imports.services import import_run
from opsdesk.service.models import Ticket
from opsdesk.service.tests.conftest import local

HEADER = ["日期", "门店编号", "评分", "评价内容", "平台", "评价编号"]
ROWS = [
    ["2025-03-01", "A1", "5", "店员很热情，帮忙找到了想要的商品", "美团", "MT-1001"],
    ["2025-03-02", "A1", "2", "收银排队太久，只开了两个收银台", "大众点评", "DP-77"],
    ["2025-03-02", "B1", "1", "买到过期牛奶", "", ""],
    ["2025-03-03", "ZZ", "4", "不错", "美团", "MT-1002"],
    ["2025-03-03", "A2", "7", "非常好", "美团", "MT-1003"],
]


@pytest.fixture
def review_file(tmp_path):
    def _write(name: str, rows: list[list[str]]):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([HEADER, *rows])
        return path

    return _write


def _import(svc, path):
    with time_machine.travel(local(2025, 3, 10, 12), tick=False):
        return import_run(actor=svc["admin"], company=svc["company"], kind="online_reviews", path=path)


def test_reviews_become_tickets_once_and_bad_rows_are_quarantined(svc, review_file):
    # given
    path = review_file("reviews.csv", ROWS)
    # when
    batch = _import(svc, path)
    # then: three tickets, two rows quarantined with row, column and reason
    assert (batch.status, batch.rows_read, batch.rows_committed, batch.rows_quarantined) == ("committed", 5, 3, 2)
    assert list(batch.quarantine.order_by("row_number").values_list("row_number", "column", "value", "reason")) == [
        (5, "门店编号", "ZZ", "未知门店编号"), (6, "评分", "7", "评分应为 1 到 5")]
    tickets = Ticket.objects.filter(company=svc["company"]).order_by("received_at", "pk")
    assert list(tickets.values_list("store__code", "channel", "type", "category__code", "rating", "received_at")) == [
        ("A1", "online_review", "praise", "other", 5, local(2025, 3, 1)),
        ("A1", "online_review", "complaint", "other", 2, local(2025, 3, 2)),
        ("B1", "online_review", "complaint", "other", 1, local(2025, 3, 2)),
    ]
    assert [ticket.owner for ticket in tickets] == [svc["manager"], svc["manager"], svc["manager_b"]]
    assert tickets[0].title == "美团 #MT-1001：店员很热情，帮忙找到了想要的商品"
    assert list(tickets.values_list("number", flat=True)) == ["T2025-000001", "T2025-000002", "T2025-000003"]


def test_reimport_never_duplicates(svc, review_file):
    # given: a first import, then the same file again, then a corrected file with one new review
    _import(svc, review_file("reviews.csv", ROWS))
    again = _import(svc, review_file("reviews.csv", ROWS))
    fixed = [*ROWS[:3], ["2025-03-03", "A2", "3", "非常好", "美团", "MT-1003"]]
    # when
    corrected = _import(svc, review_file("reviews-fixed.csv", fixed))
    # then: the same file is recognised; the corrected one adds only the new review
    assert again.status == "duplicate"
    assert (corrected.status, corrected.rows_read, corrected.rows_quarantined) == ("committed", 4, 0)
    assert Ticket.objects.filter(company=svc["company"]).count() == 4
    assert list(Ticket.objects.filter(store=svc["a2"]).values_list("type", "rating")) == [("complaint", 3)]


def test_reviews_without_an_id_are_keyed_by_store_date_and_text(svc, review_file):
    # given: the same review twice in one file, and a second file repeating it with another rating
    rows = [["2025-03-02", "A1", "2", "地面湿滑", "", ""], ["2025-03-02", "A1", "2", "地面湿滑", "", ""]]
    first = _import(svc, review_file("a.csv", rows))
    # when
    second = _import(svc, review_file("b.csv", [["2025-03-02", "A1", "1", "地面湿滑", "", ""]]))
    # then
    assert (first.rows_committed, first.rows_skipped_duplicates) == (1, 1)
    assert second.status == "committed"
    assert Ticket.objects.filter(store=svc["a1"]).count() == 1


def test_store_manager_imports_only_their_stores_reviews(svc, review_file):
    # given: the manager of a1 imports reviews of a1 and b1
    path = review_file("mine.csv", ROWS[:3])
    # when
    with time_machine.travel(local(2025, 3, 10, 12), tick=False):
        batch = import_run(actor=svc["manager"], company=svc["company"], kind="online_reviews", path=path)
    # then
    assert list(batch.quarantine.values_list("row_number", "reason")) == [(4, "未知门店编号")]
    assert set(Ticket.objects.values_list("store__code", flat=True)) == {"A1"}


def test_an_imported_past_review_is_received_on_its_date_but_its_sla_starts_on_import(org):
    # given: a two-week-old one-star review
    from datetime import timedelta

    from django.utils import timezone

    from opsdesk.service.imports import ReviewWriter, review_key
    from opsdesk.service.models import Ticket
    from opsdesk.service.selectors import ticket_sla

    day = timezone.localdate() - timedelta(days=14)
    record = {"date": day, "store": org.stores["a1"].pk, "rating": 1, "text": "菜是凉的", "platform": "美团",
              "review_id": "R1"}
    record["review_key"] = review_key(record)
    batch = type("Batch", (), {"company_id": org.company.pk, "created_by": org.users["coo"]})()
    # when: imported twice
    ReviewWriter(batch).write([record])
    ReviewWriter(batch).write([record])
    # then
    ticket = Ticket.objects.get()
    first, resolution = ticket_sla(ticket)
    assert timezone.localtime(ticket.received_at).date() == day
    assert ticket.external_ref == f"review:{record['review_key']}"
    assert ticket.sla_started_at >= timezone.now() - timedelta(minutes=5)
    assert not first.is_breached
    assert not resolution.is_breached
