"""Hardening of file reading: decompression bombs, huge lines, fields, rows and sheets, duplicated headers, the
streaming preview; refusals name the file and the limit (web: a form error; command line: exit 2)."""

import gzip
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from opsdesk.cli import main
from opsdesk.core.testing.factories import make_user
from opsdesk.imports.limits import limit
from opsdesk.imports.models import ImportBatch
from opsdesk.imports.services import import_batch_create, import_file_store_path
from opsdesk.imports.sources import SourceError, open_source

HEADER = b"store,product,date,quantity\n"
ROW = b"S1,P1,2024-05-01,2\n"


def _read_all(path, **options):
    with open_source(path, **options) as source:
        return source.header, list(source.rows)


def _gzip(path, payload: bytes):
    path.write_bytes(gzip.compress(payload, compresslevel=9))
    return path


def test_gzip_bomb_is_refused_from_its_trailer_before_reading(tmp_path, settings):
    # given: 64 MiB of newlines in a ~64 KiB gzip (ratio ~1000:1)
    settings.IMPORT_RATIO_FLOOR = 1024 * 1024
    path = _gzip(tmp_path / "bomb.csv.gz", HEADER + b"\n" * (64 * 1024 * 1024))
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path, name="bomb.csv.gz")
    assert str(caught.value) == "bomb.csv.gz: gzip 文件压缩比超过 100:1 的上限（疑似“压缩炸弹”），已拒绝"


def test_gzip_larger_than_the_decompressed_limit_is_refused(tmp_path, settings):
    # given
    settings.IMPORT_GZIP_MAX_DECOMPRESSED = 1000
    path = _gzip(tmp_path / "big.csv.gz", HEADER + ROW * 100)
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == "big.csv.gz: gzip 文件解压后超过 1,000 B 的上限，已拒绝"


def test_gzip_bomb_hidden_before_a_small_last_member_is_refused_while_reading(tmp_path, settings):
    # given: the trailer only tells the size of the last (tiny) member
    settings.IMPORT_RATIO_FLOOR = 1024 * 1024
    path = tmp_path / "members.csv.gz"
    path.write_bytes(gzip.compress(HEADER + b"\n" * (8 * 1024 * 1024)) + gzip.compress(ROW))
    # when / then
    with pytest.raises(SourceError, match=r"^members\.csv\.gz: gzip 文件压缩比超过 100:1 的上限"):
        _read_all(path)


def test_an_ordinary_gzip_is_read(tmp_path):
    # given
    path = _gzip(tmp_path / "ok.csv.gz", HEADER + ROW * 3)
    # when
    header, rows = _read_all(path)
    # then
    assert header == ["store", "product", "date", "quantity"]
    assert rows == [(2, ["S1", "P1", "2024-05-01", "2"]), (3, ["S1", "P1", "2024-05-01", "2"]), (4, ROW_CELLS)]


ROW_CELLS = ["S1", "P1", "2024-05-01", "2"]


def test_a_line_over_the_limit_is_refused_with_its_line_number(tmp_path, settings):
    # given
    settings.IMPORT_MAX_LINE_BYTES = 1024
    path = tmp_path / "long.csv"
    path.write_bytes(HEADER + ROW + b"S1,P1,2024-05-01," + b"9" * 2000 + b"\n" + ROW)
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path, name="销售.csv")
    assert str(caught.value) == "销售.csv: 第 3 行超过单行 1,024 B 的上限，已拒绝"


def test_a_single_line_file_is_refused_at_the_header_within_the_default_limit(tmp_path):
    # given: 3 MiB on one line (default limit 1 MiB)
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"a," * (3 * 512 * 1024))
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == "one-line.csv: 第 1 行超过单行 1 MiB 的上限，已拒绝"


def test_a_field_over_the_field_limit_is_refused(tmp_path, settings):
    # given: a quoted field spanning many short lines
    settings.IMPORT_MAX_FIELD_BYTES = 100
    path = tmp_path / "field.csv"
    path.write_bytes(HEADER + b'S1,P1,2024-05-01,"' + b"x\n" * 200 + b'"\n')
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == "field.csv: 第 2 行 CSV 格式错误：单个字段超过 100 个字符的上限"


def test_a_row_with_too_many_cells_is_refused(tmp_path, settings):
    # given
    settings.IMPORT_MAX_ROW_CELLS = 100
    path = tmp_path / "wide.csv"
    path.write_bytes(HEADER + ROW + b"," * 150 + b"x\n")
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == "wide.csv: 第 3 行有 151 个单元格，超过每行 100 个的上限，已拒绝"


def test_a_file_with_too_many_cells_is_refused(tmp_path, settings):
    # given: 4 cells a row, limit 10 cells
    settings.IMPORT_MAX_CELLS = 10
    path = tmp_path / "many.csv"
    path.write_bytes(HEADER + ROW * 3)
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == "many.csv: 文件单元格总数超过 10 个的上限，已拒绝"


def _xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _part_size(path, suffix):
    with zipfile.ZipFile(path) as archive:
        return next(member.file_size for member in archive.infolist() if member.filename.endswith(suffix))


def test_xlsx_shared_strings_over_the_limit_are_refused_before_openpyxl_reads_them(tmp_path, settings):
    # given: openpyxl writes inline strings, so the shared strings part is added as Excel would write it
    path = _xlsx(tmp_path / "strings.xlsx", [["门店", "备注"], ["S1", "x"]])
    strings = "".join(f"<si><t>备注 {n}</t></si>" for n in range(200))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", f'<sst count="200" uniqueCount="200">{strings}</sst>')
    size = _part_size(path, "sharedStrings.xml")
    settings.IMPORT_XLSX_MAX_SHARED_STRINGS = 1000
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == (
        f"strings.xlsx: Excel 文件的共享字符串（sharedStrings.xml）解压后 {size:,} B，超过 1,000 B 的上限，已拒绝"
    )


def test_xlsx_sheet_over_the_limit_is_refused(tmp_path, settings):
    # given
    path = _xlsx(tmp_path / "sheet.xlsx", [["store", "quantity"]] + [["S1", n] for n in range(200)])
    size = _part_size(path, "sheet1.xml")
    settings.IMPORT_XLSX_MAX_SHEET = 2000
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == (
        f"sheet.xlsx: Excel 文件的工作表 xl/worksheets/sheet1.xml解压后 {size:,} B，超过 2,000 B 的上限，已拒绝"
    )


def test_xlsx_numbers_keep_a_plain_spelling(tmp_path):
    # given
    path = _xlsx(tmp_path / "numbers.xlsx", [["a", "b", "c"], [0.00001, 1e20, 2.5]])
    # when
    _header, rows = _read_all(path)
    # then
    assert rows == [(2, ["0.00001", "100000000000000000000", "2.5"])]


def test_duplicated_header_is_refused_naming_the_header_and_its_columns(tmp_path):
    # given
    path = tmp_path / "dup.csv"
    path.write_bytes("门店编号,数量,日期,数量,,\nS1,1,2024-05-01,2,,\n".encode())
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == "dup.csv: 表头有重复的列名：“数量”（第 2, 4 列），请改名后再导入"


def test_preview_reads_only_the_first_records_of_a_long_file(tmp_path):
    # given: a header, 5 MiB of blank lines, then rows
    path = tmp_path / "blank.csv"
    path.write_bytes(HEADER + b"\n" * (5 * 1024 * 1024) + ROW * 10)
    # when
    with open_source(path, max_records=100) as source:
        rows = list(source.rows)
        position = source.position()
    # then
    assert rows == []
    assert position < 1024 * 1024


@pytest.mark.django_db
def test_import_batch_create_refuses_with_the_original_file_name(chain, tmp_path):
    # given
    path = tmp_path / "a1b2.csv"
    path.write_bytes(b"x," * (600 * 1024))
    stored = import_file_store_path(company=chain["company"], path=path)
    stored.original_name = "门店销售.csv"
    # when / then
    with pytest.raises(ValidationError) as caught:
        import_batch_create(actor=None, company=chain["company"], kind="sku_day_sales", import_file=stored)
    assert caught.value.messages == ["门店销售.csv: 第 1 行超过单行 1 MiB 的上限，已拒绝"]


def test_upload_of_a_huge_single_line_is_a_form_error_not_a_server_error(chain, client):
    # given
    client.force_login(make_user("coo", company=chain["company"]))
    upload = SimpleUploadedFile("huge.csv", b"x," * (2 * 1024 * 1024), "text/csv")
    # when
    response = client.post("/imports/new/", {"kind": "sku_day_sales", "file": upload, "encoding": ""})
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["huge.csv: 第 1 行超过单行 1 MiB 的上限，已拒绝"]
    assert ImportBatch.objects.count() == 0


def test_command_line_refusal_is_an_error_line_and_exit_code_2(chain, tmp_path, capsys):
    # given
    path = tmp_path / "huge.csv"
    path.write_bytes(b"x," * (2 * 1024 * 1024))
    # when
    code = main(["import", "sku_day_sales", str(path), "--company", "IMP", "--quiet"])
    # then
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == "error: huge.csv: 第 1 行超过单行 1 MiB 的上限，已拒绝\n"
    assert "Traceback" not in captured.out + captured.err


def test_command_line_refusal_found_mid_file_fails_the_batch_with_exit_code_2(chain, tmp_path, capsys, settings):
    # given: the long line is past the header, so the batch starts and then fails
    settings.IMPORT_MAX_LINE_BYTES = 1024
    path = tmp_path / "late.csv"
    path.write_bytes("门店编号,商品编码,日期,数量,单价\n".encode() + b"S1,P1,2024-05-01,2,1\nS1," + b"9" * 2000 + b"\n")
    # when
    code = main(["import", "sku_day_sales", str(path), "--company", "IMP", "--quiet"])
    # then
    captured = capsys.readouterr()
    batch = ImportBatch.objects.get()
    assert code == 2
    assert (batch.status, batch.message) == ("failed", "late.csv: 第 3 行超过单行 1,024 B 的上限，已拒绝")
    assert captured.err == "error: late.csv: 第 3 行超过单行 1,024 B 的上限，已拒绝\n"


def test_a_header_name_over_the_limit_is_refused(tmp_path):
    # given: a data row where the header should be (default limit 200 characters)
    path = tmp_path / "noheader.csv"
    path.write_bytes(b"S1," + b"y" * 300 + b"\n" + ROW)
    # when / then
    with pytest.raises(SourceError) as caught:
        _read_all(path)
    assert str(caught.value) == "noheader.csv: 表头第 2 列的列名超过 200 个字符的上限（这一行是表头吗？）"


def test_mapping_preview_cuts_long_cells_and_extra_columns(chain, tmp_path):
    # given
    from opsdesk.imports.views import _samples

    path = tmp_path / "preview.csv"
    path.write_bytes("门店编号,商品编码,日期,数量,单价\n".encode() + b"S1,P1,2024-05-01,2," + b"7" * 5000 + b",extra\n")
    stored = import_file_store_path(company=chain["company"], path=path)
    batch = import_batch_create(actor=None, company=chain["company"], kind="sku_day_sales", import_file=stored)
    # when
    samples = _samples(batch)
    # then
    assert samples == [["S1", "P1", "2024-05-01", "2", "7" * 100]]


def test_limits_come_from_settings_then_the_environment_then_the_defaults(settings, monkeypatch):
    # given
    monkeypatch.setenv("OPSDESK_IMPORT_MAX_LINE_BYTES", "2048")
    # when / then
    assert limit("IMPORT_MAX_LINE_BYTES") == 2048
    settings.IMPORT_MAX_LINE_BYTES = 4096
    assert limit("IMPORT_MAX_LINE_BYTES") == 4096
    assert limit("IMPORT_RETENTION_DAYS") == 30


def test_a_file_with_cr_line_endings_is_still_read(tmp_path):
    # given: Excel for Mac's "CSV (Macintosh)"
    path = tmp_path / "mac.csv"
    path.write_bytes((HEADER + ROW * 2).replace(b"\n", b"\r"))
    # when
    header, rows = _read_all(path)
    # then
    assert header == ["store", "product", "date", "quantity"]
    assert rows == [(2, ROW_CELLS), (3, ROW_CELLS)]
