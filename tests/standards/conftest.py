from tests.stats.conftest import known, store

__all__ = ["known", "store"]
