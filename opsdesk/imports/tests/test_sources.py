import csv
import gzip
import io
import zipfile

import pytest
from openpyxl import Workbook

from opsdesk.imports import sources
from opsdesk.imports.sources import SourceError, detect_encoding, open_source

ROWS = [["门店编号", "日期", "销售额"], ["S1", "2024-05-01", "1,234.50"], ["S2", "2024/5/2", "￥88"]]


def _text(rows, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _read(path, encoding=None):
    with open_source(path, encoding) as source:
        return source.header, [cells for _number, cells in source.rows], source.encoding


def test_gbk_file_is_detected_and_read(tmp_path):
    # given
    path = tmp_path / "gbk.csv"
    path.write_bytes(_text(ROWS * 40).encode("gbk"))
    # when
    header, rows, encoding = _read(path)
    # then
    assert encoding == "gb18030"
    assert header == ["门店编号", "日期", "销售额"]
    assert rows[0] == ["S1", "2024-05-01", "1,234.50"]
    assert len(rows) == 3 * 40 - 1


def test_utf8_bom_file_loses_its_bom_and_tsv_is_sniffed(tmp_path):
    # given
    path = tmp_path / "bom.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + _text(ROWS, "\t").encode("utf-8"))
    # when
    header, rows, encoding = _read(path)
    # then
    assert encoding == "utf-8-sig"
    assert header[0] == "门店编号"
    assert rows == [["S1", "2024-05-01", "1,234.50"], ["S2", "2024/5/2", "￥88"]]


def test_encoding_override_wins_and_a_wrong_one_is_a_clear_error(tmp_path):
    # given
    path = tmp_path / "gbk.csv"
    path.write_bytes(_text(ROWS).encode("gbk"))
    # when / then
    assert _read(path, "gb18030")[0] == ["门店编号", "日期", "销售额"]
    with pytest.raises(SourceError, match="编码"):
        _read(path, "utf-8")


def test_gzip_csv_streams_and_reports_progress(tmp_path):
    # given
    path = tmp_path / "sales.csv.gz"
    path.write_bytes(gzip.compress(_text(ROWS).encode("utf-8")))
    # when
    with open_source(path) as source:
        rows = [cells for _number, cells in source.rows]
        position = source.position()
    # then
    assert source.format == "gzip"
    assert rows[1] == ["S2", "2024/5/2", "￥88"]
    assert position == path.stat().st_size


def test_xlsx_is_read_with_dates_and_serials_as_text(tmp_path):
    # given
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["门店编号", "日期", "销售额"])
    sheet.append(["S1", datetime(2024, 5, 1), 1234.5])
    sheet.append(["S2", 45414, 88.0])
    sheet.append([None, None, None])
    path = tmp_path / "sales.xlsx"
    workbook.save(path)
    # when
    header, rows, encoding = _read(path)
    # then
    assert encoding == "xlsx"
    assert rows == [["S1", "2024-05-01", "1234.5"], ["S2", "45414", "88"]]


def test_xlsx_zip_bomb_is_rejected_before_parsing(tmp_path, monkeypatch):
    # given: an "xlsx" whose sheet inflates to 64 MiB from a few KiB
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    monkeypatch.setattr(sources, "XLSX_MAX_UNCOMPRESSED", 32 * 1024 * 1024)
    # when / then
    with pytest.raises(SourceError, match="压缩炸弹"):
        _read(path)
    assert path.stat().st_size < 1024 * 1024


def test_xlsx_with_too_many_members_is_rejected(tmp_path, monkeypatch):
    # given
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(30):
            archive.writestr(f"part{index}.xml", "<x/>")
    monkeypatch.setattr(sources, "XLSX_MAX_MEMBERS", 20)
    # when / then
    with pytest.raises(SourceError, match="部件过多"):
        _read(path)


def test_empty_file_and_detection_helpers(tmp_path):
    # given
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    # when / then
    with pytest.raises(SourceError, match="空"):
        _read(path)
    assert detect_encoding("日期".encode()) == "utf-8"
    # a short GBK sample looks Korean to a detector
    assert detect_encoding("门店编号,日期,销售额,客流\n".encode("gbk")) == "gb18030"
    assert (
        detect_encoding(io.BytesIO("门店编号,日期\n上海一店,2024-05-01\n".encode("gbk") * 20).getvalue()) == "gb18030"
    )
