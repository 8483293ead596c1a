"""A stateful fake Koha REST API for integration tests and benchmarks (test support)."""

from tests.fakekoha.server import FakeKoha

__all__ = ["FakeKoha"]
