"""The local SQLite store: connection and transactions, migrations, journal, per-store lock."""

from koha_bridge.store.core import Store

__all__ = ["Store"]
