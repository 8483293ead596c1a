"""Choosing whose library cards to print (from the store) and printing them.

The people come from the store's mirror of Koha (after ``patrons sync`` or ``pull``):
this school's pupils and teachers, one class (``--class``), or those the last sync
created (``--new``, from the sync journal). Cards are sorted by class, then the
Vietnamese way (given name, then family name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from classification.labels.card import Card, CardRenderer
from classification.labels.layout import sheet_from_config
from koha_bridge.config import Config
from koha_bridge.exceptions import FatalInputError
from koha_bridge.patrons.names import sort_key
from koha_bridge.patrons.report import owner_only
from koha_bridge.patrons.schoolyear import SchoolYear
from koha_bridge.store import Store


@dataclass(frozen=True)
class CardOptions:
    school: str
    school_year: str
    preset: str
    photo: bool
    config: Config

    @classmethod
    def of(cls, config: Config, school_year: str) -> CardOptions:
        return cls(config.school.name, school_year, config.patrons.card_preset,
                   config.patrons.card_photo, config)


def latest_year(store: Store) -> str:
    rows = store.query("SELECT MAX(school_year) FROM patron_sync")
    return str(rows[0][0]) if rows and rows[0][0] else ""


def cards_from_store(store: Store, config: Config, *, class_name: str | None = None,
                     new_only: bool = False, school_year: str | None = None,
                     ) -> tuple[list[Card], str]:
    """The cards to print and the school year to print on them."""
    year = school_year or latest_year(store)
    pupil, teacher = config.patrons.pupil_category, config.patrons.teacher_category
    sql = ("SELECT p.* FROM koha_patrons p WHERE p.library_id = ? AND p.category_id IN (?, ?)"
           " AND p.cardnumber IS NOT NULL AND p.cardnumber != ''")
    params: list[object] = [config.school.library_id, pupil, teacher]
    if year:  # only cards valid in that school year (leavers are expired to before it)
        start = SchoolYear.parse(year).start
        sql += " AND (p.expiry_date IS NULL OR p.expiry_date > ?)"
        params.append(f"{start}-{config.patrons.leaver_expiry}")
    if class_name:
        sql += " AND p.statistics_1 = ?"
        params.append(class_name)
    if new_only:
        sql += (" AND p.cardnumber IN (SELECT cardnumber FROM patron_sync WHERE "
                "school_year = ? AND action = 'create' AND state = 'done')")
        params.append(year)
    rows = store.query(sql, params)
    rows = sorted(rows, key=lambda r: (r["category_id"] != pupil, r["statistics_1"] or "",
                                       sort_key(r["surname"] or "", r["firstname"] or "")))
    cards = [
        Card(r["cardnumber"], f"{r['surname'] or ''} {r['firstname'] or ''}".strip(),
             r["statistics_1"] or "", "Lớp" if r["category_id"] == pupil else "")
        for r in rows
    ]
    return cards, year


def write_cards(cards: Sequence[Card], out: Path, options: CardOptions,
                tick: Callable[[], None] | None = None) -> int:
    """Print ``cards`` to the PDF ``out``; returns the page count."""
    labels = replace(options.config.labels, preset=options.preset, page_size="", rows=0,
                     columns=0, label_width_mm=0.0, label_height_mm=0.0, margin_top_mm=-1.0,
                     margin_left_mm=-1.0, gap_x_mm=-1.0, gap_y_mm=-1.0)
    renderer = CardRenderer(sheet_from_config(labels), labels, options.school,
                            options.school_year, options.photo)
    bad = [c.cardnumber for c in cards if not c.cardnumber.isascii()]
    if bad:
        raise FatalInputError(f"Số thẻ có ký tự ngoài ASCII, không in được mã vạch: {bad[0]!r}")
    try:
        owner_only(out)  # the cards carry pupils' names
        return renderer.render(cards, out, tick)
    except OSError as exc:
        raise FatalInputError(f"Không ghi được tệp PDF {out}: {exc}") from exc
