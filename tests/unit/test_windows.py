"""Sentence windows (`rag.index.windows`), headings re-scored (`rag.index.headings`), accent restoring
(`rag.index.accents`): pure logic, no model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag.embedding.blocks import Embedding
from rag.index.accents import restore, spellings, unshouted
from rag.index.windows import Windows, window_spans, window_text, window_texts
from rag.ingestion.stages import passage_windows
from rag.passage import Chunk, sentence_spans, sentences


def _chunk(text: str, section: str | None = "Section") -> Chunk:
    return Chunk(id="d#0", doc_id="d", title="Titre", source="d.txt", section=section, url=None, start=0,
                 end=len(text), text=text)



def count(texts) -> list[int]:
    return [len(t.split()) + 2 for t in texts]


def test_short_passages_and_single_sentences_get_no_window():
    assert window_spans([30, 30], 64) == []  # 60 tokens: its own vector is its one window
    assert window_spans([200], 64) == []  # one sentence, however long
    assert window_spans([40, 40], 0) == []  # windows off
    assert passage_windows([_chunk("Une phrase. Une autre.")], count, 64) == [[]]


def test_windows_hold_at_most_size_tokens_and_move_by_half():
    lengths = [20] * 10  # 200 tokens
    spans = window_spans(lengths, 64)
    assert spans == [(0, 3), (2, 5), (4, 7), (6, 9), (8, 10)]
    for first, end in spans:
        assert sum(lengths[first:end]) <= 64
    # the next window starts after whole sentences totalling at least 32 tokens: two of 20


def test_a_long_sentence_stands_alone_and_the_windows_cover_every_sentence():
    lengths = [10, 100, 10, 10, 50, 5]
    spans = window_spans(lengths, 64)
    assert (1, 2) in spans  # longer than the window: alone
    covered = {i for first, end in spans for i in range(first, end)}
    assert covered == set(range(len(lengths)))
    starts = [first for first, _ in spans]
    assert starts == sorted(set(starts))  # every window starts later than the one before
    for first, end in spans:
        assert end - first == 1 or sum(lengths[first:end]) <= 64


def test_stride_never_passes_the_window_s_last_sentence():
    spans = window_spans([60, 60, 60], 64)  # each sentence alone: the next starts at the next sentence
    assert spans == [(0, 1), (1, 2), (2, 3)]


def test_window_text_is_the_heading_path_then_the_sentences():
    text = "Première phrase ici. Deuxième phrase là!\nTroisième ligne"
    chunk = _chunk(text)
    parts = sentences(text)
    assert parts == ["Première phrase ici.", "Deuxième phrase là!", "Troisième ligne"]
    assert window_text(chunk, parts, (1, 3)) == "Titre › Section\nDeuxième phrase là! Troisième ligne"
    assert window_texts([chunk, _chunk("x")], [[(0, 1)], []]) == ["Titre › Section\nPremière phrase ici."]


def test_passage_windows_count_tokens_without_the_prompt():
    text = " ".join(f"Phrase numéro {i} de dix mots pour la fenêtre courante." for i in range(12))  # 12 x 10 words
    spans = passage_windows([_chunk(text)], count, 64)[0]
    assert spans[0] == (0, 6)  # six sentences of 10 words: 60 <= 64 (the 2 prompt tokens not counted)
    assert spans[1][0] == 4  # four sentences (40 tokens >= 32) further on


def _windows() -> Windows:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    spans = np.array([[1, 0, 2], [1, 1, 3], [3, 0, 1], [3, 1, 2], [4, 0, 2]], dtype=np.int32)
    return Windows(vectors, spans)


def test_rescoring_some_rows_gives_what_a_scan_gives_for_them():
    windows = _windows()
    rng = np.random.default_rng(1)
    for vector in rng.normal(size=(20, 8)).astype(np.float32):
        best = windows.passage_scores(vector)
        for rows in ([4, 1, 3], [3, 3, 0], [0, 2, 5], [1], [4], [], [0, 1, 2, 3, 4, 5, 6]):
            asked = np.array(rows, dtype=np.int64)
            np.testing.assert_allclose(windows.rescore(asked, vector), windows.scores_of(asked, best), atol=1e-6)
            np.testing.assert_allclose(windows.scan_rows(asked, vector), windows.scores_of(asked, best), atol=1e-6)
    assert windows.rescore(np.array([0, 2]), vector).tolist() == [-np.inf, -np.inf]  # rows without windows
    empty = Windows(np.zeros((0, 8), dtype=np.float32), np.zeros((0, 3), dtype=np.int32))
    assert empty.rescore(np.array([0, 1]), vector).tolist() == [-np.inf, -np.inf]
    assert [windows.count_of(np.array(r)) for r in ([0, 1, 4], [3], [0, 2], [])] == [3, 2, 0, 0]
    assert empty.count_of(np.array([0, 1])) == 0


def test_scanning_many_rows_reads_their_stretch_or_gathers_their_windows_and_agrees_with_the_scan():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 8)).astype(np.float32)
    rows = np.repeat(np.arange(0, 200, 2), 3)  # 100 passages of 3 windows, every other row
    spans = np.stack([rows, np.tile([0, 1, 2], 100), np.tile([1, 2, 3], 100)], axis=1)
    windows = Windows(vectors, spans)
    vector = rng.normal(size=8).astype(np.float32)
    best = windows.passage_scores(vector)
    for asked in (np.arange(40, 90), np.array([0, 198]), np.array([2, 3, 150]), np.arange(200)):
        # a stretch they fill, a sparse pair (gathered), rows without windows among them, every row
        np.testing.assert_allclose(windows.scan_rows(asked, vector), windows.scores_of(asked, best), atol=1e-5)


def test_a_passage_scores_by_its_best_window_and_the_rows_are_found():
    windows = _windows()
    vector = windows.vectors[3]
    best = windows.passage_scores(vector)
    assert list(windows.rows) == [1, 3, 4]
    np.testing.assert_allclose(best[1], 1.0, atol=1e-6)  # passage 3 holds the window equal to the question
    scores = windows.scores_of(np.array([0, 3, 5]), best)
    assert scores[0] == -np.inf and scores[2] == -np.inf and abs(scores[1] - 1.0) < 1e-6
    assert windows.best_rows(best, 1)[0] == 3
    assert list(windows.best_rows(best, 5, within=np.array([0, 1, 2]))) == [1]
    assert len(windows.best_rows(best, 5, within=np.zeros(0, dtype=np.int64))) == 0


def test_a_passage_s_best_window_is_named_by_its_sentences():
    windows = _windows()
    for i, (row, first, end) in enumerate(windows.spans.tolist()):
        assert windows.best_span(row, windows.vectors[i]) == (first, end)
    assert windows.best_span(0, windows.vectors[0]) is None  # no window: its own vector is its one window


def test_a_best_window_s_own_sentences_are_those_no_other_window_of_its_passage_holds():
    """Windows overlap by half: what the closest window holds of its own is what brought it closer than its
    neighbours (`Windows.best_spans`; the answer's highlight goes there on a tie, `snippets.best_window`)."""
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(5, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    # passage 0: windows 0..2, 2..4 (the Spanish returns page's), passage 1: 0..3, 2..5, 4..6, passage 2: 0..2
    spans = np.array([[0, 0, 3], [0, 2, 4], [1, 0, 3], [1, 2, 5], [1, 4, 6]], dtype=np.int32)
    windows = Windows(vectors, spans)
    assert windows.best_spans(0, vectors[1]) == ((2, 4), (3, 4))  # sentence 2 is the first window's too
    assert windows.best_spans(0, vectors[0]) == ((0, 3), (0, 2))
    assert windows.best_spans(1, vectors[3]) == ((2, 5), (3, 4))  # between its two neighbours
    assert windows.best_spans(1, vectors[4]) == ((4, 6), (5, 6))
    assert windows.best_spans(2, vectors[0]) is None
    # a window whose every sentence another holds too is its own part whole
    covered = Windows(vectors[:3], np.array([[0, 0, 2], [0, 1, 3], [0, 0, 3]], dtype=np.int32))
    assert covered.best_spans(0, vectors[2]) == ((0, 3), (0, 3))


def test_sentence_spans_locate_each_sentence_in_the_text():
    text = "  Une phrase. Une autre ; encore.\n\n\tDeux !  Fin\u2028x"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == sentences(text) == ["Une phrase.", "Une autre ;", "encore.", "Deux !",
                                                                 "Fin", "x"]


def test_windows_are_saved_loaded_and_reused_by_text(tmp_path):
    windows = _windows()
    windows.save(tmp_path)
    loaded = Windows.load(tmp_path)
    assert loaded is not None
    np.testing.assert_array_equal(loaded.spans, windows.spans)
    assert Windows.load(tmp_path / "nothing-here") is None
    chunks = [_chunk(f"Un {row}. Deux {row}. Trois {row}.") for row in range(5)]
    spans = [[], [(0, 2), (1, 3)], [], [(0, 1), (1, 2)], [(0, 2)]]
    embedded: list[str] = []

    def embed(texts, meter):
        embedded.extend(texts)
        return np.ones((len(texts), 8), dtype=np.float32)

    built = Windows.build(chunks, spans, Embedding(embed), loaded.by_key(chunks), 8)
    assert embedded == []  # every window text was known
    np.testing.assert_array_equal(built.vectors, windows.vectors)
    twice = [_chunk("Un. Deux. Trois.")] * 2  # the same window text twice is embedded once
    Windows.build(twice, [[(0, 2), (1, 3)], [(0, 2)]], Embedding(embed), {}, 8)
    assert embedded == ["Titre › Section\nUn. Deux.", "Titre › Section\nDeux. Trois."]


def test_accents_are_restored_from_the_corpus_s_own_spellings():
    corpus = ["La carte de séjour est délivrée. " * 12, "Le séjour, les séjours. Où est la préfecture ?",
              "https://example.org/sejour-etranger Etat", "ou bien a la maison, ou la", "Où ? Là."]
    table = spellings(corpus)
    assert table["sejour"] == "séjour" and table["delivree"] == "délivrée"
    assert "ou" not in table and "a" not in table and "la" not in table  # written plain as often as accented
    assert restore("Sejour et delivree a la prefecture", table) == "Séjour et délivrée a la préfecture"
    assert restore("séjour déjà", table) == "séjour déjà"
    assert restore("anything", {}) == "anything"


def test_a_question_typed_in_capitals_is_embedded_in_lower_case():
    """The model reads capitals as other tokens: "COMBIEN COUTE LA LIVRAISON EXPRESS" ranked a price table out of the
    first two. In capitals, the dev set's answerable share went from 0.952 to 0.976, the chat messages' from 0.725 to
    0.875 (docs/EVALUATION.md); a short one is likelier acronyms, and mixed case is left as typed."""
    assert unshouted("COMBIEN COUTE LA LIVRAISON EXPRESS ?") == "Combien coute la livraison express ?"
    assert unshouted("« QUELS DOCUMENTS ACCEPTEZ-VOUS ? »") == "« Quels documents acceptez-vous ? »"
    assert unshouted("CB VISA OK?") == "CB VISA OK?" and unshouted("Délai SNCF ?") == "Délai SNCF ?"
    assert restore(unshouted("QUEL DELAI DE REMBOURSEMENT"), {"delai": "délai"}) == "Quel délai de remboursement"


def test_headings_rescore_each_row_by_its_heading_and_count_the_distinct_ones():
    from rag.index.headings import Headings

    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(3, 8)).astype(np.float32)
    headings = Headings(vectors, np.array([0, 1, 1, 2, 0]))
    vector = rng.normal(size=8).astype(np.float32)
    rows = np.array([4, 1, 2, 0])
    np.testing.assert_allclose(headings.rescore(rows, vector), (vectors @ vector)[[0, 1, 1, 0]], atol=1e-6)
    assert [float(headings.rescore(np.array([r]), vector)[0]) for r in rows] == headings.rescore(rows, vector).tolist()
    assert [headings.count_of(np.array(r, dtype=np.int64)) for r in ([4, 1, 2, 0], [1, 2], [])] == [2, 1, 0]


def test_a_section_heading_worded_as_a_question_scores_a_share_of_its_cosine_a_title_all_of_it():
    """A question-shaped section heading ("Wie wird der Abschlag berechnet?") is close to any question on its topic
    by its wording: it put itself above the sibling section that answers (docs/EVALUATION.md, "Answers on long help
    pages"). Its cosine counts `1 - QUESTION_DISCOUNT`, in the scan and re-scored alike; a statement heading and a
    document title worded as a question (one FAQ entry a document) keep theirs."""
    from rag.index.headings import QUESTION_DISCOUNT, Headings, asks

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(3, 8)).astype(np.float32)
    chunks = [_chunk("Texte.", "Abschlag › Wie wird der Abschlag berechnet? "), _chunk("Texte.", "Abschlag anpassen"),
              replace(_chunk("Texte.", None), title="Puis-je résilier ?")]
    assert [asks(c) for c in chunks] == [True, False, False]
    headings = Headings(vectors, np.array([0, 1, 2]))
    vector = rng.normal(size=8).astype(np.float32)
    whole = vectors @ vector
    headings.weigh(chunks)
    expected = whole * np.array([1 - QUESTION_DISCOUNT, 1, 1], dtype=np.float32)
    np.testing.assert_allclose(headings.scores(vector), expected, rtol=1e-6)
    np.testing.assert_allclose(headings.rescore(np.array([2, 0, 1]), vector), expected[[2, 0, 1]], rtol=1e-6)
