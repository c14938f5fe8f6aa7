"""Reading import files as a stream of rows: CSV/TSV (UTF-8, UTF-8 with BOM, GBK/GB18030, detected or given),
gzip'd CSV, and XLSX (read-only, size-capped, zip members checked before parsing; defusedxml guards the XML).

`open_source(path)` never loads a file whole: rows are read one at a time. Text is decoded line by line, so a
row that is not valid in the file's encoding is quarantined on its own (`UndecodedRow`) rather than failing the
file. Limits (`opsdesk.imports.limits`): gzip decompressed size and ratio, line length, field size, cells per row
and per file, the uncompressed size of an xlsx's shared strings and sheets; a breach refuses the file with a
message naming it and the limit.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from opsdesk.imports.limits import MiB, limit, mib

SAMPLE_BYTES = 256 * 1024
XLSX_MAX_BYTES = 100 * 1024 * 1024
XLSX_MAX_MEMBERS = 2000
XLSX_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
OTHER_CJK = {"cp949", "euckr", "big5", "big5hkscs", "cp950", "shiftjis", "cp932", "eucjp", "johab", "iso2022jp"}


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
    if _is_mostly_utf8(sample):
        return "utf-8"  # a UTF-8 file with a few pasted GBK rows: those rows are quarantined, not the file
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


def _is_mostly_utf8(sample: bytes) -> bool:
    """Whether most of the sample's complete non-ASCII lines are valid UTF-8."""
    lines = [line for line in sample.split(b"\n")[:-1] if not line.isascii()]
    valid = sum(1 for line in lines if _decodes(line, "utf-8"))
    return valid > len(lines) / 2


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


class UndecodedRow(list):
    """The cells of a row that is not valid in the file's encoding (decoded with U+FFFD replacements); the row
    validator quarantines it with `reason` instead of reading it."""

    reason: str = ""


@contextlib.contextmanager
def open_source(
    path: Path | str, encoding: str | None = None, *, name: str = "", max_records: int | None = None
) -> Iterator[Source]:
    """Open a CSV/TSV/gzip/XLSX file for streaming; raises SourceError with a clear message naming the file
    (`name`, else the file's own name). `max_records` stops the rows after that many records, blank ones
    included (a preview reads the first rows of a file, never the whole of it)."""
    path = Path(path)
    name = name or path.name
    try:
        file_format = sniff_format(path)
        with contextlib.ExitStack() as stack:
            if file_format == "xlsx":
                source = _open_xlsx(path, stack, max_records)
            else:
                source = _open_text(path, file_format, encoding, stack, max_records)
            check_header(source.header)
            yield source
    except SourceError as error:
        if str(error).startswith(f"{name}: "):
            raise
        raise SourceError(f"{name}: {error}") from error


def check_header(header: list[str]) -> None:
    """Refuse a header that names a column twice: a mapping by name could not tell the columns apart."""
    maximum = limit("IMPORT_MAX_HEADER_CHARS")
    for position, column in enumerate(header, start=1):
        if len(column) > maximum:
            raise SourceError(
                _("表头第 %(position)s 列的列名超过 %(limit)s 个字符的上限（这一行是表头吗？）")
                % {"position": position, "limit": maximum}
            )
    positions: dict[str, list[int]] = {}
    for position, column in enumerate(header, start=1):
        if column:
            positions.setdefault(column, []).append(position)
    repeated = [(column, found) for column, found in positions.items() if len(found) > 1]
    if repeated:
        described = "; ".join(
            _("“%(column)s”（第 %(positions)s 列）") % {"column": column, "positions": ", ".join(map(str, found))}
            for column, found in repeated
        )
        raise SourceError(_("表头有重复的列名：%(columns)s，请改名后再导入") % {"columns": described})


def check_gzip(path: Path) -> None:
    """Refuse a gzip file whose trailer declares more data (or a higher ratio) than allowed, before reading it.
    The trailer holds the size modulo 4 GiB of the last member only, so reading also counts (`_LineReader`)."""
    size = path.stat().st_size
    if size < 18:
        return
    with open(path, "rb") as handle:
        handle.seek(-4, os.SEEK_END)
        declared = int.from_bytes(handle.read(4), "little")
    _check_inflation(declared, size)


def _check_inflation(decompressed: int, compressed: int) -> None:
    maximum, ratio = limit("IMPORT_GZIP_MAX_DECOMPRESSED"), limit("IMPORT_GZIP_MAX_RATIO")
    if decompressed > maximum:
        raise SourceError(
            _("gzip 文件解压后超过 %(limit)s 的上限，已拒绝") % {"limit": mib(maximum)}
        )
    if decompressed > limit("IMPORT_RATIO_FLOOR") and decompressed > ratio * max(compressed, 1):
        raise SourceError(
            _("gzip 文件压缩比超过 %(ratio)s:1 的上限（疑似“压缩炸弹”），已拒绝") % {"ratio": ratio}
        )


class _LineReader:
    """The physical lines of a text file, decoded one by one: a line longer than the limit refuses the file; a
    line that is not valid in the encoding is decoded with replacements and noted in `problem` (the row that
    holds it is quarantined). Decompressed bytes of a gzip file are counted against its limits."""

    def __init__(self, stream: BinaryIO, raw: BinaryIO, encoding: str, is_gzip: bool):
        self.stream, self.raw, self.encoding, self.is_gzip = stream, raw, encoding, is_gzip
        self.max_line = limit("IMPORT_MAX_LINE_BYTES")
        self.offset = 0
        self.line_number = 0
        self.problem = ""
        self.next_check = limit("IMPORT_RATIO_FLOOR")
        self.is_gb = encoding.lower().replace("-", "").replace("_", "") in GB_FAMILY

    def __iter__(self) -> Iterator[str]:
        readline, max_line = self.stream.readline, self.max_line
        while True:
            try:
                line = readline(max_line + 1)
            except (OSError, EOFError) as error:
                raise SourceError(_("无法读取文件（压缩文件损坏？）：%(error)s") % {"error": error}) from error
            if not line:
                return
            self.line_number += 1
            if len(line) > max_line and not line.endswith(b"\n"):
                raise SourceError(
                    _("第 %(line)s 行超过单行 %(limit)s 的上限，已拒绝")
                    % {"line": self.line_number, "limit": mib(max_line)}
                )
            self.offset += len(line)
            if self.is_gzip and self.offset >= self.next_check:
                _check_inflation(self.offset, self.raw.tell())
                self.next_check = self.offset + MiB
            yield self._decode(line, self.offset - len(line))

    def _decode(self, line: bytes, start: int) -> str:
        try:
            text = line.decode(self.encoding)
        except UnicodeDecodeError as error:
            self._note(start + error.start)
            return line.decode(self.encoding, errors="replace")
        if self.is_gb and not line.isascii() and _is_utf8_text(line):
            # UTF-8 text also decodes as GB18030, as mojibake: a row pasted from a UTF-8 source is set aside.
            self._note(start + next(i for i, byte in enumerate(line) if byte > 127), "UTF-8")
            return line.decode("utf-8")
        return text

    def _note(self, byte: int, found: str = "") -> None:
        if not self.problem:
            self.problem = _("不是有效的 %(encoding)s 编码（文件第 %(byte)s 字节）") % {
                "encoding": self.encoding,
                "byte": byte,
            }
            if found:
                self.problem += _("，该行是 %(found)s") % {"found": found}


def _is_utf8_text(line: bytes) -> bool:
    """Valid UTF-8 with at least one three-byte character (CJK): short GBK runs are sometimes valid UTF-8 by
    chance, but hardly ever as three-byte sequences."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(char) >= 0x800 for char in text)


def _open_text(
    path: Path, file_format: str, encoding: str | None, stack: contextlib.ExitStack, max_records: int | None
) -> Source:
    if file_format == "gzip":
        check_gzip(path)
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
    csv.field_size_limit(limit("IMPORT_MAX_FIELD_BYTES"))
    is_cr_only = b"\r" in sample and b"\n" not in sample  # "CSV (Macintosh)": lines end with CR alone
    if is_cr_only or codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        # Not ASCII-compatible, or lines not ending in LF: lines cannot be split as bytes, so the file is decoded
        # by the text layer (strictly: a bad byte fails the file, with the row where it was found).
        text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
        stack.callback(text.close)  # holds the wrapper: the row generator must not close the file early
        lines = _wide_lines(text)
    else:
        lines = _LineReader(stream, raw, encoding, file_format == "gzip")
    try:
        first_line = sample.decode(encoding, errors="ignore").splitlines()[0] if sample else ""
    except IndexError:
        first_line = ""
    reader = csv.reader(iter(lines), delimiter=_sniff_delimiter(first_line))
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration as error:
        raise SourceError(_("文件是空的")) from error
    except UnicodeDecodeError as error:
        raise SourceError(_("文件编码不是 %(encoding)s，请指定正确的编码") % {"encoding": encoding}) from error
    except csv.Error as error:
        raise SourceError(_("表头 CSV 格式错误：%(error)s") % {"error": _csv_reason(error)}) from error
    if getattr(lines, "problem", ""):
        raise SourceError(_("表头%(problem)s，请指定正确的编码") % {"problem": lines.problem})
    _check_width(1, header)
    rows = _text_rows(reader, lines, encoding, max_records)
    return Source(header, rows, encoding, file_format, path.stat().st_size, raw.tell)


def _wide_lines(text: io.TextIOWrapper) -> Iterator[str]:
    max_line = limit("IMPORT_MAX_LINE_BYTES")
    for number, line in enumerate(iter(lambda: text.readline(max_line + 1), ""), start=1):
        if len(line) > max_line and not line.endswith(("\n", "\r")):
            raise SourceError(
                _("第 %(line)s 行超过单行 %(limit)s 的上限，已拒绝") % {"line": number, "limit": mib(max_line)}
            )
        yield line


def _csv_reason(error: csv.Error) -> str:
    if "field limit" in str(error):
        return _("单个字段超过 %(limit)s 个字符的上限") % {"limit": limit("IMPORT_MAX_FIELD_BYTES")}
    return str(error)


def _check_width(number: int, cells: list[str]) -> None:
    maximum = limit("IMPORT_MAX_ROW_CELLS")
    if len(cells) > maximum:
        raise SourceError(
            _("第 %(row)s 行有 %(n)s 个单元格，超过每行 %(limit)s 个的上限，已拒绝")
            % {"row": number, "n": len(cells), "limit": maximum}
        )


def _text_rows(reader, lines, encoding: str, max_records: int | None) -> Iterator[tuple[int, list[str]]]:
    number, cells_seen = 1, 0
    max_cells = limit("IMPORT_MAX_CELLS")
    try:
        for cells in reader:
            number += 1
            if max_records is not None and number - 1 > max_records:
                return
            problem = getattr(lines, "problem", "")
            if problem:
                lines.problem = ""
                cells = UndecodedRow(cells)
                cells.reason = problem
            if cells and any(cells):
                cells_seen += len(cells)
                if len(cells) > 64:
                    _check_width(number, cells)
                if cells_seen > max_cells:
                    raise SourceError(_("文件单元格总数超过 %(limit)s 个的上限，已拒绝") % {"limit": max_cells})
                yield number, cells
    except UnicodeDecodeError as error:
        raise SourceError(
            _("第 %(row)s 行附近无法按 %(encoding)s 解码，请指定正确的编码") % {"row": number + 1, "encoding": encoding}
        ) from error
    except csv.Error as error:
        raise SourceError(
            _("第 %(row)s 行 CSV 格式错误：%(error)s") % {"row": number + 1, "error": _csv_reason(error)}
        ) from error


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
    for member in members:
        _check_xlsx_part(member)


def _check_xlsx_part(member: zipfile.ZipInfo) -> None:
    """The shared strings and each worksheet are read whole by openpyxl's parser: cap their uncompressed size."""
    part = member.filename.lower()
    if part.endswith("sharedstrings.xml"):
        maximum, label = limit("IMPORT_XLSX_MAX_SHARED_STRINGS"), _("共享字符串（sharedStrings.xml）")
    elif part.startswith("xl/worksheets/") and part.endswith(".xml"):
        maximum, label = limit("IMPORT_XLSX_MAX_SHEET"), _("工作表 %(part)s") % {"part": member.filename}
    else:
        return
    if member.file_size > maximum:
        raise SourceError(
            _("Excel 文件的%(part)s解压后 %(size)s，超过 %(limit)s 的上限，已拒绝")
            % {"part": label, "size": mib(member.file_size), "limit": mib(maximum)}
        )


def _open_xlsx(path: Path, stack: contextlib.ExitStack, max_records: int | None) -> Source:
    check_xlsx(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on malformed files
        raise SourceError(_("无法读取 Excel 文件：%(error)s") % {"error": error}) from error
    stack.callback(workbook.close)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    max_cells = limit("IMPORT_MAX_CELLS")
    if (sheet.max_row or 0) * (sheet.max_column or 0) > max_cells:
        raise SourceError(
            _("工作表有 %(rows)s 行 × %(columns)s 列，超过 %(limit)s 个单元格的上限，已拒绝")
            % {"rows": sheet.max_row, "columns": sheet.max_column, "limit": max_cells}
        )
    try:
        header = [xlsx_cell(cell).strip() for cell in next(rows)]
    except StopIteration as error:
        raise SourceError(_("工作表是空的")) from error
    _check_width(1, header)
    total_rows = sheet.max_row or 1
    state = {"row": 1}

    def generate() -> Iterator[tuple[int, list[str]]]:
        cells_seen = 0
        for values in rows:
            state["row"] += 1
            if max_records is not None and state["row"] - 1 > max_records:
                return
            _check_width(state["row"], values)
            cells = [xlsx_cell(cell) for cell in values]
            if any(cells):
                cells_seen += len(cells)
                if cells_seen > max_cells:
                    raise SourceError(_("文件单元格总数超过 %(limit)s 个的上限，已拒绝") % {"limit": max_cells})
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
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        # A number as a person writes it: 1e-05 is 0.00001 (the number parser refuses exponent notation).
        return format(Decimal(text), "f") if "e" in text else text
    return str(value)
