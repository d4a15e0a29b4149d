"""The embed stage's bookkeeping (`rag.ingestion.stages.embed_passages`): which passages are embedded, and how often
each text is sent to the model. The model here is a counter: what is checked is what reaches it."""

from __future__ import annotations

import hashlib
import unicodedata
from types import SimpleNamespace

import numpy as np

from rag.embedding.blocks import Embedding
from rag.index import headings, windows
from rag.ingestion.stages import embed_key, embed_passages


def test_identical_passages_are_embedded_once_and_each_gets_its_text_s_vector():
    """A file of one line repeated gave hundreds of identical passages, each embedded again (303 passages of 3
    distinct texts took 36.7 s); a passage whose vector is stored is not embedded at all."""
    sent: list[list[str]] = []

    def embed(texts: list[str], meter: object) -> np.ndarray:
        sent.append(texts)
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)

    chunks = [SimpleNamespace(indexed_text=t) for t in ["abc", "de", "abc", "fgh", "de", "abc", "stored"]]
    known = {embed_key(chunks[-1]): np.array([7, 7], dtype=np.float32)}  # type: ignore[arg-type]
    vectors, embedded = embed_passages(chunks, known, Embedding(embed), 2)  # type: ignore[arg-type]
    assert embedded == 6
    assert sent == [["abc", "de", "fgh"]]
    assert vectors.tolist() == [[3, 97], [2, 100], [3, 97], [3, 102], [2, 100], [3, 97], [7, 7]]
    sent.clear()
    assert embed_passages(chunks[:2], {}, Embedding(embed), 2)[1] == 2 and sent == [["abc", "de"]]  # type: ignore[arg-type]


def test_a_decomposed_text_s_stored_vectors_are_not_reused_and_a_composed_one_s_are():
    """The bundled model reads a decomposed text (NFD) as composed since stop 47: a vector stored for such a passage,
    heading or window was made from other tokens, and an ingest that reused it by its text would keep it for good. A
    composed text keeps the key it had, so that no build made before embeds anything again."""
    composed, decomposed = "Pièce d’identité acceptée", unicodedata.normalize("NFD", "Pièce d’identité acceptée")
    assert composed != decomposed
    as_before = {t: hashlib.sha256(t.encode()).hexdigest() for t in (composed, decomposed)}
    assert embed_key(SimpleNamespace(indexed_text=composed)) == as_before[composed]  # type: ignore[arg-type]
    assert embed_key(SimpleNamespace(indexed_text=decomposed)) != as_before[decomposed]  # type: ignore[arg-type]
    for key in (headings.key, windows.key):
        assert key(composed) not in (key(decomposed), as_before[composed])
        assert key(decomposed) != "heading\x00" + decomposed and key(decomposed) != "window\x00" + decomposed


def test_a_heading_s_and_a_window_s_reuse_keys_hold_a_hash_not_the_text():
    """A re-ingest holds the keys of every vector of the build before (`_previous_vectors`): windows are some 4 a
    passage, and a key that was the window's text held them all, 1.4 GB for a million passages of 350 characters."""
    long_text = "Le remboursement intervient sous 14 jours ouvrés après la réception du retour. " * 50
    for key in (headings.key, windows.key):
        assert len(key(long_text)) == len(key("Délais")) < 80
        assert "remboursement" not in key(long_text)
        assert key(long_text) == key(long_text) != key(long_text + " ")
