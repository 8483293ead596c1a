"""Koha credentials: from the environment or an owner-only secrets file, never the TOML.

OAuth2 client credentials come from ``KOHA_BRIDGE_CLIENT_ID`` / ``KOHA_BRIDGE_CLIENT_SECRET``,
HTTP Basic from ``KOHA_BRIDGE_USER`` / ``KOHA_BRIDGE_PASSWORD``. ``[koha] secrets_file`` may
name a file (TOML or ``KEY=VALUE`` lines, same key names) that only its owner can read;
environment variables win over it. Every secret read is registered with
``koha_bridge.koha.secrets`` so that logs and error messages redact it.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from koha_bridge.config import Config
from koha_bridge.exceptions import ConfigError
from koha_bridge.koha import secrets

ENV_NAMES = {
    "oauth2": ("KOHA_BRIDGE_CLIENT_ID", "KOHA_BRIDGE_CLIENT_SECRET"),
    "basic": ("KOHA_BRIDGE_USER", "KOHA_BRIDGE_PASSWORD"),
}


@dataclass(frozen=True)
class Credentials:
    """Who we are to Koha: an OAuth2 client (id, secret) or a Basic user (name, password)."""

    method: str  # "oauth2" or "basic"
    identity: str  # client id or user name
    secret: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(method={self.method!r}, identity={self.identity!r}, secret='***')"


def load_credentials(config: Config, env: Mapping[str, str] | None = None) -> Credentials:
    """The credentials for ``config.koha.auth``; ``ConfigError`` (Vietnamese) if missing."""
    env = os.environ if env is None else env
    method = config.koha.auth
    id_name, secret_name = ENV_NAMES[method]
    values = {name: env[name] for name in (id_name, secret_name) if env.get(name)}
    if len(values) < 2 and config.koha.secrets_file:
        from_file = read_secrets_file(_secrets_path(config))
        values = {**from_file, **values}
    secrets.register(values.get(secret_name))
    missing = [name for name in (id_name, secret_name) if not values.get(name)]
    if missing:
        where = f" hoặc trong tệp {config.koha.secrets_file}" if config.koha.secrets_file else ""
        raise ConfigError(
            f"Thiếu thông tin đăng nhập Koha ({method}): đặt biến môi trường "
            f"{' và '.join(missing)}{where}."
        )
    return Credentials(method, values[id_name], values[secret_name])


def _secrets_path(config: Config) -> Path:
    path = Path(config.koha.secrets_file).expanduser()
    if not path.is_absolute() and config.source is not None:
        path = config.source.parent / path
    return path


def read_secrets_file(path: Path) -> dict[str, str]:
    """Secrets from an owner-only file: TOML, or ``KEY=VALUE`` lines (``#`` comments).

    Keys are the environment variable names, case-insensitive, with or without the
    ``KOHA_BRIDGE_`` prefix (``client_secret = "..."`` works too).
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ConfigError(f"Không tìm thấy tệp bí mật: {path}") from exc
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"Tệp bí mật {path} đang cho nhóm hoặc người khác đọc được. "
            f"Hãy chạy: chmod 600 {path}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp bí mật {path}") from exc
    try:
        raw: dict[str, object] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raw = dict(_key_values(text, path))
    values: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            continue
        name = key.strip().upper()
        if not name.startswith("KOHA_BRIDGE_"):
            name = "KOHA_BRIDGE_" + name
        values[name] = value
    secrets.register(values.get("KOHA_BRIDGE_CLIENT_SECRET"), values.get("KOHA_BRIDGE_PASSWORD"))
    return values


def _key_values(text: str, path: Path) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            # Never echo the line itself: it may hold a secret.
            raise ConfigError(f"Tệp bí mật {path}, dòng {number}: cần dạng KHOÁ=GIÁ_TRỊ")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        pairs.append((key.strip(), value))
    return pairs
