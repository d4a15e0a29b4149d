"""The lexical index of the session's seed index: fuzzy matching and BM25 scores."""

import numpy as np

from rag.index.lexical import LexicalIndex


def _closest_by_full_scan(lexical: LexicalIndex, term: str) -> tuple[str | None, int]:
    """The fuzzy match as first written (every vocabulary term compared, then the commonest, then alphabetical),
    and how many terms were equally close."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    vocabulary = list(lexical._sections.vocab)
    limit = 1 if len(term) < 9 else 2
    matches = process.extract(term, vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not matches:
        return None, 0
    nearest = min(distance for _, distance, _ in matches)
    tied = [str(t) for t, distance, _ in matches if distance == nearest]
    return min(tied, key=lambda t: (-lexical._sections.documents_with(t), t)), len(tied)


def _misspellings(term: str) -> set[str]:
    """A letter dropped, doubled, replaced, or swapped with its neighbour, at every position."""
    out = set()
    for i in range(len(term)):
        out |= {term[:i] + term[i + 1:], term[:i] + term[i] + term[i:], term[:i] + "x" + term[i + 1:],
                term[:i] + term[i + 1:i + 2] + term[i] + term[i + 2:]}
    return out


def test_fuzzy_matching_finds_what_a_full_scan_finds(index):
    # misspellings of every term of the seed corpus, and of words one or two edits from several terms at once
    lexical = LexicalIndex(index.lexical.analyzer, index.lexical._sections, index.lexical._unit_of_row)
    probes = sorted({m for term in lexical._sections.vocab for m in _misspellings(term) if len(m) >= 5}
                    | {"repond", "paiemen", "rembourssement", "zzzzzzzzzz", "cartes", "identitte"})
    ties = 0
    for probe in probes:
        expected, tied = _closest_by_full_scan(lexical, probe)
        assert lexical.closest(probe) == expected, probe
        assert lexical.closest(probe) == expected, probe  # remembered
        ties += tied > 1
    assert len(probes) > 2000 and ties > 50


def test_scores_are_those_of_bm25s(index):
    lexical = index.lexical
    for part in (lexical._sections, lexical._passages, lexical._section_pairs, lexical._passage_pairs):
        assert part is not None
        terms = [t for t in part.vocab if t]  # bm25s's own empty term has no postings and no score
        for start in range(0, len(terms), 7):
            query = terms[start:start + 5] + terms[start:start + 1] + ["not-a-term"]  # a term twice, one unknown
            expected = part.bm25.get_scores_from_ids([part.vocab[t] for t in query if t in part.vocab])
            assert np.array_equal(part.scores(query), expected)
