"""What writing and indexing a build holds beside the build itself: an array is written a piece at a time, and a
word pair met again is the string made the first time (docs/PERFORMANCE.md, "What ingest holds while it embeds")."""

from __future__ import annotations

import io
import tracemalloc

import numpy as np

from rag.index.analyzer import Analyzer
from rag.index.layout import save_arrays
from rag.index.lexical import LexicalIndex, pairs


def test_an_array_is_written_a_piece_at_a_time_as_numpy_writes_it(tmp_path):
    """`save_arrays` made the bytes of a whole array in a buffer, then copied them out: twice the array's size while
    a build's sentence windows (61 MB for 20,000 passages) were written."""
    array = np.arange(12_000_000, dtype=np.float32).reshape(-1, 384)  # 48 MB
    save_arrays(tmp_path, {"warm-up.npy": np.zeros(3)})
    tracemalloc.start()
    try:
        save_arrays(tmp_path, {"windows.npy": array})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < array.nbytes / 2  # 16 MiB pieces
    expected = io.BytesIO()
    np.save(expected, array)
    assert (tmp_path / "windows.npy").read_bytes() == expected.getvalue()


def test_a_word_pair_met_again_is_the_string_made_the_first_time():
    """The word pairs of 20,000 passages were 97 MB of strings while the lexical index was built, most of them
    repeats; each is now made once, and the index is the same."""
    made: dict[str, str] = {}
    first, again = pairs(["cart", "cred", "banc"], made), pairs(["ma", "cart", "cred"], made)
    assert first == ["cart cred", "cred banc"] and again == ["ma cart", "cart cred"]
    assert again[1] is first[0]
    assert pairs(["cart", "cred"]) == ["cart cred"]  # a question's pairs: nothing remembered
    texts = ["La carte de crédit est bloquée.", "Débloquer la carte de crédit en ligne.", "Carte de crédit perdue."]
    index = LexicalIndex.build(texts, Analyzer("fr"), k1=1.2, b=0.75)
    assert index.scores("carte de crédit bloquée").argmax() == 0
