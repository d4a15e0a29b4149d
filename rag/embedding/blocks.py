"""Texts embedded a block at a time, straight into the rows of their final array: the embed stage of an ingest.

An ingest embeds three kinds of text: each passage's (`Chunk.indexed_text`), each distinct heading's
(`rag.index.headings`) and each sentence window's (`rag.index.windows`: about four a long passage, each a new
string). Each kind was made for every row at once, embedded in one call, and the array of vectors that call gave was
copied into the final one: the texts of every window and two arrays of their vectors at once, the peak of a large
ingest (docs/PERFORMANCE.md, "What ingest holds while it embeds"). `Embedding.fill` makes each text twice instead,
one at a time: first to find the rows a stored vector covers and the rows whose text an earlier row has (a 16-byte
digest a row), then to embed the others, at most `BLOCK_TEXTS` at a time, each distinct text once, their vectors
written into their rows as each block is done. The vector of a text does not depend on the texts embedded with it
(the bundled model embeds one text a call): the build is the same, bytes for bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from rag.embedding.base import Meter

BLOCK_TEXTS = 1024  # texts made and embedded at a time: 1.5 MB of vectors (384 dimensions), a few of text
DIGEST = 16  # bytes of the digest that tells a text from the others (blake2b)


@dataclass(frozen=True)
class Embedding:
    """How the embed stage embeds: `embed(texts, meter)` gives the vectors of one block of texts, counting them on
    `meter` (None: no progress shown), at most `block` texts a call (None: every text of a kind in one call, for an
    engine each call of which starts dearly: the Ray engine's actors each load the model); with `progress`, one
    meter a kind of text (passages, headings, windows) over its blocks."""

    embed: Callable[[list[str], Meter | None], np.ndarray]
    block: int | None = BLOCK_TEXTS
    progress: bool = False

    def fill(self, out: np.ndarray, texts: Callable[[], Iterable[str]], key: Callable[[str], str],
             known: Mapping[str, np.ndarray]) -> int:
        """Fill `out`, one row per text `texts()` gives, in order (called twice, each text made again: never all
        held): a row whose text's `key` is `known` gets that vector; the others are embedded, each distinct text
        (by `key`) once, in the order its first row comes. Returns how many rows were not `known`."""
        rows = len(out)
        digests = bytearray(rows * DIGEST)
        stored = np.zeros(rows, dtype=bool)
        for row, text in enumerate(texts()):
            name = key(text)
            vector = known.get(name)
            if vector is not None:
                out[row], stored[row] = vector, True
            else:
                digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=DIGEST).digest()
                digests[row * DIGEST:(row + 1) * DIGEST] = digest
        missing = np.flatnonzero(~stored)
        if not len(missing):
            return 0
        # each missing row's first row of the same text; the first rows of their texts are embedded
        _, first, inverse = np.unique(np.frombuffer(digests, dtype=f"V{DIGEST}")[missing], return_index=True,
                                      return_inverse=True)
        del digests
        source = missing[first[inverse.ravel()]]
        wanted = np.zeros(rows, dtype=bool)
        wanted[source] = True
        self._embed_rows(out, texts(), wanted)
        copies = source != missing
        out[missing[copies]] = out[source[copies]]
        return len(missing)

    def _embed_rows(self, out: np.ndarray, texts: Iterable[str], wanted: np.ndarray) -> None:
        """Embed the texts of the `wanted` rows into them, `block` at a time."""
        total = int(wanted.sum())
        size, left = self.block or total, total
        meter = Meter(total) if self.progress else None
        rows: list[int] = []
        block: list[str] = []
        try:
            for row, text in enumerate(texts):
                if wanted[row]:
                    rows.append(row)
                    block.append(text)
                    left -= 1
                    if len(block) == size or not left:  # the texts after the last one wanted are not made
                        out[rows] = self.embed(block, meter)
                        rows, block = [], []
                        if not left:
                            break
        finally:
            if meter is not None:
                meter.close()


__all__ = ["BLOCK_TEXTS", "Embedding"]
