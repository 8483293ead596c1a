"""ISO 2709 (``.mrc``) records from files made elsewhere: every record read or accounted for.

A record that cannot be read is skipped and reported (record number, byte offset, reason in
Vietnamese), and reading goes on at the next record terminator, so that records read =
records returned + records skipped. MARC-8 records (leader/09 blank) are converted to
Unicode with pymarc's MARC-8 tables; every record returned has leader/09 = ``a``.
"""

from __future__ import annotations

import io
import mmap
import re
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass, field
from typing import BinaryIO

from pymarc import Record
from pymarc import exceptions as marc_errors

END_OF_RECORD = 0x1D
END_OF_FIELD = b"\x1e"
SUBFIELD = b"\x1f"
_LEADER = 24
_ENTRY = 12
_INDICATOR = re.compile(rb"[0-9a-z ]{2}")
_ESCAPE = 0x1B
_BAD_CODE = re.compile(rb"\x1f[\x80-\xff]")  # a subfield code that is not ASCII


@dataclass(frozen=True)
class SkippedRecord:
    """A record that could not be read."""

    number: int  # 1-based, in file order
    offset: int | None  # byte offset of its first byte (ISO 2709)
    reason: str  # Vietnamese
    line: int | None = None  # line of its <record> (MARCXML)

    def describe(self) -> str:
        where = f"byte {self.offset}" if self.offset is not None else f"dòng {self.line}"
        return f"bản ghi số {self.number} ({where}): {self.reason}"


@dataclass
class MarcReadReport:
    """What reading one MARC file met: records read, skipped, and converted from MARC-8."""

    file: str = ""
    read: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    marc8: int = 0  # records converted from MARC-8 to Unicode
    utf8_unflagged: int = 0  # leader/09 blank, but the bytes are UTF-8

    @property
    def returned(self) -> int:
        return self.read - len(self.skipped)

    def lines(self) -> list[str]:
        """The report in Vietnamese, one line each (empty when nothing is worth saying)."""
        lines: list[str] = []
        if self.skipped:
            lines.append(
                f"Tệp {self.file}: đọc {self.read} bản ghi, xử lý {self.returned}, "
                f"bỏ qua {len(self.skipped)} bản ghi hỏng:"
            )
            lines += [f"  {s.describe()}" for s in self.skipped]
        if self.marc8:
            lines.append(
                f"Tệp {self.file}: {self.marc8} bản ghi mã MARC-8 (leader/09 trống) đã chuyển "
                "sang Unicode (NFC), leader/09 = a."
            )
        if self.utf8_unflagged:
            lines.append(
                f"Tệp {self.file}: {self.utf8_unflagged} bản ghi có leader/09 trống nhưng dữ "
                "liệu là UTF-8: đọc theo UTF-8, leader/09 = a."
            )
        return lines


class UnreadableRecord(Exception):
    """One record that cannot be read (skipped, or fatal under ``strict``)."""

    def __init__(self, skipped: SkippedRecord) -> None:
        super().__init__(skipped.describe())
        self.skipped = skipped


def iter_iso2709(
    handle: BinaryIO, report: MarcReadReport, *, strict: bool = False
) -> Iterator[Record]:
    """The readable records of an open ISO 2709 file (raw records, not yet NFC).

    With ``strict``, the first unreadable record raises :class:`UnreadableRecord`.
    """
    with _bytes_of(handle) as data:
        for number, (offset, chunk, problem) in enumerate(_chunks(data), 1):
            report.read += 1
            if problem is None:
                record, problem = _parse(chunk, report)
                if record is not None:
                    yield record
                    continue
            skipped = SkippedRecord(number, offset, problem or "không đọc được")
            if strict:
                raise UnreadableRecord(skipped)
            report.skipped.append(skipped)


@contextmanager
def _bytes_of(handle: BinaryIO) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes, mapped (not read into memory) when the file allows it."""
    try:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # empty file, or not a real file
        yield handle.read()
        return
    try:
        yield mapped
    finally:
        mapped.close()


def _chunks(data: bytes | mmap.mmap) -> Iterator[tuple[int, bytes, str | None]]:
    """(offset, bytes, problem or None) for each record: by its length, else to its terminator."""
    size = len(data)
    offset = 3 if data[:3] == b"\xef\xbb\xbf" else 0  # a UTF-8 byte order mark
    while offset < size:
        if data[offset:offset + 1] in (b"\n", b"\r", b"\x1a"):  # line ends, DOS end of file
            offset += 1
            continue
        head = bytes(data[offset:offset + 5])
        length = int(head) if head.isdigit() else 0
        end = offset + length
        # a terminator before the declared end: the length swallows the next record
        if (length >= _LEADER and end <= size and data[end - 1] == END_OF_RECORD
                and data.find(b"\x1d", offset, end - 1) < 0):
            yield offset, bytes(data[offset:offset + length]), None
            offset += length
            continue
        end = data.find(b"\x1d", offset)
        stop = _next_start(data, offset, size if end < 0 else end + 1)
        chunk = bytes(data[offset:stop])
        if stop <= end:
            problem = f"dữ liệu hỏng ({stop - offset} byte) trước bản ghi kế tiếp"
        elif not head.isdigit():
            problem = f"độ dài bản ghi (5 ký tự đầu) không phải là số: {head!r}"
        elif end < 0 and offset + max(length, _LEADER) > size:
            problem = (f"bản ghi cuối bị cắt cụt: có {size - offset} byte, đầu biểu ghi "
                       f"độ dài {length}")
        elif end < 0:
            problem = "thiếu ký tự kết thúc bản ghi (0x1D)"
        else:
            problem = (f"độ dài ghi ở đầu biểu ({length}) không khớp với ký tự kết thúc bản ghi "
                       f"(ở byte thứ {stop - offset})")
        yield offset, chunk, problem
        offset = stop


def _next_start(data: bytes | mmap.mmap, offset: int, stop: int) -> int:
    """Where the bad bytes at ``offset`` end: at a whole record starting before ``stop``
    (a leader whose length reaches exactly ``stop``), else at ``stop``."""
    for match in _LEADER_LIKE.finditer(data, offset + 1, stop):
        start = match.start()
        if start + int(match[1]) == stop:
            return start
    return stop


_LEADER_LIKE = re.compile(rb"(\d{5})[\x20-\x7e]{7}\d{5}[\x20-\x7e]{3}4500")


def _parse(chunk: bytes, report: MarcReadReport) -> tuple[Record | None, str | None]:
    """One record's bytes → (record, None) or (None, reason)."""
    coding = chunk[9:10]
    utf8 = coding == b"a"
    if not utf8 and max(chunk, default=0) > 0x7F and _ESCAPE not in chunk:
        try:
            chunk.decode("utf-8")
            utf8 = True  # MARC-8 bytes are never valid UTF-8: a mislabelled UTF-8 record
        except UnicodeDecodeError:
            pass
    if coding not in (b"a", b" ") and not utf8:
        return None, f"mã hoá ký tự không được hỗ trợ (leader/09 = {coding.decode('latin-1')!r})"
    # Checked before pymarc, which would repair indicators and subfield codes silently.
    base = int(chunk[12:17]) if chunk[12:17].isdigit() else 0
    if _LEADER < base < len(chunk):
        problem = _bad_indicators(chunk, base)
        if problem is None and _BAD_CODE.search(chunk, base):
            problem = "mã trường con không phải ký tự ASCII"
        if problem is not None:
            return None, problem
    complaints = io.StringIO()  # pymarc's MARC-8 tables say on stderr what they blanked out
    try:
        if utf8:
            record = Record(chunk, to_unicode=True, force_utf8=True, utf8_handling="strict")
        else:
            with redirect_stderr(complaints):
                record = Record(chunk, to_unicode=True, force_utf8=False)
    except Exception as exc:  # pymarc raises anything; each becomes a reason
        return None, _reason(exc)
    if complaints.getvalue():
        first = complaints.getvalue().splitlines()[0]
        return None, f"có ký tự MARC-8 không chuyển được sang Unicode ({first})"
    if coding != b"a":
        if utf8:
            report.utf8_unflagged += 1
        else:
            report.marc8 += 1
    record.leader.coding_scheme = "a"
    return record, None


def _bad_indicators(chunk: bytes, base: int) -> str | None:
    """A data field whose indicators are not two of ``0-9 a-z blank``, told as a reason."""
    for segment in chunk[base:-1].split(END_OF_FIELD):  # fast: every field's data, in order
        first = segment.find(SUBFIELD)
        if first >= 0 and (first != 2 or not _INDICATOR.fullmatch(segment[:2])):
            break
    else:
        return None
    directory = chunk[_LEADER:base - 1]  # slow, for the bad record only: which tag
    for start in range(0, len(directory), _ENTRY):
        entry = directory[start:start + _ENTRY]
        tag = entry[:3]
        if (tag.isdigit() and tag < b"010") or not entry[3:12].isdigit():
            continue  # a control field, or a broken entry pymarc will name
        begin = base + int(entry[7:12])
        data = chunk[begin:begin + int(entry[3:7]) - 1]
        head = data.split(SUBFIELD, 1)[0]
        if not _INDICATOR.fullmatch(head):
            return (f"trường {tag.decode('latin-1')}: chỉ thị không hợp lệ "
                    f"({head.decode('latin-1')!r}, cần đúng 2 ký tự 0-9, a-z hoặc khoảng trắng)")
    return None


_REASONS: dict[type[BaseException], str] = {
    marc_errors.RecordLeaderInvalid: "đầu biểu (leader) không đủ 24 ký tự",
    marc_errors.BaseAddressNotFound: "địa chỉ bắt đầu dữ liệu (leader/12-16) bằng 0",
    marc_errors.BaseAddressInvalid: "địa chỉ bắt đầu dữ liệu (leader/12-16) nằm ngoài bản ghi",
    marc_errors.RecordDirectoryInvalid: "danh mục trường (directory) hỏng: độ dài không chia "
                                        "hết cho 12",
    marc_errors.NoFieldsFound: "bản ghi không có trường nào",
    marc_errors.TruncatedRecord: "bản ghi bị cắt cụt",
}


def _reason(exc: Exception) -> str:
    """A Vietnamese reason for a pymarc failure, with its technical name in brackets."""
    name = type(exc).__name__
    for kind, text in _REASONS.items():
        if isinstance(exc, kind):
            return f"{text} ({name})"
    if isinstance(exc, UnicodeDecodeError):
        return f"có byte không hợp lệ (không phải UTF-8/ASCII) ở danh mục hoặc dữ liệu ({name})"
    if isinstance(exc, ValueError):
        return f"địa chỉ hoặc danh mục trường có ký tự không phải số ({name}: {exc})"
    return f"không đọc được ({name}: {exc})"
