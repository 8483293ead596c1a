"""Reading class rosters and staff lists (.xlsx, .xls, .csv) into ``Person``s.

Headers are found by the readers' one detector (``marc.readers.header``) with the roster
alias table (``koha_bridge/data/roster-aliases.yaml``). The class of a sheet without a
class column comes from a heading above the header (``DANH SÁCH HỌC SINH LỚP 6A1``),
the sheet name or the file name. Only identifiers, names, date of birth, gender and
class are kept; every other column is dropped as it is read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from koha_bridge.exceptions import FatalInputError
from koha_bridge.patrons.model import Kind, Person, RosterSet, RowOutcome
from koha_bridge.patrons.names import clean_name, split_name
from koha_bridge.patrons.values import (
    ValueProblem,
    class_name,
    grade_of,
    parse_date,
    parse_gender,
)
from marc.legacy import detect_and_convert
from marc.model import SourceRef
from marc.readers.csvfile import CSV_SUFFIXES, read_csv_grid
from marc.readers.header import Header, clean_header, find_header, fold, load_aliases
from marc.readers.table import value_text
from marc.readers.workbook import WORKBOOK_SUFFIXES, workbook_grids

ALIASES = Path(__file__).resolve().parents[1] / "data" / "roster-aliases.yaml"
KEYS = frozenset({
    "moet_id", "personal_id", "local_id", "teacher_id", "full_name", "family_middle",
    "given", "birth_date", "sex", "class", "grade", "status", "department", "position",
    "dropped",
})
NAME_KEYS = ("full_name", "given", "family_middle")
UNUSED = frozenset({"dropped", "personal_id"})  # recognised, never read (sensitive)
_HEADING_CLASS = re.compile(
    r"(?i)\bl(?:ớ|o)p\s*[:\-]?\s*(\d{1,2}[\w.\-/]*|(?:lá|chồi|mầm)\s*\d+)")
# a class on its own (sheet or file name): a grade and a section, "6A1", "12.6", "5B"
_BARE_CLASS = re.compile(r"(?i)^(?:l(?:ớ|o)p\s*)?(1[0-2]|[1-9])([a-zđ]{1,2}\d{0,2}|\.\d{1,2})$")
_STAFF_HEADING = re.compile(r"\b(?:giao vien|can bo|nhan vien|cbgvnv)\b")
_CARD = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-]{2,31}$")
_LEFT = ("da chuyen", "chuyen di", "chuyen truong", "thoi hoc", "nghi hoc", "bo hoc",
         "da tot nghiep", "ra truong", "nghi huu", "nghi viec", "da nghi")


def read_rosters(
    paths: Sequence[Path],
    *,
    aliases: dict[str, Sequence[str]] | None = None,
    local_prefix: str = "",
) -> RosterSet:
    """Read every roster; raise ``FatalInputError`` for a file without any roster sheet."""
    table = load_aliases(aliases or {}, path=ALIASES, keys=KEYS)
    result = RosterSet()
    merger = _Merger(result)
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        grids: list[tuple[str | None, list[list[object]], list[int] | None]]
        if suffix in WORKBOOK_SUFFIXES:
            grids = [(name, grid, None) for name, grid in workbook_grids(path)]
        elif suffix in CSV_SUFFIXES:
            rows, numbers, _ = read_csv_grid(path)
            grids = [(None, [list[object](r) for r in rows], numbers)]
        else:
            raise FatalInputError(
                f"Tệp {path.name}: định dạng không được hỗ trợ (cần .xlsx, .xls hoặc .csv)"
            )
        found = False
        for sheet, grid, line_numbers in grids:
            sheet_reader = _Sheet(path, sheet, grid, table, local_prefix)
            if sheet_reader.header is None:
                continue
            found = True
            result.kinds.add(sheet_reader.kind)
            result.notes.append(sheet_reader.note())
            for person_or_outcome in sheet_reader.rows(line_numbers):
                merger.add(person_or_outcome)
        if not found:
            raise FatalInputError(
                f"Tệp {path.name}: không tìm thấy dòng tiêu đề danh sách học sinh/giáo viên "
                "(cần cột Họ và tên hoặc Tên, và cột Mã định danh, Ngày sinh, Lớp…)"
            )
    return result


class _Rejected(Exception):
    """A row that cannot be used; ``card`` when its card number is known (such a person
    is not treated as a leaver: the row must be fixed first)."""

    def __init__(self, reason: str, card: str = "") -> None:
        super().__init__(reason)
        self.reason, self.card = reason, card


class _Sheet:
    """One sheet (or CSV file) of a roster."""

    def __init__(self, path: Path, sheet: str | None, grid: list[list[object]],
                 table: dict[str, str], local_prefix: str) -> None:
        self.path, self.sheet, self.grid = path, sheet, grid
        self.local_prefix = local_prefix
        self.header: Header | None = find_header(grid, table, NAME_KEYS)
        if self.header is None:
            return
        keys = {k for _, k in self.header.columns}
        above = [clean_header(v) for row in grid[: self.header.row] for v in row if v]
        heading = " ".join(t for t in above if t)
        staff = bool(keys & {"teacher_id", "department", "position"}) or (
            "class" not in keys and bool(_STAFF_HEADING.search(fold(heading))))
        self.kind = Kind.TEACHER if staff else Kind.PUPIL
        self.sheet_class = None if staff or "class" in keys else _class_from(
            heading, sheet, path.stem)

    def note(self) -> str:
        assert self.header is not None
        where = f"{self.path.name}" + (f" [{self.sheet}]" if self.sheet else "")
        kind = "giáo viên" if self.kind is Kind.TEACHER else "học sinh"
        cls = f", lớp {self.sheet_class}" if self.sheet_class else ""
        return f"{where}: danh sách {kind}{cls}, tiêu đề ở dòng {self.header.row + 1}"

    def rows(self, numbers: Sequence[int] | None) -> list[Person | RowOutcome]:
        assert self.header is not None
        out: list[Person | RowOutcome] = []
        for index in range(self.header.data_start, len(self.grid)):
            number = numbers[index] if numbers is not None else index + 1
            values = self._values(self.grid[index])
            if values is None:
                continue
            source = SourceRef(self.path.name, self.sheet, number)
            try:
                out.append(self._person(values, source))
            except _Rejected as exc:
                out.append(RowOutcome(source, "rejected", exc.reason, exc.card))
        return out

    def _values(self, row: Sequence[object]) -> dict[str, object] | None:
        """The kept cells of a row by key (raw values), or None for a blank row."""
        assert self.header is not None
        values: dict[str, object] = {}
        for col, key in self.header.columns:
            if col < len(row) and key not in UNUSED:
                value = row[col]
                if isinstance(value, str):  # legacy-font (TCVN3, VNI) cells become Unicode
                    value = " ".join(detect_and_convert(value)[0].split())
                if value not in ("", None):
                    values[key] = value
        if not values and all(v in ("", None) for v in row):
            return None
        return values

    def _person(self, values: dict[str, object], source: SourceRef) -> Person:
        text = {k: value_text(v) for k, v in values.items()}
        surname, firstname = _name(text)
        if not firstname and not surname:
            raise _Rejected("không có họ tên: không phải dòng học sinh/giáo viên")
        if fold(text.get("full_name", text.get("given", ""))) in ("ho va ten", "ho ten", "ten"):
            raise _Rejected("dòng tiêu đề lặp lại")
        status = fold(text.get("status", ""))
        if status and any(word in status for word in _LEFT):
            # no card number: the person is simply not on the roster (a leaver)
            raise _Rejected(f"trạng thái {text['status']!r}: không còn ở trường")
        card = self._card(text)
        try:
            birth = parse_date(values["birth_date"]) if "birth_date" in values else None
        except ValueProblem as exc:
            raise _Rejected(str(exc), card) from exc
        try:
            gender = parse_gender(text["sex"]) if "sex" in text else None
        except ValueProblem:
            gender = None  # an unreadable gender is left empty, the pupil still synced
        if self.kind is Kind.TEACHER:
            group = text.get("department")
            return Person(Kind.TEACHER, card, surname, firstname, source, birth, gender,
                          " ".join(group.split()) if group else None, None)
        cls = class_name(text["class"]) if "class" in text else self.sheet_class
        if not cls:
            raise _Rejected("không biết lớp (không có cột Lớp, tên trang hay tiêu đề lớp)",
                            card)
        return Person(Kind.PUPIL, card, surname, firstname, source, birth, gender, cls,
                      grade_of(cls, text.get("grade")))

    def _card(self, text: dict[str, str]) -> str:
        moet = text.get("moet_id", "").replace(" ", "")
        local = text.get("teacher_id" if self.kind is Kind.TEACHER else "local_id", "")
        local = local or text.get("local_id", "") or text.get("teacher_id", "")
        card = moet or (f"{self.local_prefix}{local.replace(' ', '')}" if local else "")
        if not card:
            raise _Rejected("không có mã định danh (Mã định danh Bộ GD&ĐT hoặc mã của "
                               "trường): không lập được số thẻ")
        if not _CARD.match(card):
            raise _Rejected(f"mã định danh không hợp lệ cho số thẻ: {card!r}")
        return card


def _name(text: dict[str, str]) -> tuple[str, str]:
    if "given" in text and "family_middle" in text:
        return clean_name(text["family_middle"]), clean_name(text["given"])
    if "full_name" in text:
        return split_name(text["full_name"])
    if "given" in text:  # "Họ" was not found as its own column: "Tên" holds the full name
        return split_name(text["given"])
    return clean_name(text.get("family_middle", "")), ""


def _class_from(heading: str, sheet: str | None, stem: str) -> str | None:
    """The class named by a heading ``… LỚP 6A1``, a sheet ``6A1`` or a file ``lop-6A1``."""
    match = _HEADING_CLASS.search(heading)
    if match:
        return class_name(match.group(1))
    for name in (sheet, stem):
        if not name:
            continue
        for part in re.split(r"[\s_\-]+", unicodedata.normalize("NFC", name)):
            bare = _BARE_CLASS.match(part)
            if bare:
                return class_name(bare.group(1) + bare.group(2))
        match = _HEADING_CLASS.search(name.replace("_", " "))
        if match:
            return class_name(match.group(1))
    return None


class _Merger:
    """Puts people into the set by card number: the same person twice is merged,
    another person with a taken card number is rejected."""

    def __init__(self, result: RosterSet) -> None:
        self.result = result

    def add(self, item: Person | RowOutcome) -> None:
        result = self.result
        if isinstance(item, RowOutcome):
            result.outcomes.append(item)
            return
        known = result.people.get(item.cardnumber)
        if known is None:
            result.people[item.cardnumber] = item
            result.outcomes.append(RowOutcome(item.source, "converted", "", item.cardnumber))
            return
        reason = _conflict(known, item)
        if reason:
            result.outcomes.append(RowOutcome(item.source, "rejected", reason, item.cardnumber))
            return
        result.people[item.cardnumber] = _merge(known, item)
        result.outcomes.append(RowOutcome(
            item.source, "merged", f"cùng người với {known.source}", item.cardnumber))


def _same_person(a: Person, b: Person) -> bool:
    if fold(a.full_name) == fold(b.full_name):
        return not (a.date_of_birth and b.date_of_birth and a.date_of_birth != b.date_of_birth)
    return bool(a.date_of_birth and a.date_of_birth == b.date_of_birth
                and fold(a.firstname) == fold(b.firstname))


def _conflict(known: Person, new: Person) -> str:
    if known.kind is not new.kind or not _same_person(known, new):
        return (f"mã định danh {new.cardnumber} đã thuộc về một người khác ở {known.source}: "
                "kiểm tra lại mã")
    if known.class_name and new.class_name and known.class_name != new.class_name:
        return (f"cùng mã định danh {new.cardnumber} nhưng khác lớp ({known.class_name} ở "
                f"{known.source}, {new.class_name} ở đây): kiểm tra lại lớp")
    return ""


def _merge(known: Person, new: Person) -> Person:
    return Person(
        known.kind, known.cardnumber, known.surname, known.firstname, known.source,
        known.date_of_birth or new.date_of_birth, known.gender or new.gender,
        known.class_name or new.class_name,
        known.grade if known.grade is not None else new.grade,
    )
