"""``koha-bridge deliveries``: the delivery notes the store knows, and their copies."""

from __future__ import annotations

import click

from cli.common import AppContext, echo, pass_app
from koha_bridge.acquisitions.deliveries import (
    Delivery,
    TitleLine,
    delivery_lines,
    find_deliveries,
    list_deliveries,
)
from koha_bridge.acquisitions.pipeline import accession_ranges
from koha_bridge.exceptions import FatalInputError
from marc.price import format_price

_HEADINGS = ("Số vào sổ", "Số chứng từ", "Ngày", "Nhà cung cấp", "Nhan đề", "Bản", "Thành tiền",
             "Số ĐKCB")


@click.group("deliveries")
def deliveries() -> None:
    """Phiếu giao sách đã chuyển đổi (sổ đăng ký tổng quát, phần I)."""


@deliveries.command("list")
@pass_app
def list_command(app: AppContext) -> None:
    """Mỗi phiếu giao một dòng: số chứng từ, ngày, nhà cung cấp, số nhan đề, số bản,
    thành tiền và dãy số ĐKCB."""
    with app.open_store() as store:
        found = list_deliveries(store)
    if not found:
        echo(app, "Chưa có phiếu giao nào trong kho.")
        return
    echo(app, "\t".join(_HEADINGS))
    for delivery, numbers in found:
        echo(app, "\t".join((
            f"TQ {delivery.register_number}",
            delivery.document or "(không số)",
            _day(delivery),
            delivery.supplier or "",
            str(delivery.titles),
            str(delivery.copies),
            format_price(delivery.value),
            accession_ranges(numbers),
        )))


@deliveries.command("show")
@click.argument("document")
@pass_app
def show(app: AppContext, document: str) -> None:
    """Nhan đề và số ĐKCB của phiếu DOCUMENT (số chứng từ, hoặc TQ<số vào sổ>)."""
    with app.open_store() as store:
        found = find_deliveries(store, document)
        if not found:
            raise FatalInputError(
                f"Không có phiếu giao số {document!r} trong kho (xem: koha-bridge deliveries list)"
            )
        for delivery in found:
            _show(app, delivery, delivery_lines(store, delivery))


def _show(
    app: AppContext, delivery: Delivery, lines: list[tuple[TitleLine, list[str]]]
) -> None:
    echo(app, f"Phiếu {delivery.document or '(không số)'} ngày {_day(delivery)}"
              f" — số vào sổ tổng quát TQ {delivery.register_number}"
              + (f" (đã sửa {delivery.revision - 1} lần)" if delivery.revision > 1 else ""))
    echo(app, f"Nhà cung cấp: {delivery.supplier or '(không rõ)'}")
    echo(app, f"Tệp: {', '.join(delivery.files) or '(không rõ)'}")
    echo(app, f"{delivery.titles} nhan đề, {delivery.copies} bản, thành tiền "
              f"{format_price(delivery.value)}")
    for line, numbers in lines:
        price = format_price(line.price) if line.price is not None else "chưa có giá"
        echo(app, f"  {line.title} — {line.copies} bản × {price}: "
                  f"{accession_ranges(numbers) or '(chưa cấp số ĐKCB)'}")
    echo(app)


def _day(delivery: Delivery) -> str:
    if delivery.delivery_date is not None:
        return f"{delivery.delivery_date:%d/%m/%Y}"
    return f"(không rõ; nhập {delivery.acquired_on:%d/%m/%Y})"


COMMANDS = [deliveries]
