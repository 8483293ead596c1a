"""One error hierarchy for the whole project.

Row-level problems in input files are *data* (see ``marc.model.Outcome``), never
exceptions. Exceptions are for conditions after which a command cannot go on.
"""

from __future__ import annotations

from typing import Any

# The ground errors live in ``marc.errors`` (the lowest layer); re-exported here.
from marc.errors import ConfigError as ConfigError
from marc.errors import FatalInputError as FatalInputError
from marc.errors import KohaBridgeError as KohaBridgeError


class StoreError(KohaBridgeError):
    """The local SQLite store is unusable or its schema cannot be migrated."""

    exit_code = 3


class AccessionError(KohaBridgeError):
    """An accession-number operation was refused (e.g. it would reuse a given number)."""

    exit_code = 2


class PreflightError(KohaBridgeError):
    """A push refused before its first write: codes Koha lacks, copies of another library.

    ``problems`` holds ``(message, fix)`` pairs, all of them, in Vietnamese.
    """

    exit_code = 2

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        lines = [f"chưa gửi gì lên Koha, cần sửa {len(problems)} vấn đề trước:"]
        for message, fix in problems:
            lines += [f"- {message}", f"  → Cách sửa: {fix}"]
        super().__init__("\n".join(lines))
        self.problems = problems


class KohaError(KohaBridgeError):
    """A request to Koha failed. Carries status, Koha's error body and the request id."""

    exit_code = 4

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.request_id = request_id
        self.method = method
        self.url = url

    def __str__(self) -> str:
        parts = [super().__str__()]
        if self.method and self.url:
            parts.append(f"{self.method} {self.url}")
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        if self.body not in (None, ""):
            parts.append(f"Koha: {self.body}")
        return " | ".join(parts)


class KohaTransientError(KohaError):
    """Timeouts, connection errors, 429 and 5xx: worth retrying later.

    ``maybe_committed`` is true when the request may have reached Koha and taken effect
    (a read timeout or a dropped connection after sending a POST): the caller must look
    before sending it again.
    """

    def __init__(self, message: str, *, maybe_committed: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.maybe_committed = maybe_committed


class KohaConflictError(KohaError):
    """409: the object (barcode, cardnumber, ...) already exists."""


class KohaValidationError(KohaError):
    """400 (and 406/415): Koha refused the request as invalid."""


class KohaAuthError(KohaError):
    """401/403: credentials rejected or a permission is missing."""


class KohaNotFoundError(KohaError):
    """404: the object does not exist in Koha."""


class KohaDuplicateBiblioError(KohaValidationError):
    """POST /biblios refused: Koha's duplicate finder matched an existing record."""

    def __init__(self, message: str, *, biblio_id: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.biblio_id = biblio_id


class StoreBusyError(KohaBridgeError):
    """Another run (push, patron sync …) holds the store's lock."""

    exit_code = 2
