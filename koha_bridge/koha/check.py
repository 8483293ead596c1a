"""``koha-bridge koha check``: is this Koha ready for the bridge? A list of findings.

Each finding says what was checked and, when something is wrong, what to change in
Koha (in Vietnamese, with the menu path). The checks only read: nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from koha_bridge.config import Config
from koha_bridge.exceptions import (
    KohaAuthError,
    KohaError,
    KohaNotFoundError,
    KohaTransientError,
)
from koha_bridge.koha.api import KohaApi
from koha_bridge.koha.codes import KINDS, Kind, KohaCodes, config_uses, missing_codes

# Routes the bridge relies on, and the Koha version that brought them.
REQUIRED_ROUTES = {
    ("post", "/biblios"): "23.05",
    ("put", "/biblios/{biblio_id}"): "23.05",
    ("post", "/biblios/{biblio_id}/items"): "23.11",
    ("put", "/biblios/{biblio_id}/items/{item_id}"): "23.11",
    ("get", "/item_types"): "24.05",
}


@dataclass(frozen=True)
class Finding:
    """One result: ``ok`` false means something must be fixed before pushing.

    ``missing_code``: the problem is a code (library, item type, collection, location,
    patron category) that the config uses and Koha lacks, the push preflight's refusal;
    every other problem is with Koha itself (reachable, credentials, version).
    """

    ok: bool
    subject: str
    message: str
    fix: str = ""
    missing_code: bool = False


def check_koha(
    config: Config, api: KohaApi, *, patron_categories: Iterable[str] = ()
) -> list[Finding]:
    """Run every check against ``api``; stop early only when Koha cannot be reached."""
    findings: list[Finding] = []
    spec = _connection(api, findings)
    if spec is _UNREACHABLE:
        return findings
    _version(spec, findings)
    if not _credentials(config, api, findings):
        return findings
    _codes(config, api, findings)
    if patron_categories:
        _patron_categories(api, set(patron_categories), findings)
    return findings


_UNREACHABLE = object()


def _connection(api: KohaApi, findings: list[Finding]) -> Any:
    url = api.client.api_url
    try:
        spec = api.api_spec()
    except KohaTransientError as exc:
        findings.append(Finding(
            False, "Kết nối", f"Không kết nối được {url}: {exc}",
            "Kiểm tra [koha] url (hoặc KOHA_BRIDGE_URL), mạng và chứng chỉ TLS; "
            "máy chủ Koha phải đang chạy",
        ))
        return _UNREACHABLE
    except KohaError as exc:
        if exc.status is not None and (300 <= exc.status < 400 or exc.status == 404):
            findings.append(Finding(
                False, "Kết nối", f"Không thấy REST API của Koha tại {url}: {exc}",
                "Sửa [koha] url: địa chỉ trang quản trị Koha, đúng http/https, "
                "không kèm đường dẫn nào khác ngoài /api/v1",
            ))
            return _UNREACHABLE
        findings.append(Finding(True, "Kết nối", f"Koha trả lời tại {url} (HTTP {exc.status})"))
        return None
    findings.append(Finding(True, "Kết nối", f"Koha trả lời tại {url}"))
    return spec


def _version(spec: Any, findings: list[Finding]) -> None:
    if not isinstance(spec, dict):
        findings.append(
            Finding(True, "Phiên bản API", "Koha không công bố đặc tả API tại /api/v1/")
        )
        return
    version = (spec.get("info") or {}).get("version")
    if version:
        findings.append(Finding(True, "Phiên bản API", f"Phiên bản API của Koha: {version}"))
    else:
        findings.append(Finding(True, "Phiên bản API", "Koha không cho biết phiên bản API"))
    paths = spec.get("paths")
    if not isinstance(paths, dict) or not paths:
        return
    missing = [
        (method, path, since) for (method, path), since in REQUIRED_ROUTES.items()
        if method not in (paths.get(path) or {})
    ]
    for method, path, since in missing:
        findings.append(Finding(
            False, "Phiên bản API", f"Koha thiếu {method.upper()} {path}",
            f"Nâng cấp Koha lên bản {since} trở lên",
        ))


def _credentials(config: Config, api: KohaApi, findings: list[Finding]) -> bool:
    auth = api.client.auth
    subject = "Đăng nhập"
    try:
        if auth is not None:
            auth.authorization(api.client)
        api.library(config.school.library_id)
    except KohaNotFoundError:
        pass  # credentials accepted; the library check reports the 404
    except KohaAuthError as exc:
        findings.append(Finding(False, subject, str(exc), auth_remedy(config, exc)))
        return False
    except KohaError as exc:
        findings.append(Finding(False, subject, str(exc), "Xem thông báo lỗi của Koha"))
        return False
    how = "OAuth2 (client credentials)" if config.koha.auth == "oauth2" else "HTTP Basic"
    findings.append(Finding(True, subject, f"Koha chấp nhận thông tin đăng nhập ({how})"))
    return True


def auth_remedy(config: Config, exc: KohaAuthError) -> str:
    """What to change in Koha for a 401/403 (Vietnamese)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    text = str(body.get("error", ""))
    required = body.get("required_permissions")
    if isinstance(required, dict) and required:
        wanted = ", ".join(f"{k}: {v}" for k, v in required.items())
        return (f"Cấp quyền {wanted} cho tài khoản API "
                "(Bạn đọc › tài khoản API › Thêm quyền)")
    if "Basic authentication disabled" in text:
        return "Bật RESTBasicAuth (Quản trị › Tham số hệ thống › Web services)"
    if exc.status == 403 and config.koha.auth == "basic":
        return ("Cấp quyền catalogue và editcatalogue cho tài khoản API "
                "(Bạn đọc › tài khoản API › Thêm quyền)")
    if config.koha.auth == "oauth2":
        if exc.status == 403:
            return ("Cấp quyền catalogue và editcatalogue cho tài khoản API, hoặc kiểm tra "
                    "client id/secret (Bạn đọc › tài khoản API › Quản lý khoá API)")
        return ("Bật RESTOAuth2ClientCredentials (Quản trị › Tham số hệ thống › Web services) "
                "và kiểm tra KOHA_BRIDGE_CLIENT_ID / KOHA_BRIDGE_CLIENT_SECRET")
    return "Kiểm tra KOHA_BRIDGE_USER / KOHA_BRIDGE_PASSWORD và bật RESTBasicAuth"


CODE_SUBJECTS: dict[Kind, str] = {
    "library": "Thư viện", "item_type": "Kiểu tài liệu", "collection": "Bộ sưu tập",
    "location": "Vị trí kho",
}


def _codes(config: Config, api: KohaApi, findings: list[Finding]) -> None:
    """The codes of the config in Koha's lists: the same check as the push preflight."""
    uses = config_uses(config)
    codes = KohaCodes(api)
    try:
        missing = missing_codes(uses, codes)
    except KohaError as exc:
        findings.append(Finding(False, "Mã trong Koha", str(exc), _remedy(config, exc)))
        return
    for kind in KINDS:
        wanted = sorted({u.code for u in uses if u.kind == kind})
        if not wanted:
            continue
        subject = CODE_SUBJECTS[kind]
        lacking = [m for m in missing if m.kind == kind]
        findings += [Finding(False, subject, m.message, m.fix, missing_code=True)
                     for m in lacking]
        if not lacking:
            known = codes.known(kind)
            shown = ", ".join(f"{c} ({known[c]})" if known[c] else c for c in wanted)
            findings.append(Finding(True, subject, f"Koha có đủ: {shown}"))


def _patron_categories(api: KohaApi, wanted: set[str], findings: list[Finding]) -> None:
    try:
        known = {c.get("patron_category_id") for c in api.patron_categories()}
    except KohaAuthError as exc:
        findings.append(Finding(
            False, "Loại bạn đọc", str(exc),
            "Cấp quyền parameters: manage_patron_categories cho tài khoản API",
        ))
        return
    except KohaError as exc:
        findings.append(Finding(False, "Loại bạn đọc", str(exc), "Xem thông báo lỗi của Koha"))
        return
    missing = sorted(wanted - known)
    for code in missing:
        findings.append(Finding(
            False, "Loại bạn đọc", f"Koha chưa có loại bạn đọc {code}",
            f"Tạo loại bạn đọc {code} trong Koha: Quản trị › Loại bạn đọc", missing_code=True,
        ))
    if not missing:
        findings.append(Finding(True, "Loại bạn đọc", f"Có đủ: {', '.join(sorted(wanted))}"))


def _remedy(config: Config, exc: KohaError) -> str:
    if isinstance(exc, KohaAuthError):
        return auth_remedy(config, exc)
    return "Xem thông báo lỗi của Koha"
