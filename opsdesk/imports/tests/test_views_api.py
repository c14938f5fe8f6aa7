"""The web flow (upload -> mapping -> background job -> live report) and the API, as a signed-in user."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from opsdesk.core.testing.factories import make_user
from opsdesk.imports.models import ImportBatch, MappingProfile
from opsdesk.imports.tests.factories import make_batch
from opsdesk.sales.models import SkuDaySales

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CSV = "门店编号,商品编码,日期,数量,单价\nS1,P1,2024-05-01,2,3.5\nS9,P1,2024-05-01,1,3.5\n".encode("gbk")


@pytest.fixture
def coo(chain, client):
    user = make_user("coo", company=chain["company"])
    client.force_login(user)
    return user


@override_settings(TASKS=IMMEDIATE)
def test_upload_map_save_profile_and_run_in_the_background(chain, coo, client, django_capture_on_commit_callbacks):
    # given: a GBK file uploaded through the page
    upload = SimpleUploadedFile("销售.csv", CSV, "text/csv")
    response = client.post("/imports/new/", {"kind": "sku_day_sales", "file": upload, "encoding": ""})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/batches/{batch.pk}/mapping/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "S9" in page.content.decode()
    assert (batch.status, batch.encoding, batch.mapping["store"]) == ("draft", "gb18030", "门店编号")
    # when: the user keeps the guessed mapping, saves it as a profile and starts the import
    data = {f"column_{name}": column for name, column in batch.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/imports/batches/{batch.pk}/mapping/", {**data, "save_as": "收银A", "source": "POS"})
    # then
    batch.refresh_from_db()
    assert started.status_code == 302
    assert started["Location"] == f"/imports/batches/{batch.pk}/"
    assert (batch.status, batch.rows_read, batch.rows_committed, batch.rows_quarantined) == ("committed", 2, 1, 1)
    assert MappingProfile.objects.get().name == "收银A"
    assert SkuDaySales.objects.count() == 1
    detail = client.get(f"/imports/batches/{batch.pk}/").content.decode()
    assert "未知门店编号" in detail
    assert "读取 = 写入 + 隔离 + 跳过重复" in detail


def test_mapping_page_reports_missing_required_fields(chain, coo, client):
    # given
    batch = make_batch(chain["company"], coo, status="draft")
    # when: the date column is unmapped
    response = client.post(
        f"/imports/batches/{batch.pk}/mapping/",
        {
            "column_store": "门店编号",
            "column_product": "商品编码",
            "column_quantity": "数量",
            "column_unit_price": "单价",
        },
    )
    # then
    assert response.status_code == 400
    assert "必填字段“日期”（date）没有对应的列" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_progress_partial_polls_while_running_and_lists_export(chain, coo, client, media_root):
    # given: a running batch with a progress report on disk
    from opsdesk.imports.pipeline import Counts, Progress

    batch = make_batch(chain["company"], coo, status="running")
    Progress(batch.pk, 1000).update(Counts(rows_read=500), 500, "validate")
    # when
    partial = client.get(f"/imports/batches/{batch.pk}/progress/")
    listing = client.get("/imports/?export=xlsx")
    csv_listing = client.get("/imports/?export=csv")
    # then
    body = partial.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "50.0%" in body
    assert listing.status_code == 200
    assert listing["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "sales.csv" in b"".join(csv_listing.streaming_content).decode("utf-8-sig")


@override_settings(TASKS=IMMEDIATE)
def test_api_upload_runs_and_reports(chain, coo, client, django_capture_on_commit_callbacks):
    # given
    payload = {
        "kind": "sku_day_sales",
        "file_name": "sales.csv",
        "content_base64": base64.b64encode(CSV.decode("gbk").encode()).decode(),
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/imports/batches/", payload, content_type="application/json")
    batch_id = created.json()["id"]
    detail = client.get(f"/api/v1/imports/batches/{batch_id}/").json()
    quarantine = client.get(f"/api/v1/imports/batches/{batch_id}/quarantine/").json()
    again = client.post("/api/v1/imports/batches/", payload, content_type="application/json").json()
    # then
    assert created.status_code == 200
    assert (detail["status"], detail["rows_committed"], detail["rows_quarantined"], detail["is_balanced"]) == (
        "committed",
        1,
        1,
        True,
    )
    assert [(row["row_number"], row["column"], row["reason"]) for row in quarantine["items"]] == [
        (3, "门店编号", "未知门店编号")
    ]
    assert (again["status"], again["duplicate_of_id"]) == ("duplicate", batch_id)


def test_api_rejects_master_data_from_a_store_manager(chain, client):
    # given
    manager = make_user("store_manager", stores=[chain["stores"]["S1"]])
    client.force_login(manager)
    payload = {
        "kind": "products",
        "file_name": "p.csv",
        "content_base64": base64.b64encode(b"sku,name,price\nA,B,1\n").decode(),
    }
    # when
    response = client.post("/api/v1/imports/batches/", payload, content_type="application/json")
    # then
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


def test_scoped_user_sees_only_their_own_batches(chain, client):
    # given
    manager = make_user("store_manager", stores=[chain["stores"]["S1"]])
    other = make_user("supervisor", stores=[chain["stores"]["S1"]])
    mine, theirs = make_batch(chain["company"], manager), make_batch(chain["company"], other)
    client.force_login(manager)
    # when
    listing = client.get("/imports/").content.decode()
    hidden = client.get(f"/imports/batches/{theirs.pk}/")
    # then
    assert f'href="/imports/batches/{mine.pk}/"' in listing
    assert f'href="/imports/batches/{theirs.pk}/"' not in listing
    assert hidden.status_code == 404


@override_settings(TASKS=IMMEDIATE)
def test_the_create_missing_checkbox_creates_the_store_and_the_report_lists_it(
        chain, coo, client, django_capture_on_commit_callbacks):
    # given: a file naming store S9, which is not a master yet
    upload = SimpleUploadedFile("销售.csv", CSV, "text/csv")
    client.post("/imports/new/", {"kind": "sku_day_sales", "file": upload, "encoding": ""})
    batch = ImportBatch.objects.get()
    assert 'name="create_missing"' in client.get(f"/imports/batches/{batch.pk}/mapping/").content.decode()
    data = {f"column_{name}": column for name, column in batch.mapping.items()}
    # when: the box is ticked
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/batches/{batch.pk}/mapping/", {**data, "create_missing": "on"})
    # then: both rows are written, the store is created and the report says so
    batch.refresh_from_db()
    assert (batch.status, batch.rows_committed, batch.defaults["@create_missing"]) == ("committed", 2, "1")
    assert batch.report["masters"] == {"created": {"stores": ["S9"]}}
    detail = client.get(f"/imports/batches/{batch.pk}/").content.decode()
    assert "已创建 1 个门店: S9" in detail
    assert "已汇总：商品日销售 0 行、门店日销售 2 行新增或更新" in detail
    api = client.get(f"/api/v1/imports/batches/{batch.pk}/").json()
    assert api["report"]["masters"] == {"created": {"stores": ["S9"]}}


def test_the_mapping_page_of_a_master_file_says_what_happens_to_fields_without_a_column(chain, coo, client):
    # given: a stores file with cities only, and a sales file
    cities = SimpleUploadedFile("stores.csv", b"Store,Region,City\nN1,R1,X\n", "text/csv")
    client.post("/imports/new/", {"kind": "stores", "encoding": "", "file": cities})
    client.post("/imports/new/", {"kind": "sku_day_sales", "file": SimpleUploadedFile("s.csv", CSV, "text/csv"),
                                  "encoding": ""})
    stores, sales = ImportBatch.objects.order_by("pk")
    # when
    master_page = client.get(f"/imports/batches/{stores.pk}/mapping/").content.decode()
    sales_page = client.get(f"/imports/batches/{sales.pk}/mapping/").content.decode()
    # then: only the master file's page explains it
    note = "已有的记录只更新文件中有列（或设了固定值）的字段，其余字段保持不变；新记录的其余字段取默认值。"
    assert f'<p class="form-text" id="mapping-master-note" style="max-width: 60rem">{note}</p>' in master_page
    assert 'id="mapping-master-note"' not in sales_page
