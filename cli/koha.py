"""``koha-bridge koha``: the connection to Koha (``check``)."""

from __future__ import annotations

import click

from cli.common import AppContext, echo, pass_app
from koha_bridge.exceptions import KohaError, PreflightError
from koha_bridge.koha.api import KohaApi
from koha_bridge.koha.check import Finding, check_koha
from koha_bridge.koha.client import KohaClient


@click.group("koha")
def koha() -> None:
    """Kết nối với Koha."""


@koha.command("check")
@pass_app
def check(app: AppContext) -> None:
    """Kiểm tra kết nối, đăng nhập và các mã (thư viện, kiểu tài liệu, bộ sưu tập, vị trí
    kho) của tệp cấu hình trong Koha (chỉ đọc)."""
    with KohaClient.from_config(app.config) as client:
        findings = check_koha(app.config, KohaApi(client))
    problems = [f for f in findings if not f.ok]
    for finding in findings:
        mark = "✓" if finding.ok else "✗"
        line = f"{mark} {finding.subject}: {finding.message}"
        if finding.ok:
            echo(app, line)
        else:
            click.echo(line, err=True)
            click.echo(f"  → Cách sửa: {finding.fix}", err=True)
    if problems:
        click.echo(f"Có {len(problems)} vấn đề cần sửa.", err=True)
        raise SystemExit(exit_code(problems))
    echo(app, "Koha sẵn sàng cho koha-bridge.")


def exit_code(problems: list[Finding]) -> int:
    """2 when the only problems are codes Koha lacks (as the push preflight refuses them),
    4 when Koha itself is unreachable, refuses the credentials or is too old."""
    if all(problem.missing_code for problem in problems):
        return PreflightError.exit_code
    return KohaError.exit_code


COMMANDS = [koha]
