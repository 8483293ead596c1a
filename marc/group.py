"""Group normalised books into titles: rows describing the same book merge.

The key is the ISBN-13 (plus volume) when there is one, else the publisher EAN (plus
volume), else folded title + authors + edition + year + volume. The first row of a key
is the title's ``book`` (CONVERTED); later rows are MERGED into it and add their copies.
"""

from __future__ import annotations

from collections.abc import Iterable

from marc.model import Book, Copy, Outcome, SourceRef, Status, Title
from marc.names import fold, split_relator
from marc.normalize import Rejection
from marc.price import format_price


def title_key(book: Book) -> str:
    """The grouping key of a book (see the module docstring)."""
    volume = fold(book.volume) if book.volume else ""
    if book.isbn:
        return f"isbn:{book.isbn}|{volume}"
    if book.ean:
        return f"ean:{book.ean}|{volume}"
    authors = ";".join(sorted(fold(split_relator(a)[0]) for a in book.authors))
    edition = fold(book.edition) if book.edition else ""
    year = str(book.year) if book.year else ""
    return "|".join(("t", fold(book.title), authors, edition, year, volume))


def group_titles(books: Iterable[Book]) -> tuple[list[Title], list[Outcome]]:
    """Titles in first-seen order and one outcome per book, in input order.

    Copies keep their own source row, category and price; ``copy_number`` runs 1..n over
    the whole title. A book whose source was already seen is a caller error (ValueError).
    """
    titles: dict[str, Title] = {}
    outcomes: list[Outcome] = []
    seen: set[SourceRef] = set()
    for book in books:
        if book.source in seen:
            raise ValueError(f"Dòng nguồn bị đưa vào hai lần: {book.source}")
        seen.add(book.source)
        key = title_key(book)
        title = titles.get(key)
        extra: tuple[str, ...] = ()
        if title is None:
            title = titles[key] = Title(key=key, book=book)
            status, merged_into = Status.CONVERTED, None
        else:
            first = title.book
            status, merged_into, extra = Status.MERGED, first.source, _differences(first, book)
        title.sources.append(book.source)
        start = len(title.copies)
        title.copies.extend(
            Copy(book.source, book.category, start + n, book.price)
            for n in range(1, book.quantity + 1)
        )
        outcomes.append(
            Outcome(
                source=book.source,
                status=status,
                warnings=book.warnings + extra,
                merged_into=merged_into,
                title=book.title,
                copies=book.quantity,
            )
        )
    return list(titles.values()), outcomes


def rejection_outcome(rejection: Rejection) -> Outcome:
    """The REJECTED outcome of a row that did not become a book."""
    return Outcome(
        source=rejection.source,
        status=Status.REJECTED,
        reasons=rejection.reasons,
        warnings=rejection.warnings,
        title=rejection.title,
    )


def _differences(first: Book, book: Book) -> tuple[str, ...]:
    """Warnings for a merged row whose details differ from the row it merged into."""
    where = f"dòng gộp ({first.source})"
    found: list[str] = []
    if fold(first.title) != fold(book.title):
        found.append(f'Khác tên sách với {where}: "{book.title}" ≠ "{first.title}"')
    if first.price is not None and book.price is not None and first.price != book.price:
        found.append(
            f"Khác giá với {where}: {format_price(book.price)} ≠ {format_price(first.price)}"
        )
    if first.year and book.year and first.year != book.year:
        found.append(f"Khác năm xuất bản với {where}: {book.year} ≠ {first.year}")
    if first.publisher and book.publisher and first.publisher != book.publisher:
        found.append(
            f'Khác nhà xuất bản với {where}: "{book.publisher}" ≠ "{first.publisher}"'
        )
    return tuple(found)
