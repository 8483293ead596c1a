"""Small pymarc records for the classification tests (built directly with pymarc)."""

from __future__ import annotations

from collections.abc import Sequence

from pymarc import Field, Indicators, Record, Subfield


def make_record(
    rid: str,
    title: str,
    *,
    author: str | None = None,
    author_tag: str = "100",
    nonfiling: int = 0,
    category: str = "TK",
    copies: int = 2,
    lang: str = "vie",
    original: str | None = None,
    year: str | None = "2024",
    volume: str | None = None,
    subject: str | None = None,
    grade: str | None = None,
    series: str | None = None,
    f082: str | None = None,
    f084: str | None = None,
    extra: Sequence[Field] = (),
) -> Record:
    """A record shaped like marc/build.py output: 001, 008, 1XX, 245, 264, 942, 952s."""
    record = Record(leader="     nam a22     7i 4500")
    record.add_field(Field(tag="001", data=rid))
    date1 = year or "    "
    record.add_field(Field(tag="008", data=f"261129s{date1}    vm            000 0 {lang} d"))
    if original:
        record.add_field(Field(tag="041", indicators=Indicators("1", " "),
                               subfields=[Subfield("a", lang), Subfield("h", original)]))
    if f082:
        record.add_field(Field(tag="082", indicators=Indicators("0", "4"),
                               subfields=[Subfield("a", f082), Subfield("2", "23")]))
    if f084:
        record.add_field(Field(tag="084", indicators=Indicators(" ", " "),
                               subfields=[Subfield("a", f084), Subfield("2", "bbk19")]))
    if author:
        ind1 = "1" if "," in author else "0"
        if author_tag != "100":
            ind1 = "2"
        record.add_field(Field(tag=author_tag, indicators=Indicators(ind1, " "),
                               subfields=[Subfield("a", author)]))
    subfields = [Subfield("a", title)]
    if volume:
        subfields.append(Subfield("n", volume))
    record.add_field(Field(tag="245", indicators=Indicators("1", str(nonfiling)),
                           subfields=subfields))
    if year:
        record.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=[
            Subfield("a", "H."), Subfield("b", "Kim Đồng"), Subfield("c", year)]))
    if series:
        record.add_field(Field(tag="490", indicators=Indicators("0", " "),
                               subfields=[Subfield("a", series)]))
    if grade:
        record.add_field(Field(tag="521", indicators=Indicators(" ", " "),
                               subfields=[Subfield("a", grade)]))
    if subject:
        record.add_field(Field(tag="653", indicators=Indicators(" ", " "),
                               subfields=[Subfield("a", subject)]))
    for field in extra:
        record.add_ordered_field(field)
    record.add_field(Field(tag="942", indicators=Indicators(" ", " "),
                           subfields=[Subfield("c", "STK")]))
    for _ in range(copies):
        record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[
            Subfield("8", category), Subfield("a", "MAU"), Subfield("y", "STK")]))
    return record


def subfields(record: Record, tag: str, code: str) -> list[str]:
    return [v for f in record.get_fields(tag) for v in f.get_subfields(code)]
