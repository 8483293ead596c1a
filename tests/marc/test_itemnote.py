from datetime import date

import pytest

from marc.itemnote import DeliveryNote, format_delivery_note, parse_delivery_note


@pytest.mark.parametrize(
    "note",
    [
        DeliveryNote("131/PGH", date(2025, 10, 2), 12),
        DeliveryNote("HĐ 0001234", None, 3),
        DeliveryNote(None, date(2024, 9, 5), None),
    ],
)
def test_round_trip(note: DeliveryNote) -> None:
    text = format_delivery_note(note)
    assert text.startswith("koha-bridge: ")
    assert parse_delivery_note(text) == note


def test_separator_in_a_document_number_is_kept_apart() -> None:
    text = format_delivery_note(DeliveryNote("Số 7;  bổ sung", date(2026, 1, 31), 1))
    assert parse_delivery_note(text) == DeliveryNote("Số 7, bổ sung", date(2026, 1, 31), 1)


def test_example_text() -> None:
    text = format_delivery_note(DeliveryNote("131/PGH", date(2025, 10, 2), 12))
    assert text == "koha-bridge: chứng từ 131/PGH ngày 02/10/2025; số vào sổ TQ 12"


@pytest.mark.parametrize(
    "text", [None, "", "Sách cũ của trường", "koha-bridge: giao-hang.xlsx dòng 7"]
)
def test_other_notes_are_not_delivery_notes(text: str | None) -> None:
    assert parse_delivery_note(text) is None


def test_note_after_staff_text_is_found() -> None:
    parsed = parse_delivery_note("rách bìa | koha-bridge: chứng từ 5/2025 ngày 15/09/2025")
    assert parsed == DeliveryNote("5/2025", date(2025, 9, 15), None)
