"""The fake's q / _match machinery and its MySQL-like collation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakekoha.query import QueryError, compile_query, fold, like, match_filter

FIELDS = frozenset({"surname", "external_id", "patron_id", "extended_attributes"})


def test_fold_is_accent_case_and_stroke_insensitive() -> None:
    assert fold("Nguyễn Đức") == fold("NGUYEN DUC") == "nguyen duc"


def test_equality_ignores_trailing_spaces_but_like_does_not() -> None:
    query = compile_query({"external_id": "TK.00001"}, FIELDS)
    assert query({"external_id": "tk.00001  "})
    assert not like("tk.00001 ", "TK.00001")
    assert like("Trần Văn B", "tran%b") and like("abc", "a_c") and not like("abc", "a_d")
    assert like("50%", "50\\%") and not like("500", "50\\%")


def test_operators_and_logic() -> None:
    rows: list[dict[str, Any]] = [
        {"surname": s, "patron_id": i} for i, s in enumerate(["Lê", "Lý", "Lã", None])]

    def ids(doc: object) -> list[int]:
        test = compile_query(doc, FIELDS)
        return [r["patron_id"] for r in rows if test(r)]

    assert ids({"surname": ["le", "LY"]}) == [0, 1]
    assert ids({"surname": {"-in": ["la"]}}) == [2]
    assert ids({"surname": {"-not_in": ["la"]}}) == [0, 1]
    assert ids({"surname": None}) == [3]
    assert ids({"patron_id": {">=": 1, "<": 3}}) == [1, 2]
    assert ids({"patron_id": {"-between": [2, 3]}}) == [2, 3]
    assert ids([{"surname": "le"}, {"patron_id": 3}]) == [0, 3]
    assert ids({"-or": [{"surname": {"-like": "l_"}}, {"patron_id": "3"}]}) == [0, 1, 2, 3]
    assert ids({"-and": [{"surname": {"!=": "le"}}, {"patron_id": {"<": 2}}]}) == [1]


def test_dotted_fields_reach_embedded_lists() -> None:
    row = {"extended_attributes": [{"code": "LOP", "attribute": "6A"}]}
    assert compile_query({"extended_attributes.attribute": "6a"}, FIELDS)(row)
    assert not compile_query({"extended_attributes.code": "TO"}, FIELDS)(row)


def test_bad_queries_are_refused() -> None:
    with pytest.raises(QueryError):
        compile_query({"unknown_field": 1}, FIELDS)
    with pytest.raises(QueryError):
        compile_query({"surname": {"-frobnicate": 1}}, FIELDS)
    with pytest.raises(QueryError):
        compile_query("surname", FIELDS)


def test_match_modes() -> None:
    row = {"external_id": "TK.00012"}
    assert match_filter("external_id", "0001", "contains")(row)
    assert not match_filter("external_id", "TK.0001", "exact")(row)
    assert match_filter("external_id", "tk.", "starts_with")(row)
    assert match_filter("external_id", "012", "ends_with")(row)
