"""rag: retrieval of cited passages from a document folder, over HTTP, MCP and the command line.

What a Python user calls; everything else lives in sub-packages and is internal.

    Settings                      every knob, from `RAG_*` variables or arguments
    load_embedder(settings)       the embedding model the settings name
    ingest(settings)              read, chunk and embed the corpus folder, publish a new index build: `IngestReport`
    load_searcher(settings)       the model and the current index, checked against each other: a `Searcher`
    Searcher, Query               `searcher.search([Query(question, k)])`: ranked `Hit`s, each with its `Citation`
    create_app(settings)          the HTTP API (Litestar), to run under any ASGI server
    evaluate(target, settings, embedder, modes)   retrieval figures on a question set
    Hit, Passage, Citation, SearchResponse   the results
    RagError and its tree         ConfigError, ModelError, IndexError_ (IndexNotFound, IndexMismatch), IngestError,
                                  IngestBusy, IndexWriteFailed, PassageNotFound, InvalidQuery, Overloaded, TooMuchWork,
                                  ReloadFailed

Names are imported on first use (PEP 562): `import rag` loads neither the model runtime, FAISS nor the web framework.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rag.errors import (
    ConfigError,
    IndexError_,
    IndexMismatch,
    IndexNotFound,
    IndexWriteFailed,
    IngestBusy,
    IngestError,
    InvalidQuery,
    ModelError,
    Overloaded,
    PassageNotFound,
    RagError,
    ReloadFailed,
    TooMuchWork,
)
from rag.version import __version__

if TYPE_CHECKING:
    from rag.embedding.load import load_embedder
    from rag.evaluation import evaluate
    from rag.http.app import create_app
    from rag.ingestion.pipeline import IngestReport, ingest
    from rag.schemas import Citation, Hit, Passage, SearchResponse
    from rag.search.searcher import Query, Searcher
    from rag.serving.runtime import load_searcher
    from rag.settings import Settings

# Where each lazily imported name lives.
_LAZY = {
    "Citation": "rag.schemas",
    "Hit": "rag.schemas",
    "IngestReport": "rag.ingestion.pipeline",
    "Passage": "rag.schemas",
    "Query": "rag.search.searcher",
    "SearchResponse": "rag.schemas",
    "Searcher": "rag.search.searcher",
    "Settings": "rag.settings",
    "create_app": "rag.http.app",
    "evaluate": "rag.evaluation",
    "ingest": "rag.ingestion.pipeline",
    "load_embedder": "rag.embedding.load",
    "load_searcher": "rag.serving.runtime",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # once: later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Citation",
    "ConfigError",
    "Hit",
    "IndexError_",
    "IndexMismatch",
    "IndexNotFound",
    "IndexWriteFailed",
    "IngestBusy",
    "IngestError",
    "IngestReport",
    "InvalidQuery",
    "ModelError",
    "Overloaded",
    "Passage",
    "PassageNotFound",
    "Query",
    "RagError",
    "ReloadFailed",
    "SearchResponse",
    "Searcher",
    "Settings",
    "TooMuchWork",
    "__version__",
    "create_app",
    "evaluate",
    "ingest",
    "load_embedder",
    "load_searcher",
]
