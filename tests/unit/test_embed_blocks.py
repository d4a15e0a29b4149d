"""The embed stage a block of texts at a time (`rag.embedding.blocks`): the model is never handed more than a block,
each text is made when its block comes, each distinct text is embedded once over all blocks, and the vectors are
the ones a single call over every text gives. The model here is a hash of each text: what is checked is what
reaches it and where its vectors go."""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pytest

from rag.corpus.reader import Corpus
from rag.embedding import base
from rag.embedding.base import Embedder, Meter
from rag.embedding.blocks import Embedding
from rag.index import headings, windows
from rag.ingestion.stages import embed_chunks, embed_key
from rag.passage import Chunk

DIMENSION = 8


def vector_of(text: str) -> np.ndarray:
    return np.frombuffer(hashlib.sha256(text.encode()).digest()[:DIMENSION], dtype=np.uint8).astype(np.float32)


class Recording:
    """A model that notes every block of texts it is handed."""

    def __init__(self) -> None:
        self.blocks: list[list[str]] = []

    def __call__(self, texts: list[str], meter: Meter | None) -> np.ndarray:
        self.blocks.append(list(texts))
        return np.stack([vector_of(text) for text in texts])


def _corpus() -> tuple[list[Chunk], list[list[tuple[int, int]]]]:
    """40 passages of four sentences, three windows each, of seven texts under three headings: each passage and
    window repeats the one seven before it, in another block."""
    chunks = [Chunk(id=f"d{i}#0", doc_id=f"d{i}", title=f"Titre {i % 7}", source=f"d{i}.md",
                    section=f"Section {i % 7 % 3}", url=None, start=0, end=10,
                    text=f"Un {i % 7}. Deux {i % 7}. Trois {i % 7}. Quatre {i % 7}.")
              for i in range(40)]
    return chunks, [[(0, 2), (1, 3), (2, 4)] for _ in chunks]


def _built(embedding: Embedding, known: dict[str, np.ndarray]):
    chunks, spans = _corpus()
    return embed_chunks(Corpus(), chunks, {"dimension": DIMENSION}, lambda corpus, chunks, model: known, embedding,
                        spans, 16)


def test_the_model_is_never_handed_more_than_a_block_and_the_vectors_are_those_of_one_call():
    """A large ingest made every window's text at once (about four a passage, each a new string), handed them all to
    the model in one call, then copied the array of vectors it gave into the final one: the peak of the ingest."""
    chunks, spans = _corpus()
    known = {embed_key(chunks[3]): np.full(DIMENSION, 7, dtype=np.float32),  # stored vectors: never embedded
             headings.key("Section 2"): np.full(DIMENSION, 8, dtype=np.float32),
             windows.key(windows.window_texts(chunks[:1], spans[:1])[1]): np.full(DIMENSION, 9, dtype=np.float32)}
    model, whole = Recording(), Recording()
    streamed, at_once = _built(Embedding(model, block=5), known), _built(Embedding(whole, block=None), known)
    assert max(len(block) for block in model.blocks) == 5
    assert max(len(block) for block in whole.blocks) > 5  # what the same texts are in one call
    np.testing.assert_array_equal(streamed.vectors, at_once.vectors)
    np.testing.assert_array_equal(streamed.headings.vectors, at_once.headings.vectors)
    np.testing.assert_array_equal(streamed.headings.of_row, at_once.headings.of_row)
    np.testing.assert_array_equal(streamed.windows.vectors, at_once.windows.vectors)
    np.testing.assert_array_equal(streamed.windows.spans, at_once.windows.spans)
    assert streamed.embedded == at_once.embedded == 40 - 6  # passage 3 and its repeats (10, 17, ...) are stored
    sent = Counter(text for block in model.blocks for text in block)
    assert set(sent.values()) == {1}  # each distinct text once, over all blocks
    assert sent == Counter(text for block in whole.blocks for text in block)
    # each row has its own text's vector, or the stored one
    for row, chunk in enumerate(chunks):
        expected = known.get(embed_key(chunk), vector_of(chunk.indexed_text))
        np.testing.assert_array_equal(streamed.vectors[row], expected)
    texts = windows.window_texts(chunks, spans)
    for row, text in enumerate(texts):
        np.testing.assert_array_equal(streamed.windows.vectors[row], known.get(windows.key(text), vector_of(text)))
    assert "Section 2" not in sent and texts[1] not in sent and chunks[3].indexed_text not in sent


def test_each_text_is_made_when_its_block_comes():
    """The texts are made twice, one at a time (first their keys, then their blocks), never held all at once."""
    texts = [f"texte {i % 15}" for i in range(20)]  # the last five repeat the first ones
    made: list[int] = []
    at_call: list[int] = []

    def each() -> object:
        made.append(0)  # a new pass over the texts
        for text in texts:
            made[-1] += 1
            yield text

    def embed(block: list[str], meter: Meter | None) -> np.ndarray:
        at_call.append(made[-1])
        return np.stack([vector_of(text) for text in block])

    out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
    assert Embedding(embed, block=4).fill(out, each, str, {}) == 20  # type: ignore[arg-type]
    assert at_call == [4, 8, 12, 15]  # the last block when the 15th text is made: the texts after it repeat
    np.testing.assert_array_equal(out, np.stack([vector_of(text) for text in texts]))


class Counting(Embedder):
    """An embedder whose texts each count on the meter it is given."""

    name, dimension, max_tokens, languages = "counting", DIMENSION, 512, ("fr",)

    def count_tokens(self, texts, *, passage: bool = True) -> list[int]:
        return [len(text.split()) for text in texts]

    def _encode(self, texts: list[str], *, query: bool, meter: Meter | None) -> np.ndarray:
        for _ in texts:
            if meter is not None:
                meter.update()
        return np.stack([vector_of(text) for text in texts])


def test_one_progress_meter_counts_every_block_of_a_kind(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]):
    """Off a terminal an ingest says how far it is every 30 s (here every text): of every text of a kind, not of each
    block, and once at the end."""
    monkeypatch.setattr(base, "PROGRESS_LINE_SECONDS", 0.0)
    model = Counting()
    embedding = Embedding(lambda texts, meter: model.embed_passages(texts, progress=meter or False), block=3,
                          progress=True)
    out = np.zeros((7, DIMENSION), dtype=np.float32)
    embedding.fill(out, lambda: [f"texte {i}" for i in range(7)], str, {})
    lines = [line.rpartition(",")[0] for line in capsys.readouterr().err.splitlines()]
    assert lines == [f"embedding: {n} of 7 texts ({100 * n // 7}%)" for n in range(1, 8)] + ["embedding: 7 of 7 texts "
                                                                                              "(100%)"]
    model.embed_passages(["un", "deux"], progress=True)  # a meter of its own: closed once done
    assert capsys.readouterr().err.splitlines()[-1].startswith("embedding: 2 of 2 texts (100%)")
