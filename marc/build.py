"""MARC21 records from titles: one biblio per ``Title``, one 952 item field per ``Copy``.

This is the only module that constructs pymarc ``Field``/``Subfield``/``Indicators``
for biblios and items (STYLE item 11); later stages change items through
:func:`set_item_subfield`. Every text value is NFC, trimmed, free of control
characters and never empty. Descriptive fields carry ISBD punctuation (Leader/18 ``i``
with 264 and RDA, ``a`` with 260 and AACR2) so that MARC::Lint accepts them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter

from pymarc import Field, Indicators, Record, Subfield

from marc.fixed_field import fixed_field_008, is_ddc
from marc.itemnote import DeliveryNote, format_delivery_note
from marc.language import nonfiling
from marc.model import Book, Copy, Title
from marc.names import INVISIBLE, is_corporate, split_relator
from marc.settings import Settings

UNKNOWN_PLACE = "[Không rõ nơi xuất bản]"
UNKNOWN_PUBLISHER = "[Không rõ nhà xuất bản]"
UNKNOWN_YEAR = "[Không rõ năm xuất bản]"

#: 952 subfields Koha maintains itself; we never write them.
KOHA_OWNED_ITEM_CODES = frozenset("9lmnqrs6")
#: Order in which 952 subfields are kept (set_item_subfield inserts accordingly).
_ITEM_ORDER = {code: i for i, code in enumerate("abcdegvy8tipo2x")}
_CODE = itemgetter(0)  # of a Subfield

_BLANK = Indicators(" ", " ")
_SPACED_INITIALS = re.compile(r"(\b\w\.) (?=\w\.)")
# 336/337/338 for a printed book (RDA content, media and carrier types).
_RDA_TYPES = tuple(
    (tag, (Subfield("a", a), Subfield("b", b), Subfield("2", source)))
    for tag, a, b, source in (
        ("336", "text", "txt", "rdacontent"),
        ("337", "unmediated", "n", "rdamedia"),
        ("338", "volume", "nc", "rdacarrier"),
    )
)
_CONTROL = dict.fromkeys(range(32), " ") | {0x7F: " "} | dict.fromkeys(map(ord, INVISIBLE))


def text(value: str) -> str:
    """NFC, control characters turned to spaces, invisible ones (U+200B …) removed, runs
    of spaces (NBSP included) collapsed, trimmed."""
    value = unicodedata.normalize("NFC", value)
    if not value.isprintable():
        value = " ".join(value.translate(_CONTROL).split())
    return value.strip()


def normalize_record(record: Record) -> Record:
    """Bring every value of a record (for instance one read from elsewhere) to NFC, in place."""
    values = [
        f.data or "" if f.control_field else "\x1f".join([s.value for s in f.subfields])
        for f in record.fields
    ]
    # U+001E and U+001F are starters that compose with nothing: the joined text is NFC
    # exactly when every value is.
    if unicodedata.is_normalized("NFC", "\x1e".join(values)):
        return record
    for field in record.fields:
        if field.control_field:
            field.data = unicodedata.normalize("NFC", field.data or "")
        else:
            field.subfields = [
                Subfield(s.code, unicodedata.normalize("NFC", s.value)) for s in field.subfields
            ]
    return record


def record_id(title: Title) -> str:
    """001: ``KB`` + the first 12 hex digits of SHA-1 of the title key (stable across runs)."""
    return "KB" + hashlib.sha1(title.key.encode("utf-8")).hexdigest()[:12]


def cn_source(number: str) -> str:
    """Koha's classification source (952 $2, 942 $2) written with ``number``."""
    return "ddc" if is_ddc(number) else "z"


def class_field(number: str, config: Settings) -> Field:
    """082 0/1 4 for a DDC number, 084 with the local scheme code for a legacy one."""
    number = text(number)
    cls = config.classification
    if is_ddc(number):
        return Field(
            "082",
            Indicators(cls.ddc_indicator, "4"),
            [Subfield("a", number), Subfield("2", cls.ddc_edition)],
        )
    return Field(
        "084", _BLANK, [Subfield("a", number), Subfield("2", cls.local_scheme_code)]
    )


def set_item_subfield(field: Field, code: str, value: str) -> None:
    """Replace (or add, in canonical order) one 952 subfield; an empty value removes it."""
    if code in KOHA_OWNED_ITEM_CODES:
        raise ValueError(f"952 ${code} is maintained by Koha and must not be written")
    value = text(value)
    subfields = [s for s in field.subfields if s.code != code]
    if value:
        last = len(_ITEM_ORDER)
        rank = _ITEM_ORDER.get(code, last)
        at = next(
            (i for i, s in enumerate(subfields) if _ITEM_ORDER.get(s.code, last) > rank),
            len(subfields),
        )
        subfields.insert(at, Subfield(code, value))
    field.subfields = subfields


def set_item_subfields(fields: Iterable[Field], values: Mapping[str, str]) -> None:
    """:func:`set_item_subfield` for each of ``values`` in turn, on every field.

    The same result, computed once per layout of subfield codes (a record's copies
    share theirs) instead of rebuilding each field's list once per code.
    """
    new: list[Subfield] = []
    steps: list[tuple[str, bool]] = []
    for code, value in values.items():
        if code in KOHA_OWNED_ITEM_CODES:
            raise ValueError(f"952 ${code} is maintained by Koha and must not be written")
        value = text(value)
        if value:
            new.append(Subfield(code, value))
        steps.append((code, bool(value)))
    key = tuple(steps)
    for field in fields:
        old = field.subfields
        pick = _item_plan(tuple(map(_CODE, old)), key)
        field.subfields = old + new if pick is None else list(pick(old + new))


@lru_cache(maxsize=1024)
def _item_plan(
    codes: tuple[str, ...], steps: tuple[tuple[str, bool], ...]
) -> Callable[[list[Subfield]], Sequence[Subfield]] | None:
    """Where each subfield of the result is in ``old + new``; None when that is all of it.

    Runs :func:`set_item_subfield` step by step (remove the code, then insert the new
    subfield before the first one of a later rank) on positions instead of subfields.
    """
    last = len(_ITEM_ORDER)
    plan = list(range(len(codes)))
    plan_codes = list(codes)
    added = 0
    for code, present in steps:
        kept = [i for i, c in enumerate(plan_codes) if c != code]
        plan, plan_codes = [plan[i] for i in kept], [plan_codes[i] for i in kept]
        if present:
            rank = _ITEM_ORDER.get(code, last)
            at = next((i for i, c in enumerate(plan_codes) if _ITEM_ORDER.get(c, last) > rank),
                      len(plan))
            plan.insert(at, len(codes) + added)
            plan_codes.insert(at, code)
            added += 1
    if plan == list(range(len(codes) + added)):
        return None
    if len(plan) < 2:  # itemgetter of one index would give the subfield, not a sequence
        return itemgetter(slice(plan[0], plan[0] + 1) if plan else slice(0, 0))
    return itemgetter(*plan)


def price_text(price: int) -> str:
    """``45000`` → ``45.000đ`` (020 $c)."""
    return f"{price:,}".replace(",", ".") + "đ"


@dataclass(frozen=True)
class ItemOrigin:
    """What every copy of one delivery carries: 952 $d (the delivery's date), $e (its
    supplier, else the row's, else the configured source) and $x (its delivery note)."""

    acquired: date
    supplier: str | None = None
    note: DeliveryNote | None = None


class _ItemMaker:
    """Builds a title's 952s. Subfields are immutable, so whatever copies share (library,
    date, source, category codes, price, delivery note) is made once and reused."""

    __slots__ = ("_acquired", "_by_category", "_call_number", "_cn_source", "_config",
                 "_library", "_note", "_price", "_prices", "_source")

    def __init__(
        self, title: Title, config: Settings, today: date, number: str | None,
        origin: ItemOrigin | None = None,
    ) -> None:
        book = title.book
        library = text(config.school.library_id)
        self._config = config
        self._library = (Subfield("a", library), Subfield("b", library))
        self._acquired = Subfield("d", (origin.acquired if origin else today).isoformat())
        supplier = (origin.supplier if origin else None) or book.supplier
        self._source = Subfield("e", text(supplier or config.acquisitions.acquisition_source))
        self._cn_source = Subfield("2", cn_source(number) if number is not None else "z")
        self._price = book.price
        call = text(title.call_number) if title.call_number else ""
        self._call_number = (Subfield("o", call), self._cn_source) if call else ()
        self._by_category: dict[str, tuple[tuple[Subfield, ...], tuple[Subfield, ...]]] = {}
        self._prices: dict[int, tuple[Subfield, Subfield]] = {}
        note = origin.note if origin else None
        self._note = Subfield("x", text(format_delivery_note(note))) if note else None

    def _category(self, code: str) -> tuple[tuple[Subfield, ...], tuple[Subfield, ...]]:
        parts = self._by_category.get(code)
        if parts is None:
            category = self._config.category(code)
            location = (Subfield("c", category.location),) if category.location else ()
            head = (*self._library, *location, self._acquired, self._source)
            kind = (Subfield("y", category.item_type), Subfield("8", category.collection))
            parts = self._by_category[code] = (head, kind)
        return parts

    def __call__(self, copy: Copy) -> Field:
        head, kind = self._category(copy.category)
        subfields = list(head)
        price = copy.price if copy.price is not None else self._price
        if price is not None:
            prices = self._prices.get(price)
            if prices is None:
                digits = str(price)
                prices = self._prices[price] = (Subfield("g", digits), Subfield("v", digits))
            subfields.extend(prices)
        subfields.extend(kind)
        subfields.append(Subfield("t", str(copy.copy_number)))
        if copy.accession:
            subfields.append(Subfield("i", text(copy.accession)))
        if copy.barcode:
            subfields.append(Subfield("p", text(copy.barcode)))
        if copy.call_number:
            subfields.append(Subfield("o", text(copy.call_number)))
            subfields.append(self._cn_source)
        elif self._call_number:
            subfields.extend(self._call_number)
        if self._note is not None:
            subfields.append(self._note)
        return Field("952", _BLANK, subfields)


def item_field(
    copy: Copy, title: Title, config: Settings, *, today: date, origin: ItemOrigin | None = None
) -> Field:
    """One 952 for one copy (Koha's item subfields; never the ones Koha maintains)."""
    return _ItemMaker(title, config, today, _class_number(title), origin)(copy)


def _class_number(title: Title) -> str | None:
    if title.class_number is not None:
        return text(title.class_number.number) or None
    number = title.book.class_number
    return (text(number) or None) if number else None


def _ends(value: str, mark: str) -> str:
    """``value`` followed by ISBD ``mark`` (" :", " /", "." ...) without doubling a period."""
    if mark == "." and value.endswith("."):
        return value
    return value + mark


def _names(book: Book) -> tuple[list[Field], list[str]]:
    """1XX/7XX fields and the names as they appear in 245 $c."""
    fields: list[Field] = []
    statement: list[str] = []
    for author in book.authors:
        name, relator = split_relator(author)
        name = text(name)
        if not name:
            continue
        relator = text(relator) if relator else ""
        shown = _close_initials(name)
        statement.append(f"{shown} ({relator})" if relator else shown)
        corporate = is_corporate(name)
        tag = ("7" if fields else "1") + ("10" if corporate else "00")
        ind1 = "2" if corporate else ("1" if "," in name else "0")
        subfields = [Subfield("a", name)]
        if relator:
            subfields.append(Subfield("e", relator))
        fields.append(Field(tag, Indicators(ind1, " "), subfields))
    return fields, statement


def _close_initials(name: str) -> str:
    """245 $c closes up initials (LC-PCC PS 1.7.1): ``J. K. Rowling`` → ``J.K. Rowling``."""
    return _SPACED_INITIALS.sub(r"\1", name) if ". " in name else name


def _title_field(book: Book, has_main_entry: bool, statement: list[str]) -> Field:
    parts: list[tuple[str, str]] = [("a", text(book.title))]
    volume = text(book.volume) if book.volume else ""
    if volume:
        parts.append(("n", volume))
    subtitle = text(book.subtitle) if book.subtitle else ""
    if subtitle:
        parts.append(("b", subtitle))
    if statement:
        parts.append(("c", ", ".join(statement)))
    marks = {"n": ".", "b": " :", "c": " /"}
    subfields = [
        Subfield(code, _ends(value, marks[parts[i + 1][0]]))
        for i, (code, value) in enumerate(parts[:-1])
    ]
    last_code, last = parts[-1]
    subfields.append(Subfield(last_code, _ends(last, ".")))
    ind2 = str(nonfiling(parts[0][1], book.language))
    return Field("245", Indicators("1" if has_main_entry else "0", ind2), subfields)


def _publication(book: Book, tag: str) -> Field:
    place = text(book.place) if book.place else UNKNOWN_PLACE
    publisher = text(book.publisher) if book.publisher else UNKNOWN_PUBLISHER
    year = str(book.year) if book.year else UNKNOWN_YEAR
    return Field(
        tag,
        Indicators(" ", "1") if tag == "264" else _BLANK,
        [
            Subfield("a", place + " :"),
            Subfield("b", publisher + ","),
            Subfield("c", _ends(year, ".")),
        ],
    )


def _physical(book: Book) -> Field:
    extent = f"{book.pages} tr." if book.pages else "1 tập"
    size = text(book.size) if book.size else ""
    if not size:
        return Field("300", _BLANK, [Subfield("a", extent)])
    return Field("300", _BLANK, [Subfield("a", extent + " ;"), Subfield("c", size)])


def _rda_types() -> list[Field]:
    return [Field(tag, _BLANK, list(subfields)) for tag, subfields in _RDA_TYPES]


def _plain(tag: str, value: str | None, ind: Indicators = _BLANK) -> list[Field]:
    value = text(value) if value else ""
    return [Field(tag, ind, [Subfield("a", value)])] if value else []


def audience_field(grade: str) -> Field:
    """521 target audience as ``build_record`` writes the list's grade ("Lớp 8")."""
    return _plain("521", grade)[0]


def index_term_field(subject: str) -> Field:
    """653 uncontrolled index term as ``build_record`` writes the list's subject."""
    return _plain("653", subject)[0]


def build_record(
    title: Title,
    config: Settings,
    *,
    today: date,
    now: datetime | None = None,
    origin: ItemOrigin | None = None,
) -> Record:
    """The full MARC21 record of one title with one 952 per copy (``now`` fixes 005).

    Keep :func:`core_record` in step with it (``tests/marc/test_build.py`` checks).

    ``origin`` is the delivery the copies come from; without it they are dated ``today``
    and carry no delivery note.
    """
    book = title.book
    library = text(config.school.library_id)
    rda = config.acquisitions.publication_field == "264"
    number = _class_number(title)
    record = Record(leader=_leader(rda))
    fields = record.fields
    fields.append(Field("001", data=record_id(title)))
    fields.append(Field("003", data=library))
    fields.append(Field("005", data=f"{now or datetime.now():%Y%m%d%H%M%S}.0"))
    fields.append(Field("008", data=fixed_field_008(book, number, config, today)))
    if book.isbn:
        isbn = [Subfield("a", text(book.isbn))]
        if book.isbn_qualifier:
            isbn.append(Subfield("q", text(book.isbn_qualifier)))
        if book.price:
            isbn.append(Subfield("c", price_text(book.price)))
        fields.append(Field("020", _BLANK, isbn))
    if book.invalid_isbn and text(book.invalid_isbn):
        invalid = [Subfield("z", text(book.invalid_isbn))]
        fields.append(Field("020", _BLANK, invalid))
    fields.extend(_plain("024", book.ean, Indicators("3", " ")))
    cataloguing = [Subfield("a", library), Subfield("b", "vie"), Subfield("c", library)]
    if rda:
        cataloguing.append(Subfield("e", "rda"))
    fields.append(Field("040", _BLANK, cataloguing))
    if book.language != "vie":
        fields.append(Field("041", Indicators("0", " "), [Subfield("a", book.language)]))
    added = _heading(fields, book, number, config)
    if book.edition:
        fields.extend(_plain("250", _ends(text(book.edition), ".")))
    fields.append(_publication(book, "264" if rda else "260"))
    fields.append(_physical(book))
    if rda:
        fields.extend(_rda_types())
    fields.extend(_plain("490", book.series, Indicators("0", " ")))
    fields.extend(_plain("500", book.note))
    fields.extend(_grade(book))
    fields.extend(_plain("653", book.subject))
    fields.extend(sorted(added, key=lambda f: f.tag))
    category = config.category(book.category)
    koha = [Subfield("c", category.item_type)]
    if number is not None:
        koha.append(Subfield("2", cn_source(number)))
        if title.class_number is not None and config.classification.class_in_942h:
            koha.append(Subfield("h", number))  # classification's number, not the list's
    fields.append(Field("942", _BLANK, koha))
    fields.extend(map(_ItemMaker(title, config, today, number, origin), title.copies))
    return record


#: The tags of :func:`core_record` (any 1XX main entry besides).
CORE_TAGS = frozenset({"008", "082", "084", "245", "260", "264", "490", "521", "653"})


def core_record(title: Title, config: Settings, *, today: date) -> Record:
    """The fields of :func:`build_record` with a tag in ``CORE_TAGS``, and its 1XX, built
    the same way and in the same order: what is read to classify a title (its class
    number, main entry, title, publication, series, grade and subject) at a third of the
    cost of the full record. No copies: their collection is the title's category."""
    book = title.book
    rda = config.acquisitions.publication_field == "264"
    number = _class_number(title)
    record = Record(leader=_leader(rda))
    fields = record.fields
    fields.append(Field("008", data=fixed_field_008(book, number, config, today)))
    _heading(fields, book, number, config)
    fields.append(_publication(book, "264" if rda else "260"))
    fields.extend(_plain("490", book.series, Indicators("0", " ")))
    fields.extend(_grade(book))
    fields.extend(_plain("653", book.subject))
    return record


def _leader(rda: bool) -> str:
    """A new book record's leader (18 = ``i``: ISBD punctuation with RDA, else ``a``)."""
    return f"00000nam a22000007{'i' if rda else 'a'} 4500"


def _heading(
    fields: list[Field], book: Book, number: str | None, config: Settings
) -> list[Field]:
    """Append 082/084, the main entry and 245 to ``fields``; return the added entries
    (7XX)."""
    if number is not None:
        fields.append(class_field(number, config))
    names, statement = _names(book)
    if names:
        fields.append(names[0])
    fields.append(_title_field(book, bool(names), statement))
    return names[1:]


def _grade(book: Book) -> list[Field]:
    """521: the list's grade, ``Lớp 8`` for a bare number."""
    grade = text(book.grade) if book.grade else ""
    return _plain("521", f"Lớp {grade}" if grade.isdigit() else grade)
