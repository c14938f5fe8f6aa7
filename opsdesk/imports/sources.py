"""Reading import files as a stream of rows: CSV/TSV (UTF-8, UTF-8 with BOM, GBK/GB18030, detected or given),
gzip'd CSV, and XLSX (read-only, size-capped, zip members checked before parsing; defusedxml guards the XML).

`open_source(path)` never loads a file whole: rows are read one at a time.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

SAMPLE_BYTES = 256 * 1024
XLSX_MAX_BYTES = 100 * 1024 * 1024
XLSX_MAX_MEMBERS = 2000
XLSX_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
OTHER_CJK = {"cp949", "euckr", "big5", "big5hkscs", "cp950", "shiftjis", "cp932", "eucjp", "johab", "iso2022jp"}
csv.field_size_limit(16 * 1024 * 1024)


class SourceError(ValueError):
    """The file cannot be read at all (the message says why, for the user)."""


@dataclass
class Source:
    """An open file: its header, its rows as (row number, cells), and how far through the file we are."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    format: str
    size: int
    position: callable = field(default=lambda: 0)


def sniff_format(path: Path) -> str:
    """'gzip', 'xlsx' or 'text', from the first bytes (not the file name)."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] == b"\x1f\x8b":
        return "gzip"
    if magic == b"PK\x03\x04":
        return "xlsx"
    return "text"


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when the sample decodes, else charset-normalizer's guess (GB family -> gb18030)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:65536]).best()
    encoding = (best.encoding if best else "gb18030").lower().replace("-", "").replace("_", "")
    if encoding in GB_FAMILY or best is None:
        return "gb18030"
    if encoding in OTHER_CJK and _decodes(sample, "gb18030"):
        # Short samples of GBK text often look like Korean or Japanese to a detector; in a Chinese chain's
        # exports GB18030 is far likelier (the encoding option overrides this).
        return "gb18030"
    return best.encoding


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _open_binary(path: Path, file_format: str) -> tuple[BinaryIO, BinaryIO]:
    """(stream to read, raw file whose tell() is the progress)."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller's ExitStack
    if file_format == "gzip":
        return gzip.GzipFile(fileobj=raw), raw
    return raw, raw


@contextlib.contextmanager
def open_source(path: Path | str, encoding: str | None = None) -> Iterator[Source]:
    """Open a CSV/TSV/gzip/XLSX file for streaming; raises SourceError with a clear message."""
    path = Path(path)
    file_format = sniff_format(path)
    with contextlib.ExitStack() as stack:
        if file_format == "xlsx":
            source = _open_xlsx(path, stack)
        else:
            source = _open_text(path, file_format, encoding, stack)
        yield source


def _open_text(path: Path, file_format: str, encoding: str | None, stack: contextlib.ExitStack) -> Source:
    stream, raw = _open_binary(path, file_format)
    stack.callback(raw.close)
    try:
        sample = stream.read(SAMPLE_BYTES)
    except (OSError, EOFError) as error:
        raise SourceError(_("无法读取文件（压缩文件损坏？）：%(error)s") % {"error": error}) from error
    encoding = encoding or detect_encoding(sample)
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise SourceError(_("不支持的编码：%(encoding)s") % {"encoding": encoding}) from error
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    stack.callback(text.close)  # holds the wrapper: when the row generator ends it must not close the file early
    try:
        first_line = sample.decode(encoding, errors="ignore").splitlines()[0] if sample else ""
    except IndexError:
        first_line = ""
    reader = csv.reader(text, delimiter=_sniff_delimiter(first_line))
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration as error:
        raise SourceError(_("文件是空的")) from error
    except UnicodeDecodeError as error:
        raise SourceError(_("文件编码不是 %(encoding)s，请指定正确的编码") % {"encoding": encoding}) from error
    return Source(header, _text_rows(reader, encoding), encoding, file_format, path.stat().st_size, raw.tell)


def _text_rows(reader, encoding: str) -> Iterator[tuple[int, list[str]]]:
    number = 1
    try:
        for cells in reader:
            number += 1
            if cells and any(cells):
                yield number, cells
    except UnicodeDecodeError as error:
        raise SourceError(
            _("第 %(row)s 行附近无法按 %(encoding)s 解码，请指定正确的编码") % {"row": number + 1, "encoding": encoding}
        ) from error
    except csv.Error as error:
        raise SourceError(_("第 %(row)s 行 CSV 格式错误：%(error)s") % {"row": number + 1, "error": error}) from error


def check_xlsx(path: Path) -> None:
    """Refuse oversized files and zip bombs before any XML is parsed."""
    size = path.stat().st_size
    if size > XLSX_MAX_BYTES:
        raise SourceError(
            _("Excel 文件过大（%(mib)s MiB，上限 %(cap)s MiB）") % {"mib": size >> 20, "cap": XLSX_MAX_BYTES >> 20}
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise SourceError(_("不是有效的 Excel（xlsx）文件")) from error
    if len(members) > XLSX_MAX_MEMBERS:
        raise SourceError(_("Excel 文件包含的部件过多（%(n)s 个），已拒绝") % {"n": len(members)})
    total = sum(member.file_size for member in members)
    worst = max((member.file_size / max(member.compress_size, 1) for member in members), default=0)
    if total > XLSX_MAX_UNCOMPRESSED or (worst > XLSX_MAX_RATIO and total > 50 * 1024 * 1024):
        raise SourceError(
            _("Excel 文件解压后达 %(mib)s MiB（压缩比 %(ratio)s:1），疑似“压缩炸弹”，已拒绝")
            % {"mib": total >> 20, "ratio": int(worst)}
        )


def _open_xlsx(path: Path, stack: contextlib.ExitStack) -> Source:
    check_xlsx(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on malformed files
        raise SourceError(_("无法读取 Excel 文件：%(error)s") % {"error": error}) from error
    stack.callback(workbook.close)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [xlsx_cell(cell).strip() for cell in next(rows)]
    except StopIteration as error:
        raise SourceError(_("工作表是空的")) from error
    total_rows = sheet.max_row or 1
    state = {"row": 1}

    def generate() -> Iterator[tuple[int, list[str]]]:
        for values in rows:
            state["row"] += 1
            cells = [xlsx_cell(cell) for cell in values]
            if any(cells):
                yield state["row"], cells

    size = path.stat().st_size
    return Source(header, generate(), "xlsx", "xlsx", size, lambda: int(size * state["row"] / total_rows))


def xlsx_cell(value) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
