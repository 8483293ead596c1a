"""The ground of the error hierarchy: the root and the errors every layer may raise.

They live in the lowest package so that ``marc`` and ``classification`` raise them without
importing the layers above; ``koha_bridge.exceptions`` re-exports them and adds the rest.
"""

from __future__ import annotations


class KohaBridgeError(Exception):
    """Root of every error koha-bridge raises on purpose."""

    exit_code = 1


class ConfigError(KohaBridgeError):
    """The configuration file or the environment is invalid."""

    exit_code = 2


class FatalInputError(KohaBridgeError):
    """An input file cannot be read at all (not a per-row problem)."""

    exit_code = 3
