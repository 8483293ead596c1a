"""Label data from MARC records: one ``LabelItem`` per copy (952), ordering and grouping.

Only the record's own subfields are read: 001, 245 $a/$n, 082 $a (084 $a for legacy
numbers), 264/260 $c, and per copy 952 $8 (collection), $o (call number), $i (accession
number), $p (barcode), $2 (call-number source).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from pymarc import Record

SortKey = Literal["shelf", "accession"]

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_DDC = re.compile(r"^(\d)\d\d(?:\.\d+)?")
_ACCESSION = re.compile(r"^(.*?)(\d+)$")
_ISBD_END = " /:;,=."


@dataclass(frozen=True)
class LabelItem:
    """What one label needs to show; ``count`` > 1 only when grouped per title."""

    record_id: str
    title: str
    classification: str
    author_mark: str = ""
    year: str = ""
    volume: str = ""
    collection: str = ""
    accession: str = ""
    barcode: str = ""
    main_class: str | None = None  # "000" … "900" for DDC numbers, else None
    count: int = 1


@dataclass
class LabelData:
    """Items read from records, with warnings (Vietnamese) about what was missing."""

    items: list[LabelItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class LabelReport:
    """What a label run produced; ``warnings`` are Vietnamese sentences for the user."""

    labels: int = 0
    pages: int = 0
    skipped: int = 0  # copies that got no label
    warnings: list[str] = field(default_factory=list)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _first(record: Record, tags: Sequence[str], code: str) -> str:
    for tag in tags:
        for fld in record.get_fields(tag):
            values = fld.get_subfields(code)
            if values and values[0].strip():
                return nfc(values[0])
    return ""


def _title(record: Record) -> str:
    fields = record.get_fields("245")
    if not fields:
        return ""
    main = nfc(" ".join(fields[0].get_subfields("a"))).rstrip(_ISBD_END).strip()
    parts = [nfc(n).rstrip(_ISBD_END).strip() for n in fields[0].get_subfields("n")]
    return " - ".join(p for p in [main, *parts] if p)


def main_class(classification: str, source: str = "") -> str | None:
    """``"895.9223"`` → ``"800"``; None for legacy (non-DDC) numbers."""
    if source and source.lower() != "ddc":
        return None
    match = _DDC.match(classification)
    return f"{match.group(1)}00" if match else None


def split_call_number(call_number: str, volume_prefix: str = "T.") -> tuple[str, str, str, str]:
    """``"372.7 BOG 2023 T.1"`` → (classification, author mark, year, volume)."""
    tokens = call_number.split()
    if not tokens:
        return "", "", "", ""
    year = volume = ""
    rest: list[str] = []
    for token in tokens[1:]:
        if not year and re.fullmatch(r"\d{4}", token):
            year = token
        elif not volume and volume_prefix and token.startswith(volume_prefix):
            volume = token
        else:
            rest.append(token)
    return tokens[0], " ".join(rest), year, volume


def items_from_records(records: Iterable[Record], volume_prefix: str = "T.") -> LabelData:
    """One ``LabelItem`` per 952 field, in input order."""
    data = LabelData()
    fallbacks: set[str] = set()
    for number, record in enumerate(records, start=1):
        record_id = _control(record) or f"#{number}"
        title = _title(record)
        ddc = _first(record, ("082",), "a")
        legacy = _first(record, ("084",), "a")
        pub_year = _year(_first(record, ("264", "260"), "c"))
        copies = record.get_fields("952")
        if not copies:
            data.warnings.append(f"Biểu ghi {record_id} ({title}): không có bản sách (952), bỏ qua")
        for copy in copies:
            call_number = nfc(copy.get("o") or "")
            accession = nfc(copy.get("i") or "")
            source = nfc(copy.get("2") or "")
            if call_number:
                klass, mark, year, volume = split_call_number(call_number, volume_prefix)
            else:
                klass, mark, year, volume = ddc or legacy, "", "", ""
                source = source or ("ddc" if ddc else "z")
                if klass and record_id not in fallbacks:
                    fallbacks.add(record_id)
                    data.warnings.append(
                        f"Biểu ghi {record_id}: thiếu ký hiệu xếp giá (952 $o), dùng chỉ số "
                        f"phân loại {klass} từ {'082' if ddc else '084'} $a"
                    )
            data.items.append(
                LabelItem(
                    record_id=record_id,
                    title=title,
                    classification=klass,
                    author_mark=mark,
                    year=year or pub_year,
                    volume=volume,
                    collection=nfc(copy.get("8") or ""),
                    accession=accession,
                    barcode=nfc(copy.get("p") or "") or accession,
                    main_class=main_class(klass, source),
                )
            )
    return data


def _control(record: Record) -> str:
    fld = record.get("001")
    return nfc(fld.data) if fld is not None and fld.data else ""


def _year(text: str) -> str:
    match = _YEAR.search(text)
    return match.group(1) if match else ""


def accession_key(item: LabelItem) -> tuple[str, int, str]:
    """Series prefix, then the running number numerically (``TK.9`` < ``TK.10``)."""
    match = _ACCESSION.match(item.accession)
    if match is None:
        return item.accession, -1, item.accession
    return match.group(1), int(match.group(2)), item.accession


def shelf_key(item: LabelItem) -> tuple[str, str, str, str, tuple[str, int, str]]:
    """Shelf order: class number, author mark, year, title (then accession number)."""
    return (
        item.classification,
        item.author_mark.casefold(),
        item.year,
        item.title.casefold(),
        accession_key(item),
    )


def sort_items(items: Iterable[LabelItem], order: SortKey) -> list[LabelItem]:
    if order == "shelf":
        return sorted(items, key=shelf_key)
    return sorted(items, key=accession_key)


def group_per_title(items: Iterable[LabelItem]) -> list[LabelItem]:
    """One item per title and spine text (first copy kept), ``count`` = number of copies."""
    groups: dict[tuple[str, ...], LabelItem] = {}
    for item in items:
        key = (
            item.record_id, item.collection, item.classification,
            item.author_mark, item.year, item.volume,
        )
        seen = groups.get(key)
        groups[key] = item if seen is None else replace(seen, count=seen.count + 1)
    return list(groups.values())
