"""ISBN cells: valid ISBNs, publisher EANs and codes kept as written."""

from __future__ import annotations

import isbnlib
import pytest

from marc.isbn import parse_isbn


def check13(first12: str) -> str:
    """EAN-13 / ISBN-13 check digit, computed here independently of isbnlib."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def check10(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    digit = (11 - total % 11) % 11
    return first9 + ("X" if digit == 10 else str(digit))


# Real-shaped Vietnamese ISBNs: 978-604 (Nhà xuất bản Giáo dục Việt Nam block 0) and 978-632.
VN_604 = check13("978604000123")
VN_632 = check13("978632123456")
EAN_893 = check13("893523522627")


def hyphenate(code: str) -> str:
    return f"{code[:3]}-{code[3:6]}-{code[6]}-{code[7:12]}-{code[12]}"


def test_valid_978_604_with_hyphens() -> None:
    result = parse_isbn(hyphenate(VN_604))
    assert result.isbn == VN_604
    assert (result.ean, result.invalid, result.warning) == (None, None, None)


def test_valid_978_632_is_accepted_like_any_isbn() -> None:
    result = parse_isbn(f"ISBN {VN_632[:3]} {VN_632[3:]}")
    assert result.isbn == VN_632
    assert result.warning is None


def test_isbn10_becomes_isbn13() -> None:
    assert parse_isbn("0-7475-3269-9").isbn == "9780747532699"
    ten = check10("604123456")
    expected = check13("978604123456")
    assert parse_isbn(ten).isbn == expected


def test_isbn10_with_x_check_digit() -> None:
    ten = next(check10(f"60400{n:04d}") for n in range(1000) if check10(f"60400{n:04d}")[-1] == "X")
    assert parse_isbn(ten.lower()).isbn == check13("978" + ten[:9])


def test_excel_number_with_trailing_zero() -> None:
    assert parse_isbn(f"{VN_604}.0").isbn == VN_604


def test_wrong_check_digit_is_kept_with_warning() -> None:
    wrong = VN_604[:12] + str((int(VN_604[12]) + 1) % 10)
    written = hyphenate(wrong)
    result = parse_isbn(written)
    assert result.isbn is None
    assert result.invalid == written
    assert result.warning is not None
    assert written in result.warning and "kiểm tra" in result.warning


def test_publisher_ean_893_is_not_an_isbn() -> None:
    result = parse_isbn(EAN_893)
    assert result.ean == EAN_893
    assert (result.isbn, result.invalid, result.warning) == (None, None, None)


def test_893_with_bad_check_digit_is_an_invalid_code() -> None:
    bad = EAN_893[:12] + str((int(EAN_893[12]) + 1) % 10)
    result = parse_isbn(bad)
    assert result.ean is None and result.isbn is None
    assert result.invalid == bad
    assert result.warning is not None and "893" in result.warning


def test_other_ean_is_not_an_isbn() -> None:
    other = check13("490237051973")
    result = parse_isbn(other)
    assert result.invalid == other and result.isbn is None and result.ean is None
    assert result.warning is not None and "978/979" in result.warning


@pytest.mark.parametrize(
    "written",
    [
        "9786044017266-qt",
        f"{VN_604}/{VN_632}",
        f"{VN_604}; {VN_632}",
        f"{hyphenate(VN_604)} và {hyphenate(VN_632)}",
        f"{VN_604} (bộ 2 tập)",
    ],
)
def test_joined_or_suffixed_codes_are_kept_as_written(written: str) -> None:
    result = parse_isbn(written)
    assert result.invalid == written  # never split, never repaired into a guess
    assert result.isbn is None and result.ean is None
    assert result.warning is not None and f'"{written}"' in result.warning


def test_joined_codes_warning_says_several_codes() -> None:
    warning = parse_isbn(f"{VN_604}/{VN_632}").warning
    assert warning is not None and "nhiều mã" in warning


def test_excel_exponent_is_flagged() -> None:
    result = parse_isbn("9.78604E+12")
    assert result.invalid == "9.78604E+12"
    assert result.warning is not None and "Excel" in result.warning


@pytest.mark.parametrize("text", ["", "  ", "-", "không có", "Đang cập nhật"])
def test_no_attempted_code_means_nothing(text: str) -> None:
    result = parse_isbn(text)
    assert (result.isbn, result.ean, result.invalid, result.warning) == (None, None, None, None)


def test_short_number_is_an_invalid_attempt() -> None:
    result = parse_isbn("604123")
    assert result.invalid == "604123" and result.warning is not None


def test_isbnlib_runs_once_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = isbnlib.is_isbn13

    def counting(code: str) -> bool:
        calls.append(code)
        return bool(real(code))

    monkeypatch.setattr(isbnlib, "is_isbn13", counting)
    parse_isbn.cache_clear()
    code = check13("978604999888")
    for _ in range(50):
        assert parse_isbn(code).isbn == code
    assert calls == [code]
    parse_isbn.cache_clear()
