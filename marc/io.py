"""Reading and writing MARC21 files: ISO 2709 (``.mrc``, UTF-8) and MARCXML.

Writers and readers stream: one record at a time, whatever the file size. Every record
written or read is brought to Unicode NFC. An ISO 2709 record that cannot be parsed is
skipped and listed in a :class:`~marc.iso2709.MarcReadReport` (never silently, as pymarc's
reader would with ``None``); with ``strict=True`` it stops the read with
:class:`~marc.errors.FatalInputError` instead. Broken MARCXML stops the read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from pymarc import Record
from pymarc.marcxml import MARC_XML_NS

from marc.build import normalize_record
from marc.errors import FatalInputError
from marc.iso2709 import MarcReadReport, UnreadableRecord, iter_iso2709
from marc.marcxml import BrokenXml, iter_marcxml

__all__ = ["MarcReadReport", "read_records", "replacing", "write_marcxml", "write_mrc"]

_CHUNK = 1 << 16
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_XML_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARC_XML_NS}">\n'


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only when the block succeeds.

    So an output may be its own input, and a failure leaves no half-written file.
    """
    part = path.with_name(path.name + ".part")
    try:
        yield part
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def write_mrc(records: Iterable[Record], path: Path, *, nfc: bool = False) -> int:
    """Write records as ISO 2709 in UTF-8; returns how many were written.

    ``nfc=True`` says the records are NFC already (``marc.build`` makes them so) and
    skips the check that every other record gets.
    """
    count = 0
    with replacing(Path(path)) as part, part.open("wb") as handle:
        for record in records:
            handle.write((record if nfc else normalize_record(record)).as_marc())
            count += 1
    return count


def write_marcxml(records: Iterable[Record], path: Path, *, nfc: bool = False) -> int:
    """Write records as one MARCXML ``<collection>`` (MARC21 slim namespace, UTF-8)."""
    count = 0
    with replacing(Path(path)) as part, part.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(_XML_HEAD)
        for record in records:
            handle.write(_marcxml(record if nfc else normalize_record(record)))
            count += 1
        handle.write("</collection>\n")
    return count


def _escape(value: str) -> str:
    if "&" in value or "<" in value or ">" in value or '"' in value:
        return value.translate(_ESCAPES)
    return value


def _marcxml(record: Record) -> str:
    """One ``<record>`` element (MARCXML slim), serialised directly: much faster than a tree."""
    parts = [f"<record><leader>{_escape(str(record.leader))}</leader>"]
    for field in record.fields:
        if field.control_field:
            parts.append(
                f'<controlfield tag="{_escape(field.tag)}">{_escape(field.data or "")}'
                "</controlfield>"
            )
            continue
        first, second = field.indicators or ("", "")
        parts.append(
            f'<datafield tag="{_escape(field.tag)}" ind1="{_escape(first)}" '
            f'ind2="{_escape(second)}">'
        )
        for code, value in field.subfields:
            parts.append(f'<subfield code="{_escape(code)}">{_escape(value)}</subfield>')
        parts.append("</datafield>")
    parts.append("</record>\n")
    return "".join(parts)


def read_records(
    path: Path, *, strict: bool = False, report: MarcReadReport | None = None
) -> Iterator[Record]:
    """Records of an ISO 2709 or MARCXML file (told apart by content, then by extension).

    ``report`` receives the counts and the skipped records; ``strict`` refuses the file
    at its first unreadable record.
    """
    path = Path(path)
    report = report if report is not None else MarcReadReport()
    report.file = path.name
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FatalInputError(f"Không mở được tệp MARC {path}: {exc}") from exc
    with handle:
        try:
            if _is_xml(handle, path):
                yield from iter_marcxml(handle, report, strict=strict)
            else:
                for record in iter_iso2709(handle, report, strict=strict):
                    yield normalize_record(record)
        except UnreadableRecord as exc:
            raise FatalInputError(
                f"{path}: {exc} (--strict: không xử lý tệp có bản ghi hỏng)"
            ) from exc
        except BrokenXml as exc:
            raise FatalInputError(f"{path}: {exc}") from exc


def _is_xml(handle: BinaryIO, path: Path) -> bool:
    start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    handle.seek(0)
    if start[:1] == b"<":
        return True
    if start[:5].isdigit():
        return False
    if not start:
        return path.suffix.lower() == ".xml"
    head = handle.read(_CHUNK)  # a first record with a broken length: terminators tell
    handle.seek(0)
    if b"\x1e" in head and b"\x1d" in head:
        return False
    raise FatalInputError(f"{path}: không phải tệp MARC (ISO 2709) hay MARCXML")
