"""The errors `rag` raises, one tree for the whole package.

    RagError
    ├── ConfigError              a setting is invalid or two settings contradict each other
    ├── ModelError               the embedding model cannot be loaded or used
    ├── IndexError_              the index artifact is missing, damaged or does not match the settings
    │   ├── IndexNotFound        no index has been built at that path yet
    │   └── IndexMismatch        built with another model or library layout than the one configured
    ├── IngestError              the corpus cannot be ingested at all (single bad files are skipped, not raised)
    ├── IngestBusy               another ingest is writing the same index folder; this one changed nothing
    ├── IndexWriteFailed         a new build could not be written (disk full, read-only); the current one is intact
    ├── PassageNotFound          no passage has that id
    ├── InvalidQuery             a question the engine refuses (empty after cleaning, control characters, ...)
    ├── Overloaded               the search queue is full; retry later
    └── ReloadFailed             a new index build could not be loaded; the previous one is still served

Errors from FAISS, sentence-transformers and file I/O are translated into these where they enter the package
(`raise ... from exc`). The HTTP edge maps them to status codes in exactly one table (`rag.http.problems.STATUS`),
the CLI to exit codes in exactly one table (`rag.cli.EXIT_CODES`).
"""

from __future__ import annotations


class RagError(Exception):
    """Base class of every error `rag` raises on purpose."""


class ConfigError(RagError):
    """A setting is invalid, or two settings contradict each other."""


class ModelError(RagError):
    """The embedding model cannot be loaded or used."""


class IndexError_(RagError):
    """The index artifact is missing, damaged or does not match the settings."""


class IndexNotFound(IndexError_):
    """No index has been built at the configured path yet."""


class IndexMismatch(IndexError_):
    """The index was built with another model or layout than the one configured."""


class IngestError(RagError):
    """The corpus as a whole cannot be ingested (missing folder, nothing readable, an index folder it cannot lock)."""


class IngestBusy(RagError):
    """Another ingest holds the index folder's writer lock; this one stopped before changing anything."""


class IndexWriteFailed(RagError):
    """A new index build could not be written (no space left, a read-only or unwritable folder); what was written
    of it is removed and the current build is unchanged."""


class PassageNotFound(RagError):
    """No passage has the requested id."""


class InvalidQuery(RagError):
    """The engine refuses this question. `fields`: each refused field, `{"key", "message", "source"}`, where the
    message does not open on the one field it refuses ("unknown query parameter 'a', 'b': ..."): a 422's `errors`."""

    def __init__(self, message: str, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields


class Overloaded(RagError):
    """Too many searches are queued; the caller should retry later: in `retry_after` seconds, when known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooMuchWork(RagError):
    """A request alone needs more search time than its deadline allows: computed, it would be dropped unanswered on
    every retry; the caller should send less at once."""


class ReloadFailed(RagError):
    """A new index build could not be loaded; the server goes on serving the build it had."""


__all__ = [
    "ConfigError",
    "IndexError_",
    "IndexMismatch",
    "IndexNotFound",
    "IndexWriteFailed",
    "IngestBusy",
    "IngestError",
    "InvalidQuery",
    "ModelError",
    "Overloaded",
    "PassageNotFound",
    "RagError",
    "ReloadFailed",
    "TooMuchWork",
]
